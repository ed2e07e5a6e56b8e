//! The Mach IPC vocabulary: names, rights, messages, queues and return codes.
//!
//! This crate is the pure layer of machsim. It knows nothing of tasks, scheduling,
//! time, services or tracing; it holds the data structures whose rules Mach defines
//! (a task's name space, the effect of each right disposition, a message's size, a
//! queue's limit) and returns outcomes that the `kernel` crate acts on.
//!
//! Beside Mach it holds Windows NT's local procedure call as data ([`lpc`]: the
//! message header and its length rules, the message types, the port kinds, the
//! client id) and NT's status codes ([`NtStatus`]), which the LPC calls return.
//!
//! It also holds, as plain data, the fixed words the layers above share: the
//! kinds of notification, the schedule kinds, and the services' words that tasks
//! pass and traces show ([`service`]), each an enum spelled once
//! ([`word_enum!`]).
//!
//! Design principles:
//!
//! 1. Names from Mach: a `PortName` is task-local and meaningless elsewhere, a
//!    `PortId` is the kernel's identity of a port, rights are `RightKind`s moved by
//!    `Disposition`s, failures are Mach's return codes.
//! 2. Pure: no I/O, no clock, no randomness, no iteration over hash maps.
//! 3. Every operation either succeeds completely or changes nothing.

#![warn(missing_docs)]

mod words;

pub mod ids;
pub mod lpc;
pub mod message;
pub mod notification;
pub mod nt_status;
pub mod queue;
pub mod return_code;
pub mod right;
pub mod schedule;
pub mod service;
pub mod space;

pub use ids::{MessageId, MessageSerial, PortId, PortName, PortSetId, TaskId};
pub use message::{Header, Item, Message, Ool, PortItem, header_size, item_size, message_size};
pub use notification::NotificationKind;
pub use nt_status::NtStatus;
pub use queue::{MessageQueue, QueueLimit, ReceivePolicy, SendPolicy};
pub use return_code::ReturnCode;
pub use right::{Disposition, PortType, RightKind, RightSet, UREFS_MAX};
pub use schedule::ScheduleKind;
pub use space::{Entry, EntryObject, PortSpace, SpaceError};
