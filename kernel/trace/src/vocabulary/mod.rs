//! The trace's own fixed words: why a task woke or a port died, who received, which
//! call finished and with what result, what a fault did, which side of a pipe, and
//! the LPC service's reasons, waits, views and copies.
//!
//! Words that tasks and scenario files use too (right kinds, notification kinds,
//! schedule kinds, queue limits, named-pipe modes and access) are `ports`' and are
//! re-exported at the crate root; the words here only the trace (and the kernel
//! that records it) needs. Each is an enum spelled once, with `as_str` and
//! `Display` for where text is shown.

mod call;
mod code;
mod fault;
mod lpc;
mod one_word;
mod origin;
mod reason;
mod receiver;
mod service;

pub use call::CallName;
pub use code::Code;
pub use fault::FaultKind;
pub use lpc::{CopyDirection, LpcDestroyReason, LpcWaitKind, ViewSide};
pub use origin::MessageOrigin;
pub use reason::{MessageDestroyReason, PortDestroyReason, WakeReason};
pub use receiver::Receiver;
pub use service::{NamedPipeWait, PipeSide};
