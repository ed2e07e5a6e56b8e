//! The words of the views: every event, wait, place and value a view shows in
//! English is put into words here, once.
//!
//! - [`sentence`]: an event as one sentence, read against the fold's state before
//!   it. The account says it with its subject ([`Sentence::told`]); a note over a
//!   task's lifeline (Mermaid, MSC) or an instant on its track (Chrome) says it
//!   without ([`Sentence::noted`]). Which events a view tells, and over whom, is
//!   the view's choice; what it says about them is this module's.
//! - [`waits`]: what a task is doing or waiting for: in full for the stepper's
//!   state, in brief for its task pane, and as a chart's slice or note.
//! - [`messages`]: where a message is, how it ended, and the labels a chart draws
//!   on a message's arrow.
//! - [`ports`]: who receives from a port, and the notifications asked about it.
//! - [`values`]: body items, carried rights, bytes, counts and times.
//!
//! The stepper's event line (`stepper::render::what`) is not English but the trace
//! record spelled out, kind and fields, in the trace's own vocabulary (its search
//! finds `send_blocked` or `msg 4`); it spells values with [`values`].

pub mod messages;
pub mod ports;
mod sentence;
#[cfg(test)]
mod tests;
pub mod values;
pub mod waits;

pub use sentence::{Outcome, Sentence, sentence};
pub use values::{plural, time};

/// How much a state's words say, where the stepper shows it in more than one
/// place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// A line of the stepper's state (`machsim step --at`): `ready`, `blocked
    /// sending msg 6 to jobs since 1.000 ms`, `just sent`, `receiver server`.
    Line,
    /// The stepper's detail pane: as a line, with a word more where one helps:
    /// `ready (runnable)`, `just sent, entering the kernel`.
    Detail,
    /// The stepper's task and port panes, in few words: `blocked send #6 to
    /// jobs`, `recv server`.
    Brief,
}
