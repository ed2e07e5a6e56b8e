//! Reading a trace back, in either form, with a clear error for a bad file.

use crate::{Event, TraceHeader, TraceRecord};
use serde_json::{Map, Value};

/// A trace read from a file: its header and its events.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The first line.
    pub header: TraceHeader,
    /// The events, in order.
    pub records: Vec<TraceRecord>,
}

/// Why a trace could not be read. Each says where the file breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// The file is empty.
    #[error(
        "the trace is empty: expected a header line such as {{\"format\":\"machsim-trace\",\"version\":1,...}}"
    )]
    Empty,
    /// The first line is not a machsim trace header.
    #[error("line 1: not a machsim trace header: {0}")]
    BadHeader(String),
    /// The trace was written by a newer, incompatible machsim.
    #[error(
        "line 1: trace format version {found} is newer than this machsim reads (up to {supported}); upgrade machsim"
    )]
    NewerVersion {
        /// The file's major version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// A binary trace in an older encoding than this build reads: its records would
    /// be misread, so it is refused whole.
    #[error(
        "line 1: binary trace version {found} is older than this machsim reads (version {supported}); record the run again, or write it as JSON Lines with the machsim that recorded it"
    )]
    OldBinaryVersion {
        /// The file's binary version.
        found: u32,
        /// The binary version this build reads.
        supported: u32,
    },
    /// A JSON Lines event is malformed or torn.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A binary record is corrupt or torn.
    #[error("byte offset {offset}: {message}")]
    BadRecord {
        /// Byte offset of the record that fails.
        offset: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads a trace in either form, telling them apart by what follows the header
/// line: JSON Lines events start with `{`, binary records do not.
///
/// # Errors
/// A [`TraceError`] naming the line or byte offset where the file breaks.
pub fn read_trace(bytes: &[u8]) -> Result<Trace, TraceError> {
    if bytes.is_empty() {
        return Err(TraceError::Empty);
    }
    let header_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let rest = bytes.get(header_end + 1..).unwrap_or(&[]);
    let form = match rest.first() {
        None => Form::Empty,
        Some(b'{') => Form::JsonLines,
        Some(_) => Form::Binary,
    };
    let header = parse_header(&bytes[..header_end], form)?;
    let (records, offsets) = if form != Form::Binary {
        (read_jsonl_records(rest)?, Vec::new())
    } else {
        read_binary_records(rest, header_end + 1)?
    };
    check_records(&records, &offsets)?;
    Ok(Trace { header, records })
}

/// Which form the records after the header line are in (none: either form's
/// empty trace).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Empty,
    JsonLines,
    Binary,
}

/// The header, checked against the form of the records that follow: JSON Lines up
/// to [`TraceHeader::VERSION`], binary exactly [`TraceHeader::BINARY_VERSION`].
/// Either way the header read back says [`TraceHeader::VERSION`], so a trace reads
/// the same from both forms.
fn parse_header(line: &[u8], form: Form) -> Result<TraceHeader, TraceError> {
    let value: Value =
        serde_json::from_slice(line).map_err(|e| TraceError::BadHeader(e.to_string()))?;
    let format = value.get("format").and_then(Value::as_str);
    if format != Some(TraceHeader::FORMAT) {
        return Err(TraceError::BadHeader(format!(
            "expected \"format\":\"{}\"",
            TraceHeader::FORMAT
        )));
    }
    let version = value
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| TraceError::BadHeader("expected a numeric \"version\"".into()))?;
    let found = u32::try_from(version).unwrap_or(u32::MAX);
    let supported = match form {
        Form::Binary => TraceHeader::BINARY_VERSION,
        Form::JsonLines => TraceHeader::VERSION,
        Form::Empty => TraceHeader::VERSION.max(TraceHeader::BINARY_VERSION),
    };
    if found > supported {
        return Err(TraceError::NewerVersion { found, supported });
    }
    if form == Form::Binary && found < supported {
        return Err(TraceError::OldBinaryVersion { found, supported });
    }
    let mut header: TraceHeader =
        serde_json::from_value(value).map_err(|e| TraceError::BadHeader(e.to_string()))?;
    header.version = TraceHeader::VERSION;
    Ok(header)
}

fn read_jsonl_records(text: &[u8]) -> Result<Vec<TraceRecord>, TraceError> {
    let mut records = Vec::new();
    let mut lines = text.split(|b| *b == b'\n').enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let line_no = index + 2;
        if line.is_empty() {
            if lines.peek().is_none() {
                break;
            }
            return Err(TraceError::BadLine {
                line: line_no,
                message: "empty line; expected one event per line".into(),
            });
        }
        let value: Value = serde_json::from_slice(line).map_err(|e| TraceError::BadLine {
            line: line_no,
            message: if lines.peek().is_none() {
                format!("the last line is torn or malformed ({e})")
            } else {
                e.to_string()
            },
        })?;
        records.push(from_flat(value).map_err(|message| TraceError::BadLine {
            line: line_no,
            message,
        })?);
    }
    Ok(records)
}

fn from_flat(value: Value) -> Result<TraceRecord, String> {
    let Value::Object(mut map) = value else {
        return Err("expected a JSON object".into());
    };
    let seq = map
        .remove("seq")
        .and_then(|v| v.as_u64())
        .ok_or("missing numeric `seq`")?;
    let t_ns = map
        .remove("t_ns")
        .and_then(|v| v.as_u64())
        .ok_or("missing numeric `t_ns`")?;
    let task = match map.remove("task") {
        Some(Value::String(s)) => Some(s.into()),
        Some(Value::Null) | None => None,
        Some(_) => return Err("`task` must be a string or null".into()),
    };
    let kind = match map.remove("event") {
        Some(Value::String(s)) => s,
        _ => return Err("missing string `event`".into()),
    };
    let mut tagged = Map::new();
    tagged.insert(kind.clone(), Value::Object(map));
    let mut event: Event = serde_json::from_value(Value::Object(tagged))
        .map_err(|e| format!("bad `{kind}` event: {e}"))?;
    // `success` is the one word Mach and NT share: an LPC call's is NT's.
    if let Event::KernelCall { call, code } = &mut event {
        *code = code.for_call(*call);
    }
    Ok(TraceRecord {
        seq,
        t_ns,
        task,
        event,
    })
}

/// The records, and the byte offset where each starts (for error messages).
fn read_binary_records(
    bytes: &[u8],
    base: usize,
) -> Result<(Vec<TraceRecord>, Vec<usize>), TraceError> {
    let mut records = Vec::new();
    let mut offsets = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let offset = base + (bytes.len() - rest.len());
        let (record, tail) =
            postcard::take_from_bytes::<TraceRecord>(rest).map_err(|e| TraceError::BadRecord {
                offset,
                message: format!("corrupt or torn record ({e})"),
            })?;
        records.push(record);
        offsets.push(offset);
        rest = tail;
    }
    Ok((records, offsets))
}

/// Checks, for both forms alike, that events are numbered 1, 2, 3, …, that time
/// never goes back, and that every event keeps the format's rules for its fields
/// ([`Event::validate`]). `offsets` holds each record's byte offset for the binary
/// form (empty for JSON Lines, where event `i` is on line `i + 2`).
fn check_records(records: &[TraceRecord], offsets: &[usize]) -> Result<(), TraceError> {
    let mut last_t = 0;
    for (i, record) in records.iter().enumerate() {
        let expected = i as u64 + 1;
        let problem = if record.seq != expected {
            Some(format!(
                "event number {} where {expected} was expected",
                record.seq
            ))
        } else if record.t_ns < last_t {
            Some(format!(
                "virtual time goes back from {last_t} to {} ns",
                record.t_ns
            ))
        } else {
            record
                .event
                .validate()
                .err()
                .map(|error| format!("bad `{}` event: {error}", record.event.kind()))
        };
        if let Some(message) = problem {
            return Err(match offsets.get(i) {
                Some(offset) => TraceError::BadRecord {
                    offset: *offset,
                    message,
                },
                None => TraceError::BadLine {
                    line: i + 2,
                    message,
                },
            });
        }
        last_t = record.t_ns;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TraceError, read_trace};
    use crate::{
        CallName, Code, Event, NtStatus, PortType, ScheduleKind, TraceHeader, TraceRecord,
        WakeReason, write_binary, write_jsonl,
    };
    use ports::ReturnCode;

    fn sample() -> (TraceHeader, Vec<TraceRecord>) {
        let header = TraceHeader::new("sample", 1, ScheduleKind::Random);
        let records = vec![TraceRecord {
            seq: 1,
            t_ns: 0,
            task: None,
            event: Event::TaskWoken {
                name: "a".into(),
                reason: WakeReason::Timeout,
            },
        }];
        (header, records)
    }

    #[test]
    fn json_lines_read_an_lpc_calls_success_as_nts() {
        let header = TraceHeader::new("lpc", 1, ScheduleKind::RoundRobin);
        let call = |seq, call, code| TraceRecord {
            seq,
            t_ns: 0,
            task: Some("a".into()),
            event: Event::KernelCall { call, code },
        };
        let records = vec![
            call(1, CallName::NtReplyPort, Code::Nt(NtStatus::Success)),
            call(2, CallName::Allocate, Code::Mach(ReturnCode::Success)),
        ];
        let mut jsonl = Vec::new();
        write_jsonl(&mut jsonl, &header, &records).unwrap();
        assert!(String::from_utf8_lossy(&jsonl).contains(r#""code":"success""#));
        assert_eq!(read_trace(&jsonl).unwrap().records, records);
    }

    fn header_line(bytes: &[u8]) -> &str {
        let end = bytes
            .iter()
            .position(|b| *b == b'\n')
            .unwrap_or(bytes.len());
        std::str::from_utf8(&bytes[..end]).expect("the header is text")
    }

    #[test]
    fn each_form_says_its_version_and_both_read_back_the_same_trace() {
        let (header, records) = sample();
        let mut jsonl = Vec::new();
        write_jsonl(&mut jsonl, &header, &records).expect("memory");
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &records).expect("memory");
        assert!(header_line(&jsonl).contains("\"version\":1,"));
        assert!(header_line(&binary).contains("\"version\":2,"));
        let from_jsonl = read_trace(&jsonl).expect("JSON Lines reads");
        let from_binary = read_trace(&binary).expect("binary reads");
        assert_eq!(from_jsonl, from_binary);
        assert_eq!(from_binary.header, header);
        assert_eq!(from_binary.records, records);
    }

    #[test]
    fn an_event_that_breaks_a_rule_of_its_fields_is_refused_where_it_is_in_either_form() {
        let (header, mut records) = sample();
        records.push(TraceRecord {
            seq: 2,
            t_ns: 0,
            task: None,
            event: Event::RightChanged {
                holder: "a".into(),
                name: 769,
                port: "p".into(),
                right: PortType::Send,
                urefs: 70_000,
            },
        });
        let mut jsonl = Vec::new();
        write_jsonl(&mut jsonl, &header, &records).expect("memory");
        assert_eq!(
            read_trace(&jsonl),
            Err(TraceError::BadLine {
                line: 3,
                message: "bad `right_changed` event: `urefs` is 70000, over Mach's limit of 65535 user references".into()
            })
        );
        records[1].event = Event::MemoryWritten {
            object: "m".into(),
            offset: 0,
            width: 3,
            value: 7,
        };
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &records[..1]).expect("memory");
        let second = binary.len();
        binary.clear();
        write_binary(&mut binary, &header, &records).expect("memory");
        assert_eq!(
            read_trace(&binary),
            Err(TraceError::BadRecord {
                offset: second,
                message: "bad `memory_written` event: `width` is 3; a memory access is 1, 2, 4 or 8 bytes wide".into()
            })
        );
    }

    #[test]
    fn an_empty_binary_trace_reads() {
        let (header, _) = sample();
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &[]).expect("memory");
        assert_eq!(read_trace(&binary).expect("reads").header, header);
    }

    #[test]
    fn a_binary_trace_of_another_version_is_refused() {
        let (header, records) = sample();
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &records).expect("memory");
        let text = header_line(&binary).to_string();
        let with_version = |version: &str| {
            let mut bytes = text.replace("\"version\":2,", version).into_bytes();
            bytes.extend_from_slice(&binary[text.len()..]);
            bytes
        };
        assert_eq!(
            read_trace(&with_version("\"version\":1,")),
            Err(TraceError::OldBinaryVersion {
                found: 1,
                supported: 2
            })
        );
        assert_eq!(
            read_trace(&with_version("\"version\":3,")),
            Err(TraceError::NewerVersion {
                found: 3,
                supported: 2
            })
        );
    }
}
