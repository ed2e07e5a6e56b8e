//! The traits: a Rust type with one XDR encoding, and the types a union may switch on.

use crate::{Decoder, Encoder, Error};
use bytes::Bytes;

/// A Rust type with exactly one XDR encoding.
///
/// The primitive types map to XDR's (`i32` is `int`, `u32` is `unsigned int`,
/// `i64`/`u64` are the hypers, `bool`, `f32` is `float`, `f64` is `double`, `()`
/// is `void`), `Option<T>` is optional data `T *x`, `[T; N]` is a fixed array,
/// `Vec<T>` and `String` are a variable array and a string with no maximum;
/// [`Opaque`](crate::Opaque), [`FixedOpaque`](crate::FixedOpaque) and
/// [`Bounded`](crate::Bounded) cover opaque data and declared maximums, and the
/// macros [`xdr_struct!`](crate::xdr_struct), [`xdr_enum!`](crate::xdr_enum) and
/// [`xdr_union!`](crate::xdr_union) declare the rest.
pub trait Xdr: Sized {
    /// Appends the encoding of `self`.
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error>;

    /// Reads one value, strictly.
    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error>;

    /// The encoding of `self` on its own.
    fn to_bytes(&self) -> Result<Bytes, Error> {
        let mut encoder = Encoder::new();
        self.encode(&mut encoder)?;
        Ok(encoder.into_bytes())
    }

    /// Decodes a whole message: one value that uses every byte of `bytes`.
    fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut decoder = Decoder::new(bytes);
        let value = Self::decode(&mut decoder)?;
        decoder.finish()?;
        Ok(value)
    }
}

/// A type a discriminated union may switch on: `int`, `unsigned int` or an enum
/// (RFC 4506 §4.15), `bool` being an enum (§4.4).
pub trait Discriminant: Xdr + Copy + PartialEq {
    /// The value as a number, for error messages.
    fn as_i64(self) -> i64;
}

impl Discriminant for i32 {
    fn as_i64(self) -> i64 {
        i64::from(self)
    }
}

impl Discriminant for u32 {
    fn as_i64(self) -> i64 {
        i64::from(self)
    }
}

impl Discriminant for bool {
    fn as_i64(self) -> i64 {
        i64::from(self)
    }
}
