//! `NtReadRequestData` and `NtWriteRequestData`: a server reads or writes a
//! waiting client's memory directly, in the ranges its request's data
//! information names (reply.c `LpcpCopyRequestData`): one copy between the two
//! tasks, none into a message.

use super::LpcOut;
use crate::services::Handle;
use crate::state::KernelState;
use crate::trace::{CopyDirection, Event, HexBytes};
use bytes::Bytes;
use ports::lpc::PortMessage;
use ports::{NtStatus, TaskId};
use std::ops::Range;

/// A checked range of a waiting client's memory.
struct ClientRange {
    client: TaskId,
    serial: u64,
    object: u32,
    offset: u32,
    range: Range<usize>,
}

impl KernelState {
    /// `NtReadRequestData`: `length` bytes of entry `index`.
    pub(super) fn nt_read_request_data(
        &mut self,
        task: TaskId,
        handle: u32,
        request: &PortMessage,
        index: u32,
        length: u32,
    ) -> Result<LpcOut, NtStatus> {
        let at = self.lpc_client_range(task, handle, request, index, length)?;
        let (label, data) = self.object_bytes(at.object, at.range.clone());
        self.lpc_record_copy(task, &at, index, CopyDirection::Read, label, data.clone());
        Ok(LpcOut::Data(data))
    }

    /// `NtWriteRequestData`: `data` into entry `index`.
    pub(super) fn nt_write_request_data(
        &mut self,
        task: TaskId,
        handle: u32,
        request: &PortMessage,
        index: u32,
        data: Bytes,
    ) -> Result<LpcOut, NtStatus> {
        let length = u32::try_from(data.len()).map_err(|_| NtStatus::InvalidParameter)?;
        let at = self.lpc_client_range(task, handle, request, index, length)?;
        let label = self.write_object_bytes(at.object, at.range.clone(), &data);
        self.lpc_record_copy(task, &at, index, CopyDirection::Write, label, data);
        Ok(LpcOut::Count(length))
    }

    fn lpc_record_copy(
        &mut self,
        task: TaskId,
        at: &ClientRange,
        index: u32,
        direction: CopyDirection,
        object: crate::trace::Label,
        data: Bytes,
    ) {
        self.record(Some(task), |k| Event::LpcRequestDataCopied {
            msg: at.serial,
            direction,
            client: k.task_label(at.client),
            object: object.clone(),
            index,
            offset: at.offset,
            data: HexBytes(data.clone()),
        });
    }

    /// The client memory a read or write of request data reaches, in NT's order
    /// of checks: a request with no data information is `invalid_parameter`; no
    /// task ever had its client id is `invalid_cid`; a client not waiting on the
    /// request's id (or an id of 0), or one waiting through a port unrelated to
    /// the handle's, is `reply_message_mismatch`; no record of the request, an
    /// index past its entries, or a length past the entry's is
    /// `invalid_parameter`; an entry naming no mapping of the client's, or a range
    /// past its object's end, is `access_violation`.
    fn lpc_client_range(
        &self,
        task: TaskId,
        handle: u32,
        request: &PortMessage,
        index: u32,
        length: u32,
    ) -> Result<ClientRange, NtStatus> {
        if request.data_info.is_empty() {
            return Err(NtStatus::InvalidParameter);
        }
        let port = self.lpc_port_of(task, handle)?;
        let client = self.lpc_task_of(request.client_id)?;
        let waiting = self.lpc_thread_of(client).is_some_and(|t| {
            request.message_id != 0
                && t.reply_message_id == request.message_id
                && self.lpc_related(port, t.port)
        });
        if !waiting {
            return Err(NtStatus::ReplyMessageMismatch);
        }
        let record = self
            .services
            .lpc
            .data_info
            .iter()
            .find(|r| r.message_id == request.message_id && r.client == client)
            .ok_or(NtStatus::InvalidParameter)?;
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| record.entries.get(i))
            .filter(|e| length <= e.length)
            .ok_or(NtStatus::InvalidParameter)?;
        let Some(Handle::Mapping(object)) = self.task(client).handles.get(&entry.mapping) else {
            return Err(NtStatus::AccessViolation);
        };
        let range = self
            .services
            .memory
            .get(object)
            .and_then(|o| o.range(entry.offset, length))
            .ok_or(NtStatus::AccessViolation)?;
        Ok(ClientRange {
            client,
            serial: record.serial,
            object: *object,
            offset: entry.offset,
            range,
        })
    }
}
