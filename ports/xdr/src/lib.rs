//! XDR, the External Data Representation of RFC 4506: the wire format of ONC RPC.
//!
//! A stub marshals a procedure's arguments into XDR so that a machine of any
//! byte order or word size reads the same values; this crate is that
//! representation, exact to the RFC and nothing more.
//!
//! - Every item is a whole number of 4-byte units, big-endian, and opaque data
//!   and strings end in zero padding (RFC 4506 §3).
//! - The [`Encoder`] writes items; it refuses a length over its declared maximum
//!   (§4.10, §4.11, §4.13) rather than write something a peer must reject.
//! - The [`Decoder`] is strict: non-zero padding, a length over its maximum, a
//!   bool other than 0 or 1 (§4.4), an enum value outside its set (§4.3), a
//!   union discriminant with no arm and no default (§4.15), input that ends
//!   inside an item, and (for a whole message) bytes left over are each an
//!   [`Error`] naming the rule and the byte offset. Being strict means one value
//!   has one encoding, so a reply cache or a trace can compare messages as bytes.
//! - The [`Xdr`] trait gives a Rust type its encoding: the primitives, `Option`
//!   (optional data, §4.19), arrays and `Vec` (§4.12, §4.13), `String` (§4.11),
//!   [`Opaque`] and [`FixedOpaque`] (§4.10, §4.9), [`Bounded`] for a declared
//!   maximum, and the macros [`xdr_struct!`], [`xdr_enum!`] and [`xdr_union!`]
//!   for the types an interface declares (§4.14, §4.3, §4.15).
//!
//! Quadruple precision (§4.8) has no Rust type and is left out.
//!
//! ```
//! use xdr::{Bounded, Xdr};
//! let hello: Bounded<String, 5> = Bounded("hello".to_string());
//! let bytes = hello.to_bytes().unwrap();
//! assert_eq!(bytes.as_ref(), b"\0\0\0\x05hello\0\0\0");
//! assert_eq!(Bounded::<String, 5>::from_bytes(&bytes).unwrap(), hello);
//! ```
//!
//! The crate is pure: no I/O, no clock, no globals, and no input makes it panic.

#![warn(missing_docs)]

mod bounded;
mod codec;
mod decoder;
mod encoder;
mod error;
mod macros;
mod opaque;
mod primitives;

pub use bounded::Bounded;
pub use codec::{Discriminant, Xdr};
pub use decoder::{DEFAULT_DEPTH_LIMIT, Decoder};
pub use encoder::Encoder;
pub use error::{Counted, Error};
pub use opaque::{FixedOpaque, Opaque};

#[cfg(test)]
mod example;
#[cfg(test)]
mod properties;
