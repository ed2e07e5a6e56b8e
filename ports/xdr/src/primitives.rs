//! XDR for Rust's own types: numbers, bool, void, optional data, arrays and strings.

use crate::{Decoder, Encoder, Error, Xdr};

/// Declares `Xdr` for a type whose encoding is one infallible encoder call.
macro_rules! scalar {
    ($($ty:ty => $encode:ident, $decode:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        impl Xdr for $ty {
            fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
                encoder.$encode(*self);
                Ok(())
            }

            fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
                decoder.$decode()
            }
        }
    )*};
}

scalar! {
    i32 => int, int, "`int` (RFC 4506 §4.1).";
    u32 => uint, uint, "`unsigned int` (RFC 4506 §4.2).";
    i64 => hyper, hyper, "`hyper` (RFC 4506 §4.5).";
    u64 => uhyper, uhyper, "`unsigned hyper` (RFC 4506 §4.5).";
    bool => bool, bool, "`bool` (RFC 4506 §4.4).";
    f32 => float, float, "`float` (RFC 4506 §4.6).";
    f64 => double, double, "`double` (RFC 4506 §4.7).";
}

/// `void`: no bytes at all (RFC 4506 §4.16), for a procedure with no argument or
/// no result.
impl Xdr for () {
    fn encode(&self, _: &mut Encoder) -> Result<(), Error> {
        Ok(())
    }

    fn decode(_: &mut Decoder<'_>) -> Result<Self, Error> {
        Ok(())
    }
}

/// Optional data `T *x` (RFC 4506 §4.19).
impl<T: Xdr> Xdr for Option<T> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.optional(self.as_ref())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.optional()
    }
}

/// The same encoding as `T`: a box only lets a recursive type (`node *next`,
/// `Option<Box<Node>>`) have a size.
impl<T: Xdr> Xdr for Box<T> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        T::encode(self, encoder)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        T::decode(decoder).map(Box::new)
    }
}

/// A fixed-length array `T x[N]` (RFC 4506 §4.12).
impl<T: Xdr, const N: usize> Xdr for [T; N] {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.fixed_array(self)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.fixed_array()
    }
}

/// A variable-length array with no declared maximum, `T x<>`: up to 2³²−1
/// elements (RFC 4506 §4.13). Use [`Bounded`](crate::Bounded) for `T x<m>`.
impl<T: Xdr> Xdr for Vec<T> {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.array(self, u32::MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.array(u32::MAX)
    }
}

/// A string with no declared maximum, `string x<>` (RFC 4506 §4.11). Use
/// [`Bounded`](crate::Bounded) for `string x<m>`.
impl Xdr for String {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.string(self, u32::MAX)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        utf8_string(decoder, u32::MAX)
    }
}

/// Declares `Xdr` for tuples: a tuple is an anonymous struct, its components in
/// order (RFC 4506 §4.14), as a procedure's several arguments are.
macro_rules! tuple {
    ($(($($name:ident),+);)*) => {$(
        impl<$($name: Xdr),+> Xdr for ($($name,)+) {
            fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
                #[allow(non_snake_case)]
                let ($($name,)+) = self;
                $($name.encode(encoder)?;)+
                Ok(())
            }

            fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
                Ok(($($name::decode(decoder)?,)+))
            }
        }
    )*};
}

tuple! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
}

/// Reads `string<max>` into a Rust `String`, which must be UTF-8: XDR strings
/// are bytes (ASCII in RFC 4506 §4.11), so this is Rust's rule, not XDR's.
pub(crate) fn utf8_string(decoder: &mut Decoder<'_>, max: u32) -> Result<String, Error> {
    let offset = decoder.offset() + 4;
    let bytes = decoder.string(max)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::NotUtf8 { offset })
}

#[cfg(test)]
mod tests;
