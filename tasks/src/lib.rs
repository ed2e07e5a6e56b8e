//! Task programs for machsim: stock servers and clients, and a registry by name.
//!
//! A task program is an `async` function of its [`TaskContext`](kernel::TaskContext).
//! This crate holds the ones machsim ships ([`stock`], eight of them: an echo
//! server, a name server, a producer and a consumer of messages; a producer and a
//! consumer of the textbook's buffer in shared memory, `shm_producer` and
//! `shm_consumer`; and a writer and a reader of a pipe or a FIFO, `pipe_writer` and
//! `pipe_reader`), each written only against the kernel's public API, exactly as a
//! user would write one; and the [`Registry`] through which
//! scenario files name them (`program = "echo_server"`, `args = { ... }`), with
//! typed [`Args`] so a bad argument is reported before the run, naming the argument.
//!
//! Design principles:
//!
//! 1. Users' code: nothing here reaches past `kernel`'s public API, so every
//!    program is also an example of how to write one ([`guide`] explains how).
//! 2. Checked before the run: a registry builds a [`Program`] from its arguments or
//!    returns a [`BuildError`]; a built program never fails on its arguments.
//! 3. Deterministic: no hash-map iteration, no clock but the kernel's.
//!
//! # Examples
//! Build a program by name and spawn it into a kernel:
//! ```
//! use kernel::{Kernel, QueueLimit};
//! use tasks::{Args, Registry};
//!
//! let registry = Registry::stock();
//! let mut kernel = Kernel::builder().build();
//! let producer = registry.build("producer", &Args::new().with("count", 3)).unwrap();
//! let consumer = registry.build("consumer", &Args::new().with("count", 3)).unwrap();
//! kernel.spawn("producer", producer.into_factory());
//! kernel.spawn("consumer", consumer.into_factory());
//! kernel.allocate_port("consumer", "buffer", QueueLimit::DEFAULT).unwrap();
//! kernel.give_send_right("producer", "buffer").unwrap();
//! let report = kernel.run();
//! assert_eq!(report.outcome.as_str(), "completed");
//! assert!(report.violations.is_empty());
//! assert_eq!(report.crashed(), []);
//! ```

#![warn(missing_docs)]

mod args;
mod registry;
mod serve;
pub mod stock;

#[cfg(test)]
mod tests;

pub use args::{ArgError, ArgType, ArgValue, Args};
pub use registry::{ArgDoc, BuildError, Constructor, Program, ProgramInfo, Registry};

#[doc = include_str!("../../docs/guide/writing-a-task.md")]
pub mod guide {}
