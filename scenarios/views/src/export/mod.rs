//! Exporters: a run's trace drawn for the viewers people use.
//!
//! - [`to_mermaid`]: a Mermaid `sequenceDiagram` (renders on GitHub, in mermaid.live
//!   and in most Markdown tools).
//! - [`to_chrome`]: Chrome trace-event JSON, for ui.perfetto.dev and chrome://tracing.
//! - [`to_msc`]: an ASCII message sequence chart for the terminal.
//!
//! Each reads only the trace (header and events), never the scenario, so a trace
//! file from another machine exports the same as a run made on the spot. Each
//! reads it through the fold ([`crate::stepper::State`]) for what the events
//! leave to the state (who holds a port's receive right, what a message is and
//! where, what a task waits on), and says what happened in the words of
//! [`crate::words`], the account's.
//!
//! The Mermaid and MSC exporters tell the same story (`story.rs`): the trace
//! reduced to one arrow per message, drawn where the message *ends* (received,
//! destroyed, handed back, or still in the kernel when the run stopped), and notes
//! for what tasks do meanwhile (block, wake, sleep, end, fail, meet a fault, use a
//! service: a note per memory, semaphore, pipe and named-pipe event, over the task
//! it is about or the task that caused it; a wait in a service blocks the lifeline
//! like a blocked receive). A service call's request to the kernel port is no
//! arrow, as no kernel-port request is. The Chrome exporter shows time: blocked
//! intervals as slices, messages as flow arrows from send to receive, queue depths
//! as counters.

mod chrome;
mod mermaid;
mod msc;
mod story;
#[cfg(test)]
mod tests;

pub use chrome::to_chrome;
pub use mermaid::to_mermaid;
pub use msc::to_msc;

pub(crate) use story::{Life, Step, Story, Who, story};

/// `text` with every character outside printable ASCII replaced: `?` for
/// non-ASCII, a space for control characters (newlines and tabs included).
pub(crate) fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c,
            c if c.is_control() => ' ',
            _ => '?',
        })
        .collect()
}
