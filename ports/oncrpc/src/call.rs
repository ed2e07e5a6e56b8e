//! `call_body`: which procedure of which program a call asks for, and with what
//! (RFC 5531 §9).

use crate::{OpaqueAuth, Payload, RPC_VERSION};
use xdr::xdr_struct;

xdr_struct! {
    /// `call_body`: a call's header and its arguments (RFC 5531 §9).
    ///
    /// A program is named by its number, a version of its interface by `vers`,
    /// and a procedure within that version by `procedure`; procedure 0 of every
    /// program is by convention the null procedure, with no arguments and no
    /// results (RFC 5531 §8.1). `rpcvers` is carried as sent, not checked on
    /// decode, so a server can read a call of another protocol version and
    /// answer it with `RPC_MISMATCH`.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CallBody {
        /// The RPC protocol version; [`RPC_VERSION`] in every call this crate builds.
        pub rpcvers: u32,
        /// The program number.
        pub prog: u32,
        /// The program's version.
        pub vers: u32,
        /// The procedure number (`proc` in RFC 5531).
        pub procedure: u32,
        /// Who is calling.
        pub cred: OpaqueAuth,
        /// The proof of the credential.
        pub verf: OpaqueAuth,
        /// The procedure's arguments, already XDR.
        pub args: Payload,
    }
}

impl CallBody {
    /// A call of version 2 of the protocol, with `AUTH_NONE` credential and
    /// verifier.
    pub fn new(prog: u32, vers: u32, procedure: u32, args: Payload) -> Self {
        CallBody {
            rpcvers: RPC_VERSION,
            prog,
            vers,
            procedure,
            cred: OpaqueAuth::none(),
            verf: OpaqueAuth::none(),
            args,
        }
    }
}
