//! A task's name space: the table from task-local names to the rights they denote.

use crate::{PortId, PortName, PortSetId, ReturnCode, RightKind, RightSet, UREFS_MAX};
use rustc_hash::FxHashMap;

/// What a name's rights are for: a port or a port set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryObject {
    /// Send, receive, send-once or dead-name rights for a port.
    Port(PortId),
    /// A port set's name.
    PortSet(PortSetId),
}

/// What one name denotes in one task (Mach's `ipc_entry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "ipc_entry")]
pub struct Entry {
    /// The port or port set.
    pub object: EntryObject,
    /// The rights the name denotes.
    pub rights: RightSet,
    /// User references of the send right or dead name (0 when the name holds
    /// neither). Receive, send-once and port-set rights always count one.
    pub urefs: u32,
    /// A dead-name notification is registered for this name (Mach's `IE_BITS_DNREQUEST`).
    pub dead_name_request: bool,
    /// A forced (`notify`) message to this port is outstanding (Mach's
    /// `IE_BITS_MAREQUEST`): another forced send gets `send_notify_in_progress`.
    pub msg_accepted_request: bool,
}

impl Entry {
    /// The port this name's rights are for, if it is not a port set.
    pub fn port(&self) -> Option<PortId> {
        match self.object {
            EntryObject::Port(port) => Some(port),
            EntryObject::PortSet(_) => None,
        }
    }

    /// The user-reference count Mach reports for `kind` under this name.
    pub fn refs(&self, kind: RightKind) -> u32 {
        match kind {
            _ if !self.rights.contains(kind) => 0,
            RightKind::Send | RightKind::DeadName => self.urefs,
            _ => 1,
        }
    }
}

/// Why a name-space operation was refused; nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpaceError {
    /// The name denotes nothing. Mach: `KERN_INVALID_NAME`.
    #[error("the name denotes no right in this task")]
    InvalidName,
    /// The name denotes a right of another kind. Mach: `KERN_INVALID_RIGHT`.
    #[error("the name denotes a right of another kind")]
    InvalidRight,
    /// The user-reference count would pass 65535. Mach: `KERN_UREFS_OVERFLOW`.
    #[error("the user-reference count would pass 65535")]
    UrefsOverflow,
    /// The task's name space is full. Mach: `KERN_NO_SPACE`.
    #[error("the task's name space is full")]
    NoSpace,
}

impl SpaceError {
    /// Mach's return code for this refusal.
    pub fn code(self) -> ReturnCode {
        match self {
            SpaceError::InvalidName => ReturnCode::InvalidName,
            SpaceError::InvalidRight => ReturnCode::InvalidRight,
            SpaceError::UrefsOverflow => ReturnCode::UrefsOverflow,
            SpaceError::NoSpace => ReturnCode::NoSpace,
        }
    }
}

#[derive(Clone, Debug)]
struct Slot {
    generation: u8,
    entry: Option<Entry>,
}

/// One task's table of names (Mach's IPC space).
///
/// Names are `(index << 8) | generation`; a freed slot goes on a free list and comes
/// back with the next generation, so a stale name fails instead of finding a new
/// right. Send and receive rights for one port share one name, found through a
/// reverse map, which is only ever looked up, never iterated (determinism).
#[derive(Clone, Debug)]
#[doc(alias = "ipc_space")]
pub struct PortSpace {
    /// Slot 0 is never used: index 0 with generation 0 would be `MACH_PORT_NULL`.
    slots: Vec<Slot>,
    /// Freed slot indices, reused last-in first-out.
    free: Vec<u32>,
    /// The name holding send/receive rights for a port (send-once rights get names
    /// of their own and dead names no longer coalesce, so neither is here).
    by_port: FxHashMap<PortId, u32>,
    live: usize,
    max_names: usize,
}

impl Default for PortSpace {
    fn default() -> Self {
        PortSpace::new(PortSpace::DEFAULT_MAX_NAMES)
    }
}

impl PortSpace {
    /// The default bound on names per task.
    pub const DEFAULT_MAX_NAMES: usize = 1 << 22;

    /// An empty space that holds at most `max_names` names (capped at 2^24 - 1,
    /// the index range of a Mach name).
    pub fn new(max_names: usize) -> PortSpace {
        PortSpace {
            slots: vec![Slot {
                generation: 0,
                entry: None,
            }],
            free: Vec::new(),
            by_port: FxHashMap::default(),
            live: 0,
            max_names: max_names.min((1 << 24) - 1),
        }
    }

    /// Names in use.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when no further name can be made (`no_space` for a new right that does
    /// not merge into an existing name).
    pub fn is_full(&self) -> bool {
        self.live >= self.max_names
    }

    /// True when the task holds no right.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// What `name` denotes, if anything.
    pub fn get(&self, name: PortName) -> Option<&Entry> {
        let slot = self.slots.get(name.index() as usize)?;
        if slot.generation != name.generation() || !name.is_valid() {
            return None;
        }
        slot.entry.as_ref()
    }

    /// What `name` denotes, for changing flags in place.
    pub fn get_mut(&mut self, name: PortName) -> Option<&mut Entry> {
        if !name.is_valid() {
            return None;
        }
        let slot = self.slots.get_mut(name.index() as usize)?;
        if slot.generation != name.generation() {
            return None;
        }
        slot.entry.as_mut()
    }

    /// The name under which this task holds send or receive rights for `port`.
    pub fn name_of(&self, port: PortId) -> Option<PortName> {
        let index = *self.by_port.get(&port)?;
        let slot = &self.slots[index as usize];
        Some(PortName::new(index, slot.generation))
    }

    /// Every name in use with its entry, in name-index order (deterministic).
    pub fn iter(&self) -> impl Iterator<Item = (PortName, &Entry)> {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            let entry = slot.entry.as_ref()?;
            Some((PortName::new(index as u32, slot.generation), entry))
        })
    }

    fn allocate(&mut self, entry: Entry) -> Result<PortName, SpaceError> {
        if self.live >= self.max_names {
            return Err(SpaceError::NoSpace);
        }
        let index = match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                slot.generation = slot.generation.wrapping_add(1);
                // Generation 0 at index 0 is NULL and 0xff at the top index is DEAD;
                // skipping generation 0 everywhere keeps every issued name valid.
                if slot.generation == 0 {
                    slot.generation = 1;
                }
                slot.entry = Some(entry);
                index
            }
            None => {
                let index = u32::try_from(self.slots.len()).map_err(|_| SpaceError::NoSpace)?;
                self.slots.push(Slot {
                    generation: 1,
                    entry: Some(entry),
                });
                index
            }
        };
        self.live += 1;
        Ok(PortName::new(index, self.slots[index as usize].generation))
    }

    fn release(&mut self, name: PortName) -> Option<Entry> {
        let slot = self.slots.get_mut(name.index() as usize)?;
        if slot.generation != name.generation() {
            return None;
        }
        let entry = slot.entry.take()?;
        if let EntryObject::Port(port) = entry.object
            && self.by_port.get(&port) == Some(&name.index())
        {
            self.by_port.remove(&port);
        }
        self.free.push(name.index());
        self.live -= 1;
        Some(entry)
    }

    /// Gives the task the receive right for `port`, under the name of its send
    /// right for that port if it has one (Mach reuses it), else under a new name.
    pub fn insert_receive(&mut self, port: PortId) -> Result<PortName, SpaceError> {
        if let Some(name) = self.name_of(port) {
            let entry = self.get_mut(name).ok_or(SpaceError::InvalidName)?;
            entry.rights = entry.rights.with(RightKind::Receive);
            return Ok(name);
        }
        let name = self.allocate(Entry {
            object: EntryObject::Port(port),
            rights: RightSet::of(RightKind::Receive),
            urefs: 0,
            dead_name_request: false,
            msg_accepted_request: false,
        })?;
        self.by_port.insert(port, name.index());
        Ok(name)
    }

    /// Adds `refs` user references of a send right for `port`: merged into the name
    /// already holding send or receive rights for it, else under a new name.
    ///
    /// # Errors
    /// `UrefsOverflow` if the count would pass 65535; `NoSpace` if the table is full.
    pub fn insert_send(&mut self, port: PortId, refs: u32) -> Result<PortName, SpaceError> {
        if let Some(name) = self.name_of(port) {
            let entry = self.get_mut(name).ok_or(SpaceError::InvalidName)?;
            let urefs = entry.urefs.checked_add(refs).filter(|u| *u <= UREFS_MAX);
            let urefs = urefs.ok_or(SpaceError::UrefsOverflow)?;
            entry.urefs = urefs;
            entry.rights = entry.rights.with(RightKind::Send);
            return Ok(name);
        }
        if refs > UREFS_MAX {
            return Err(SpaceError::UrefsOverflow);
        }
        let name = self.allocate(Entry {
            object: EntryObject::Port(port),
            rights: RightSet::of(RightKind::Send),
            urefs: refs,
            dead_name_request: false,
            msg_accepted_request: false,
        })?;
        self.by_port.insert(port, name.index());
        Ok(name)
    }

    /// Gives the task a send-once right for `port`, always under a new name.
    pub fn insert_send_once(&mut self, port: PortId) -> Result<PortName, SpaceError> {
        self.allocate(Entry {
            object: EntryObject::Port(port),
            rights: RightSet::of(RightKind::SendOnce),
            urefs: 0,
            dead_name_request: false,
            msg_accepted_request: false,
        })
    }

    /// Gives the task a port set's name.
    pub fn insert_port_set(&mut self, set: PortSetId) -> Result<PortName, SpaceError> {
        self.allocate(Entry {
            object: EntryObject::PortSet(set),
            rights: RightSet::of(RightKind::PortSet),
            urefs: 0,
            dead_name_request: false,
            msg_accepted_request: false,
        })
    }

    /// Takes `kind` away from `name`, as moving it into a message or deallocating it
    /// does: a send right or dead name loses one user reference (the right goes at
    /// zero), any other right goes at once. The name is freed when it denotes nothing.
    ///
    /// Returns the entry as it was and whether the name was freed.
    ///
    /// # Errors
    /// `InvalidName` if the name denotes nothing; `InvalidRight` if not `kind`.
    pub fn remove_right(
        &mut self,
        name: PortName,
        kind: RightKind,
    ) -> Result<(Entry, bool), SpaceError> {
        let entry = self.get_mut(name).ok_or(SpaceError::InvalidName)?;
        if !entry.rights.contains(kind) {
            return Err(SpaceError::InvalidRight);
        }
        let before = *entry;
        match kind {
            RightKind::Send | RightKind::DeadName if entry.urefs > 1 => entry.urefs -= 1,
            RightKind::Send | RightKind::DeadName => {
                entry.urefs = 0;
                entry.rights = entry.rights.without(kind);
            }
            _ => entry.rights = entry.rights.without(kind),
        }
        if entry.rights.is_empty() {
            self.release(name);
            return Ok((before, true));
        }
        if kind == RightKind::Receive
            && let Some(port) = before.port()
            && !entry.rights.contains(RightKind::Send)
        {
            self.by_port.remove(&port);
        }
        Ok((before, false))
    }

    /// Removes every right under `name` (Mach's `mach_port_destroy` on the space side)
    /// and frees the name. Returns what it denoted.
    pub fn remove_name(&mut self, name: PortName) -> Result<Entry, SpaceError> {
        if self.get(name).is_none() {
            return Err(SpaceError::InvalidName);
        }
        self.release(name).ok_or(SpaceError::InvalidName)
    }

    /// Turns the send or send-once right under `name` into a dead name, as happens
    /// when its port dies. A send right keeps its user references; a send-once right
    /// becomes a dead name with one. A receive right under the name is dropped (the
    /// port is gone). Returns the new entry.
    pub fn convert_to_dead_name(&mut self, name: PortName) -> Result<Entry, SpaceError> {
        let entry = self.get_mut(name).ok_or(SpaceError::InvalidName)?;
        let urefs = if entry.rights.contains(RightKind::Send) {
            entry.urefs
        } else if entry.rights.contains(RightKind::SendOnce) {
            1
        } else if entry.rights.contains(RightKind::DeadName) {
            return Ok(*entry);
        } else {
            return Err(SpaceError::InvalidRight);
        };
        entry.rights = RightSet::of(RightKind::DeadName);
        entry.urefs = urefs;
        entry.msg_accepted_request = false;
        let result = *entry;
        if let Some(port) = result.port()
            && self.by_port.get(&port) == Some(&name.index())
        {
            self.by_port.remove(&port);
        }
        Ok(result)
    }

    /// Adds `delta` user references to the dead name under `name` (a dead-name
    /// notification adds one, Mach 3.0).
    pub fn add_dead_name_refs(&mut self, name: PortName, delta: u32) -> Result<(), SpaceError> {
        let entry = self.get_mut(name).ok_or(SpaceError::InvalidName)?;
        if !entry.rights.contains(RightKind::DeadName) {
            return Err(SpaceError::InvalidRight);
        }
        entry.urefs = entry
            .urefs
            .checked_add(delta)
            .filter(|u| *u <= UREFS_MAX)
            .ok_or(SpaceError::UrefsOverflow)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
