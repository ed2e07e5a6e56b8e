//! Ports: kernel-owned message queues with one receiver, and the table that holds them.

use crate::envelope::Envelope;
use crate::trace::Label;
use ports::{MessageQueue, PortId, PortName, PortSetId, QueueLimit, TaskId};
use std::collections::VecDeque;

/// Who holds a port's receive right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// A task, under one of its names.
    Task(TaskId),
    /// Nobody: the right travels in a message (or in a port-destroyed notification).
    InTransit,
    /// The kernel: this is a task's kernel port; messages to it are served at once.
    Kernel(TaskId),
    /// The kernel: this port names a service object (a memory object, a semaphore).
    Object(crate::services::ObjectRef),
}

/// A dead-name request: `holder` wants `dead_name` on `notify` when this port dies
/// while it still holds a right under `name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DeadNameRequest {
    pub(crate) holder: TaskId,
    pub(crate) name: PortName,
    pub(crate) notify: PortId,
}

/// The rarely used parts of a port, boxed so an idle port stays small.
#[derive(Clone, Debug, Default)]
pub(crate) struct PortExtra {
    /// Tasks waiting to send, first come first served; each holds its message.
    pub(crate) blocked_senders: VecDeque<TaskId>,
    /// Where the receive right goes instead of dying (Mach's `ip_pdrequest`).
    pub(crate) port_destroyed: Option<PortId>,
    /// No-senders request: notify port and the make-send count it waits for.
    pub(crate) no_senders: Option<(PortId, u32)>,
    /// Dead-name requests, in the order they were made.
    pub(crate) dead_name: Vec<DeadNameRequest>,
    /// While this port's receive right travels in a message: the port that message
    /// is queued on (or waits to be), Mach's `ip_destination`. Following it finds
    /// cycles of receive rights in transit.
    pub(crate) carried_by: Option<PortId>,
    /// How many ports' `carried_by` is this port: zero means no cycle can pass
    /// through it, and sending its receive right needs no walk.
    pub(crate) carrying: u32,
}

/// A port (Mach's `ipc_port`).
#[derive(Clone, Debug)]
pub(crate) struct Port {
    pub(crate) label: Label,
    pub(crate) queue: MessageQueue<Envelope>,
    pub(crate) receiver: Receiver,
    /// The task blocked receiving on this port itself (not through a set).
    pub(crate) waiting_receiver: Option<TaskId>,
    /// Sequence number stamped on the next message received (Mach's `ip_seqno`).
    pub(crate) seqno: u32,
    /// Make-send count (Mach's `ip_mscount`), reset when the receive right moves.
    pub(crate) mscount: u32,
    /// Send rights in existence: one per name holding send rights, plus one per send
    /// right in transit (Mach's `ip_srights`).
    pub(crate) srights: u32,
    /// Send-once rights in existence, held or in transit (Mach's `ip_sorights`).
    pub(crate) sorights: u32,
    pub(crate) set: Option<PortSetId>,
    pub(crate) extra: Option<Box<PortExtra>>,
}

impl Port {
    pub(crate) fn new(label: Label, limit: QueueLimit, receiver: Receiver) -> Port {
        Port {
            label,
            queue: MessageQueue::new(limit),
            receiver,
            waiting_receiver: None,
            seqno: 0,
            mscount: 0,
            srights: 0,
            sorights: 0,
            set: None,
            extra: None,
        }
    }

    pub(crate) fn extra_mut(&mut self) -> &mut PortExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub(crate) fn has_blocked_senders(&self) -> bool {
        self.extra
            .as_ref()
            .is_some_and(|e| !e.blocked_senders.is_empty())
    }

    pub(crate) fn receiver_task(&self) -> Option<TaskId> {
        match self.receiver {
            Receiver::Task(task) => Some(task),
            _ => None,
        }
    }
}

/// A generational table of objects (ports, port sets): a slot is reused with its
/// generation bumped, so a stale id finds nothing.
#[derive(Clone, Debug)]
pub(crate) struct Table<T> {
    slots: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Table<T> {
    pub(crate) fn insert(&mut self, value: T) -> (u32, u32) {
        self.live += 1;
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.0 = slot.0.wrapping_add(1);
            slot.1 = Some(value);
            (index, slot.0)
        } else {
            let index = self.slots.len() as u32;
            self.slots.push((0, Some(value)));
            (index, 0)
        }
    }

    /// Live objects.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn get(&self, index: u32, generation: u32) -> Option<&T> {
        match self.slots.get(index as usize) {
            Some((g, Some(v))) if *g == generation => Some(v),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, index: u32, generation: u32) -> Option<&mut T> {
        match self.slots.get_mut(index as usize) {
            Some((g, Some(v))) if *g == generation => Some(v),
            _ => None,
        }
    }

    pub(crate) fn remove(&mut self, index: u32, generation: u32) -> Option<T> {
        match self.slots.get_mut(index as usize) {
            Some((g, slot @ Some(_))) if *g == generation => {
                self.live -= 1;
                self.free.push(index);
                slot.take()
            }
            _ => None,
        }
    }

    /// Live objects in slot order (deterministic).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, (g, v))| v.as_ref().map(|v| (i as u32, *g, v)))
    }
}

/// The kernel's ports.
pub(crate) type PortTable = Table<Port>;

impl PortTable {
    pub(crate) fn port(&self, id: PortId) -> Option<&Port> {
        self.get(id.index, id.generation)
    }

    pub(crate) fn port_mut(&mut self, id: PortId) -> Option<&mut Port> {
        self.get_mut(id.index, id.generation)
    }
}
