//! The JSON Lines form: a header line, then one event per line.

use crate::{TraceHeader, TraceRecord};
use serde_json::{Map, Value};
use std::io::{self, Write};

/// Writes a whole trace as JSON Lines.
///
/// # Errors
/// Any error of the writer.
pub fn write_jsonl(
    out: &mut impl Write,
    header: &TraceHeader,
    records: &[TraceRecord],
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, header)?;
    out.write_all(b"\n")?;
    for record in records {
        write_jsonl_record(out, record)?;
    }
    Ok(())
}

/// Writes one event as one line: the common fields `seq`, `t_ns`, `task`, `event`,
/// then the event's own fields in their declared order.
///
/// # Errors
/// Any error of the writer.
pub fn write_jsonl_record(out: &mut impl Write, record: &TraceRecord) -> io::Result<()> {
    let line = Value::Object(to_flat(record)?);
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// The contract's flat layout of a record: the event's kind under `event`, its
/// fields beside the common ones. The in-memory [`crate::Event`] is externally
/// tagged so that the binary form (postcard, not self-describing) can carry it too.
/// The fields every line has, which no event's own field may be named.
const COMMON_KEYS: [&str; 4] = ["seq", "t_ns", "task", "event"];

pub(crate) fn to_flat(record: &TraceRecord) -> io::Result<Map<String, Value>> {
    let mut flat = Map::new();
    flat.insert("seq".into(), record.seq.into());
    flat.insert("t_ns".into(), record.t_ns.into());
    flat.insert(
        "task".into(),
        record
            .task
            .as_deref()
            .map_or(Value::Null, |t| Value::String(t.into())),
    );
    match serde_json::to_value(&record.event)? {
        Value::Object(tagged) => {
            for (kind, fields) in tagged {
                flat.insert("event".into(), Value::String(kind.clone()));
                if let Value::Object(fields) = fields {
                    // An event's own field must never take a common key's place:
                    // `task` is the record's actor, whatever the event is about.
                    if let Some(key) = COMMON_KEYS.iter().find(|k| fields.contains_key(**k)) {
                        return Err(io::Error::other(format!(
                            "event `{kind}` has a field named `{key}`, which is a common field"
                        )));
                    }
                    flat.extend(fields);
                }
            }
        }
        Value::String(kind) => {
            flat.insert("event".into(), Value::String(kind));
        }
        other => {
            return Err(io::Error::other(format!("unexpected event shape: {other}")));
        }
    }
    Ok(flat)
}
