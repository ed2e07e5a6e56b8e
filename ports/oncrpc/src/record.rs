//! Record marking: how RPC messages travel over a byte stream (RFC 5531 §11).
//!
//! A stream has no message boundaries, so each message is sent as one record,
//! cut into fragments; each fragment starts with a 4-byte big-endian header
//! whose top bit says whether it is the record's last fragment and whose low 31
//! bits are its length in bytes. A datagram transport needs none of this: one
//! message is one datagram.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// The header bit that marks a record's last fragment.
pub const LAST_FRAGMENT: u32 = 1 << 31;

/// The longest fragment a header can describe: 2³¹−1 bytes.
pub const MAX_FRAGMENT_LEN: u32 = LAST_FRAGMENT - 1;

/// One fragment header (RFC 5531 §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FragmentHeader {
    /// Whether this fragment ends its record.
    pub last: bool,
    /// The fragment's length in bytes, at most [`MAX_FRAGMENT_LEN`].
    pub len: u32,
}

impl FragmentHeader {
    /// The header a 4-byte word holds.
    pub fn from_word(word: u32) -> Self {
        FragmentHeader {
            last: word & LAST_FRAGMENT != 0,
            len: word & MAX_FRAGMENT_LEN,
        }
    }

    /// The header as a word; a length over [`MAX_FRAGMENT_LEN`] loses its top bit.
    pub fn to_word(self) -> u32 {
        (self.len & MAX_FRAGMENT_LEN) | if self.last { LAST_FRAGMENT } else { 0 }
    }
}

/// A record that cannot be written or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A writer was asked for fragments of a size no header can describe.
    #[error(
        "fragments of {size} bytes cannot be written: a fragment holds 1 to 2^31-1 bytes (RFC 5531 §11)"
    )]
    FragmentSize {
        /// The size asked for.
        size: u32,
    },
    /// The record being read would grow past the reader's maximum. The stream
    /// is out of step from here on, so the reader refuses everything after it.
    #[error("a record of at least {size} bytes is over the maximum of {maximum} bytes")]
    RecordTooLarge {
        /// The size the record would reach with the fragment just announced.
        size: u64,
        /// The reader's maximum.
        maximum: usize,
    },
}

/// Frames `record` (one encoded message) as fragments of at most `max_fragment`
/// bytes each, the last one marked; an empty record is one empty last fragment.
pub fn encode_record(record: &[u8], max_fragment: u32) -> Result<Bytes, RecordError> {
    if max_fragment == 0 || max_fragment > MAX_FRAGMENT_LEN {
        return Err(RecordError::FragmentSize { size: max_fragment });
    }
    let fragments: Vec<&[u8]> = if record.is_empty() {
        vec![record]
    } else {
        record.chunks(max_fragment as usize).collect()
    };
    let mut out = BytesMut::with_capacity(record.len() + 4 * fragments.len());
    for (index, fragment) in fragments.iter().enumerate() {
        let last = index + 1 == fragments.len();
        // A chunk is at most `max_fragment` long, which fits in 31 bits.
        out.put_u32(
            FragmentHeader {
                last,
                len: fragment.len() as u32,
            }
            .to_word(),
        );
        out.put_slice(fragment);
    }
    Ok(out.freeze())
}

/// Reassembles records from a byte stream that arrives in pieces of any size.
///
/// Feed it bytes as they arrive, then take the records they complete. A record
/// may not grow past the maximum given at creation: the check is made when a
/// fragment's header arrives, before its bytes are buffered, so a peer cannot
/// make the reader hold more than the maximum plus what was fed and not yet
/// read.
#[derive(Clone, Debug)]
pub struct RecordReader {
    max_record: usize,
    input: BytesMut,
    record: BytesMut,
    fragment: Option<Fragment>,
    failed: Option<RecordError>,
}

/// The fragment being read: whether it is the last, and how many bytes it still needs.
#[derive(Clone, Copy, Debug)]
struct Fragment {
    last: bool,
    remaining: usize,
}

impl RecordReader {
    /// A reader of records of at most `max_record` bytes.
    pub fn new(max_record: usize) -> Self {
        RecordReader {
            max_record,
            input: BytesMut::new(),
            record: BytesMut::new(),
            fragment: None,
            failed: None,
        }
    }

    /// Appends bytes that arrived from the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.input.put_slice(bytes);
    }

    /// The next complete record, `None` if the bytes fed so far do not complete
    /// one; call it until it returns `None`, since one piece may complete several.
    pub fn next_record(&mut self) -> Result<Option<Bytes>, RecordError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        loop {
            let fragment = match self.fragment {
                Some(fragment) => fragment,
                None if self.input.len() < 4 => return Ok(None),
                None => self.start_fragment()?,
            };
            let take = fragment.remaining.min(self.input.len());
            self.record.put_slice(&self.input.split_to(take));
            let remaining = fragment.remaining - take;
            if remaining > 0 {
                self.fragment = Some(Fragment {
                    remaining,
                    ..fragment
                });
                return Ok(None);
            }
            self.fragment = None;
            if fragment.last {
                return Ok(Some(self.record.split().freeze()));
            }
        }
    }

    /// Whether the reader holds nothing: no partial record and no unread bytes,
    /// so a stream that ends now ends cleanly between records.
    pub fn is_between_records(&self) -> bool {
        self.input.is_empty() && self.record.is_empty() && self.fragment.is_none()
    }

    fn start_fragment(&mut self) -> Result<Fragment, RecordError> {
        let header = FragmentHeader::from_word(self.input.get_u32());
        let size = self.record.len() as u64 + u64::from(header.len);
        if size > self.max_record as u64 {
            let error = RecordError::RecordTooLarge {
                size,
                maximum: self.max_record,
            };
            self.failed = Some(error.clone());
            return Err(error);
        }
        Ok(Fragment {
            last: header.last,
            remaining: header.len as usize,
        })
    }
}

#[cfg(test)]
mod tests;
