//! Memory objects: their sizes, the tasks mapping them, and their bytes as far
//! as the trace tells them.

use super::super::State;
use super::super::calls::MEMORY_FROM_OOL;
use super::Handle;
use serde::Serialize;
use std::fmt::Write;
use trace::{Event, Label};

/// A memory object's bytes as far as the trace tells them: a zeroed object's are
/// all known, an object made from an out-of-line region starts unknown (the trace
/// does not carry the region), and every write or read makes the bytes it covers
/// known. In JSON, a hex string with `??` for each unknown byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents {
    bytes: Vec<u8>,
    /// The unknown bytes: sorted, disjoint, non-empty ranges `[start, end)`.
    unknown: Vec<(u32, u32)>,
}

impl Contents {
    /// `size` zero bytes.
    pub fn zeroed(size: u32) -> Contents {
        Contents {
            bytes: vec![0; size as usize],
            unknown: Vec::new(),
        }
    }

    /// `size` unknown bytes.
    pub fn unknown(size: u32) -> Contents {
        Contents {
            bytes: vec![0; size as usize],
            unknown: if size == 0 {
                Vec::new()
            } else {
                vec![(0, size)]
            },
        }
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True for an object of no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Byte `at`, if the trace told it (`None` also past the end).
    pub fn byte(&self, at: usize) -> Option<u8> {
        let known = !self
            .unknown
            .iter()
            .any(|&(start, end)| (start as usize..end as usize).contains(&at));
        self.bytes.get(at).copied().filter(|_| known)
    }

    /// Every byte, when the trace told them all.
    pub fn known(&self) -> Option<&[u8]> {
        self.unknown.is_empty().then_some(self.bytes.as_slice())
    }

    /// How many bytes the trace has not told.
    pub fn unknown_count(&self) -> u64 {
        self.unknown
            .iter()
            .map(|&(start, end)| u64::from(end - start))
            .sum()
    }

    /// Writes `data` at `offset` (clipped to the object); the bytes become known.
    fn write(&mut self, offset: u32, data: &[u8]) {
        let start = (offset as usize).min(self.bytes.len());
        let end = start.saturating_add(data.len()).min(self.bytes.len());
        self.bytes[start..end].copy_from_slice(&data[..end - start]);
        self.forget_unknown(start as u32, end as u32);
    }

    /// Learns `data` at `offset` from a read: unknown bytes become known; returns
    /// the first known byte that differs, as (offset, the fold's byte).
    fn learn(&mut self, offset: u32, data: &[u8]) -> Option<(usize, u8)> {
        let conflict = data.iter().enumerate().find_map(|(i, b)| {
            let at = offset as usize + i;
            self.byte(at)
                .filter(|known| known != b)
                .map(|known| (at, known))
        });
        self.write(offset, data);
        conflict
    }

    fn forget_unknown(&mut self, start: u32, end: u32) {
        if start >= end || self.unknown.is_empty() {
            return;
        }
        let mut kept = Vec::with_capacity(self.unknown.len() + 1);
        for &(a, b) in &self.unknown {
            if b <= start || a >= end {
                kept.push((a, b));
                continue;
            }
            if a < start {
                kept.push((a, start));
            }
            if b > end {
                kept.push((end, b));
            }
        }
        self.unknown = kept;
    }

    /// Lower-case hex, `??` for an unknown byte.
    pub fn hex(&self) -> String {
        self.hex_range(0, self.bytes.len())
    }

    /// Bytes `start..end` as [`Contents::hex`] writes them.
    pub fn hex_range(&self, start: usize, end: usize) -> String {
        let end = end.min(self.bytes.len());
        let mut out = String::with_capacity(end.saturating_sub(start) * 2);
        for at in start..end {
            match self.byte(at) {
                Some(b) => {
                    let _ = write!(out, "{b:02x}");
                }
                None => out.push_str("??"),
            }
        }
        out
    }
}

impl Serialize for Contents {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

/// A task's mapping of a memory object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The task.
    pub holder: Label,
    /// Its mapping handle.
    pub handle: u32,
}

/// A live memory object (its port is a live port whose receiver is the kernel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryObject {
    /// Its label (its port's).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its size in bytes.
    pub size: u32,
    /// The tasks mapping it, in the order they mapped it.
    pub mappings: Vec<Mapping>,
    /// Its bytes.
    pub contents: Contents,
}

/// Bytes moved between a task and a memory object, as the fold checks them.
pub(in crate::stepper::state) struct MemoryAccess<'a> {
    /// The byte offset in the object.
    pub(in crate::stepper::state) offset: u32,
    /// The bytes read or written.
    pub(in crate::stepper::state) bytes: &'a [u8],
    /// A write (else a read).
    pub(in crate::stepper::state) write: bool,
    /// What moved, as an inconsistency names it: a value, or a count of bytes.
    pub(in crate::stepper::state) shown: String,
}

impl State {
    /// Bytes read or written at an offset of memory object `object` (a typed
    /// value, a bulk transfer, or a server's access to a waiting LPC client's
    /// request data): a write makes them known; a read learns unknown ones, and a
    /// known byte that differs is an inconsistency, as is a range past the end.
    pub(in crate::stepper::state) fn memory_access(
        &mut self,
        seq: u64,
        object: &Label,
        access: &MemoryAccess<'_>,
    ) {
        let Some(m) = self.memory_mut(seq, object) else {
            return;
        };
        let (offset, width) = (access.offset, access.bytes.len());
        let end = u64::from(offset) + width as u64;
        if end > u64::from(m.size) {
            let size = m.size;
            let verb = if access.write { "writes" } else { "reads" };
            self.inconsistent(
                seq,
                format!(
                    "{verb} {width} bytes at offset {offset} of memory object {object}, which has {size}"
                ),
            );
            return;
        }
        if access.write {
            m.contents.write(offset, access.bytes);
        } else if let Some((at, known)) = m.contents.learn(offset, access.bytes) {
            let shown = &access.shown;
            self.inconsistent(
                seq,
                format!(
                    "reads {shown} at offset {offset} of memory object {object}, but its byte {at} is {known:#04x}"
                ),
            );
        }
    }

    fn memory_mut(&mut self, seq: u64, label: &str) -> Option<&mut MemoryObject> {
        self.memory
            .expect_mut(label, seq, &mut self.inconsistencies, || {
                format!("memory object {label} is not alive")
            })
    }

    pub(in crate::stepper::state) fn apply_memory(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::MemoryCreated { object, size, .. } => {
                self.expect_object_port(seq, "memory object", object);
                // A zeroed object, unless the call is `memory_from_ool`: the trace
                // does not carry the region's bytes.
                let from_ool = actor
                    .and_then(|a| self.call_of(a))
                    .is_some_and(|c| c.id == MEMORY_FROM_OOL);
                let contents = if from_ool {
                    Contents::unknown(*size)
                } else {
                    Contents::zeroed(*size)
                };
                self.memory.insert_new(
                    object.clone(),
                    seq,
                    MemoryObject {
                        label: object.clone(),
                        created_at: seq,
                        size: *size,
                        mappings: Vec::new(),
                        contents,
                    },
                    &mut self.inconsistencies,
                    || format!("memory object {object} is made a second time"),
                );
            }
            Event::MemoryMapped {
                object,
                holder: task,
                mapping,
            } => {
                if let Some(m) = self.memory_mut(seq, object) {
                    m.mappings.push(Mapping {
                        holder: task.clone(),
                        handle: *mapping,
                    });
                }
                self.open_handle(
                    seq,
                    task,
                    *mapping,
                    Handle::Mapping {
                        object: object.clone(),
                    },
                );
            }
            Event::MemoryRead {
                object,
                offset,
                width,
                value,
            }
            | Event::MemoryWritten {
                object,
                offset,
                width,
                value,
            } => {
                let write = matches!(event, Event::MemoryWritten { .. });
                let bytes = value.to_le_bytes();
                let width = (*width as usize).min(bytes.len());
                let access = MemoryAccess {
                    offset: *offset,
                    bytes: &bytes[..width],
                    write,
                    shown: value.to_string(),
                };
                self.memory_access(seq, object, &access);
            }
            Event::MemoryBytesRead {
                object,
                offset,
                data,
            }
            | Event::MemoryBytesWritten {
                object,
                offset,
                data,
            } => {
                let access = MemoryAccess {
                    offset: *offset,
                    bytes: &data.0,
                    write: matches!(event, Event::MemoryBytesWritten { .. }),
                    shown: format!("{} bytes", data.0.len()),
                };
                self.memory_access(seq, object, &access);
            }
            Event::MemoryUnmapped {
                object,
                holder,
                mapping,
            } => {
                if let Some(m) = self.memory_mut(seq, object) {
                    let before = m.mappings.len();
                    m.mappings
                        .retain(|x| !(x.holder == *holder && x.handle == *mapping));
                    if m.mappings.len() == before {
                        self.inconsistent(
                            seq,
                            format!("{holder} unmaps mapping {mapping} of {object}, which it does not have"),
                        );
                    }
                }
                self.close_handle(seq, holder, *mapping, None);
            }
            Event::MemoryFreed { object } => {
                let Some(m) = self.memory.remove(object) else {
                    self.inconsistent(
                        seq,
                        format!("memory object {object} is freed but it is not alive"),
                    );
                    return;
                };
                if !m.mappings.is_empty() {
                    self.inconsistent(
                        seq,
                        format!(
                            "memory object {object} is freed while mapped {} times",
                            m.mappings.len()
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}
