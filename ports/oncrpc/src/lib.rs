//! ONC RPC's wire formats: the messages of RFC 5531, record marking for streams,
//! and the portmapper's types (RFC 1833), all in XDR through the `xdr` crate.
//!
//! - [`RpcMessage`] is `rpc_msg` (RFC 5531 §9): a transaction id and a
//!   [`CallBody`] (program, version, procedure, credential, verifier, then the
//!   arguments) or a [`ReplyBody`], accepted with an [`AcceptStat`] or denied
//!   with a [`RejectStat`]. The procedure's arguments and results are a
//!   [`Payload`], bytes the stub marshals: the message layer frames them and
//!   leaves their meaning to the procedure.
//! - [`OpaqueAuth`] is a credential or verifier (RFC 5531 §8.2): `AUTH_NONE`,
//!   and `AUTH_SYS`'s [`AuthSysParms`] carried and decodable but never checked.
//! - [`record`] frames messages on a byte stream (RFC 5531 §11); over datagrams
//!   a message is one datagram and needs no framing.
//! - [`portmap`] holds the portmapper's numbers and types (RFC 1833 §3).
//!
//! Every enum carries the RFC's numbers and names (`AcceptStat::ProgUnavail` is
//! 1, `PROG_UNAVAIL`). Decoding is as strict as `xdr`'s: a message that is not
//! exactly a valid encoding is an [`xdr::Error`] naming the rule and the byte.
//! The crate is pure: it builds and reads bytes, and leaves sending them,
//! timing out, retrying and caching replies to the layers above.
//!
//! ```
//! use oncrpc::{CallBody, Payload, ReplyBody, RpcMessage};
//! use xdr::Xdr;
//! let call = RpcMessage::call(7, CallBody::new(0x2000_0001, 1, 1, Payload::marshal(&(2i32, 3i32))?));
//! let bytes = call.to_bytes()?;
//! assert_eq!(RpcMessage::from_bytes(&bytes)?, call);
//! let reply = RpcMessage::reply(7, ReplyBody::success(Payload::marshal(&5i32)?));
//! assert_eq!(reply.to_bytes()?.len(), 28);
//! # Ok::<(), xdr::Error>(())
//! ```

#![warn(missing_docs)]

mod auth;
mod call;
mod message;
mod payload;
pub mod portmap;
pub mod record;
mod reply;

pub use auth::{AuthFlavor, AuthStat, AuthSysParms, MAX_AUTH_BYTES, OpaqueAuth};
pub use call::CallBody;
pub use message::{MessageBody, MsgType, RPC_VERSION, RpcMessage};
pub use payload::Payload;
pub use reply::{
    AcceptStat, AcceptedReply, MismatchInfo, RejectStat, RejectedReply, ReplyBody, ReplyData,
    ReplyStat,
};

#[cfg(test)]
mod properties;
