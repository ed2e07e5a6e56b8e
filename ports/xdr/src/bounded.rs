//! Declared maximums: `opaque x<M>`, `string x<M>` and `T x<M>` as Rust types.

use crate::primitives::utf8_string;
use crate::{Decoder, Encoder, Error, Opaque, Xdr};

/// A variable-length item with the maximum `MAX` declared in its XDR type:
/// `Bounded<Opaque, M>` is `opaque x<M>`, `Bounded<String, M>` is
/// `string x<M>`, `Bounded<Vec<T>, M>` is `T x<M>`.
///
/// The maximum is checked where RFC 4506 puts it (§4.10, §4.11, §4.13): a
/// longer value is refused when it is encoded, and a longer length is refused
/// when it is decoded, before its bytes are read. Constructing one does not
/// check, so the field is public.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bounded<T, const MAX: u32>(pub T);

impl<T, const MAX: u32> Bounded<T, MAX> {
    /// The declared maximum: bytes for opaque data and strings, elements for arrays.
    pub const MAX: u32 = MAX;

    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const MAX: u32> From<T> for Bounded<T, MAX> {
    fn from(value: T) -> Self {
        Bounded(value)
    }
}

impl<T, const MAX: u32> std::ops::Deref for Bounded<T, MAX> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T, const MAX: u32> std::ops::DerefMut for Bounded<T, MAX> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// `opaque x<MAX>` (RFC 4506 §4.10).
impl<const MAX: u32> Xdr for Bounded<Opaque, MAX> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.opaque(self.0.as_slice(), MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder
            .opaque(MAX)
            .map(|bytes| Bounded(Opaque::from(bytes)))
    }
}

/// `string x<MAX>` (RFC 4506 §4.11).
impl<const MAX: u32> Xdr for Bounded<String, MAX> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.string(&self.0, MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        utf8_string(decoder, MAX).map(Bounded)
    }
}

/// `T x<MAX>` (RFC 4506 §4.13).
impl<T: Xdr, const MAX: u32> Xdr for Bounded<Vec<T>, MAX> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.array(&self.0, MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.array(MAX).map(Bounded)
    }
}
