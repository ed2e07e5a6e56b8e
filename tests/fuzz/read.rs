//! What every trace target checks: reading never panics; a trace that reads keeps the
//! format's rules and folds in the stepper without a panic; an error says where the
//! file breaks.

use trace::{TraceError, TraceHeader, read_trace};

/// A header line of `version`, then `first` (which picks the form), then `data`.
pub fn after_header(version: u32, first: &[u8], data: &[u8]) -> Vec<u8> {
    let mut header = TraceHeader::new("fuzz", 0, trace::ScheduleKind::RoundRobin);
    header.version = version;
    let mut bytes = header_line(&header);
    bytes.extend_from_slice(first);
    bytes.extend_from_slice(data);
    bytes
}

/// The header's line, as both forms start.
fn header_line(header: &TraceHeader) -> Vec<u8> {
    let mut bytes = Vec::new();
    trace::write_jsonl(&mut bytes, header, &[]).expect("writing to memory");
    bytes
}

/// Reads `data` and checks what the reader promises.
pub fn read_and_fold(data: &[u8]) {
    match read_trace(data) {
        Ok(trace) => {
            for record in &trace.records {
                assert_eq!(record.event.validate(), Ok(()));
            }
            let state = views::stepper::State::from_records(&trace.records);
            let _ = state.inconsistency_count();
        }
        Err(TraceError::Empty) => assert!(data.is_empty()),
        Err(error) => {
            let text = error.to_string();
            assert!(
                text.starts_with("line ") || text.starts_with("byte offset "),
                "{text}"
            );
        }
    }
}
