//! The strict decoder: XDR items read, in order, from a byte slice.

use crate::encoder::padding;
use crate::{Counted, Error, Xdr};

/// How deep optional data and arrays may nest by default.
///
/// XDR types can be recursive (a linked list is `struct node { …; node *next; }`),
/// and decoding one recurses; the limit turns input that nests absurdly deep into
/// [`Error::TooDeep`] instead of a stack overflow.
pub const DEFAULT_DEPTH_LIMIT: u32 = 256;

/// Reads XDR items from a byte slice, strictly.
///
/// Strict means the decoder accepts exactly the encodings the encoder produces:
/// padding must be zero, lengths must be within their maximum, a bool must be 0
/// or 1, an enum must hold one of its values, and a union's discriminant must
/// select an arm. Anything else is an [`Error`] naming the rule and the byte
/// offset; nothing panics, and nothing is allocated beyond what the input can
/// fill.
#[derive(Clone, Debug)]
pub struct Decoder<'a> {
    input: &'a [u8],
    offset: usize,
    depth: u32,
    depth_limit: u32,
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self::with_depth_limit(input, DEFAULT_DEPTH_LIMIT)
    }

    /// A decoder that allows optional data and arrays to nest `limit` deep.
    pub fn with_depth_limit(input: &'a [u8], limit: u32) -> Self {
        Self {
            input,
            offset: 0,
            depth: 0,
            depth_limit: limit,
        }
    }

    /// The position of the next item.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.input.len() - self.offset
    }

    /// Whether every byte has been read.
    pub fn is_at_end(&self) -> bool {
        self.remaining() == 0
    }

    /// Reads one item through its [`Xdr`] implementation.
    pub fn decode<T: Xdr>(&mut self) -> Result<T, Error> {
        T::decode(self)
    }

    /// Ends a whole message: refuses bytes left over after it.
    pub fn finish(self) -> Result<(), Error> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(Error::TrailingBytes {
                offset: self.offset,
                count,
            }),
        }
    }

    /// `int` (RFC 4506 §4.1).
    pub fn int(&mut self) -> Result<i32, Error> {
        self.word().map(i32::from_be_bytes)
    }

    /// `unsigned int` (RFC 4506 §4.2).
    pub fn uint(&mut self) -> Result<u32, Error> {
        self.word().map(u32::from_be_bytes)
    }

    /// `hyper` (RFC 4506 §4.5).
    pub fn hyper(&mut self) -> Result<i64, Error> {
        self.double_word().map(i64::from_be_bytes)
    }

    /// `unsigned hyper` (RFC 4506 §4.5).
    pub fn uhyper(&mut self) -> Result<u64, Error> {
        self.double_word().map(u64::from_be_bytes)
    }

    /// `bool`: only 0 and 1 are booleans (RFC 4506 §4.4).
    pub fn bool(&mut self) -> Result<bool, Error> {
        let offset = self.offset;
        match self.int()? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(Error::InvalidBool { offset, value }),
        }
    }

    /// `float`, bits as they are (RFC 4506 §4.6).
    pub fn float(&mut self) -> Result<f32, Error> {
        self.uint().map(f32::from_bits)
    }

    /// `double`, bits as they are (RFC 4506 §4.7).
    pub fn double(&mut self) -> Result<f64, Error> {
        self.uhyper().map(f64::from_bits)
    }

    /// `opaque[len]`: `len` bytes, then padding that must be zero (RFC 4506 §4.9).
    pub fn fixed_opaque(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let bytes = self.take(len as u64)?;
        let pad_at = self.offset;
        let pad = self.take(padding(len) as u64)?;
        match pad.iter().position(|&byte| byte != 0) {
            None => Ok(bytes),
            Some(index) => Err(Error::NonZeroPadding {
                offset: pad_at + index,
                value: pad[index],
            }),
        }
    }

    /// `opaque<max>`: a length no greater than `max`, the bytes, zero padding
    /// (RFC 4506 §4.10).
    pub fn opaque(&mut self, max: u32) -> Result<&'a [u8], Error> {
        let len = self.length(max, Counted::Opaque)?;
        self.fixed_opaque(len as usize)
    }

    /// `string<max>`: the string's bytes, as variable opaque (RFC 4506 §4.11).
    /// They are returned as bytes: XDR does not say they are UTF-8.
    pub fn string(&mut self, max: u32) -> Result<&'a [u8], Error> {
        let len = self.length(max, Counted::String)?;
        self.fixed_opaque(len as usize)
    }

    /// `T x<max>`: a count no greater than `max`, then each element
    /// (RFC 4506 §4.13).
    ///
    /// Every XDR element takes at least four bytes (`void` is not an element
    /// type, RFC 4506 §6.3), so a count that the remaining input cannot hold is
    /// refused as truncated before any element is read or any memory reserved.
    /// Arrays of zero-size Rust types (`()`, `FixedOpaque<0>`) are therefore
    /// not decodable, as they are not XDR.
    pub fn array<T: Xdr>(&mut self, max: u32) -> Result<Vec<T>, Error> {
        let count = self.length(max, Counted::Array)?;
        let needed = u64::from(count) * 4;
        if needed > self.remaining() as u64 {
            return Err(Error::Truncated {
                offset: self.offset,
                needed,
                available: self.remaining(),
            });
        }
        self.nested(|decoder| (0..count).map(|_| T::decode(decoder)).collect())
    }

    /// `T x[N]`: exactly `N` elements, no count (RFC 4506 §4.12).
    pub fn fixed_array<T: Xdr, const N: usize>(&mut self) -> Result<[T; N], Error> {
        let offset = self.offset;
        let items = (0..N)
            .map(|_| T::decode(self))
            .collect::<Result<Vec<T>, Error>>()?;
        // The vector has exactly N elements, so the conversion cannot fail; the
        // error only keeps this path free of panics.
        items.try_into().map_err(|_| Error::Truncated {
            offset,
            needed: 0,
            available: 0,
        })
    }

    /// `T *x`: a bool for presence, then the item if present (RFC 4506 §4.19).
    pub fn optional<T: Xdr>(&mut self) -> Result<Option<T>, Error> {
        if self.bool()? {
            self.nested(|decoder| T::decode(decoder).map(Some))
        } else {
            Ok(None)
        }
    }

    /// A length or count, refused if over `max`.
    pub fn length(&mut self, max: u32, counted: Counted) -> Result<u32, Error> {
        let offset = self.offset;
        let len = self.uint()?;
        if len > max {
            return Err(Error::LengthOverMaximum {
                offset,
                counted,
                length: u64::from(len),
                maximum: max,
            });
        }
        Ok(len)
    }

    /// Everything not read yet: for a message whose tail is not an XDR item of
    /// its own, as an RPC call's arguments after its header.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = &self.input[self.offset..];
        self.offset = self.input.len();
        rest
    }

    /// Runs `read` one nesting level deeper, refusing to pass the depth limit.
    pub fn nested<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.depth >= self.depth_limit {
            return Err(Error::TooDeep {
                offset: self.offset,
                limit: self.depth_limit,
            });
        }
        self.depth += 1;
        let result = read(self);
        self.depth -= 1;
        result
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], Error> {
        let available = self.remaining();
        if len > available as u64 {
            return Err(Error::Truncated {
                offset: self.offset,
                needed: len,
                available,
            });
        }
        let start = self.offset;
        self.offset += len as usize;
        Ok(&self.input[start..self.offset])
    }

    fn word(&mut self) -> Result<[u8; 4], Error> {
        self.bytes()
    }

    fn double_word(&mut self) -> Result<[u8; 8], Error> {
        self.bytes()
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N as u64)?);
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
