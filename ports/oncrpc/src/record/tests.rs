//! Record marking: fragment headers, and reassembly from a stream cut anywhere.

use super::{
    FragmentHeader, LAST_FRAGMENT, MAX_FRAGMENT_LEN, RecordError, RecordReader, encode_record,
};
use bytes::Bytes;

/// Feeds `pieces` one after another and collects every record they complete.
fn read_all(reader: &mut RecordReader, pieces: &[&[u8]]) -> Result<Vec<Bytes>, RecordError> {
    let mut records = Vec::new();
    for piece in pieces {
        reader.feed(piece);
        while let Some(record) = reader.next_record()? {
            records.push(record);
        }
    }
    Ok(records)
}

fn word_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

#[test]
fn reference_case_57_a_10000_byte_reply_in_4096_byte_fragments_has_three_headers() {
    let reply: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let stream = encode_record(&reply, 4096).expect("a valid fragment size");
    assert_eq!(stream.len(), 10_000 + 3 * 4);
    assert_eq!(word_at(&stream, 0), 0x0000_1000);
    assert_eq!(word_at(&stream, 4 + 4096), 0x0000_1000);
    assert_eq!(word_at(&stream, 8 + 8192), 0x8000_0710);
    assert_eq!(&stream[12 + 8192..], &reply[8192..]);

    // The receiver reassembles before decoding, even one byte at a time.
    let mut reader = RecordReader::new(10_000);
    let pieces: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(read_all(&mut reader, &pieces), Ok(vec![Bytes::from(reply)]));
    assert!(reader.is_between_records());
}

#[test]
fn a_header_is_the_last_fragment_bit_and_a_31_bit_length() {
    assert_eq!(
        FragmentHeader::from_word(0x8000_0710),
        FragmentHeader {
            last: true,
            len: 0x710
        }
    );
    assert_eq!(
        FragmentHeader::from_word(0x7FFF_FFFF),
        FragmentHeader {
            last: false,
            len: MAX_FRAGMENT_LEN
        }
    );
    assert_eq!(
        FragmentHeader { last: true, len: 0 }.to_word(),
        LAST_FRAGMENT
    );
    assert_eq!(
        encode_record(b"", 8),
        Ok(Bytes::from_static(&[0x80, 0, 0, 0]))
    );
    assert_eq!(
        encode_record(b"abcd", 4),
        Ok(Bytes::from_static(&[0x80, 0, 0, 4, b'a', b'b', b'c', b'd']))
    );
}

#[test]
fn a_fragment_size_no_header_can_describe_is_refused() {
    assert_eq!(
        encode_record(b"x", 0),
        Err(RecordError::FragmentSize { size: 0 })
    );
    assert_eq!(
        encode_record(b"x", 1 << 31),
        Err(RecordError::FragmentSize { size: 1 << 31 })
    );
    assert!(encode_record(b"x", MAX_FRAGMENT_LEN).is_ok());
}

#[test]
fn records_split_at_every_byte_boundary_reassemble_identically() {
    let first: &[u8] = b"the first record, in fragments of five";
    let second: &[u8] = b"and a second";
    let mut stream = encode_record(first, 5).expect("valid").to_vec();
    stream.extend_from_slice(&encode_record(b"", 5).expect("valid"));
    stream.extend_from_slice(&encode_record(second, 64).expect("valid"));
    let expected = vec![
        Bytes::from_static(first),
        Bytes::new(),
        Bytes::from_static(second),
    ];
    for cut in 0..=stream.len() {
        for second_cut in cut..=stream.len() {
            let mut reader = RecordReader::new(64);
            let pieces = [
                &stream[..cut],
                &stream[cut..second_cut],
                &stream[second_cut..],
            ];
            assert_eq!(
                read_all(&mut reader, &pieces),
                Ok(expected.clone()),
                "cut at {cut} and {second_cut}"
            );
            assert!(reader.is_between_records());
        }
    }
}

#[test]
fn a_reader_holds_nothing_back_until_a_record_is_complete() {
    let stream = encode_record(b"12345678", 3).expect("valid");
    let mut reader = RecordReader::new(8);
    reader.feed(&stream[..stream.len() - 1]);
    assert_eq!(reader.next_record(), Ok(None));
    assert!(
        !reader.is_between_records(),
        "a stream ending here ends inside a record"
    );
    reader.feed(&stream[stream.len() - 1..]);
    assert_eq!(
        reader.next_record(),
        Ok(Some(Bytes::from_static(b"12345678")))
    );
    assert_eq!(reader.next_record(), Ok(None));
}

#[test]
fn empty_fragments_that_are_not_last_add_nothing() {
    let stream = [0, 0, 0, 0, 0, 0, 0, 1, b'x', 0, 0, 0, 0, 0x80, 0, 0, 0];
    let mut reader = RecordReader::new(1);
    assert_eq!(
        read_all(&mut reader, &[&stream]),
        Ok(vec![Bytes::from_static(b"x")])
    );
}

#[test]
fn a_record_over_the_maximum_is_refused_at_its_header_and_the_stream_stays_refused() {
    let mut reader = RecordReader::new(100);
    // One fragment announcing 101 bytes: refused before its bytes arrive.
    reader.feed(&[0x80, 0, 0, 101]);
    let error = RecordError::RecordTooLarge {
        size: 101,
        maximum: 100,
    };
    assert_eq!(reader.next_record(), Err(error.clone()));
    reader.feed(&encode_record(b"fine", 4).expect("valid"));
    assert_eq!(
        reader.next_record(),
        Err(error),
        "the stream is out of step"
    );
}

#[test]
fn the_maximum_counts_every_fragment_of_the_record() {
    let exactly = encode_record(&[7; 100], 60).expect("valid");
    assert_eq!(
        read_all(&mut RecordReader::new(100), &[&exactly]).map(|records| records.len()),
        Ok(1)
    );
    let over = encode_record(&[7; 120], 60).expect("valid");
    assert_eq!(
        read_all(&mut RecordReader::new(100), &[&over]),
        Err(RecordError::RecordTooLarge {
            size: 120,
            maximum: 100
        })
    );
}
