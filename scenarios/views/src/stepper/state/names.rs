//! Name spaces: what each name of each task denotes, as `right_changed` records it.

use super::State;
use ports::PortType;
use serde::Serialize;
use trace::Label;

/// A name-space entry as the last `right_changed` for it recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawEntry {
    pub(crate) object: Label,
    pub(crate) rights: PortType,
    pub(crate) urefs: u32,
}

/// One name in a task's space, as the task sees it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameEntry {
    /// The name (Mach's `mach_port_name_t`).
    pub name: u32,
    /// The label of the port or set it denotes.
    pub object: Label,
    /// `send`, `receive`, `receive+send`, `send_once`, `port_set`, `dead_name`.
    pub rights: PortType,
    /// User references of a send right or dead name.
    pub urefs: u32,
    /// True when the trace recorded a send or send-once right whose port has since
    /// died: the kernel turns it into a dead name lazily, when the task next uses
    /// it, and reports it as a dead name meanwhile; so does this view.
    pub converted: bool,
}

impl State {
    /// `task`'s name space as the kernel reports it (`Kernel::inspect(|i|
    /// i.space(task))`), by name: a send or send-once right whose port died is shown
    /// as the dead name it has become.
    pub fn space(&self, task: &str) -> Vec<NameEntry> {
        let Some(t) = self.task(task) else {
            return Vec::new();
        };
        t.space
            .iter()
            .map(|(name, e)| {
                let is_set = e.rights == PortType::PortSet;
                let dead = !is_set && !self.is_port_alive(&e.object);
                let converted = dead && e.rights != PortType::DeadName;
                let (rights, urefs) = match (converted, e.rights) {
                    (true, PortType::SendOnce) => (PortType::DeadName, 1),
                    (true, _) => (PortType::DeadName, e.urefs),
                    (false, rights) => (rights, e.urefs),
                };
                NameEntry {
                    name: *name,
                    object: e.object.clone(),
                    rights,
                    urefs,
                    converted,
                }
            })
            .collect()
    }

    /// The tasks holding a name for `label` in their space, with the name.
    pub fn holders(&self, label: &str) -> Vec<(Label, u32)> {
        self.tasks
            .iter()
            .flat_map(|t| {
                t.space
                    .iter()
                    .filter(|(_, e)| &*e.object == label)
                    .map(|(name, _)| (t.name.clone(), *name))
            })
            .collect()
    }

    /// What a name in `holder`'s space now denotes (`PortType::None`: freed).
    pub(super) fn right_changed(
        &mut self,
        seq: u64,
        holder: &Label,
        name: u32,
        port: &Label,
        rights: PortType,
        urefs: u32,
    ) {
        if rights.has_receive() && !self.is_port_alive(port) {
            self.inconsistent(
                seq,
                format!("{holder} gets a receive right for {port}, which is not alive"),
            );
        }
        if rights == PortType::PortSet && !self.sets.contains(port) {
            self.inconsistent(
                seq,
                format!("{holder} gets a name for port set {port}, which is not alive"),
            );
        }
        let Some(task) = self.task_mut(seq, holder) else {
            return;
        };
        if rights == PortType::None {
            if task.space.remove(&name).is_none() {
                self.inconsistent(
                    seq,
                    format!("{holder} frees name {name}, which it does not hold"),
                );
            }
        } else {
            task.space.insert(
                name,
                RawEntry {
                    object: port.clone(),
                    rights,
                    urefs,
                },
            );
        }
    }
}
