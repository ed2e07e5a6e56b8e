//! The LPC state as the [`Inspector`](crate::inspect::Inspector) reports it.

use super::thread::Slotted;
use crate::inspect::{LpcPortInfo, LpcSlotInfo};
use crate::state::KernelState;
use crate::trace::Label;

impl KernelState {
    /// A live LPC port's label (the empty label for a deleted one).
    pub(crate) fn lpc_port_label(&self, port: u32) -> Label {
        self.lpc_label(port)
    }

    pub(crate) fn lpc_port_infos(&self) -> Vec<LpcPortInfo> {
        let name = |port: Option<u32>| port.map(|p| self.lpc_label(p).to_string());
        let tasks = |list: &mut dyn Iterator<Item = &ports::TaskId>| -> Vec<String> {
            list.map(|t| self.task_label(*t).to_string()).collect()
        };
        self.services
            .lpc
            .ports
            .values()
            .map(|p| LpcPortInfo {
                label: p.label.to_string(),
                kind: p.kind,
                name: p.name.as_deref().map(str::to_string),
                holder: p.handle.map(|h| (self.task_label(p.owner).to_string(), h)),
                connection: name(p.connection),
                connected: name(p.connected),
                context: p.context,
                name_deleted: p.name_deleted,
                max_message_length: p.max_message_length,
                queue: p.queue.iter().map(|m| m.serial).collect(),
                receivers: tasks(&mut p.receivers.iter()),
                reply_chain: tasks(&mut p.reply_chain.iter()),
            })
            .collect()
    }

    pub(crate) fn lpc_slot_infos(&self) -> Vec<LpcSlotInfo> {
        let mut threads: Vec<_> = self.services.lpc.threads.iter().collect();
        threads.sort_by_key(|(_, t)| t.cid.thread);
        threads
            .into_iter()
            .map(|(task, t)| LpcSlotInfo {
                task: self.task_label(*task).to_string(),
                client_id: t.cid,
                message_id: t.reply_message_id,
                chain: t.chain.map(|c| self.lpc_label(c).to_string()),
                parked: match &t.reply_message {
                    Some(Slotted::Message(m)) => Some(m.serial),
                    _ => None,
                },
                terminate_ports: t
                    .terminate_ports
                    .iter()
                    .map(|p| self.lpc_label(*p).to_string())
                    .collect(),
            })
            .collect()
    }
}
