//! The encoder: XDR items appended to a growing buffer.

use crate::{Counted, Error, Xdr};
use bytes::{BufMut, Bytes, BytesMut};

/// The zero bytes a padded item ends with (RFC 4506 §3).
const ZEROS: [u8; 3] = [0; 3];

/// How many zero bytes bring `len` bytes up to a multiple of four (RFC 4506 §3).
pub(crate) fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// Writes XDR items, in order, into one buffer.
///
/// Integers are big-endian and every item fills whole 4-byte units, with zero
/// padding after opaque data and strings (RFC 4506 §3). Only the counted items
/// can fail: a length over its declared maximum is refused before anything is
/// written (RFC 4506 §4.10, §4.11, §4.13), so a failed call leaves the buffer as
/// it was.
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    buf: BytesMut,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many bytes are written so far (always a multiple of four).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing is written yet.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes written so far.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    /// The encoding, frozen.
    pub fn into_bytes(self) -> Bytes {
        self.buf.freeze()
    }

    /// Appends one item through its [`Xdr`] implementation.
    pub fn encode<T: Xdr>(&mut self, value: &T) -> Result<(), Error> {
        value.encode(self)
    }

    /// `int`: 32-bit two's complement (RFC 4506 §4.1).
    pub fn int(&mut self, value: i32) {
        self.buf.put_i32(value);
    }

    /// `unsigned int` (RFC 4506 §4.2).
    pub fn uint(&mut self, value: u32) {
        self.buf.put_u32(value);
    }

    /// `hyper`: 64-bit two's complement (RFC 4506 §4.5).
    pub fn hyper(&mut self, value: i64) {
        self.buf.put_i64(value);
    }

    /// `unsigned hyper` (RFC 4506 §4.5).
    pub fn uhyper(&mut self, value: u64) {
        self.buf.put_u64(value);
    }

    /// `bool`: the enum FALSE = 0, TRUE = 1 (RFC 4506 §4.4).
    pub fn bool(&mut self, value: bool) {
        self.int(i32::from(value));
    }

    /// `float`: IEEE 754 single precision, bits as they are (RFC 4506 §4.6).
    pub fn float(&mut self, value: f32) {
        self.buf.put_u32(value.to_bits());
    }

    /// `double`: IEEE 754 double precision, bits as they are (RFC 4506 §4.7).
    pub fn double(&mut self, value: f64) {
        self.buf.put_u64(value.to_bits());
    }

    /// `opaque[n]`: the bytes, then zero padding; the length is part of the type,
    /// so it is not written (RFC 4506 §4.9).
    pub fn fixed_opaque(&mut self, bytes: &[u8]) {
        self.buf.put_slice(bytes);
        self.pad(bytes.len());
    }

    /// `opaque<max>`: the length, the bytes, then zero padding (RFC 4506 §4.10).
    pub fn opaque(&mut self, bytes: &[u8], max: u32) -> Result<(), Error> {
        self.counted_bytes(bytes, max, Counted::Opaque)
    }

    /// `string<max>`: like variable opaque, the string's bytes with no terminator
    /// (RFC 4506 §4.11).
    pub fn string(&mut self, string: impl AsRef<[u8]>, max: u32) -> Result<(), Error> {
        self.counted_bytes(string.as_ref(), max, Counted::String)
    }

    /// `T x<max>`: the element count, then each element (RFC 4506 §4.13).
    pub fn array<T: Xdr>(&mut self, items: &[T], max: u32) -> Result<(), Error> {
        self.length(items.len(), max, Counted::Array)?;
        self.fixed_array(items)
    }

    /// `T x[n]`: each element, no count (RFC 4506 §4.12).
    pub fn fixed_array<T: Xdr>(&mut self, items: &[T]) -> Result<(), Error> {
        items.iter().try_for_each(|item| item.encode(self))
    }

    /// `T *x`: a bool for presence, then the item if present (RFC 4506 §4.19).
    pub fn optional<T: Xdr>(&mut self, value: Option<&T>) -> Result<(), Error> {
        self.bool(value.is_some());
        value.map_or(Ok(()), |item| item.encode(self))
    }

    /// Appends bytes that are already XDR, such as a procedure's encoded
    /// arguments after an RPC call header.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.put_slice(bytes);
    }

    /// Writes a length or count, refusing one over `max`: RFC 4506 §4.10 makes
    /// encoding a longer one an error, so no peer is sent what it must reject.
    pub fn length(&mut self, len: usize, max: u32, counted: Counted) -> Result<(), Error> {
        match u32::try_from(len) {
            Ok(len) if len <= max => {
                self.uint(len);
                Ok(())
            }
            _ => Err(Error::LengthOverMaximum {
                offset: self.len(),
                counted,
                length: len as u64,
                maximum: max,
            }),
        }
    }

    fn counted_bytes(&mut self, bytes: &[u8], max: u32, counted: Counted) -> Result<(), Error> {
        self.length(bytes.len(), max, counted)?;
        self.fixed_opaque(bytes);
        Ok(())
    }

    fn pad(&mut self, len: usize) {
        self.buf.put_slice(&ZEROS[..padding(len)]);
    }
}

#[cfg(test)]
mod tests;
