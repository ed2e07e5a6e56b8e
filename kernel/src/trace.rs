//! The trace: every change of kernel state as one event, and its two file forms.
//!
//! The trace model (events, records, writers and readers) is its own crate,
//! `trace`, readable without the kernel; it is re-exported here whole. What lives
//! here is the kernel's side of it: the [`Recorder`], switched on or off for a whole
//! run; when off, no event is even built (every call site goes through
//! [`Recorder::record`] with a closure).

pub use ::trace::*;

use crate::clock::Ticks;
use std::io::Write;

/// Collects events for one run: kept as records, encoded into the binary form as
/// they happen (into memory, or into a writer the embedder handed over), or both.
#[derive(Default)]
pub(crate) struct Recorder {
    enabled: bool,
    /// Keep every record in memory (off when the trace is only streamed).
    keep: bool,
    records: Vec<TraceRecord>,
    /// Where the binary form goes as records are made, if anywhere.
    stream: Option<Stream>,
    /// Where one record is encoded before it is written; reused, so an event
    /// costs no allocation once it has grown.
    scratch: Vec<u8>,
    /// Why streaming stopped: the writer or the encoder failed. The run stops.
    failed: Option<String>,
    next_seq: u64,
}

/// The destination of a streamed binary trace.
enum Stream {
    /// Appended to a buffer the embedder takes at the end (`take_binary_trace`).
    Memory(Vec<u8>),
    /// Written to the embedder's writer as each record is made, so the kernel
    /// holds nothing however long the run.
    Writer(Box<dyn Write + Send>),
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("enabled", &self.enabled)
            .field("keep", &self.keep)
            .field("records", &self.records.len())
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder that keeps its records (`enabled`), or encodes them into memory
    /// instead (`stream_binary` too).
    pub(crate) fn new(enabled: bool, stream_binary: bool) -> Recorder {
        Recorder {
            enabled,
            keep: enabled && !stream_binary,
            stream: stream_binary.then(|| Stream::Memory(Vec::new())),
            next_seq: 1,
            ..Recorder::default()
        }
    }

    /// From now on, writes every record's binary form to `out` as it is made,
    /// after those kept so far; tracing is switched on if it was off. With
    /// `keep`, records are still kept in memory too.
    pub(crate) fn stream_to(&mut self, out: Box<dyn Write + Send>, keep: bool) {
        self.enabled = true;
        self.stream = Some(Stream::Writer(out));
        let kept = std::mem::take(&mut self.records);
        for record in &kept {
            self.write(record);
        }
        self.keep = keep;
        if keep {
            self.records = kept;
        }
    }

    /// The streamed binary records, if this recorder streams into memory.
    pub(crate) fn take_encoded(&mut self) -> Option<Vec<u8>> {
        match &mut self.stream {
            Some(Stream::Memory(bytes)) => Some(std::mem::take(bytes)),
            _ => None,
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Why the streamed trace could not be written, if it could not.
    pub(crate) fn failure(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    /// Records the event `build` makes, if tracing is on. Returns false if the
    /// record could not be written to the stream (the run must stop).
    #[inline]
    pub(crate) fn record(
        &mut self,
        now: Ticks,
        task: Option<Label>,
        build: impl FnOnce() -> Event,
    ) -> bool {
        if !self.enabled {
            return true;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let record = TraceRecord {
            seq,
            t_ns: now,
            task,
            event: build(),
        };
        let written = self.stream.is_none() || self.write(&record);
        if self.keep {
            self.records.push(record);
        }
        written
    }

    /// Encodes `record` onto the stream; false (and streaming stopped) if the
    /// encoder or the writer fails.
    fn write(&mut self, record: &TraceRecord) -> bool {
        let Some(stream) = &mut self.stream else {
            return true;
        };
        let cannot_encode = |e| format!("record {} cannot be encoded: {e}", record.seq);
        let result = match stream {
            Stream::Memory(out) => {
                // Straight onto the end of the buffer; a record that fails is cut off.
                let length = out.len();
                encode_record(record, out).map_err(|e| {
                    out.truncate(length);
                    cannot_encode(e)
                })
            }
            Stream::Writer(out) => {
                self.scratch.clear();
                match encode_record(record, &mut self.scratch) {
                    Ok(()) => out.write_all(&self.scratch).map_err(|e| e.to_string()),
                    Err(e) => Err(cannot_encode(e)),
                }
            }
        };
        match result {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e);
                self.stream = None;
                false
            }
        }
    }

    /// Flushes the writer the trace streams to; false (and the failure kept) if
    /// that fails.
    pub(crate) fn flush(&mut self) -> bool {
        let Some(Stream::Writer(out)) = &mut self.stream else {
            return true;
        };
        match out.flush() {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e.to_string());
                self.stream = None;
                false
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
