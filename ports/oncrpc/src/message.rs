//! `rpc_msg`: the one message type of ONC RPC, a transaction id and a call or a
//! reply (RFC 5531 §9).

use crate::{CallBody, ReplyBody};
use xdr::{xdr_enum, xdr_struct, xdr_union};

/// The version of the RPC protocol this crate speaks; a call's `rpcvers` must
/// equal it (RFC 5531 §9), or the server answers `RPC_MISMATCH`.
pub const RPC_VERSION: u32 = 2;

xdr_enum! {
    /// `msg_type`: whether a message is a call or a reply (RFC 5531 §9).
    pub enum MsgType {
        /// A call.
        Call = 0 => "CALL",
        /// A reply.
        Reply = 1 => "REPLY",
    }
}

xdr_union! {
    /// The body of an `rpc_msg`, a union on [`MsgType`] (RFC 5531 §9).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub union MessageBody switch (MsgType) {
        /// `CALL`: a call body.
        case MsgType::Call => Call(CallBody),
        /// `REPLY`: a reply body.
        case MsgType::Reply => Reply(ReplyBody),
    }
}

xdr_struct! {
    /// `rpc_msg`: one RPC message, a call or a reply (RFC 5531 §9).
    ///
    /// The `xid` pairs a reply with its call: a reply carries its call's xid, a
    /// client matches replies by it and a server can recognise a retransmission
    /// by it, but it is not a sequence number (RFC 5531 §9). Over a datagram
    /// transport one message is one datagram; over a stream it is one record
    /// (see [`crate::record`]). Decode a message with
    /// [`Xdr::from_bytes`](xdr::Xdr::from_bytes): the procedure's bytes are
    /// the rest of it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RpcMessage {
        /// The transaction id.
        pub xid: u32,
        /// The call or the reply.
        pub body: MessageBody,
    }
}

impl RpcMessage {
    /// A call message.
    pub fn call(xid: u32, call: CallBody) -> Self {
        RpcMessage {
            xid,
            body: MessageBody::Call(call),
        }
    }

    /// A reply message; `xid` is the call's.
    pub fn reply(xid: u32, reply: ReplyBody) -> Self {
        RpcMessage {
            xid,
            body: MessageBody::Reply(reply),
        }
    }

    /// Whether this is a call or a reply.
    pub fn msg_type(&self) -> MsgType {
        self.body.discriminant()
    }
}

#[cfg(test)]
mod tests;
