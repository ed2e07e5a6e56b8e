//! Each way the strict decoder refuses input, with the offset it names.

use crate::example::Filekind;
use crate::{Bounded, Counted, DEFAULT_DEPTH_LIMIT, Decoder, Error, FixedOpaque, Opaque, Xdr};

#[test]
fn reference_case_40_a_length_of_6_is_refused_for_a_string_of_at_most_5() {
    let bytes = b"\0\0\0\x06hello!\0\0";
    assert_eq!(
        Bounded::<String, 5>::from_bytes(bytes),
        Err(Error::LengthOverMaximum {
            offset: 0,
            counted: Counted::String,
            length: 6,
            maximum: 5
        })
    );
    assert!(Bounded::<String, 6>::from_bytes(bytes).is_ok());
}

#[test]
fn reference_case_42_non_zero_padding_after_a_string_is_refused() {
    let bytes = [0, 0, 0, 5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x01];
    assert_eq!(
        String::from_bytes(&bytes),
        Err(Error::NonZeroPadding {
            offset: 11,
            value: 1
        })
    );
}

#[test]
fn non_zero_padding_is_refused_after_fixed_and_variable_opaque() {
    assert_eq!(
        FixedOpaque::<3>::from_bytes(&[1, 2, 3, 0x80]),
        Err(Error::NonZeroPadding {
            offset: 3,
            value: 0x80
        })
    );
    assert_eq!(
        Opaque::from_bytes(&[0, 0, 0, 1, 9, 0, 2, 0]),
        Err(Error::NonZeroPadding {
            offset: 6,
            value: 2
        })
    );
}

#[test]
fn lengths_over_the_maximum_are_refused_before_their_bytes_are_read() {
    // The count says 3 elements of at most 2; no elements follow, and the
    // maximum is what is reported, not the truncation.
    assert_eq!(
        Bounded::<Vec<u32>, 2>::from_bytes(&[0, 0, 0, 3]),
        Err(Error::LengthOverMaximum {
            offset: 0,
            counted: Counted::Array,
            length: 3,
            maximum: 2
        })
    );
    assert_eq!(
        Bounded::<Opaque, 0>::from_bytes(&[0, 0, 0, 1, 1, 0, 0, 0]),
        Err(Error::LengthOverMaximum {
            offset: 0,
            counted: Counted::Opaque,
            length: 1,
            maximum: 0
        })
    );
}

#[test]
fn a_bool_other_than_0_or_1_is_refused() {
    assert_eq!(
        bool::from_bytes(&[0, 0, 0, 2]),
        Err(Error::InvalidBool {
            offset: 0,
            value: 2
        })
    );
    assert_eq!(
        Option::<u32>::from_bytes(&[0xFF, 0xFF, 0xFF, 0xFF]),
        Err(Error::InvalidBool {
            offset: 0,
            value: -1
        })
    );
}

#[test]
fn an_enum_value_outside_its_set_is_refused() {
    assert_eq!(
        Filekind::from_bytes(&[0, 0, 0, 3]),
        Err(Error::UnknownEnumValue {
            offset: 0,
            name: "Filekind",
            value: 3
        })
    );
}

#[test]
fn input_that_ends_inside_an_item_is_truncated() {
    assert_eq!(
        u32::from_bytes(&[0, 0, 1]),
        Err(Error::Truncated {
            offset: 0,
            needed: 4,
            available: 3
        })
    );
    assert_eq!(
        u64::from_bytes(&[0, 0, 0, 0, 0, 0, 0]),
        Err(Error::Truncated {
            offset: 0,
            needed: 8,
            available: 7
        })
    );
    // "hello" without its padding.
    assert_eq!(
        String::from_bytes(b"\0\0\0\x05hello"),
        Err(Error::Truncated {
            offset: 9,
            needed: 3,
            available: 0
        })
    );
    assert_eq!(
        Opaque::from_bytes(&[0, 0, 0, 8, 1, 2]),
        Err(Error::Truncated {
            offset: 4,
            needed: 8,
            available: 2
        })
    );
}

#[test]
fn an_array_count_the_input_cannot_hold_is_truncated_before_any_allocation() {
    assert_eq!(
        Vec::<u32>::from_bytes(&[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1]),
        Err(Error::Truncated {
            offset: 4,
            needed: 0x3_FFFF_FFFC,
            available: 4
        })
    );
}

#[test]
fn bytes_left_after_a_whole_message_are_refused() {
    assert_eq!(
        u32::from_bytes(&[0, 0, 0, 1, 0, 0, 0, 0]),
        Err(Error::TrailingBytes {
            offset: 4,
            count: 4
        })
    );
    let mut decoder = Decoder::new(&[0, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(
        decoder.decode::<u32>(),
        Ok(1),
        "a decoder reads items one at a time"
    );
    assert_eq!(decoder.remaining(), 4);
}

#[test]
fn a_string_that_is_not_utf8_cannot_be_a_rust_string_but_is_opaque() {
    let bytes = [0, 0, 0, 1, 0xFF, 0, 0, 0];
    assert_eq!(
        String::from_bytes(&bytes),
        Err(Error::NotUtf8 { offset: 4 })
    );
    let mut decoder = Decoder::new(&bytes);
    assert_eq!(
        decoder.string(1),
        Ok(&[0xFF][..]),
        "the raw string is still readable"
    );
}

#[test]
fn optional_data_nested_past_the_limit_is_refused_not_a_stack_overflow() {
    type List = Option<Box<List2>>;
    #[derive(Debug)]
    struct List2(List);
    impl Xdr for List2 {
        fn encode(&self, encoder: &mut crate::Encoder) -> Result<(), Error> {
            self.0.encode(encoder)
        }
        fn decode(decoder: &mut Decoder<'_>) -> Result<Self, Error> {
            List::decode(decoder).map(List2)
        }
    }
    let deep = [0, 0, 0, 1].repeat(100_000);
    let error = List::from_bytes(&deep).expect_err("too deep");
    assert_eq!(
        error,
        Error::TooDeep {
            offset: 4 * DEFAULT_DEPTH_LIMIT as usize + 4,
            limit: DEFAULT_DEPTH_LIMIT
        }
    );
    let mut shallow = [0, 0, 0, 1].repeat(3);
    shallow.extend([0, 0, 0, 0]);
    assert!(List::from_bytes(&shallow).is_ok());
}

#[test]
fn every_error_names_its_rule_and_its_offset() {
    let error = String::from_bytes(&[0, 0, 0, 1, b'a', 0, 7, 0]).expect_err("bad padding");
    assert_eq!(error.offset(), 6);
    let message = error.to_string();
    assert!(
        message.contains("byte 6") && message.contains("RFC 4506"),
        "{message}"
    );
}
