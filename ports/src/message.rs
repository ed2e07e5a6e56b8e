//! Messages: a fixed header and a typed body, as a task sees them.
//!
//! A task builds a [`Message`] with its own [`PortName`]s and hands it to the kernel;
//! the kernel copies the rights in (checking each against the sender's name space),
//! carries them as kernel identities while the message is queued, and copies them
//! out into the receiver's name space, so the receiver sees its own names.

use crate::{Disposition, MessageId, PortName};
use bytes::Bytes;

/// The fixed part of a message (Mach 3.0's `mach_msg_header_t`).
///
/// On send, `dest` names the destination right and `reply` an optional reply right.
/// On receive the kernel rewrites the header as Mach does: `dest` names the port the
/// message came from (for a port set, the member), `dest_disposition` says whether
/// it was sent to a send right (`MoveSend`) or a send-once right (`MoveSendOnce`),
/// and `reply` names the reply right now held by the receiver.
#[derive(Clone, Debug, PartialEq)]
#[doc(alias = "mach_msg_header_t")]
pub struct Header {
    /// The destination (Mach's `msgh_remote_port` on send, `msgh_local_port` on receive).
    pub dest: PortName,
    /// How the destination right is used. `None` on send means "copy the send right
    /// if the name holds one, else move the send-once right", which is what a scenario
    /// step does by default.
    pub dest_disposition: Option<Disposition>,
    /// The reply right, or [`PortName::NULL`].
    pub reply: PortName,
    /// How the reply right travels; must be a send-type disposition.
    pub reply_disposition: Disposition,
    /// The operation number (Mach's `msgh_id`).
    pub id: MessageId,
    /// Set by the kernel: Mach 3.0's `msgh_size` (see [`message_size`]).
    pub size: u32,
    /// Set by the kernel at receive: the port's sequence number (Mach's `msgh_seqno`).
    pub seqno: u32,
}

impl Header {
    /// A header for a message to `dest` with operation number `id` and no reply right.
    pub fn new(dest: PortName, id: MessageId) -> Header {
        Header {
            dest,
            dest_disposition: None,
            reply: PortName::NULL,
            reply_disposition: Disposition::MakeSendOnce,
            id,
            size: 0,
            seqno: 0,
        }
    }
}

/// A task's view of a message: header plus typed body items, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The fixed header.
    pub header: Header,
    /// The typed body (Mach 3.0's list of typed data items).
    pub body: Vec<Item>,
}

impl Message {
    /// A message to `dest` with operation number `id`, no reply right and an empty body.
    pub fn new(dest: PortName, id: i32) -> Message {
        Message {
            header: Header::new(dest, MessageId(id)),
            body: Vec::new(),
        }
    }

    /// Sets how the destination right is used.
    #[must_use]
    pub fn with_dest_disposition(mut self, disposition: Disposition) -> Message {
        self.header.dest_disposition = Some(disposition);
        self
    }

    /// Adds a reply right, made or moved as `disposition` says.
    #[must_use]
    pub fn with_reply(mut self, reply: PortName, disposition: Disposition) -> Message {
        self.header.reply = reply;
        self.header.reply_disposition = disposition;
        self
    }

    /// Appends a body item.
    #[must_use]
    pub fn with(mut self, item: Item) -> Message {
        self.push(item);
        self
    }

    /// Appends a body item.
    pub fn push(&mut self, item: Item) {
        // A body is a few items: the first one allocates room for four at once,
        // which is cheaper than growing an empty vector.
        if self.body.capacity() == 0 {
            self.body = Vec::with_capacity(4);
        }
        self.body.push(item);
    }

    /// The operation number.
    pub fn id(&self) -> i32 {
        self.header.id.0
    }

    /// Mach 3.0's `msgh_size` of this message (see [`message_size`]).
    pub fn size(&self) -> u32 {
        message_size(&self.body)
    }
}

/// Out-of-line memory: a region passed by virtual copy.
///
/// Machsim has no virtual memory; the region is a shared, immutable buffer. Sender
/// and receiver share it until one of them writes, which (being immutable) means
/// making its own copy: the copy-on-write that Mach's VM gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ool {
    /// The region's contents.
    pub data: Bytes,
}

/// A port right carried in a body item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortItem {
    /// The right's name in the sender's space on send; in the receiver's space on
    /// receive ([`PortName::DEAD`] if the port died in transit, [`PortName::NULL`] for none).
    pub name: PortName,
    /// How it travels on send; the received form (`MoveReceive`, `MoveSend`,
    /// `MoveSendOnce`) on receive.
    pub disposition: Disposition,
}

/// One typed body item (a Mach 3.0 type descriptor with its data).
#[derive(Clone, Debug, PartialEq)]
#[doc(alias = "descriptor")]
pub enum Item {
    /// An 8-bit unsigned integer.
    U8(u8),
    /// A 16-bit unsigned integer.
    U16(u16),
    /// A 32-bit unsigned integer.
    U32(u32),
    /// A 64-bit unsigned integer.
    U64(u64),
    /// An 8-bit signed integer.
    I8(i8),
    /// A 16-bit signed integer.
    I16(i16),
    /// A 32-bit signed integer.
    I32(i32),
    /// A 64-bit signed integer.
    I64(i64),
    /// A boolean (Mach's 32-bit `boolean_t`).
    Bool(bool),
    /// A 64-bit float (Mach's `REAL`).
    F64(f64),
    /// A C string; counts its UTF-8 length plus the terminating NUL.
    Str(String),
    /// Inline bytes, copied into and out of the kernel.
    Bytes(Bytes),
    /// Out-of-line memory, passed by virtual copy.
    Ool(Ool),
    /// A port right.
    Port(PortItem),
}

impl Item {
    /// The name of the item's type, as scenario files spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Item::U8(_) => "u8",
            Item::U16(_) => "u16",
            Item::U32(_) => "u32",
            Item::U64(_) => "u64",
            Item::I8(_) => "i8",
            Item::I16(_) => "i16",
            Item::I32(_) => "i32",
            Item::I64(_) => "i64",
            Item::Bool(_) => "bool",
            Item::F64(_) => "f64",
            Item::Str(_) => "str",
            Item::Bytes(_) => "bytes",
            Item::Ool(_) => "ool",
            Item::Port(_) => "port",
        }
    }

    /// The item's inline data length in bytes, before rounding.
    fn inline_len(&self) -> usize {
        match self {
            Item::U8(_) | Item::I8(_) => 1,
            Item::U16(_) | Item::I16(_) => 2,
            Item::U32(_) | Item::I32(_) | Item::Bool(_) => 4,
            Item::U64(_) | Item::I64(_) | Item::F64(_) => 8,
            Item::Str(s) => s.len() + 1,
            Item::Bytes(b) => b.len(),
            Item::Ool(_) | Item::Port(_) => 4,
        }
    }
}

/// The size of Mach 3.0's `mach_msg_header_t`, in bytes.
pub const fn header_size() -> u32 {
    24
}

/// The bytes one item adds to `msgh_size`: a 4-byte type descriptor and its inline
/// data rounded up to a multiple of 4 (an out-of-line region or a port counts 4).
pub fn item_size(item: &Item) -> u32 {
    let data = item.inline_len().div_ceil(4).saturating_mul(4);
    u32::try_from(data.saturating_add(4)).unwrap_or(u32::MAX)
}

/// Mach 3.0's `msgh_size` for a body: the header plus every item (saturating).
pub fn message_size(body: &[Item]) -> u32 {
    body.iter().fold(header_size(), |size, item| {
        size.saturating_add(item_size(item))
    })
}

#[cfg(test)]
mod tests {
    use super::{Item, Message, Ool, PortItem, message_size};
    use crate::{Disposition, PortName};
    use bytes::Bytes;

    #[test]
    fn size_is_the_header_plus_a_descriptor_and_rounded_data_per_item() {
        assert_eq!(Message::new(PortName::NULL, 0).size(), 24);
        let body = vec![
            Item::U8(1),                              // 4 + 4
            Item::U64(1),                             // 4 + 8
            Item::Bool(true),                         // 4 + 4
            Item::Str("abc".into()),                  // 4 + 4 (3 + NUL)
            Item::Str("abcd".into()),                 // 4 + 8 (4 + NUL, rounded)
            Item::Bytes(Bytes::from_static(&[0; 5])), // 4 + 8
            Item::Ool(Ool {
                data: Bytes::from(vec![0; 65536]),
            }), // 4 + 4
            Item::Port(PortItem {
                name: PortName::NULL,
                disposition: Disposition::MakeSend,
            }), // 4 + 4
        ];
        assert_eq!(message_size(&body), 24 + 8 + 12 + 8 + 8 + 12 + 12 + 8 + 8);
    }
}
