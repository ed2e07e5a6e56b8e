//! Inputs that reach one trace reader: a valid header line, then the fuzzer's bytes.

use trace::TraceHeader;

/// A header line of `version`, then `first` (which picks the form: `{` for JSON Lines,
/// anything else for binary records), then `data`.
pub(crate) fn after_header(version: u32, first: &[u8], data: &[u8]) -> Vec<u8> {
    let mut header = TraceHeader::new("fuzz", 0, trace::ScheduleKind::RoundRobin);
    header.version = version;
    let mut bytes = Vec::new();
    trace::write_jsonl(&mut bytes, &header, &[]).expect("writing to memory");
    bytes.extend_from_slice(first);
    bytes.extend_from_slice(data);
    bytes
}
