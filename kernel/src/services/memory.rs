//! Shared memory: memory objects named by ports, mapped by the tasks that hold them.
//!
//! Machsim has no virtual memory, so an object is a byte buffer and a mapping is a
//! handle through which a task reads and writes typed values; each read or write
//! is one kernel call, a scheduling point, so the interleavings of unsynchronised
//! producers and consumers are explored and traced (the textbook's race).
//! An object made from an out-of-line region shares the region's bytes until its
//! first write, when it takes its own copy: Mach's virtual copy.

use super::{ObjectRef, ServiceError, ServiceReply};
use crate::state::KernelState;
use crate::trace::{Event, Label, PortDestroyReason};
use bytes::Bytes;
use ports::{PortId, PortName, TaskId};

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
        let handle = self
            .task_mut(task)
            .new_handle(super::Handle::Mapping(id))
            .ok_or(ServiceError::NoSpace)?;
        let object = self
            .services
            .memory
            .get_mut(&id)
            .ok_or(ServiceError::InvalidRight)?;
        object.mappings += 1;
        let label = object.label.clone();
        self.record(Some(task), |k| Event::MemoryMapped {
            object: label.clone(),
            holder: k.task_label(task),
            mapping: handle,
        });
        Ok(ServiceReply::Handle(handle))
    }

    fn mapping(&self, task: TaskId, handle: u32) -> Result<u32, ServiceError> {
        match self.task(task).handles.get(&handle) {
            Some(super::Handle::Mapping(id)) => Ok(*id),
            _ => Err(ServiceError::BadHandle),
        }
    }

    pub(crate) fn memory_read(
        &mut self,
        task: TaskId,
        handle: u32,
        offset: u32,
        width: Width,
    ) -> Result<ServiceReply, ServiceError> {
        let id = self.mapping(task, handle)?;
        let object = self
            .services
            .memory
            .get(&id)
            .ok_or(ServiceError::BadHandle)?;
        let end = offset
            .checked_add(width.bytes())
            .filter(|end| *end <= object.size)
            .ok_or(ServiceError::InvalidAddress)?;
        let mut value = [0u8; 8];
        value[..width.bytes() as usize]
            .copy_from_slice(&object.bytes()[offset as usize..end as usize]);
        let value = u64::from_le_bytes(value);
        let label = object.label.clone();
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
        let id = self.mapping(task, handle)?;
        let object = self
            .services
            .memory
            .get_mut(&id)
            .ok_or(ServiceError::BadHandle)?;
        let end = offset
            .checked_add(width.bytes())
            .filter(|end| *end <= object.size)
            .ok_or(ServiceError::InvalidAddress)?;
        let bytes = value.to_le_bytes();
        object.bytes_mut()[offset as usize..end as usize]
            .copy_from_slice(&bytes[..width.bytes() as usize]);
        let label = object.label.clone();
        self.record(Some(task), |_| Event::MemoryWritten {
            object: label.clone(),
            offset,
            width: width.bytes(),
            value,
        });
        Ok(ServiceReply::Done)
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
