//! The binary form of the events a message makes, written by hand.
//!
//! A request/reply round trip records ten events, nearly all of the kinds below;
//! through serde and postcard each cost some 400 instructions to encode, most of
//! it the generic layers around a few varints and labels. These kinds are written
//! here directly, byte for byte what postcard writes for them (a test checks
//! each against postcard); their fixed words (reasons, right kinds, receivers,
//! …) and every other kind still go through postcard.

use super::Append;
use crate::event::{CarriedRight, Event, TraceItem, TraceRecord};
use serde::Serialize;

/// The variant indices of [`Event`] that serde gives the kinds written here: an
/// enum variant is written as its index in declaration order.
mod index {
    pub(super) const TASK_WOKEN: u32 = 2;
    pub(super) const RIGHT_CHANGED: u32 = 15;
    pub(super) const MESSAGE_SENT: u32 = 17;
    pub(super) const MESSAGE_QUEUED: u32 = 18;
    pub(super) const RECEIVE_BLOCKED: u32 = 22;
    pub(super) const MESSAGE_RECEIVED: u32 = 24;
    /// `TraceItem::Bytes`.
    pub(super) const BYTES: u32 = 11;
}

/// Appends `record`'s binary form to `out` if its event is of a kind written
/// here; `None` (and nothing written) otherwise.
pub(super) fn encode(record: &TraceRecord, out: &mut Vec<u8>) -> Option<postcard::Result<()>> {
    if !is_hot(&record.event) {
        return None;
    }
    let mut w = Writer(out);
    w.varint(record.seq);
    w.varint(record.t_ns);
    w.option_str(record.task.as_deref());
    Some(w.event(&record.event))
}

fn is_hot(event: &Event) -> bool {
    matches!(
        event,
        Event::TaskWoken { .. }
            | Event::RightChanged { .. }
            | Event::MessageSent { .. }
            | Event::MessageQueued { .. }
            | Event::ReceiveBlocked { .. }
            | Event::MessageReceived { .. }
    )
}

/// postcard's encoding of the primitives: LEB128 varints, length-prefixed
/// strings and bytes, a byte for an option's tag and for a bool.
struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    /// A signed integer, zigzag-encoded first.
    fn signed(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }

    fn str(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    fn option_str(&mut self, text: Option<&str>) {
        match text {
            None => self.0.push(0),
            Some(text) => {
                self.0.push(1);
                self.str(text);
            }
        }
    }

    fn option_varint(&mut self, value: Option<u64>) {
        match value {
            None => self.0.push(0),
            Some(value) => {
                self.0.push(1);
                self.varint(value);
            }
        }
    }

    /// A value through serde and postcard (the fixed words).
    fn serde(&mut self, value: &impl Serialize) -> postcard::Result<()> {
        postcard::serialize_with_flavor(value, Append(self.0))
    }

    fn carried(&mut self, carried: &CarriedRight) -> postcard::Result<()> {
        self.option_str(carried.port.as_deref());
        self.serde(&carried.right)
    }

    fn item(&mut self, item: &TraceItem) -> postcard::Result<()> {
        match item {
            TraceItem::Bytes(bytes) => {
                self.varint(index::BYTES.into());
                self.bytes(&bytes.0);
                Ok(())
            }
            other => self.serde(other),
        }
    }

    fn event(&mut self, event: &Event) -> postcard::Result<()> {
        match event {
            Event::TaskWoken { name, reason } => {
                self.varint(index::TASK_WOKEN.into());
                self.str(name);
                self.serde(reason)
            }
            Event::RightChanged {
                holder,
                name,
                port,
                right,
                urefs,
            } => {
                self.varint(index::RIGHT_CHANGED.into());
                self.str(holder);
                self.varint((*name).into());
                self.str(port);
                self.serde(right)?;
                self.varint((*urefs).into());
                Ok(())
            }
            Event::MessageSent {
                msg,
                port,
                id,
                size,
                dest_right,
                reply,
                body,
                kind,
            } => {
                self.varint(index::MESSAGE_SENT.into());
                self.varint(*msg);
                self.str(port);
                self.signed((*id).into());
                self.varint((*size).into());
                self.serde(dest_right)?;
                match reply {
                    None => self.0.push(0),
                    Some(reply) => {
                        self.0.push(1);
                        self.carried(reply)?;
                    }
                }
                self.varint(body.len() as u64);
                for item in body {
                    self.item(item)?;
                }
                self.serde(kind)
            }
            Event::MessageQueued { msg, port, depth } => {
                self.varint(index::MESSAGE_QUEUED.into());
                self.varint(*msg);
                self.str(port);
                self.varint((*depth).into());
                Ok(())
            }
            Event::ReceiveBlocked { port, until_ns } => {
                self.varint(index::RECEIVE_BLOCKED.into());
                self.str(port);
                self.option_varint(*until_ns);
                Ok(())
            }
            Event::MessageReceived {
                msg,
                port,
                receiver,
                seqno,
                pseudo,
            } => {
                self.varint(index::MESSAGE_RECEIVED.into());
                self.varint(*msg);
                self.str(port);
                self.serde(receiver)?;
                self.varint((*seqno).into());
                self.0.push(u8::from(*pseudo));
                Ok(())
            }
            // `is_hot` lets no other kind in.
            other => self.serde(other),
        }
    }
}

#[cfg(test)]
mod tests;
