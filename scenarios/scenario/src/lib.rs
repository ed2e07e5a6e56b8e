//! Scenario files: the format, its diagnostics, and running a scenario on the kernel.
//!
//! [`syntax::parse`] reads a file into a [`model::Scenario`] with every problem as a
//! [`diagnostic::Diagnostic`]; [`run::prepare`] lowers it to a `kernel::Kernel` and
//! [`run::execute`] runs it and judges its expectations. This crate knows the
//! scenario syntax; it prints nothing and opens no file.

pub mod diagnostic;
pub mod model;
pub mod program_args;
pub mod run;
pub mod syntax;
