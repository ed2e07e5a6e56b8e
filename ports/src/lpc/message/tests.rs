use super::{DataEntry, PortMessage};
use crate::NtStatus;
use crate::lpc::{
    DEFAULT_MAX_MESSAGE_LENGTH, LPC_MAX_MESSAGE_LENGTH, LpcMessageType, PORT_MAXIMUM_MESSAGE_LENGTH,
};

#[test]
fn a_new_message_counts_its_data_and_the_header() {
    let m = PortMessage::new(vec![7u8; 8]);
    assert_eq!((m.data_length, m.total_length), (8, 32));
    assert_eq!(m.message_type, LpcMessageType::NewMessage);
    assert_eq!(m.check(DEFAULT_MAX_MESSAGE_LENGTH), Ok(()));
    assert_eq!(m.copied_length(), 32);
    assert_eq!(PortMessage::new(vec![1u8; 5]).copied_length(), 24 + 8);
}

#[test]
fn the_default_limit_allows_the_textbooks_256_bytes_and_no_more() {
    let fits = PortMessage::new(vec![0u8; usize::from(PORT_MAXIMUM_MESSAGE_LENGTH)]);
    assert_eq!(fits.check(DEFAULT_MAX_MESSAGE_LENGTH), Ok(()));
    let over = PortMessage::new(vec![0u8; 257]);
    assert_eq!(
        over.check(DEFAULT_MAX_MESSAGE_LENGTH),
        Err(NtStatus::PortMessageTooLong)
    );
    let nt_most = PortMessage::new(vec![0u8; 304]);
    assert_eq!(nt_most.check(LPC_MAX_MESSAGE_LENGTH), Ok(()));
}

#[test]
fn a_total_one_past_the_limit_is_too_long() {
    let m = PortMessage::new(vec![0u8; 8]).with_lengths(8, 281);
    assert_eq!(m.check(280), Err(NtStatus::PortMessageTooLong));
    assert_eq!(m.check(281), Ok(()));
}

#[test]
fn a_total_equal_to_the_data_is_too_long() {
    // Rule 1 catches a small total equal to the data length (the header does
    // not fit); a data length within 24 of 0x10000 is a small negative CSHORT
    // in NT, whose widened sum with the header wraps past rule 1 to rule 2.
    let small = PortMessage::new(vec![0u8; 8]).with_lengths(8, 8);
    assert_eq!(small.check(280), Err(NtStatus::InvalidParameter));
    let wrapped = PortMessage::new(vec![0u8; 8]).with_lengths(0xFFF0, 0xFFF0);
    assert_eq!(wrapped.check(u16::MAX), Err(NtStatus::PortMessageTooLong));
    let negative = PortMessage::new(vec![0u8; 8]).with_lengths(0xFFFF, 0xFFFF);
    assert_eq!(negative.check(280), Err(NtStatus::PortMessageTooLong));
    let not_wrapping = PortMessage::new(vec![0u8; 8]).with_lengths(0x8000, 0x8000);
    assert_eq!(not_wrapping.check(280), Err(NtStatus::InvalidParameter));
}

#[test]
fn data_that_does_not_fit_behind_the_header_is_an_invalid_parameter() {
    let m = PortMessage::new(vec![0u8; 8]).with_lengths(8, 31);
    assert_eq!(m.check(280), Err(NtStatus::InvalidParameter));
    let m = PortMessage::new(vec![0u8; 8]).with_lengths(9, 32);
    assert_eq!(m.check(280), Err(NtStatus::InvalidParameter));
}

#[test]
fn invalid_parameter_is_checked_before_too_long() {
    let m = PortMessage::new(vec![0u8; 8]).with_lengths(400, 300);
    assert_eq!(m.check(280), Err(NtStatus::InvalidParameter));
}

#[test]
fn data_information_counts_in_the_data_and_must_fit_in_it() {
    let entries = vec![DataEntry {
        mapping: 3,
        offset: 0,
        length: 1 << 20,
    }];
    let m = PortMessage::new(vec![1u8; 8]).with_data_entries(entries);
    assert_eq!(m.data_info_length(), 12);
    assert_eq!(m.data_info_offset(), 32);
    assert_eq!((m.data_length, m.total_length), (20, 44));
    assert_eq!(m.check(280), Ok(()));
    let short = m.clone().with_lengths(16, 40);
    assert_eq!(short.check(280), Err(NtStatus::InvalidParameter));
}

#[test]
fn a_reply_and_a_callback_name_the_message_they_answer() {
    let mut request = PortMessage::new(vec![1u8; 4]);
    request.client_id = crate::lpc::ClientId::of_task(3);
    request.message_id = 17;
    request.callback_id = 2;
    let reply = PortMessage::reply_to(&request, vec![2u8; 4]);
    assert_eq!(
        (reply.client_id, reply.message_id, reply.callback_id),
        (request.client_id, 17, 2)
    );
    assert_eq!(reply.message_type, LpcMessageType::NewMessage);
    let callback = PortMessage::callback_to(&request, Vec::<u8>::new());
    assert_eq!(callback.message_type, LpcMessageType::Request);
    assert_eq!(callback.message_id, 17);
}

#[test]
fn the_kernel_copies_what_the_header_claims() {
    let m = PortMessage::new(vec![1u8, 2, 3, 4]).with_lengths(2, 26);
    assert_eq!(&m.declared_data()[..], &[1, 2]);
    let m = PortMessage::new(vec![1u8, 2]).with_lengths(4, 28);
    assert_eq!(&m.declared_data()[..], &[1, 2, 0, 0]);
}

#[test]
fn data_too_long_for_a_header_fails_as_too_long() {
    let m = PortMessage::new(vec![0u8; 70_000]);
    assert_eq!(m.total_length, u16::MAX);
    assert_eq!(m.check(328), Err(NtStatus::PortMessageTooLong));
}
