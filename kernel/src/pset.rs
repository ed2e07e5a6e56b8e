//! Port sets: one name to receive from many ports.

use crate::trace::Label;
use ports::{PortId, TaskId};

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
