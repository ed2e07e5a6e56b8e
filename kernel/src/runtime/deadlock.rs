//! The deadlock report: who is stuck, on what, and the wait-for cycle.

use crate::services::hooks as services;
use crate::state::KernelState;
use crate::task::{ReceiveSource, TaskState, Wait};
use ports::{PortId, TaskId};

/// Who is stuck in a deadlock, on what, and the wait-for cycle if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DeadlockReport {
    /// Each blocked task and what it waits on, in task order.
    pub blocked: Vec<(String, String)>,
    /// A cycle of tasks each waiting for the next, if one exists.
    pub cycle: Vec<String>,
}

impl KernelState {
    /// What each blocked task waits on, and a wait-for cycle if one exists.
    pub(crate) fn deadlock_report(&self) -> DeadlockReport {
        let mut blocked = Vec::new();
        let mut edges: Vec<(TaskId, Vec<TaskId>)> = Vec::new();
        for (index, generation, task) in self.tasks.iter() {
            let id = TaskId::new(index, generation);
            let TaskState::Waiting(wait) = &task.state else {
                continue;
            };
            let (what, waits_for) = self.wait_for(id, wait);
            blocked.push((task.name.to_string(), what));
            edges.push((id, waits_for));
        }
        let cycle = find_cycle(&edges)
            .into_iter()
            .map(|t| self.task(t).name.to_string())
            .collect();
        DeadlockReport { blocked, cycle }
    }

    /// What `id`'s wait is, in words, and the tasks that could end it: a task
    /// receiving waits for every other holder of a send right to its port; a task
    /// sending to a full port waits for the port's receiver.
    pub(super) fn wait_for(&self, id: TaskId, wait: &Wait) -> (String, Vec<TaskId>) {
        match wait {
            Wait::Send { envelope, .. } => (
                format!("sending to {} (full)", self.port_label(envelope.dest.port)),
                self.port(envelope.dest.port)
                    .and_then(|p| p.receiver_task())
                    .into_iter()
                    .collect(),
            ),
            Wait::Receive { source, .. } => {
                let ports: Vec<PortId> = match source {
                    ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => {
                        vec![*p]
                    }
                    ReceiveSource::Set(s) => {
                        self.set(*s).map(|s| s.members.clone()).unwrap_or_default()
                    }
                };
                let label = match source {
                    ReceiveSource::Set(s) => self.set_label(*s),
                    ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => {
                        self.port_label(*p)
                    }
                };
                let senders = self.send_right_holders(&ports, id);
                (format!("receiving on {label}"), senders)
            }
            Wait::Sleep { .. } => ("sleeping".to_string(), Vec::new()),
            Wait::Service { wait, .. } => services::wait_for(self, id, wait),
        }
    }

    fn send_right_holders(&self, ports: &[PortId], except: TaskId) -> Vec<TaskId> {
        let mut holders = Vec::new();
        for (index, generation, task) in self.tasks.iter() {
            let id = TaskId::new(index, generation);
            if id == except || task.is_ended() {
                continue;
            }
            let holds = task.space.iter().any(|(_, e)| {
                e.port().is_some_and(|p| ports.contains(&p))
                    && (e.rights.contains(ports::RightKind::Send)
                        || e.rights.contains(ports::RightKind::SendOnce))
            });
            if holds {
                holders.push(id);
            }
        }
        holders
    }
}

/// A cycle in the wait-for graph, found by depth-first search in task order.
fn find_cycle(edges: &[(TaskId, Vec<TaskId>)]) -> Vec<TaskId> {
    fn visit(
        node: TaskId,
        edges: &[(TaskId, Vec<TaskId>)],
        path: &mut Vec<TaskId>,
        done: &mut Vec<TaskId>,
    ) -> Option<Vec<TaskId>> {
        if let Some(at) = path.iter().position(|t| *t == node) {
            return Some(path[at..].to_vec());
        }
        if done.contains(&node) {
            return None;
        }
        path.push(node);
        let next = edges
            .iter()
            .find(|(t, _)| *t == node)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        for n in next {
            if let Some(cycle) = visit(n, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.push(node);
        None
    }
    let mut done = Vec::new();
    for (start, _) in edges {
        let mut path = Vec::new();
        if let Some(cycle) = visit(*start, edges, &mut path, &mut done) {
            return cycle;
        }
    }
    Vec::new()
}
