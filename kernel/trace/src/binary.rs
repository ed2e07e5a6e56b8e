//! The compact binary form: the JSON header line, then postcard-encoded records.

use crate::{TraceHeader, TraceRecord};
use std::io::{self, Write};

/// Writes a whole trace in the binary form: the same header line as JSON Lines (so
/// `head -1` tells what the file is), then every record in postcard, back to back.
///
/// # Errors
/// Any error of the writer or of the encoder.
pub fn write_binary(
    out: &mut impl Write,
    header: &TraceHeader,
    records: &[TraceRecord],
) -> io::Result<()> {
    write_binary_header(out, header)?;
    write_binary_records(out, records)
}

/// Writes the binary form's header line: `header` with the binary form's version,
/// [`TraceHeader::BINARY_VERSION`], so a reader knows how the records that follow
/// are encoded (and refuses an older encoding rather than misread it).
///
/// # Errors
/// Any error of the writer.
pub fn write_binary_header(out: &mut impl Write, header: &TraceHeader) -> io::Result<()> {
    let header = TraceHeader {
        version: TraceHeader::BINARY_VERSION,
        ..header.clone()
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")
}

/// Writes records in the binary form, with no header line.
///
/// # Errors
/// Any error of the writer or of the encoder.
pub fn write_binary_records(out: &mut impl Write, records: &[TraceRecord]) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(64);
    for record in records {
        buffer.clear();
        let bytes =
            postcard::to_extend(record, std::mem::take(&mut buffer)).map_err(io::Error::other)?;
        out.write_all(&bytes)?;
        buffer = bytes;
    }
    Ok(())
}
