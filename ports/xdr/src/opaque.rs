//! Opaque data: bytes XDR carries without interpreting them.

use crate::{Decoder, Encoder, Error, Xdr};
use bytes::Bytes;

/// Variable-length opaque data with no declared maximum, `opaque x<>`: a length,
/// the bytes, zero padding (RFC 4506 §4.10). `Bounded<Opaque, M>` is
/// `opaque x<M>`.
///
/// XDR has no byte type, so `Vec<u8>` is not opaque data; this type is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Opaque(pub Bytes);

impl Opaque {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Bytes> for Opaque {
    fn from(bytes: Bytes) -> Self {
        Opaque(bytes)
    }
}

impl From<Vec<u8>> for Opaque {
    fn from(bytes: Vec<u8>) -> Self {
        Opaque(bytes.into())
    }
}

impl From<&[u8]> for Opaque {
    fn from(bytes: &[u8]) -> Self {
        Opaque(Bytes::copy_from_slice(bytes))
    }
}

impl Xdr for Opaque {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.opaque(&self.0, u32::MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.opaque(u32::MAX).map(Opaque::from)
    }
}

/// Fixed-length opaque data, `opaque x[N]`: exactly `N` bytes, then zero
/// padding, and no length on the wire (RFC 4506 §4.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FixedOpaque<const N: usize>(pub [u8; N]);

impl<const N: usize> Default for FixedOpaque<N> {
    fn default() -> Self {
        FixedOpaque([0; N])
    }
}

impl<const N: usize> Xdr for FixedOpaque<N> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.fixed_opaque(&self.0);
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut bytes = [0; N];
        bytes.copy_from_slice(decoder.fixed_opaque(N)?);
        Ok(FixedOpaque(bytes))
    }
}
