//! Scenario files, the stepper, exporters and the `machsim` command line.
//!
//! This is the only crate that knows the scenario syntax, the file system and the terminal.

pub mod account;
pub mod bench;
pub mod cli;
pub mod diagnostic;
pub mod export;
pub mod model;
pub mod program_args;
pub mod run;
pub mod stepper;
pub mod syntax;
#[cfg(test)]
mod test_support;
