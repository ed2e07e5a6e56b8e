//! A procedure's own bytes: the arguments of a call, the results of a reply.

use bytes::Bytes;
use xdr::{Decoder, Encoder, Error, Xdr};

/// A procedure's arguments (in a call) or results (in a successful reply): the
/// rest of the message after the RPC header, already XDR.
///
/// In RFC 5531 §9 the procedure's parameters simply follow `call_body`, and
/// its results follow the `SUCCESS` arm (declared as a zero-length opaque
/// array): the procedure's data is not an XDR item of the message, with no
/// length of its own, so the message layer does not decode it; the stub does,
/// knowing the procedure. Encoding appends the bytes as they are, and decoding
/// takes every byte left, so this is always the last thing in a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Payload(pub Bytes);

impl Payload {
    /// No arguments or no results, as the null procedure's (`void`).
    pub fn empty() -> Self {
        Payload(Bytes::new())
    }

    /// The XDR encoding of `value`, as a procedure's arguments or results.
    pub fn marshal<T: Xdr>(value: &T) -> Result<Self, Error> {
        value.to_bytes().map(Payload)
    }

    /// The bytes decoded as one whole `T`: a procedure's arguments that do not
    /// decode are the server's `GARBAGE_ARGS`.
    pub fn unmarshal<T: Xdr>(&self) -> Result<T, Error> {
        T::from_bytes(&self.0)
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Payload {
    fn from(bytes: Bytes) -> Self {
        Payload(bytes)
    }
}

impl Xdr for Payload {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.raw(&self.0);
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        Ok(Payload(Bytes::copy_from_slice(decoder.rest())))
    }
}
