//! The machsim kernel: Mach IPC, and the services on top of it (shared memory,
//! semaphores, pipes, named pipes, Windows NT's LPC), simulated deterministically
//! and traced.
//!
//! Tasks are `async` Rust functions given a [`TaskContext`]; each kernel call is an
//! `.await`, a trap and a scheduling point. A single-threaded run loop polls the
//! tasks in the order its scheduler picks (round robin, seeded random, or PCT);
//! virtual time jumps to the next timer when nothing can run. Every change of state
//! is recorded as one trace event.
//!
//! Design principles (the invariants are in `ARCHITECTURE.md`):
//!
//! 1. Mach 3.0's semantics: rights as capabilities in task-local name spaces,
//!    dispositions, queue limits and the four full-queue policies, notifications on
//!    request, clean-up on task death. Where machsim departs, `docs/` says why.
//! 2. Deterministic: no wall clock, no threads, no globals, no hash-map iteration
//!    that affects behaviour; the seed is the only source of randomness.
//! 3. Atomic calls: everything a call causes is done before another task runs.
//! 4. Nothing is lost: every message (Mach's, and the LPC service's) ends
//!    received, destroyed with a reason, or still queued (or parked in an LPC
//!    reply slot), and every run audits it.

#![warn(missing_docs)]

mod audit;
mod clock;
mod config;
mod context;
mod envelope;
mod error;
pub mod inspect;
mod ipc;
mod kernel_port;
mod notify;
mod port;
mod pset;
mod rights;
mod runtime;
mod sched;
pub mod services;
mod state;
mod syscall;
mod task;
pub mod trace;
mod violation;

pub use clock::{NS_PER_MS, Ticks};
pub use config::{Config, DEFAULT_MAX_MEMORY_OBJECT_BYTES};
pub use context::TaskContext;
pub use error::{
    ApiError, ConnectError, Error, KernError, LpcError, ReceiveError, SendError, SendStatus,
    TaskExit,
};
pub use kernel_port::KernelOp;
pub use runtime::{
    DeadlockReport, Kernel, KernelBuilder, Outcome, RunReport, TaskEnd, TaskFactory, TaskOutput,
    TaskReport,
};
pub use services::{
    AcceptConnect, Accepted, Access, Connection, LpcOp, PipeMode, PortView, Received,
    RemotePortView, ServiceError, ServiceOp, ServiceReply, Width,
};
pub use state::{Fault, MessageCounts};
pub use task::ReceiveOptions;
pub use violation::{Violation, ViolationKind};

pub use ports::lpc::{ClientId, DataEntry, LpcMessageType, LpcPortKind, PortMessage};
pub use ports::{
    Disposition, Header, Item, Message, MessageId, NotificationKind, NtStatus, Ool, PortId,
    PortItem, PortName, QueueLimit, ReceivePolicy, ReturnCode, RightKind, RightSet, ScheduleKind,
    SendPolicy, TaskId,
};

/// The README's examples, compiled and run as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
