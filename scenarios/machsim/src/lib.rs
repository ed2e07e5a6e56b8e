//! The `machsim` program: `run`, `check`, `step`, `export`, `bench`, `completions`.
//!
//! This is the only crate that touches the file system, prints, and draws on the
//! terminal (the stepper's screen, [`tui`]); everything it shows comes from the
//! `scenario` crate (files and runs) and the `views` crate (traces).

pub mod cli;
pub mod summary;
pub mod tui;
