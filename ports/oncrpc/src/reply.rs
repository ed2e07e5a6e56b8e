//! `reply_body`: what became of a call, accepted (with every `accept_stat`) or
//! denied (with every `reject_stat`) (RFC 5531 §9).

use crate::{AuthStat, OpaqueAuth, Payload, RPC_VERSION};
use xdr::{xdr_enum, xdr_struct, xdr_union};

xdr_enum! {
    /// `reply_stat`: whether the server accepted the call (RFC 5531 §9).
    pub enum ReplyStat {
        /// The call was accepted; its `accept_stat` says how it went.
        MsgAccepted = 0 => "MSG_ACCEPTED",
        /// The call was rejected before any program saw it.
        MsgDenied = 1 => "MSG_DENIED",
    }
}

xdr_enum! {
    /// `accept_stat`: the outcome of an accepted call (RFC 5531 §9).
    pub enum AcceptStat {
        /// The procedure ran; its results follow.
        Success = 0 => "SUCCESS",
        /// The program is not served here.
        ProgUnavail = 1 => "PROG_UNAVAIL",
        /// The program is served, but not this version; the served range follows.
        ProgMismatch = 2 => "PROG_MISMATCH",
        /// The program has no such procedure.
        ProcUnavail = 3 => "PROC_UNAVAIL",
        /// The procedure cannot decode its arguments.
        GarbageArgs = 4 => "GARBAGE_ARGS",
        /// A system error, such as memory allocation failure.
        SystemErr = 5 => "SYSTEM_ERR",
    }
}

xdr_enum! {
    /// `reject_stat`: why a call was denied (RFC 5531 §9).
    pub enum RejectStat {
        /// The RPC protocol version is not 2.
        RpcMismatch = 0 => "RPC_MISMATCH",
        /// The server cannot authenticate the caller.
        AuthError = 1 => "AUTH_ERROR",
    }
}

xdr_struct! {
    /// The lowest and highest versions supported, in `PROG_MISMATCH` (of the
    /// program) and `RPC_MISMATCH` (of the protocol) (RFC 5531 §9).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MismatchInfo {
        /// The lowest version supported.
        pub low: u32,
        /// The highest version supported.
        pub high: u32,
    }
}

xdr_union! {
    /// The arm of an accepted reply, on [`AcceptStat`] (RFC 5531 §9).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub union ReplyData switch (AcceptStat) {
        /// `SUCCESS`: the procedure's results.
        case AcceptStat::Success => Success(Payload),
        /// `PROG_UNAVAIL`.
        case AcceptStat::ProgUnavail => ProgUnavail,
        /// `PROG_MISMATCH`: the versions of the program that are served.
        case AcceptStat::ProgMismatch => ProgMismatch(MismatchInfo),
        /// `PROC_UNAVAIL`.
        case AcceptStat::ProcUnavail => ProcUnavail,
        /// `GARBAGE_ARGS`.
        case AcceptStat::GarbageArgs => GarbageArgs,
        /// `SYSTEM_ERR`.
        case AcceptStat::SystemErr => SystemErr,
    }
}

xdr_struct! {
    /// `accepted_reply`: the server's verifier and the call's outcome
    /// (RFC 5531 §9).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AcceptedReply {
        /// The server's verifier of itself (`AUTH_NONE` here).
        pub verf: OpaqueAuth,
        /// The outcome.
        pub data: ReplyData,
    }
}

xdr_union! {
    /// `rejected_reply`, on [`RejectStat`] (RFC 5531 §9).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub union RejectedReply switch (RejectStat) {
        /// `RPC_MISMATCH`: the protocol versions the server speaks.
        case RejectStat::RpcMismatch => RpcMismatch(MismatchInfo),
        /// `AUTH_ERROR`: why authentication failed.
        case RejectStat::AuthError => AuthError(AuthStat),
    }
}

xdr_union! {
    /// `reply_body`, on [`ReplyStat`] (RFC 5531 §9).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub union ReplyBody switch (ReplyStat) {
        /// `MSG_ACCEPTED`.
        case ReplyStat::MsgAccepted => Accepted(AcceptedReply),
        /// `MSG_DENIED`.
        case ReplyStat::MsgDenied => Denied(RejectedReply),
    }
}

impl ReplyBody {
    /// An accepted reply with an `AUTH_NONE` verifier.
    pub fn accepted(data: ReplyData) -> Self {
        ReplyBody::Accepted(AcceptedReply {
            verf: OpaqueAuth::none(),
            data,
        })
    }

    /// `SUCCESS` with the procedure's results.
    pub fn success(results: Payload) -> Self {
        Self::accepted(ReplyData::Success(results))
    }

    /// `MSG_DENIED` / `RPC_MISMATCH`, naming version 2 as the only one spoken.
    pub fn rpc_mismatch() -> Self {
        ReplyBody::Denied(RejectedReply::RpcMismatch(MismatchInfo {
            low: RPC_VERSION,
            high: RPC_VERSION,
        }))
    }

    /// `MSG_DENIED` / `AUTH_ERROR` with its reason.
    pub fn auth_error(stat: AuthStat) -> Self {
        ReplyBody::Denied(RejectedReply::AuthError(stat))
    }

    /// The most specific status's name: the `accept_stat` of an accepted reply
    /// (`SUCCESS`, `PROG_MISMATCH`, …) or the `reject_stat` of a denied one
    /// (`RPC_MISMATCH`, `AUTH_ERROR`), as a trace shows it.
    pub fn status_name(&self) -> &'static str {
        match self {
            ReplyBody::Accepted(accepted) => accepted.data.discriminant().name(),
            ReplyBody::Denied(rejected) => rejected.discriminant().name(),
        }
    }

    /// The results, if the call succeeded.
    pub fn results(&self) -> Option<&Payload> {
        match self {
            ReplyBody::Accepted(AcceptedReply {
                data: ReplyData::Success(results),
                ..
            }) => Some(results),
            _ => None,
        }
    }
}
