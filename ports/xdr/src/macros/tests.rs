//! The declared types: RFC 4506 §7's example, enums, and unions with and
//! without a default arm.

use crate::example::{File, Filekind, Filetype, SILLYPROG_BYTES, sillyprog};
use crate::{Bounded, Error, Xdr};

xdr_union! {
    /// An `int` discriminant with a default arm that carries data.
    #[derive(Clone, Debug, PartialEq)]
    union Reading switch (i32) {
        case 1 => Celsius(i32),
        case -1 => Missing,
        default => Other(u32),
    }
}

xdr_union! {
    /// An `unsigned int` discriminant with a `void` default arm.
    #[derive(Clone, Debug, PartialEq)]
    union Tagged switch (u32) {
        case 7 => Seven(bool),
        default => /// Any other tag, with no data.
            Untagged,
    }
}

xdr_union! {
    /// A `bool` discriminant, `bool` being an enum (RFC 4506 §4.4).
    #[derive(Clone, Debug, PartialEq)]
    union Maybe switch (bool) {
        case true => Present(u64),
        case false => Absent,
    }
}

#[test]
fn rfc_4506_section_7_example_encodes_to_the_rfc_s_48_bytes() {
    assert_eq!(
        sillyprog().to_bytes().expect("encodes").as_ref(),
        SILLYPROG_BYTES
    );
    assert_eq!(File::from_bytes(&SILLYPROG_BYTES), Ok(sillyprog()));
}

#[test]
fn a_struct_s_fields_are_encoded_in_declaration_order() {
    let file = File {
        owner: Bounded("x".into()),
        ..sillyprog()
    };
    let bytes = file.to_bytes().expect("encodes");
    // filename (16 bytes), then filetype (12), then owner: length 1, "x".
    assert_eq!(bytes[28..36], [0, 0, 0, 1, b'x', 0, 0, 0]);
}

#[test]
fn an_owner_longer_than_maxusername_does_not_encode() {
    let file = File {
        owner: Bounded("x".repeat(33)),
        ..sillyprog()
    };
    assert!(matches!(
        file.to_bytes(),
        Err(Error::LengthOverMaximum { maximum: 32, .. })
    ));
}

#[test]
fn an_enum_knows_its_values_and_its_protocol_names() {
    assert_eq!(
        Filekind::ALL,
        [Filekind::Text, Filekind::Data, Filekind::Exec]
    );
    assert_eq!(Filekind::Exec.value(), 2);
    assert_eq!(Filekind::from_value(2), Some(Filekind::Exec));
    assert_eq!(Filekind::from_value(3), None);
    assert_eq!(Filekind::Data.name(), "DATA");
    assert_eq!(Filekind::Data.to_string(), "DATA");
    assert_eq!(
        Filekind::Data.to_bytes().expect("encodes").as_ref(),
        [0, 0, 0, 1]
    );
}

#[test]
fn a_union_is_its_discriminant_then_the_selected_arm() {
    assert_eq!(
        Filetype::Text.to_bytes().expect("encodes").as_ref(),
        [0, 0, 0, 0]
    );
    assert_eq!(
        Filetype::Data(Bounded("ab".into()))
            .to_bytes()
            .expect("encodes")
            .as_ref(),
        [0, 0, 0, 1, 0, 0, 0, 2, b'a', b'b', 0, 0]
    );
    assert_eq!(
        Reading::Celsius(-3).to_bytes().expect("encodes").as_ref(),
        [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFD]
    );
    assert_eq!(
        Reading::Missing.to_bytes().expect("encodes").as_ref(),
        [0xFF; 4]
    );
    assert_eq!(Maybe::Absent.to_bytes().expect("encodes").as_ref(), [0; 4]);
    assert_eq!(
        Maybe::from_bytes(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9]),
        Ok(Maybe::Present(9))
    );
}

#[test]
fn a_discriminant_with_no_arm_and_no_default_is_refused() {
    assert_eq!(
        Filetype::from_bytes(&[0, 0, 0, 9]),
        Err(Error::UnknownEnumValue {
            offset: 0,
            name: "Filekind",
            value: 9
        }),
        "an enum discriminant outside the enum fails as the enum"
    );
    assert_eq!(
        Maybe::from_bytes(&[0, 0, 0, 2]),
        Err(Error::InvalidBool {
            offset: 0,
            value: 2
        })
    );
}

#[test]
fn a_value_of_the_discriminant_type_with_no_arm_is_an_unknown_discriminant() {
    xdr_union! {
        #[derive(Debug, PartialEq)]
        union OnlyExec switch (Filekind) {
            case Filekind::Exec => Exec(u32),
        }
    }
    assert_eq!(
        OnlyExec::from_bytes(&[0, 0, 0, 1]),
        Err(Error::UnknownDiscriminant {
            offset: 0,
            name: "OnlyExec",
            value: 1
        })
    );
    assert_eq!(
        OnlyExec::from_bytes(&[0, 0, 0, 2, 0, 0, 0, 5]),
        Ok(OnlyExec::Exec(5))
    );
}

#[test]
fn the_default_arm_takes_every_other_discriminant_and_keeps_it() {
    assert_eq!(
        Reading::from_bytes(&[0, 0, 0, 5, 0, 0, 0, 6]),
        Ok(Reading::Other(5, 6))
    );
    assert_eq!(
        Reading::Other(5, 6).to_bytes().expect("encodes").as_ref(),
        [0, 0, 0, 5, 0, 0, 0, 6]
    );
    assert_eq!(Tagged::from_bytes(&[0, 0, 0, 8]), Ok(Tagged::Untagged(8)));
    assert_eq!(Tagged::Untagged(8).discriminant(), 8);
    assert_eq!(Tagged::Seven(true).discriminant(), 7);
}

#[test]
fn a_default_arm_holding_a_discriminant_that_has_its_own_arm_does_not_encode() {
    assert_eq!(
        Reading::Other(1, 0).to_bytes(),
        Err(Error::MisplacedDefault {
            offset: 0,
            name: "Reading",
            value: 1
        })
    );
    assert_eq!(
        Tagged::Untagged(7).to_bytes(),
        Err(Error::MisplacedDefault {
            offset: 0,
            name: "Tagged",
            value: 7
        })
    );
}
