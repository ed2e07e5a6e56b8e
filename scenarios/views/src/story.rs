//! The readable account of a run: a line per event that matters, in plain English.

use crate::stepper::State;
use crate::words::sentence;
use std::fmt::Write;
use trace::TraceRecord;

pub use crate::words::time;

/// How to paint the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    /// `text` in the ANSI style `code` (SGR), or plain without colour.
    pub fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Something to watch: a wait, a blocked sender.
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Something that went well.
    pub fn ok(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Something that went wrong.
    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Something of less account.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// A heading.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// The account of a trace: time, task, and the sentence of every event that is
/// not bookkeeping ([`crate::words::Sentence::routine`]).
pub fn account(trace: &[TraceRecord], style: Style) -> String {
    let mut out = String::new();
    let width = column_width(
        trace.iter().filter_map(|r| r.task.as_deref()).map(str::len),
        "kernel",
    );
    let mut state = State::new();
    for record in trace {
        let said = sentence(record, &state);
        state.apply(record);
        if said.routine {
            continue;
        }
        let task = record.task.as_deref().unwrap_or("kernel");
        let _ = writeln!(
            out,
            "{} {:width$}  {}",
            style.dim(&format!("{:>12}", time(record.t_ns))),
            task,
            said.told()
        );
    }
    out
}

/// The width of a table's first column: its longest label, or its heading.
pub fn column_width(labels: impl Iterator<Item = usize>, heading: &str) -> usize {
    labels.max().unwrap_or(0).max(heading.len())
}
