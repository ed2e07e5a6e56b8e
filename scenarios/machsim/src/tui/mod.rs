//! The interactive stepper: `machsim step FILE` on a terminal.
//!
//! The screen shows the event list round the current event, the tasks, the ports
//! with their queues and blocked senders, the detail of the current event and its
//! message, and a status bar; keys step forward and backward, jump to an event or a
//! virtual time, follow a task, a port or a message, and search (`docs/stepping.md`
//! lists them all, and `?` shows them).
//!
//! [`App`] is the whole of it as a value: [`App::handle`] applies a key and
//! [`App::draw`] paints a frame, so tests drive it on a `TestBackend`. [`run`] is
//! the thin loop that puts the terminal in raw mode and the alternate screen,
//! draws, reads keys, and restores the terminal however it ends (see `terminal.rs`).
//! Stepping backward costs one checkpoint clone plus at most K − 1 folded events
//! ([`views::stepper::Checkpoints`]), whatever the trace's length.

mod app;
mod detail;
mod draw;
mod event_list;
mod help;
mod keys;
mod port_pane;
mod prompt;
mod search;
mod status_bar;
mod task_pane;
mod terminal;
#[cfg(test)]
mod tests;
mod text;
mod theme;

pub use app::{Action, App, Focus, Note};
pub use prompt::{Prompt, PromptKind};
pub use search::Search;
pub use terminal::run;
