//! The one error type of the codec: which rule of RFC 4506 an encoding broke, and where.

/// Which kind of counted item a length belongs to, so an error can name the RFC
/// section whose maximum it broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counted {
    /// Variable-length opaque data, `opaque x<m>` (RFC 4506 §4.10).
    Opaque,
    /// A string, `string x<m>` (RFC 4506 §4.11).
    String,
    /// A variable-length array, `T x<m>` (RFC 4506 §4.13).
    Array,
}

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Counted::Opaque => "variable-length opaque (RFC 4506 §4.10)",
            Counted::String => "string (RFC 4506 §4.11)",
            Counted::Array => "variable-length array (RFC 4506 §4.13)",
        })
    }
}

/// An encoding or a decoding that breaks a rule of XDR.
///
/// Every variant carries `offset`, the byte position in the encoding where the
/// offending item starts (for an encoder, the length written so far), so a
/// malformed message can be pointed at, and its message names the RFC's rule.
/// The decoder is strict: it never skips, guesses or repairs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends inside an item.
    #[error(
        "truncated input at byte {offset}: the item needs {needed} bytes, {available} are left \
         (RFC 4506 §3: every item is whole 4-byte units)"
    )]
    Truncated {
        /// Where the item starts.
        offset: usize,
        /// How many bytes the item needs from `offset`.
        needed: u64,
        /// How many bytes are left from `offset`.
        available: usize,
    },
    /// A padding byte after opaque data or a string is not zero.
    #[error(
        "padding byte {value:#04x} at byte {offset} is not zero \
         (RFC 4506 §3, §4.9–§4.11: residual bytes are zero)"
    )]
    NonZeroPadding {
        /// Where the non-zero padding byte is.
        offset: usize,
        /// Its value.
        value: u8,
    },
    /// A length or count is greater than the declared maximum; refused on encode
    /// as on decode.
    #[error("{counted} of length {length} at byte {offset} is over its maximum {maximum}")]
    LengthOverMaximum {
        /// Where the length word is (or would be written).
        offset: usize,
        /// What was counted.
        counted: Counted,
        /// The length found or asked for.
        length: u64,
        /// The declared maximum (2³²−1 when none is declared).
        maximum: u32,
    },
    /// A boolean is neither 0 (FALSE) nor 1 (TRUE).
    #[error("bool {value} at byte {offset} is neither 0 nor 1 (RFC 4506 §4.4)")]
    InvalidBool {
        /// Where the boolean is.
        offset: usize,
        /// The integer found.
        value: i32,
    },
    /// An enumeration's value is not one of its declared values.
    #[error("{value} at byte {offset} is not a value of enum {name} (RFC 4506 §4.3)")]
    UnknownEnumValue {
        /// Where the value is.
        offset: usize,
        /// The enumeration's name.
        name: &'static str,
        /// The integer found.
        value: i32,
    },
    /// A union's discriminant selects no arm and the union has no default arm.
    #[error(
        "discriminant {value} at byte {offset} selects no arm of union {name}, which has no \
         default (RFC 4506 §4.15)"
    )]
    UnknownDiscriminant {
        /// Where the discriminant is (or would be written).
        offset: usize,
        /// The union's name.
        name: &'static str,
        /// The discriminant's value.
        value: i64,
    },
    /// A union value built with its default arm carries a discriminant that has
    /// an arm of its own, so its encoding would decode as that other arm.
    #[error(
        "discriminant {value} at byte {offset} has its own arm in union {name}, so it cannot \
         be encoded through the default arm (RFC 4506 §4.15)"
    )]
    MisplacedDefault {
        /// Where the discriminant would be written.
        offset: usize,
        /// The union's name.
        name: &'static str,
        /// The discriminant's value.
        value: i64,
    },
    /// Bytes are left over after a whole message was decoded.
    #[error(
        "{count} bytes left over at byte {offset} after the whole message \
         (a message is exactly its encoding)"
    )]
    TrailingBytes {
        /// Where the surplus starts.
        offset: usize,
        /// How many bytes are left.
        count: usize,
    },
    /// A string is not UTF-8, so it cannot be a Rust `String` (XDR strings are
    /// bytes; read such a string as `Opaque` instead).
    #[error("string at byte {offset} is not UTF-8 (a Rust `String` needs UTF-8)")]
    NotUtf8 {
        /// Where the string's bytes start.
        offset: usize,
    },
    /// Optional data or arrays nest deeper than the decoder allows.
    #[error(
        "nesting deeper than {limit} at byte {offset} \
         (a decoder limit, so recursive types cannot exhaust the stack)"
    )]
    TooDeep {
        /// Where the item that would go one level too deep starts.
        offset: usize,
        /// The limit.
        limit: u32,
    },
}

impl Error {
    /// The byte position the error is about.
    pub fn offset(&self) -> usize {
        match *self {
            Error::Truncated { offset, .. }
            | Error::NonZeroPadding { offset, .. }
            | Error::LengthOverMaximum { offset, .. }
            | Error::InvalidBool { offset, .. }
            | Error::UnknownEnumValue { offset, .. }
            | Error::UnknownDiscriminant { offset, .. }
            | Error::MisplacedDefault { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::NotUtf8 { offset }
            | Error::TooDeep { offset, .. } => offset,
        }
    }
}
