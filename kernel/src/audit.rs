//! The end-of-run audit: message conservation and the rights invariants.
//!
//! A violation is a kernel bug; it is reported, never ignored, and tests assert that
//! none occurs.

use crate::envelope::Envelope;
use crate::port::Receiver;
use crate::state::KernelState;
use crate::task::{TaskState, Wait};
use crate::violation::{Violation, ViolationKind};
use ports::{PortId, RightKind};
use rustc_hash::FxHashMap;

#[derive(Default)]
struct Counted {
    receive: u32,
    send: u32,
    send_once: u32,
}

impl KernelState {
    /// Checks conservation and the rights invariants; returns every violation.
    pub(crate) fn audit(&self) -> Vec<Violation> {
        let mut problems = Vec::new();
        let c = self.counts;
        let in_flight = self.in_flight();
        if c.sent != c.received + c.returned + c.destroyed + in_flight {
            problems.push(Violation::new(ViolationKind::MessageConservation, format!(
                "message conservation: {} sent, but {} received + {} returned + {} destroyed + {} still queued or held = {}",
                c.sent,
                c.received,
                c.returned,
                c.destroyed,
                in_flight,
                c.received + c.returned + c.destroyed + in_flight
            )));
        }
        let mut counted: FxHashMap<PortId, Counted> = FxHashMap::default();
        for (_, _, task) in self.tasks.iter() {
            for (name, entry) in task.space.iter() {
                if entry.rights.contains(RightKind::Send)
                    || entry.rights.contains(RightKind::DeadName)
                {
                    if entry.urefs == 0 || entry.urefs > ports::UREFS_MAX {
                        problems.push(rights_violation(format!(
                            "{}: name {name} has {} user references",
                            task.name, entry.urefs
                        )));
                    }
                } else if entry.urefs != 0 {
                    problems.push(rights_violation(format!(
                        "{}: name {name} has user references but no send right",
                        task.name
                    )));
                }
                let Some(port) = entry.port() else { continue };
                if self.port(port).is_none() {
                    continue;
                }
                let counts = counted.entry(port).or_default();
                if entry.rights.contains(RightKind::Receive) {
                    counts.receive += 1;
                }
                if entry.rights.contains(RightKind::Send) {
                    counts.send += 1;
                }
                if entry.rights.contains(RightKind::SendOnce) {
                    counts.send_once += 1;
                }
            }
            if let TaskState::Waiting(Wait::Send { envelope, .. }) = &task.state {
                count_envelope(envelope, &mut counted);
            }
            // A direct mailbox's receive right is its task's without a name (direct
            // naming has no names); it lives until the task ends, or to the end of
            // the run for a task that never started.
            if let Some(mailbox) = task.direct_mailbox
                && self.port(mailbox).is_some()
            {
                counted.entry(mailbox).or_default().receive += 1;
            }
        }
        for (_, _, port) in self.ports.iter() {
            for envelope in port.queue.iter() {
                count_envelope(envelope, &mut counted);
            }
        }
        for (index, generation, port) in self.ports.iter() {
            let id = PortId::new(index, generation);
            let label = self.port_label(id);
            let counts = counted.remove(&id).unwrap_or_default();
            let expected_receive = match port.receiver {
                Receiver::Task(_) => 1,
                Receiver::Kernel(_) | Receiver::Object(_) | Receiver::InTransit => 0,
            };
            let receive_in_transit = if port.receiver == Receiver::InTransit {
                1
            } else {
                0
            };
            if counts.receive != expected_receive + receive_in_transit {
                problems.push(rights_violation(format!(
                    "{}: {} receive rights found (one expected)",
                    label, counts.receive
                )));
            }
            if counts.send != port.srights {
                problems.push(rights_violation(format!(
                    "{}: {} send rights found, the port counts {}",
                    label, counts.send, port.srights
                )));
            }
            if counts.send_once != port.sorights {
                problems.push(rights_violation(format!(
                    "{}: {} send-once rights found, the port counts {}",
                    label, counts.send_once, port.sorights
                )));
            }
        }
        problems.extend(self.audit_carriers());
        problems.extend(crate::services::hooks::audit(self));
        problems
    }

    /// Every `carried_by` belongs to a receive right in transit, and every port's
    /// `carrying` count is the number of rights whose `carried_by` names it.
    fn audit_carriers(&self) -> Vec<Violation> {
        let mut problems = Vec::new();
        let mut carrying: FxHashMap<PortId, u32> = FxHashMap::default();
        for (index, generation, port) in self.ports.iter() {
            let id = PortId::new(index, generation);
            if let Some(carrier) = port.extra.as_ref().and_then(|e| e.carried_by) {
                if port.receiver != Receiver::InTransit {
                    problems.push(rights_violation(format!(
                        "{}: has a carrier but its receive right is not in transit",
                        self.port_label(id)
                    )));
                }
                *carrying.entry(carrier).or_default() += 1;
            }
        }
        for (index, generation, port) in self.ports.iter() {
            let id = PortId::new(index, generation);
            let counted = carrying.get(&id).copied().unwrap_or(0);
            let claimed = port.extra.as_ref().map_or(0, |e| e.carrying);
            if counted != claimed {
                problems.push(rights_violation(format!(
                    "{}: carries {counted} receive rights in transit, the port counts {claimed}",
                    self.port_label(id)
                )));
            }
        }
        problems
    }
}

fn rights_violation(message: String) -> Violation {
    Violation::new(ViolationKind::Rights, message)
}

fn count_envelope(envelope: &Envelope, counted: &mut FxHashMap<PortId, Counted>) {
    if envelope.sender().is_some() {
        let c = counted.entry(envelope.dest.port).or_default();
        match envelope.dest.kind {
            RightKind::Send => c.send += 1,
            RightKind::SendOnce => c.send_once += 1,
            _ => {}
        }
    }
    for carried in envelope.rights() {
        let c = counted.entry(carried.port).or_default();
        match carried.kind {
            RightKind::Receive => c.receive += 1,
            RightKind::Send => c.send += 1,
            RightKind::SendOnce => c.send_once += 1,
            _ => {}
        }
    }
}
