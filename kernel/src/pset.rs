//! Port sets: one name to receive from many ports, and how ports join and leave.

use crate::state::KernelState;
use crate::trace::{Event, Label};
use ports::{PortId, PortSetId, TaskId};

/// A port set (Mach's `ipc_pset`). Members keep their own queues; a receive on the
/// set takes the message that arrived first among them, which is Mach 3.0's order
/// (there, members' messages share the set's single queue).
#[derive(Clone, Debug)]
pub(crate) struct PortSet {
    pub(crate) label: Label,
    /// Members in the order they joined.
    pub(crate) members: Vec<PortId>,
    /// The task blocked receiving on the set.
    pub(crate) waiting_receiver: Option<TaskId>,
}

impl KernelState {
    /// Puts a port in a set (the caller checked it is in none).
    pub(crate) fn add_member(&mut self, cause: Option<TaskId>, port: PortId, set: PortSetId) {
        if let Some(p) = self.port_mut(port) {
            p.set = Some(set);
        }
        if let Some(s) = self.set_mut(set) {
            s.members.push(port);
        }
        self.record(cause, |k| Event::MemberAdded {
            port: k.port_label(port),
            set: k.set_label(set),
        });
    }

    /// Takes a port out of its set.
    pub(crate) fn remove_member(&mut self, cause: Option<TaskId>, port: PortId, set: PortSetId) {
        if let Some(p) = self.port_mut(port) {
            p.set = None;
        }
        if let Some(s) = self.set_mut(set) {
            s.members.retain(|m| *m != port);
        }
        self.record(cause, |k| Event::MemberRemoved {
            port: k.port_label(port),
            set: k.set_label(set),
        });
    }
}
