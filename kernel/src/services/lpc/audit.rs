//! The audit's LPC checks: every LPC message ends received, destroyed with a
//! reason, or still queued or parked; and every reply slot agrees with its task's
//! wait and with the reply chains.

use super::thread::Slotted;
use super::wait::LpcWait;
use crate::state::KernelState;
use crate::violation::{Violation, ViolationKind};

impl KernelState {
    /// LPC conservation and the reply-slot invariant; every violation found.
    pub(crate) fn lpc_audit(&self) -> Vec<Violation> {
        let mut problems = Vec::new();
        let lpc = &self.services.lpc;
        let c = lpc.counts;
        let queued: u64 = lpc.ports.values().map(|p| p.queue.len() as u64).sum();
        let parked = lpc
            .threads
            .values()
            .filter(|t| matches!(t.reply_message, Some(Slotted::Message(_))))
            .count() as u64;
        if c.sent != c.received + c.destroyed + queued + parked {
            problems.push(Violation::new(
                ViolationKind::LpcConservation,
                format!(
                    "LPC conservation: {} sent, but {} received + {} destroyed + {queued} queued + {parked} parked = {}",
                    c.sent,
                    c.received,
                    c.destroyed,
                    c.received + c.destroyed + queued + parked
                ),
            ));
        }
        let mut slot = |message: String| {
            problems.push(Violation::new(ViolationKind::LpcReplySlot, message));
        };
        for (task, thread) in &lpc.threads {
            let name = self.task_label(*task);
            if thread.exited
                && (thread.reply_message_id != 0
                    || thread.chain.is_some()
                    || thread.reply_message.is_some())
            {
                slot(format!("{name}: has ended, but its slot is not empty"));
            }
            let on_chain = thread.chain.is_some_and(|c| {
                lpc.ports
                    .get(&c)
                    .is_some_and(|p| p.reply_chain.contains(task))
            });
            if thread.chain.is_some() && !on_chain {
                slot(format!("{name}: its slot names a reply chain it is not on"));
            }
            match self.lpc_waiting(*task) {
                Some(LpcWait::Reply {
                    message_id, chain, ..
                }) => {
                    if thread.reply_message_id != message_id || thread.chain != Some(chain) {
                        slot(format!(
                            "{name}: waits for the reply to #{message_id}, but its slot holds #{}",
                            thread.reply_message_id
                        ));
                    }
                }
                Some(LpcWait::Connect { connection, .. }) => {
                    let consistent = thread.chain == Some(connection)
                        && match thread.reply_message {
                            Some(Slotted::ConnectionRequest { .. }) => thread.reply_message_id != 0,
                            Some(Slotted::Message(_)) => thread.reply_message_id == 0,
                            None => false,
                        };
                    if !consistent {
                        slot(format!("{name}: connects, but its slot does not say so"));
                    }
                }
                Some(LpcWait::Receive { .. }) | None => {
                    if thread.reply_message_id != 0
                        || thread.chain.is_some()
                        || thread.reply_message.is_some()
                    {
                        slot(format!(
                            "{name}: waits for no reply, but its slot holds #{}",
                            thread.reply_message_id
                        ));
                    }
                }
            }
        }
        for port in lpc.ports.values() {
            for task in &port.reply_chain {
                let chain = lpc.threads.get(task).and_then(|t| t.chain);
                if chain.and_then(|c| lpc.ports.get(&c)).map(|p| &p.label) != Some(&port.label) {
                    slot(format!(
                        "{}: is on {}'s reply chain, but its slot names another",
                        self.task_label(*task),
                        port.label
                    ));
                }
            }
            for task in &port.receivers {
                let receiving = matches!(
                    self.lpc_waiting(*task),
                    Some(LpcWait::Receive { queue, .. }) if lpc.ports.get(&queue).map(|p| &p.label) == Some(&port.label)
                );
                if !receiving {
                    slot(format!(
                        "{}: waits on {}'s queue, but is not receiving there",
                        self.task_label(*task),
                        port.label
                    ));
                }
            }
        }
        problems
    }
}
