//! The encoding of each of Rust's own types, byte for byte.

use crate::{Bounded, Encoder, FixedOpaque, Opaque, Xdr};

fn encoded<T: Xdr>(value: &T) -> Vec<u8> {
    value.to_bytes().expect("encodes").to_vec()
}

/// Encodes, checks the bytes, and decodes them back to the value.
fn assert_encoding<T: Xdr + PartialEq + std::fmt::Debug>(value: T, bytes: &[u8]) {
    assert_eq!(encoded(&value), bytes, "encoding of {value:?}");
    assert_eq!(T::from_bytes(bytes).expect("decodes"), value);
}

#[test]
fn reference_case_40_a_string_is_its_length_its_bytes_and_zero_padding() {
    assert_encoding(
        String::from("hello"),
        &[
            0x00, 0x00, 0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00,
        ],
    );
    assert_encoding(String::new(), &[0x00, 0x00, 0x00, 0x00]);
    assert_encoding(
        Bounded::<String, 5>("hello".into()),
        b"\0\0\0\x05hello\0\0\0",
    );
}

#[test]
fn reference_case_40_fixed_opaque_has_no_length_and_pads_to_four() {
    assert_encoding(FixedOpaque([1, 2, 3]), &[0x01, 0x02, 0x03, 0x00]);
    assert_encoding(FixedOpaque([9, 8, 7, 6]), &[9, 8, 7, 6]);
    assert_encoding(FixedOpaque([]), &[]);
}

#[test]
fn reference_case_41_integers_booleans_and_absent_optionals() {
    assert_encoding(-2i32, &[0xFF, 0xFF, 0xFF, 0xFE]);
    assert_encoding(1i64, &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]);
    assert_encoding(true, &[0x00, 0x00, 0x00, 0x01]);
    assert_encoding(false, &[0x00, 0x00, 0x00, 0x00]);
    assert_encoding(None::<i32>, &[0x00, 0x00, 0x00, 0x00]);
}

#[test]
fn integers_are_big_endian_and_two_s_complement() {
    assert_encoding(0x0102_0304i32, &[1, 2, 3, 4]);
    assert_encoding(i32::MIN, &[0x80, 0, 0, 0]);
    assert_encoding(u32::MAX, &[0xFF; 4]);
    assert_encoding(-1i64, &[0xFF; 8]);
    assert_encoding(0x0102_0304_0506_0708u64, &[1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn floats_are_ieee_754_bits_big_endian() {
    assert_encoding(1.0f32, &[0x3F, 0x80, 0x00, 0x00]);
    assert_encoding(-2.5f64, &[0xC0, 0x04, 0, 0, 0, 0, 0, 0]);
    let nan = f32::from_bits(0x7FC0_0001);
    let back = f32::from_bytes(&encoded(&nan)).expect("decodes");
    assert_eq!(back.to_bits(), 0x7FC0_0001, "a NaN keeps its payload");
}

#[test]
fn void_is_no_bytes_at_all() {
    assert_encoding((), &[]);
}

#[test]
fn a_present_optional_is_true_then_the_value() {
    assert_encoding(Some(7u32), &[0, 0, 0, 1, 0, 0, 0, 7]);
    assert_encoding(
        Some(Box::new(Some(1i32))),
        &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1],
    );
}

#[test]
fn a_fixed_array_is_its_elements_and_a_variable_array_is_a_count_then_them() {
    assert_encoding([1u32, 2], &[0, 0, 0, 1, 0, 0, 0, 2]);
    assert_encoding(vec![1u32, 2], &[0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
    assert_encoding(Vec::<u32>::new(), &[0, 0, 0, 0]);
    assert_encoding(
        Bounded::<Vec<bool>, 2>(vec![true]),
        &[0, 0, 0, 1, 0, 0, 0, 1],
    );
}

#[test]
fn variable_opaque_is_a_length_then_the_padded_bytes() {
    assert_encoding(Opaque::from(vec![0xAA]), &[0, 0, 0, 1, 0xAA, 0, 0, 0]);
    assert_encoding(Opaque::default(), &[0, 0, 0, 0]);
    assert_encoding(
        Bounded::<Opaque, 4>(Opaque::from(vec![1, 2, 3, 4])),
        &[0, 0, 0, 4, 1, 2, 3, 4],
    );
}

#[test]
fn a_string_is_bytes_with_no_terminating_nul() {
    let mut encoder = Encoder::new();
    encoder.string("ab", 2).expect("within the maximum");
    assert_eq!(encoder.as_slice(), &[0, 0, 0, 2, b'a', b'b', 0, 0]);
    assert_eq!(encoder.len() % 4, 0);
}

#[test]
fn items_follow_one_another_with_no_gaps() {
    let mut encoder = Encoder::new();
    encoder.int(1);
    encoder.fixed_opaque(&[7]);
    encoder.uhyper(2);
    assert_eq!(
        encoder.as_slice(),
        &[0, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    );
}

#[test]
fn a_tuple_is_its_components_in_order_like_a_struct() {
    assert_encoding((2i32, 3i32), &[0, 0, 0, 2, 0, 0, 0, 3]);
    assert_encoding((true, (), 1u64), &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
}
