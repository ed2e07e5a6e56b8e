//! Authentication as RPC carries it: a flavor and an opaque body (RFC 5531 §8.2),
//! AUTH_NONE (§10.1) and AUTH_SYS's body (Appendix A), and why a call was refused.

use xdr::{Bounded, Decoder, Encoder, Error, Opaque, Xdr, xdr_enum, xdr_struct};

/// The largest body an `opaque_auth` may have, in bytes (RFC 5531 §8.2).
pub const MAX_AUTH_BYTES: u32 = 400;

/// An authentication flavor: which scheme a credential or verifier is in
/// (RFC 5531 §8.2).
///
/// The set is open, new flavors being assigned by IANA (RFC 5531 §13), so this
/// is a number with names for the ones RFC 5531 lists rather than a closed
/// enum: a server must be able to read a call in a flavor it does not know, to
/// answer it with `AUTH_ERROR` instead of dropping it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthFlavor(pub i32);

impl AuthFlavor {
    /// `AUTH_NONE`: no authentication (RFC 5531 §10.1).
    pub const NONE: AuthFlavor = AuthFlavor(0);
    /// `AUTH_SYS`: a Unix-style identity, not a proof of it (RFC 5531 Appendix A).
    pub const SYS: AuthFlavor = AuthFlavor(1);
    /// `AUTH_SHORT`: a server-issued shorthand for an AUTH_SYS identity.
    pub const SHORT: AuthFlavor = AuthFlavor(2);
    /// `AUTH_DH`: Diffie-Hellman authentication (RFC 2695).
    pub const DH: AuthFlavor = AuthFlavor(3);
    /// `RPCSEC_GSS`: GSS-API security (RFC 2203).
    pub const RPCSEC_GSS: AuthFlavor = AuthFlavor(6);

    /// The flavor's name, for the ones RFC 5531 lists.
    pub fn name(self) -> Option<&'static str> {
        match self {
            AuthFlavor::NONE => Some("AUTH_NONE"),
            AuthFlavor::SYS => Some("AUTH_SYS"),
            AuthFlavor::SHORT => Some("AUTH_SHORT"),
            AuthFlavor::DH => Some("AUTH_DH"),
            AuthFlavor::RPCSEC_GSS => Some("RPCSEC_GSS"),
            _ => None,
        }
    }
}

/// `enum auth_flavor` is an XDR enum, so an `int` on the wire.
impl Xdr for AuthFlavor {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        encoder.int(self.0);
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        decoder.int().map(AuthFlavor)
    }
}

xdr_struct! {
    /// `opaque_auth`: a credential or a verifier, a flavor and up to 400 bytes
    /// that only that flavor interprets (RFC 5531 §8.2).
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct OpaqueAuth {
        /// The scheme.
        pub flavor: AuthFlavor,
        /// The scheme's data, at most [`MAX_AUTH_BYTES`].
        pub body: Bounded<Opaque, MAX_AUTH_BYTES>,
    }
}

impl OpaqueAuth {
    /// `AUTH_NONE` with an empty body, the credential and verifier of a call
    /// that does not authenticate and the verifier of most replies
    /// (RFC 5531 §10.1).
    pub fn none() -> Self {
        OpaqueAuth {
            flavor: AuthFlavor::NONE,
            body: Bounded(Opaque::default()),
        }
    }

    /// An `AUTH_SYS` credential carrying `parms`. It fails only if `parms` break
    /// their own maximums; within them the body is at most 340 bytes, so it
    /// always fits [`MAX_AUTH_BYTES`].
    pub fn sys(parms: &AuthSysParms) -> Result<Self, Error> {
        Ok(OpaqueAuth {
            flavor: AuthFlavor::SYS,
            body: Bounded(Opaque(parms.to_bytes()?)),
        })
    }

    /// The body read as `AUTH_SYS` parameters, if the flavor is `AUTH_SYS`.
    /// They are carried and decodable, never checked: AUTH_SYS asserts an
    /// identity without proving it.
    pub fn sys_parms(&self) -> Option<Result<AuthSysParms, Error>> {
        (self.flavor == AuthFlavor::SYS).then(|| AuthSysParms::from_bytes(self.body.as_slice()))
    }
}

xdr_struct! {
    /// `authsys_parms`, the body of an `AUTH_SYS` credential (RFC 5531
    /// Appendix A): who the caller says it is.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct AuthSysParms {
        /// An arbitrary id the caller's machine generates.
        pub stamp: u32,
        /// The caller's machine name, at most 255 bytes.
        pub machinename: Bounded<String, 255>,
        /// The caller's effective user id.
        pub uid: u32,
        /// The caller's effective group id.
        pub gid: u32,
        /// The caller's other groups, at most 16.
        pub gids: Bounded<Vec<u32>, 16>,
    }
}

xdr_enum! {
    /// `auth_stat`: why a server refused a call's authentication (RFC 5531 §9),
    /// carried by `MSG_DENIED` / `AUTH_ERROR`.
    pub enum AuthStat {
        /// Success (never sent in a rejection).
        Ok = 0 => "AUTH_OK",
        /// Bad credential (seal broken).
        BadCred = 1 => "AUTH_BADCRED",
        /// The client must begin a new session.
        RejectedCred = 2 => "AUTH_REJECTEDCRED",
        /// Bad verifier (seal broken).
        BadVerf = 3 => "AUTH_BADVERF",
        /// The verifier expired or was replayed.
        RejectedVerf = 4 => "AUTH_REJECTEDVERF",
        /// Rejected for security reasons.
        TooWeak = 5 => "AUTH_TOOWEAK",
        /// Bogus response verifier (failed locally).
        InvalidResp = 6 => "AUTH_INVALIDRESP",
        /// Reason unknown (failed locally).
        Failed = 7 => "AUTH_FAILED",
        /// Kerberos generic error (deprecated, RFC 2695).
        KerbGeneric = 8 => "AUTH_KERB_GENERIC",
        /// Time of credential expired (deprecated).
        TimeExpire = 9 => "AUTH_TIMEEXPIRE",
        /// Problem with ticket file (deprecated).
        TktFile = 10 => "AUTH_TKT_FILE",
        /// Cannot decode the authenticator (deprecated).
        Decode = 11 => "AUTH_DECODE",
        /// Wrong network address in ticket (deprecated).
        NetAddr = 12 => "AUTH_NET_ADDR",
        /// RPCSEC_GSS: no credentials for the user.
        RpcsecGssCredProblem = 13 => "RPCSEC_GSS_CREDPROBLEM",
        /// RPCSEC_GSS: problem with the context.
        RpcsecGssCtxProblem = 14 => "RPCSEC_GSS_CTXPROBLEM",
    }
}

#[cfg(test)]
mod tests;
