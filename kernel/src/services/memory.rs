//! Shared memory: memory objects named by ports, mapped by the tasks that hold them.
//!
//! Machsim has no virtual memory, so an object is a byte buffer and a mapping is a
//! handle through which a task reads and writes typed values; each read or write
//! is one kernel call, a scheduling point, so the interleavings of unsynchronised
//! producers and consumers are explored and traced (the textbook's race).
//! An object made from an out-of-line region shares the region's bytes until its
//! first write, when it takes its own copy: Mach's virtual copy.
//! Bytes can also be read or written in bulk, one call for a whole range: that is
//! how a section (an LPC port view) is used, where a real kernel would see no call
//! at all, so its cost in kernel steps stays one per transfer.

use super::{ObjectRef, ServiceError, ServiceReply};
use crate::state::KernelState;
use crate::trace::{Event, HexBytes, Label, PortDestroyReason};
use bytes::Bytes;
use ports::{PortId, PortName, TaskId};
use std::ops::Range;

/// How many bytes a memory read or write moves (little-endian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// One byte.
    U8,
    /// Two bytes.
    U16,
    /// Four bytes.
    U32,
    /// Eight bytes.
    U64,
}

impl Width {
    /// The width in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            Width::U8 => 1,
            Width::U16 => 2,
            Width::U32 => 4,
            Width::U64 => 8,
        }
    }
}

/// A memory object (Mach's memory object, reduced to its bytes).
#[derive(Debug)]
pub(crate) struct MemoryObject {
    pub(crate) label: Label,
    pub(crate) port: PortId,
    /// The contents while shared with an out-of-line region (virtual copy).
    pub(crate) shared: Bytes,
    /// The contents once written (the copy a write makes).
    pub(crate) own: Option<Vec<u8>>,
    pub(crate) size: u32,
    pub(crate) mappings: u32,
}

impl MemoryObject {
    /// The current contents.
    pub(crate) fn contents(&self) -> &[u8] {
        self.bytes()
    }

    fn bytes(&self) -> &[u8] {
        match &self.own {
            Some(own) => own,
            None => &self.shared,
        }
    }

    fn bytes_mut(&mut self) -> &mut Vec<u8> {
        let shared = &self.shared;
        self.own.get_or_insert_with(|| shared.to_vec())
    }

    /// The byte range `offset .. offset + length`, if it lies within the object.
    pub(crate) fn range(&self, offset: u32, length: u32) -> Option<Range<usize>> {
        let end = offset.checked_add(length).filter(|end| *end <= self.size)?;
        Some(offset as usize..end as usize)
    }
}

impl KernelState {
    /// Makes a memory object with `data` (shared; zeroed when empty) and gives
    /// `task` a send right naming it; `cause` is the task whose call made it, or
    /// `None` for the kernel (an object a scenario declares before the run).
    pub(crate) fn memory_create(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        data: Bytes,
        size: u32,
        label: Option<&str>,
    ) -> Result<PortName, ServiceError> {
        if size == 0 || size > self.config.max_memory_object_bytes {
            return Err(ServiceError::InvalidValue);
        }
        let (id, port, label) = self.object_port(cause, task, ObjectRef::Memory, label)?;
        let shared = if data.is_empty() {
            Bytes::from(vec![0u8; size as usize])
        } else {
            data
        };
        self.services.memory.insert(
            id,
            MemoryObject {
                label: label.clone(),
                port,
                shared,
                own: None,
                size,
                mappings: 0,
            },
        );
        let initial = self.services.memory.get(&id).and_then(|o| {
            (!o.shared.iter().all(|b| *b == 0)).then(|| crate::trace::HexBytes(o.shared.clone()))
        });
        self.record(cause, |_| Event::MemoryCreated {
            object: label.clone(),
            size,
            initial,
        });
        self.give_object_send_right(cause, task, port)
    }

    pub(crate) fn memory_map(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<ServiceReply, ServiceError> {
        let ObjectRef::Memory(id) = self.object_of(task, name)? else {
            return Err(ServiceError::InvalidRight);
        };
        self.map_object(Some(task), task, id)
            .map(ServiceReply::Handle)
    }

    /// Maps memory object `id` into `holder` (its own call, or `cause`'s: an LPC
    /// call maps a port view into both tasks); returns the mapping handle.
    pub(super) fn map_object(
        &mut self,
        cause: Option<TaskId>,
        holder: TaskId,
        id: u32,
    ) -> Result<u32, ServiceError> {
        if !self.services.memory.contains_key(&id) {
            return Err(ServiceError::InvalidRight);
        }
        let handle = self
            .task_mut(holder)
            .new_handle(super::Handle::Mapping(id))
            .ok_or(ServiceError::NoSpace)?;
        let Some(object) = self.services.memory.get_mut(&id) else {
            return Err(ServiceError::InvalidRight);
        };
        object.mappings += 1;
        let label = object.label.clone();
        self.record(cause, |k| Event::MemoryMapped {
            object: label.clone(),
            holder: k.task_label(holder),
            mapping: handle,
        });
        Ok(handle)
    }

    fn mapping(&self, task: TaskId, handle: u32) -> Result<u32, ServiceError> {
        match self.task(task).handles.get(&handle) {
            Some(super::Handle::Mapping(id)) => Ok(*id),
            _ => Err(ServiceError::BadHandle),
        }
    }

    /// The object `task`'s mapping `handle` maps, and the byte range `offset ..
    /// offset + length` of it, checked against its size.
    fn mapped_range(
        &self,
        task: TaskId,
        handle: u32,
        offset: u32,
        length: u32,
    ) -> Result<(u32, Range<usize>), ServiceError> {
        let id = self.mapping(task, handle)?;
        let object = self
            .services
            .memory
            .get(&id)
            .ok_or(ServiceError::BadHandle)?;
        let range = object
            .range(offset, length)
            .ok_or(ServiceError::InvalidAddress)?;
        Ok((id, range))
    }

    pub(crate) fn memory_read(
        &mut self,
        task: TaskId,
        handle: u32,
        offset: u32,
        width: Width,
    ) -> Result<ServiceReply, ServiceError> {
        let (id, range) = self.mapped_range(task, handle, offset, width.bytes())?;
        let (label, data) = self.object_bytes(id, range);
        let mut value = [0u8; 8];
        value[..data.len()].copy_from_slice(&data);
        let value = u64::from_le_bytes(value);
        self.record(Some(task), |_| Event::MemoryRead {
            object: label.clone(),
            offset,
            width: width.bytes(),
            value,
        });
        Ok(ServiceReply::Value(value))
    }

    pub(crate) fn memory_write(
        &mut self,
        task: TaskId,
        handle: u32,
        offset: u32,
        width: Width,
        value: u64,
    ) -> Result<ServiceReply, ServiceError> {
        let (id, range) = self.mapped_range(task, handle, offset, width.bytes())?;
        let bytes = value.to_le_bytes();
        let label = self.write_object_bytes(id, range, &bytes[..width.bytes() as usize]);
        self.record(Some(task), |_| Event::MemoryWritten {
            object: label.clone(),
            offset,
            width: width.bytes(),
            value,
        });
        Ok(ServiceReply::Done)
    }

    /// `length` bytes at `offset` of a mapping, in one call.
    pub(crate) fn memory_read_bytes(
        &mut self,
        task: TaskId,
        handle: u32,
        offset: u32,
        length: u32,
    ) -> Result<ServiceReply, ServiceError> {
        let (id, range) = self.mapped_range(task, handle, offset, length)?;
        let (label, data) = self.object_bytes(id, range);
        self.record(Some(task), |_| Event::MemoryBytesRead {
            object: label.clone(),
            offset,
            data: HexBytes(data.clone()),
        });
        Ok(ServiceReply::Data(data))
    }

    /// `data` written at `offset` of a mapping, in one call.
    pub(crate) fn memory_write_bytes(
        &mut self,
        task: TaskId,
        handle: u32,
        offset: u32,
        data: Bytes,
    ) -> Result<ServiceReply, ServiceError> {
        let length = u32::try_from(data.len()).map_err(|_| ServiceError::InvalidAddress)?;
        let (id, range) = self.mapped_range(task, handle, offset, length)?;
        let label = self.write_object_bytes(id, range, &data);
        self.record(Some(task), |_| Event::MemoryBytesWritten {
            object: label.clone(),
            offset,
            data: HexBytes(data.clone()),
        });
        Ok(ServiceReply::Done)
    }

    /// The bytes in `range` of memory object `id` (a range its size allows), with
    /// its label; empty if the object is gone.
    pub(super) fn object_bytes(&self, id: u32, range: Range<usize>) -> (Label, Bytes) {
        match self.services.memory.get(&id) {
            Some(object) => (
                object.label.clone(),
                Bytes::copy_from_slice(&object.bytes()[range]),
            ),
            None => (Label::from(""), Bytes::new()),
        }
    }

    /// Writes `data` into `range` of memory object `id` (a range its size allows,
    /// as long as `data`); returns its label.
    pub(super) fn write_object_bytes(
        &mut self,
        id: u32,
        range: Range<usize>,
        data: &[u8],
    ) -> Label {
        match self.services.memory.get_mut(&id) {
            Some(object) => {
                object.bytes_mut()[range].copy_from_slice(data);
                object.label.clone()
            }
            None => Label::from(""),
        }
    }

    pub(crate) fn memory_unmap(
        &mut self,
        task: TaskId,
        handle: u32,
    ) -> Result<ServiceReply, ServiceError> {
        let id = self.mapping(task, handle)?;
        self.task_mut(task).handles.remove(&handle);
        self.drop_mapping(Some(task), task, id, handle);
        Ok(ServiceReply::Done)
    }

    /// A mapping went away (unmapped, or its task ended).
    pub(super) fn drop_mapping(
        &mut self,
        cause: Option<TaskId>,
        holder: TaskId,
        id: u32,
        handle: u32,
    ) {
        let Some(object) = self.services.memory.get_mut(&id) else {
            return;
        };
        object.mappings = object.mappings.saturating_sub(1);
        let label = object.label.clone();
        self.record(cause, |k| Event::MemoryUnmapped {
            object: label.clone(),
            holder: k.task_label(holder),
            mapping: handle,
        });
        self.free_memory_if_unused(id);
    }

    /// Frees a memory object that nothing maps or names (its port has no senders).
    pub(super) fn free_memory_if_unused(&mut self, id: u32) {
        let Some(object) = self.services.memory.get(&id) else {
            return;
        };
        let named = self.port(object.port).is_some_and(|p| p.srights > 0);
        if object.mappings > 0 || named {
            return;
        }
        let port = object.port;
        let label = object.label.clone();
        self.services.memory.remove(&id);
        self.record(None, |_| Event::MemoryFreed {
            object: label.clone(),
        });
        if self.port(port).is_some() {
            self.destroy_port(port, PortDestroyReason::ObjectFreed, None);
        }
    }
}
