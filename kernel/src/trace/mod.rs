//! The trace: every change of kernel state as one event, and its two file forms.
//!
//! The recorder lives in the kernel and is switched on or off for a whole run; when
//! off, no event is even built (every call site goes through [`Recorder::record`]
//! with a closure). Writers and readers for JSON Lines and for the compact binary
//! form (postcard) share one event type, so both forms carry the same events.

mod binary;
mod event;
mod jsonl;
mod reader;

pub use binary::write_binary;
pub use event::{CarriedRight, Event, HexBytes, Label, TraceHeader, TraceItem, TraceRecord};
pub use jsonl::{write_jsonl, write_jsonl_record};
pub use reader::{Trace, TraceError, read_trace};

use crate::clock::Ticks;

/// Collects events for one run.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    enabled: bool,
    records: Vec<TraceRecord>,
    next_seq: u64,
}

impl Recorder {
    pub(crate) fn new(enabled: bool) -> Recorder {
        Recorder {
            enabled,
            records: Vec::new(),
            next_seq: 1,
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records the event `build` makes, if tracing is on.
    #[inline]
    pub(crate) fn record(
        &mut self,
        now: Ticks,
        task: Option<&Label>,
        build: impl FnOnce() -> Event,
    ) {
        if self.enabled {
            let seq = self.next_seq;
            self.next_seq += 1;
            self.records.push(TraceRecord {
                seq,
                t_ns: now,
                task: task.cloned(),
                event: build(),
            });
        }
    }

    pub(crate) fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    pub(crate) fn take(&mut self) -> Vec<TraceRecord> {
        std::mem::take(&mut self.records)
    }
}
