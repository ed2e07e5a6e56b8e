//! Cycles of receive rights in transit (Mach's `ipc_port_check_circularity`).
//!
//! A receive right in a message belongs to nobody until the message is received.
//! If port P's receive right travels in a message queued on Q, and Q's receive right
//! then travels to P, neither message can ever be received: each waits on a port
//! whose only receiver is locked inside the other. Mach notices the loop when the
//! closing message is sent and destroys it at once. To notice, every port whose
//! receive right is in transit remembers the port its message is queued on (or
//! waits to be), Mach's `ip_destination`; following that chain from the destination
//! either reaches a port some task holds, or reaches the right being sent.
//!
//! Walking the chain on every send that carries a receive right would cost the
//! chain's depth each time. Each port also counts the receive rights whose chain
//! step points at it; a right that carries nothing (the common case: a fresh port
//! handed to a server) cannot close a cycle except by going to itself.

use crate::state::KernelState;
use ports::PortId;

impl KernelState {
    /// Records that `port`'s receive right now travels to `carrier` (`None`: it
    /// arrived somewhere, or its port is gone), keeping the carriers' counts true.
    pub(crate) fn set_carrier(&mut self, port: PortId, carrier: Option<PortId>) {
        let Some(p) = self.port_mut(port) else {
            return;
        };
        let before = match p.extra.as_mut() {
            Some(extra) => std::mem::replace(&mut extra.carried_by, carrier),
            None if carrier.is_none() => return,
            None => {
                p.extra_mut().carried_by = carrier;
                None
            }
        };
        if let Some(old) = before
            && let Some(old) = self.port_mut(old)
        {
            let extra = old.extra_mut();
            extra.carrying = extra.carrying.saturating_sub(1);
        }
        if let Some(new) = carrier
            && let Some(new) = self.port_mut(new)
        {
            new.extra_mut().carrying += 1;
        }
    }

    /// True if sending `right`'s receive right to `dest` would close a cycle: `dest`
    /// is `right`, or `dest`'s own receive right travels (directly or through other
    /// ports in transit) to `right`.
    pub(crate) fn would_close_cycle(&self, dest: PortId, right: PortId) -> bool {
        if dest == right {
            return true;
        }
        let carries_nothing = self
            .port(right)
            .is_none_or(|p| p.extra.as_ref().is_none_or(|e| e.carrying == 0));
        if carries_nothing {
            return false;
        }
        let mut at = dest;
        // A chain is at most as long as there are ports; the bound only guards
        // against a bookkeeping slip turning into an endless loop.
        for _ in 0..=self.ports.len() {
            if at == right {
                return true;
            }
            match self.port(at).and_then(|p| p.extra.as_ref()) {
                Some(extra) => match extra.carried_by {
                    Some(next) => at = next,
                    None => return false,
                },
                None => return false,
            }
        }
        false
    }
}
