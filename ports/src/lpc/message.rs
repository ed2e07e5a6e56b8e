//! The LPC message (`PORT_MESSAGE`) and NT's length rules.

use super::{ClientId, LpcMessageType, PORT_MESSAGE_HEADER_LENGTH};
use crate::NtStatus;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// One entry of a request's data information (NT's `LPCP_DATA_INFO` entry): a
/// range of the *sender's* memory that the server may read or write directly
/// while the sender waits (`NtReadRequestData`, `NtWriteRequestData`).
///
/// NT names the range by its virtual address; machsim, which has no address
/// space, by a mapping handle of the sender's and an offset in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataEntry {
    /// A mapping handle in the sender's handle table.
    pub mapping: u32,
    /// The byte offset in the mapped object.
    pub offset: u32,
    /// The range's length in bytes.
    pub length: u32,
}

/// An LPC message as a task writes and reads it: NT's `PORT_MESSAGE` header and
/// its data.
///
/// The header's lengths are the sender's claims, checked by [`PortMessage::check`]
/// on every send and reply; the constructors fill them in from the data, and
/// [`PortMessage::with_lengths`] forges them (for tests of the rules). The kernel
/// sets `client_id`, `message_id` and `callback_id` on what it delivers; a reply
/// or a callback copies them from the message it answers, which is how the kernel
/// finds the task waiting for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMessage {
    /// `DataLength`: the bytes after the header (the data-information block
    /// included).
    pub data_length: u16,
    /// `TotalLength`: the header and the data.
    pub total_length: u16,
    /// `Type`: `new_message` on what a task sends (`request` for a callback); the
    /// kernel's type on what it delivers.
    pub message_type: LpcMessageType,
    /// `ClientId`: the sender's id, set by the kernel.
    pub client_id: ClientId,
    /// `MessageId`: set by the kernel from one counter that skips 0; a reply
    /// carries the id of the request it answers.
    pub message_id: u32,
    /// `CallbackId`: set by the kernel on a callback.
    pub callback_id: u32,
    /// `ClientViewSize`: on a connection request, the size of the client's view.
    pub client_view_size: u32,
    /// The data.
    pub data: Bytes,
    /// The data information (NT puts it inside the data, at `DataInfoOffset`).
    pub data_info: Vec<DataEntry>,
}

/// Bytes of the data-information block before its entries (`NumberOfEntries`).
const DATA_INFO_COUNT: usize = 4;
/// Bytes of one data-information entry (`BaseAddress`, `DataLength` on 32-bit NT).
const DATA_INFO_ENTRY: usize = 8;

impl PortMessage {
    /// A message of `data` with no type, its lengths filled in (data longer than a
    /// header can count is cut to what it can, and then fails the length check).
    pub fn new(data: impl Into<Bytes>) -> PortMessage {
        let mut message = PortMessage {
            data_length: 0,
            total_length: 0,
            message_type: LpcMessageType::NewMessage,
            client_id: ClientId::default(),
            message_id: 0,
            callback_id: 0,
            client_view_size: 0,
            data: data.into(),
            data_info: Vec::new(),
        };
        message.fill_lengths();
        message
    }

    /// A reply to `received`: it names the same task, message and callback, which
    /// is what `NtReplyPort` checks.
    pub fn reply_to(received: &PortMessage, data: impl Into<Bytes>) -> PortMessage {
        PortMessage {
            client_id: received.client_id,
            message_id: received.message_id,
            callback_id: received.callback_id,
            ..PortMessage::new(data)
        }
    }

    /// A callback on `received`, a request from a task still waiting for its
    /// reply: a `request` naming that task and message (NT's callback, sent with
    /// `NtRequestWaitReplyPort`).
    pub fn callback_to(received: &PortMessage, data: impl Into<Bytes>) -> PortMessage {
        PortMessage {
            message_type: LpcMessageType::Request,
            ..PortMessage::reply_to(received, data)
        }
    }

    /// The same message with forged lengths (to test the kernel's checks).
    pub fn with_lengths(mut self, data_length: u16, total_length: u16) -> PortMessage {
        self.data_length = data_length;
        self.total_length = total_length;
        self
    }

    /// The same message with another type (only `new_message`, and `request` for
    /// a callback, are a task's to write; the kernel refuses the rest).
    pub fn with_type(mut self, message_type: LpcMessageType) -> PortMessage {
        self.message_type = message_type;
        self
    }

    /// The same message carrying data information (ranges of the sender's memory
    /// the server may read or write directly); the lengths are filled in again.
    pub fn with_data_entries(mut self, entries: Vec<DataEntry>) -> PortMessage {
        self.data_info = entries;
        self.fill_lengths();
        self
    }

    fn fill_lengths(&mut self) {
        let most = usize::from(u16::MAX - PORT_MESSAGE_HEADER_LENGTH);
        let wanted = self.data.len() + self.data_info_length();
        self.data_length = u16::try_from(wanted.min(most)).unwrap_or(u16::MAX);
        self.total_length = self.data_length + PORT_MESSAGE_HEADER_LENGTH;
    }

    /// The data-information block's length: its count and its entries, or 0
    /// when there are none.
    pub fn data_info_length(&self) -> usize {
        if self.data_info.is_empty() {
            0
        } else {
            DATA_INFO_COUNT + DATA_INFO_ENTRY * self.data_info.len()
        }
    }

    /// `DataInfoOffset`: where the data information starts, from the header's
    /// start (after the data), or 0 when there is none.
    pub fn data_info_offset(&self) -> usize {
        if self.data_info.is_empty() {
            0
        } else {
            usize::from(PORT_MESSAGE_HEADER_LENGTH) + self.data.len()
        }
    }

    /// NT's length rules (send.c, reply.c), applied to every send and reply
    /// through a port whose limit is `max_message_length` (total, header
    /// included), in NT's order:
    ///
    /// 1. `data_length + 24 > total_length`: `invalid_parameter`;
    /// 2. `total_length > max_message_length` or `total_length <= data_length`:
    ///    `port_message_too_long`;
    /// 3. a data-information block that does not end within `data_length`
    ///    (`LpcpVerifyMessageDataInfo`): `invalid_parameter`.
    ///
    /// The lengths are NT's `CSHORT`s, widened to 32 bits as C widens a signed
    /// short (a length of `0x8000` or more is negative, so it widens to a huge
    /// number) before the arithmetic, which wraps: that is how a total equal to
    /// a data length within 24 of `0x10000`, which rule 1 would otherwise catch,
    /// reaches rule 2.
    ///
    /// # Errors
    /// The status of the first rule broken.
    pub fn check(&self, max_message_length: u16) -> Result<(), NtStatus> {
        let data = widen(self.data_length);
        let total = widen(self.total_length);
        if data.wrapping_add(u32::from(PORT_MESSAGE_HEADER_LENGTH)) > total {
            return Err(NtStatus::InvalidParameter);
        }
        if total > u32::from(max_message_length) || total <= data {
            return Err(NtStatus::PortMessageTooLong);
        }
        if !self.data_info.is_empty()
            && self.data.len() + self.data_info_length() > usize::from(self.data_length)
        {
            return Err(NtStatus::InvalidParameter);
        }
        Ok(())
    }

    /// The data as the kernel copies it: the bytes the header claims (its data
    /// length less the data information), cut or padded with zeros to that
    /// length, as NT copies what the header says rather than what the buffer holds.
    pub fn declared_data(&self) -> Bytes {
        let claimed = usize::from(self.data_length).saturating_sub(self.data_info_length());
        if claimed == self.data.len() {
            self.data.clone()
        } else if claimed < self.data.len() {
            self.data.slice(..claimed)
        } else {
            let mut padded = self.data.to_vec();
            padded.resize(claimed, 0);
            Bytes::from(padded)
        }
    }

    /// The bytes one copy of this message moves: the header and its data rounded
    /// up to 4 bytes, as `LpcpMoveMessage` copies them.
    pub fn copied_length(&self) -> u32 {
        u32::from(PORT_MESSAGE_HEADER_LENGTH) + u32::from(self.data_length).next_multiple_of(4)
    }
}

/// A `CSHORT` length as C widens it to a `ULONG`: sign-extended.
fn widen(length: u16) -> u32 {
    // The casts are the point: reinterpret as signed, then sign-extend.
    i32::from(length.cast_signed()).cast_unsigned()
}

#[cfg(test)]
mod tests;
