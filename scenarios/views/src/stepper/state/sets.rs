//! Port sets and their members.

use super::State;
use serde::Serialize;
use trace::Label;

/// A live port set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortSet {
    /// Its unique label.
    pub label: Label,
    /// The task holding it.
    pub holder: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// Its member ports, in the order they joined.
    pub members: Vec<Label>,
}

impl State {
    pub(super) fn set_allocated(&mut self, seq: u64, set: &Label, holder: &Label) {
        if self.sets.contains(set) || self.ports.contains(set) {
            self.inconsistent(seq, format!("port set {set} is allocated a second time"));
        }
        if !self.tasks.contains(holder) {
            self.inconsistent(
                seq,
                format!("port set {set} is allocated to task {holder}, which does not exist"),
            );
        }
        self.sets.insert(
            set.clone(),
            seq,
            PortSet {
                label: set.clone(),
                holder: holder.clone(),
                created_at: seq,
                members: Vec::new(),
            },
        );
    }

    pub(super) fn set_destroyed(&mut self, seq: u64, set: &Label) {
        let Some(s) = self.sets.remove(set) else {
            self.inconsistent(seq, format!("port set {set} dies but it is not alive"));
            return;
        };
        for member in &s.members {
            if let Some(p) = self.ports.get_mut(member) {
                p.set = None;
            }
        }
    }

    pub(super) fn member_added(&mut self, seq: u64, port: &Label, set: &Label) {
        if !self.sets.contains(set) {
            self.inconsistent(
                seq,
                format!("port {port} joins set {set}, which is not alive"),
            );
            return;
        }
        let previous = match self.port_mut(seq, port) {
            Some(p) => p.set.replace(set.clone()),
            None => return,
        };
        if let Some(previous) = previous {
            self.inconsistent(
                seq,
                format!("port {port} joins set {set} while still in set {previous}"),
            );
            self.leave_set(port, &previous);
        }
        if let Some(s) = self.sets.get_mut(set) {
            s.members.push(port.clone());
        }
    }

    pub(super) fn member_removed(&mut self, seq: u64, port: &Label, set: &Label) {
        if let Some(p) = self.port_mut(seq, port) {
            if p.set.as_deref() == Some(&**set) {
                p.set = None;
            } else {
                let problem = format!("port {port} leaves set {set} but it is not in it");
                self.inconsistent(seq, problem);
            }
        }
        self.leave_set(port, set);
    }

    /// `port` is no longer among `set`'s members.
    pub(super) fn leave_set(&mut self, port: &str, set: &str) {
        if let Some(s) = self.sets.get_mut(set) {
            s.members.retain(|m| &**m != port);
        }
    }
}
