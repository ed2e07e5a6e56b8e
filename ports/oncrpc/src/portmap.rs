//! The portmapper's protocol, version 2 (RFC 1833 §3): the well-known service
//! that tells a client which port a program's version listens on.

use xdr::{Decoder, Encoder, Error, Opaque, Xdr, xdr_struct};

/// The portmapper's program number.
pub const PMAP_PROG: u32 = 100_000;
/// The portmapper's version.
pub const PMAP_VERS: u32 = 2;
/// The port the portmapper listens on, over TCP and UDP.
pub const PMAP_PORT: u16 = 111;
/// `prot` for TCP.
pub const IPPROTO_TCP: u32 = 6;
/// `prot` for UDP.
pub const IPPROTO_UDP: u32 = 17;

/// The portmapper's procedures (RFC 1833 §3.2), with their numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum PmapProc {
    /// `PMAPPROC_NULL`: void to void, a ping.
    Null = 0,
    /// `PMAPPROC_SET`: `mapping` to `bool`; refuses (FALSE) if (prog, vers,
    /// prot) is already mapped.
    Set = 1,
    /// `PMAPPROC_UNSET`: `mapping` to `bool`; removes (prog, vers) for every
    /// protocol, ignoring `prot` and `port`.
    Unset = 2,
    /// `PMAPPROC_GETPORT`: `mapping` to `unsigned int`, the port, 0 if none.
    GetPort = 3,
    /// `PMAPPROC_DUMP`: void to `pmaplist`, every mapping.
    Dump = 4,
    /// `PMAPPROC_CALLIT`: `call_args` to `call_result`, a call relayed to a
    /// program on the same host.
    CallIt = 5,
}

impl PmapProc {
    /// Every procedure, by number.
    pub const ALL: [PmapProc; 6] = [
        PmapProc::Null,
        PmapProc::Set,
        PmapProc::Unset,
        PmapProc::GetPort,
        PmapProc::Dump,
        PmapProc::CallIt,
    ];

    /// The procedure number in a call.
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// The procedure with this number.
    pub fn from_number(number: u32) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|procedure| procedure.number() == number)
    }

    /// The name RFC 1833 gives it.
    pub const fn name(self) -> &'static str {
        match self {
            PmapProc::Null => "PMAPPROC_NULL",
            PmapProc::Set => "PMAPPROC_SET",
            PmapProc::Unset => "PMAPPROC_UNSET",
            PmapProc::GetPort => "PMAPPROC_GETPORT",
            PmapProc::Dump => "PMAPPROC_DUMP",
            PmapProc::CallIt => "PMAPPROC_CALLIT",
        }
    }
}

xdr_struct! {
    /// `mapping`: a program's version, over a protocol, listens on a port
    /// (RFC 1833 §3.1).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Mapping {
        /// The program number.
        pub prog: u32,
        /// The program's version.
        pub vers: u32,
        /// [`IPPROTO_TCP`] or [`IPPROTO_UDP`].
        pub prot: u32,
        /// The port (ignored by SET's lookup, UNSET and GETPORT).
        pub port: u32,
    }
}

/// `pmaplist`, PMAPPROC_DUMP's result: RFC 1833 §3.1 declares it as a linked
/// list of optional entries, so on the wire each mapping follows a TRUE and the
/// list ends with a FALSE. It is read and written in a loop, not recursively,
/// so a long list needs no stack.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PmapList(pub Vec<Mapping>);

impl Xdr for PmapList {
    fn encode(&self, encoder: &mut Encoder) -> Result<(), Error> {
        for mapping in &self.0 {
            encoder.bool(true);
            mapping.encode(encoder)?;
        }
        encoder.bool(false);
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut mappings = Vec::new();
        while decoder.bool()? {
            mappings.push(Mapping::decode(decoder)?);
        }
        Ok(PmapList(mappings))
    }
}

xdr_struct! {
    /// `call_args`, PMAPPROC_CALLIT's argument: the call to relay (RFC 1833 §3.1).
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct CallArgs {
        /// The program number.
        pub prog: u32,
        /// The program's version.
        pub vers: u32,
        /// The procedure number.
        pub procedure: u32,
        /// The procedure's arguments, already XDR.
        pub args: Opaque,
    }
}

xdr_struct! {
    /// `call_result`, PMAPPROC_CALLIT's result: the program's port and its
    /// results (RFC 1833 §3.1).
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct CallResult {
        /// The port the program listens on.
        pub port: u32,
        /// The procedure's results, already XDR.
        pub res: Opaque,
    }
}

#[cfg(test)]
mod tests;
