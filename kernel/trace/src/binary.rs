//! The compact binary form: the JSON header line, then postcard-encoded records.

mod hot;

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
        encode_record(record, &mut buffer).map_err(io::Error::other)?;
        out.write_all(&buffer)?;
    }
    Ok(())
}

/// Appends one record's binary form (postcard) to `out`: what
/// [`write_binary_records`] writes for it, for a recorder that encodes records as
/// they are made into a buffer it reuses.
///
/// # Errors
/// An encoding error (none is expected for a well-formed record).
pub fn encode_record(record: &TraceRecord, out: &mut Vec<u8>) -> postcard::Result<()> {
    match hot::encode(record, out) {
        Some(written) => written,
        None => postcard::serialize_with_flavor(record, Append(out)),
    }
}

/// A postcard output that appends to a vector, a slice at a time (postcard's
/// `to_extend` pushes byte by byte, which made encoding a message's body cost
/// an instruction per byte and more).
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        // Most varints are one byte: pushed, without a call to `memcpy`.
        match data {
            [byte] => self.0.push(*byte),
            _ => self.0.extend_from_slice(data),
        }
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}
