//! The trace: every change of kernel state as one event, and its two file forms.
//!
//! The trace model (events, records, writers and readers) is its own crate,
//! `trace`, readable without the kernel; it is re-exported here whole. What lives
//! here is the kernel's side of it: the [`Recorder`], switched on or off for a whole
//! run; when off, no event is even built (every call site goes through
//! [`Recorder::record`] with a closure).

pub use ::trace::*;

use crate::clock::Ticks;

/// Collects events for one run: kept as records, or encoded at once (streaming).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    enabled: bool,
    records: Vec<TraceRecord>,
    /// The binary form being written as events happen, when streaming.
    encoded: Option<Vec<u8>>,
    /// Where one record is encoded before it is appended.
    scratch: Vec<u8>,
    next_seq: u64,
}

impl Recorder {
    pub(crate) fn new(enabled: bool, stream_binary: bool) -> Recorder {
        Recorder {
            enabled,
            records: Vec::new(),
            encoded: stream_binary.then(Vec::new),
            scratch: Vec::new(),
            next_seq: 1,
        }
    }

    /// The streamed binary records, if this recorder streams.
    pub(crate) fn take_encoded(&mut self) -> Option<Vec<u8>> {
        self.encoded.as_mut().map(std::mem::take)
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records the event `build` makes, if tracing is on.
    #[inline]
    pub(crate) fn record(
        &mut self,
        now: Ticks,
        task: Option<Label>,
        build: impl FnOnce() -> Event,
    ) {
        if self.enabled {
            let seq = self.next_seq;
            self.next_seq += 1;
            let record = TraceRecord {
                seq,
                t_ns: now,
                task,
                event: build(),
            };
            match self.encoded.as_mut() {
                Some(out) => {
                    // Encoding a well-formed event cannot fail; if it ever did, the
                    // record is kept in memory rather than lost, and what was
                    // encoded before stays. The scratch buffer is reused, so an
                    // event costs no allocation once it has grown.
                    let scratch = std::mem::take(&mut self.scratch);
                    match postcard::to_extend(&record, scratch) {
                        Ok(bytes) => {
                            out.extend_from_slice(&bytes);
                            self.scratch = bytes;
                            self.scratch.clear();
                        }
                        Err(_) => self.records.push(record),
                    }
                }
                None => self.records.push(record),
            }
        }
    }

    pub(crate) fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    pub(crate) fn take(&mut self) -> Vec<TraceRecord> {
        std::mem::take(&mut self.records)
    }
}
