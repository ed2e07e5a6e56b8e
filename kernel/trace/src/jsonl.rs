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
                flat.insert("event".into(), Value::String(kind));
                if let Value::Object(fields) = fields {
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
