//! The machsim trace: every change of kernel state as one event, and its two file forms.
//!
//! This crate is the trace model alone: the events and their vocabulary, the
//! records and header, and the writers and readers of JSON Lines and of the compact
//! binary form (postcard). Every fixed word an event carries is an enum: the
//! trace's own (wake and destruction reasons, receivers, call names, …) are defined
//! here, the words tasks share too (right kinds, notification kinds, schedule
//! kinds, queue limits, named-pipe modes and access, the LPC message types and port
//! kinds, NT's statuses) are `ports`' and re-exported. It knows nothing of the kernel's runtime, so the views
//! (the fold, the stepper, the exporters) read a trace without linking a kernel.
//! The kernel records into it (`kernel::trace::Recorder`) and re-exports it as
//! `kernel::trace`.

mod binary;
mod event;
mod float;
mod hex_bytes;
mod jsonl;
mod kind;
mod reader;
mod rules;
mod vocabulary;

pub use binary::{encode_record, write_binary, write_binary_header, write_binary_records};
pub use event::{CarriedRight, Event, Label, TraceHeader, TraceItem, TraceRecord};
pub use hex_bytes::HexBytes;
pub use jsonl::{write_jsonl, write_jsonl_record};
pub use kind::{EventKind, Service};
pub use ports::NtStatus;
pub use ports::lpc::{ClientId, DataEntry, LpcMessageType, LpcPortKind};
pub use ports::service::{Access, PipeMode};
pub use ports::{NotificationKind, PortType, QueueLimit, ScheduleKind};
pub use reader::{Trace, TraceError, read_trace};
pub use rules::{FieldError, MEMORY_WIDTHS};
pub use vocabulary::{
    CallName, Code, CopyDirection, FaultKind, LpcDestroyReason, LpcWaitKind, MessageDestroyReason,
    MessageOrigin, NamedPipeWait, PipeSide, PortDestroyReason, Receiver, ViewSide, WakeReason,
};
