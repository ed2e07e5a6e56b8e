//! RFC 4506 §7's example, a file described in XDR, declared with the crate's
//! macros: the tests encode it to the bytes the RFC lists.

use crate::{Bounded, Opaque, xdr_enum, xdr_struct, xdr_union};

/// `const MAXUSERNAME = 32;`
pub(crate) const MAXUSERNAME: u32 = 32;
/// `const MAXFILELEN = 65535;`
pub(crate) const MAXFILELEN: u32 = 65535;
/// `const MAXNAMELEN = 255;`
pub(crate) const MAXNAMELEN: u32 = 255;

xdr_enum! {
    /// `enum filekind`.
    pub(crate) enum Filekind {
        Text = 0 => "TEXT",
        Data = 1 => "DATA",
        Exec = 2 => "EXEC",
    }
}

xdr_union! {
    /// `union filetype switch (filekind kind)`.
    #[derive(Clone, Debug, PartialEq)]
    pub(crate) union Filetype switch (Filekind) {
        case Filekind::Text => Text,
        case Filekind::Data => Data(Bounded<String, MAXNAMELEN>),
        case Filekind::Exec => Exec(Bounded<String, MAXNAMELEN>),
    }
}

xdr_struct! {
    /// `struct file`.
    #[derive(Clone, Debug, PartialEq)]
    pub(crate) struct File {
        pub(crate) filename: Bounded<String, MAXNAMELEN>,
        pub(crate) filetype: Filetype,
        pub(crate) owner: Bounded<String, MAXUSERNAME>,
        pub(crate) data: Bounded<Opaque, MAXFILELEN>,
    }
}

/// The RFC's instance: "sillyprog", run by the interpreter "lisp", owned by
/// "john", holding "(quit)".
pub(crate) fn sillyprog() -> File {
    File {
        filename: Bounded("sillyprog".into()),
        filetype: Filetype::Exec(Bounded("lisp".into())),
        owner: Bounded("john".into()),
        data: Bounded(Opaque::from(&b"(quit)"[..])),
    }
}

/// The 48 bytes RFC 4506 §7 gives for [`sillyprog`], four to a line.
#[rustfmt::skip]
pub(crate) const SILLYPROG_BYTES: [u8; 48] = [
    0x00, 0x00, 0x00, 0x09, // filename length 9
    0x73, 0x69, 0x6c, 0x6c, // "sill"
    0x79, 0x70, 0x72, 0x6f, // "ypro"
    0x67, 0x00, 0x00, 0x00, // "g" and 3 bytes of padding
    0x00, 0x00, 0x00, 0x02, // filekind EXEC = 2
    0x00, 0x00, 0x00, 0x04, // interpretor length 4
    0x6c, 0x69, 0x73, 0x70, // "lisp"
    0x00, 0x00, 0x00, 0x04, // owner length 4
    0x6a, 0x6f, 0x68, 0x6e, // "john"
    0x00, 0x00, 0x00, 0x06, // data length 6
    0x28, 0x71, 0x75, 0x69, // "(qui"
    0x74, 0x29, 0x00, 0x00, // "t)" and 2 bytes of padding
];
