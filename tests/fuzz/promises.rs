//! What a trace reader promises for any bytes: reading never panics; a trace that reads
//! keeps the format's rules and folds in the stepper without a panic (the stepper
//! records inconsistencies instead); an error says where the file breaks, at a line or
//! a byte offset within the file.
//!
//! The fuzz targets check it on every input, and `tests/it/trace_robustness.rs`
//! includes this file to check it on every trace its generators damage.

use trace::{Trace, TraceError, read_trace};

/// Reads `bytes` and checks what the reader promises; the result, for more checks.
pub(crate) fn read_and_fold(bytes: &[u8]) -> Result<Trace, TraceError> {
    let read = read_trace(bytes);
    match &read {
        Ok(trace) => {
            for record in &trace.records {
                assert_eq!(record.event.validate(), Ok(()), "{record:?}");
            }
            let state = views::stepper::State::from_records(&trace.records);
            let _ = state.inconsistency_count();
        }
        Err(TraceError::Empty) => assert!(bytes.is_empty()),
        Err(error) => {
            let text = error.to_string();
            assert!(
                text.starts_with("line ") || text.starts_with("byte offset "),
                "{text}"
            );
            let position = match error {
                TraceError::BadLine { line, .. } => *line,
                TraceError::BadRecord { offset, .. } => *offset,
                _ => 0,
            };
            assert!(position <= bytes.len() + 1, "{text}");
        }
    }
    read
}
