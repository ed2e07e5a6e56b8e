//! Per-task and per-port figures for the run summary, from the kernel and the trace.

use kernel::Kernel;
use kernel::trace::{Event, TraceRecord};
use std::collections::BTreeMap;

/// One task in the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskStats {
    /// Its name.
    pub name: String,
    /// How it ended (`exited 0`, `crashed: …`, `killed`) or where it stopped.
    pub end: String,
    /// Kernel calls it made.
    pub steps: u64,
    /// Virtual time it spent waiting, in nanoseconds.
    pub blocked_ns: u64,
}

/// One port in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Its label.
    pub label: String,
    /// Messages sent to it.
    pub sent: u64,
    /// Messages received from it.
    pub received: u64,
    /// Messages handed back to their senders after a failed send.
    pub returned: u64,
    /// Messages destroyed unread.
    pub destroyed: u64,
    /// The highest queue depth.
    pub max_depth: u32,
    /// Tasks that blocked sending to it, in the order they first did.
    pub blocked_senders: Vec<String>,
}

pub(super) fn task_stats(kernel: &Kernel) -> Vec<TaskStats> {
    kernel.inspect(|i| {
        i.tasks()
            .into_iter()
            .map(|t| TaskStats {
                end: match &t.exit {
                    Some(kernel::TaskExit::Exited(code)) => format!("exited {code}"),
                    Some(kernel::TaskExit::Crashed(reason)) => format!("crashed: {reason}"),
                    Some(kernel::TaskExit::Killed) => "killed".into(),
                    None => t.state.replace('_', " "),
                },
                name: t.name,
                steps: t.steps,
                blocked_ns: t.blocked_ns,
            })
            .collect()
    })
}

pub(super) fn port_stats(trace: &[TraceRecord]) -> Vec<PortStats> {
    let mut ports: BTreeMap<String, PortStats> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for record in trace {
        match &record.event {
            Event::PortAllocated { port, receiver, .. }
                if &**receiver != "kernel" && !ports.contains_key(&**port) =>
            {
                order.push(port.to_string());
                ports.insert(
                    port.to_string(),
                    PortStats {
                        label: port.to_string(),
                        ..PortStats::default()
                    },
                );
            }
            Event::MessageSent { port, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.sent += 1;
                }
            }
            Event::MessageReceived {
                port,
                receiver,
                pseudo: false,
                ..
            } if &**receiver != "kernel" => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.received += 1;
                }
            }
            Event::MessageReceived {
                port, pseudo: true, ..
            } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.returned += 1;
                }
            }
            Event::MessageDestroyed { port, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.destroyed += 1;
                }
            }
            Event::MessageQueued { port, depth, .. } | Event::MessageCached { port, depth, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.max_depth = p.max_depth.max(*depth);
                }
            }
            Event::SendBlocked { port, .. } => {
                if let (Some(p), Some(task)) = (ports.get_mut(&**port), record.task.as_deref())
                    && !p.blocked_senders.iter().any(|t| t == task)
                {
                    p.blocked_senders.push(task.to_string());
                }
            }
            _ => {}
        }
    }
    order
        .into_iter()
        .filter_map(|label| ports.remove(&label))
        .filter(|p| p.sent > 0 || !(p.label.ends_with(".notify") || p.label.ends_with(".direct")))
        .collect()
}
