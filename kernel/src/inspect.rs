//! A read-only view of the kernel's state, for run reports, the stepper and tests.

use crate::state::KernelState;
use crate::task::{TaskState, Wait};
use ports::{NotificationKind, PortName, QueueLimit, RightSet};

/// Borrowed view of a kernel's state; see [`crate::Kernel::inspect`].
pub struct Inspector<'a> {
    pub(crate) state: &'a KernelState,
}

/// One port as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortInfo {
    /// Its label.
    pub label: String,
    /// Who holds the receive right: a task's name, `kernel`, or `none` in transit.
    pub receiver: String,
    /// Its queue limit.
    pub limit: QueueLimit,
    /// Messages queued.
    pub queued: usize,
    /// Send rights in existence (held or in transit).
    pub send_rights: u32,
    /// Send-once rights in existence.
    pub send_once_rights: u32,
    /// The make-send count.
    pub make_send_count: u32,
    /// The next sequence number.
    pub seqno: u32,
    /// The queued messages' trace numbers (`msg`), oldest first.
    pub queue: Vec<u64>,
    /// The label of the set the port is in, if any.
    pub set: Option<String>,
    /// Tasks blocked sending to the port, first come first served.
    pub blocked_senders: Vec<String>,
}

/// One task as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// Its name.
    pub name: String,
    /// `not_started`, `ready`, `blocked_send`, `blocked_receive`, `sleeping`,
    /// `exited`, `crashed`, `killed`.
    pub state: String,
    /// Its exit code, if it exited.
    pub exit: Option<crate::error::TaskExit>,
    /// Kernel calls it made.
    pub steps: u64,
    /// Virtual time it spent waiting, in nanoseconds.
    pub blocked_ns: u64,
}

impl Inspector<'_> {
    /// Every live port, in table order.
    pub fn ports(&self) -> Vec<PortInfo> {
        let s = self.state;
        s.ports
            .iter()
            .map(|(index, generation, p)| PortInfo {
                label: s
                    .port_label(ports::PortId::new(index, generation))
                    .to_string(),
                receiver: match p.receiver {
                    crate::port::Receiver::Task(t) => s.task(t).name.to_string(),
                    crate::port::Receiver::Kernel(_) | crate::port::Receiver::Object(_) => {
                        "kernel".into()
                    }
                    crate::port::Receiver::InTransit => "none".into(),
                },
                limit: p.queue.limit(),
                queued: p.queue.len(),
                send_rights: p.srights,
                send_once_rights: p.sorights,
                make_send_count: p.mscount,
                seqno: p.seqno,
                queue: p.queue.iter().map(|e| e.serial.0).collect(),
                set: p.set.map(|set| s.set_label(set).to_string()),
                blocked_senders: p
                    .extra
                    .as_ref()
                    .map(|e| {
                        e.blocked_senders
                            .iter()
                            .map(|t| s.task(*t).name.to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The port labelled `label`, if it is alive.
    pub fn port(&self, label: &str) -> Option<PortInfo> {
        self.ports().into_iter().find(|p| p.label == label)
    }

    /// Every task, in creation order.
    pub fn tasks(&self) -> Vec<TaskInfo> {
        self.state
            .tasks
            .iter()
            .map(|(_, _, t)| TaskInfo {
                name: t.name.to_string(),
                state: match &t.state {
                    TaskState::NotStarted => "not_started",
                    TaskState::Ready => "ready",
                    TaskState::Waiting(Wait::Send { .. }) => "blocked_send",
                    TaskState::Waiting(Wait::Receive { .. }) => "blocked_receive",
                    TaskState::Waiting(Wait::Sleep { .. }) => "sleeping",
                    TaskState::Waiting(Wait::Service { .. }) => "blocked_service",
                    TaskState::Ended(crate::error::TaskExit::Exited(_)) => "exited",
                    TaskState::Ended(crate::error::TaskExit::Crashed(_)) => "crashed",
                    TaskState::Ended(crate::error::TaskExit::Killed) => "killed",
                }
                .to_string(),
                exit: match &t.state {
                    TaskState::Ended(exit) => Some(exit.clone()),
                    _ => None,
                },
                steps: t.steps,
                blocked_ns: t.blocked_ns,
            })
            .collect()
    }

    /// Every name in the task's space: (name, label of its port or set, rights, urefs).
    pub fn space(&self, task: &str) -> Vec<(PortName, String, RightSet, u32)> {
        let Some(&id) = self.state.task_names.get(task) else {
            return Vec::new();
        };
        self.state
            .task(id)
            .space
            .iter()
            .map(|(name, e)| {
                let label = match e.object {
                    ports::EntryObject::Port(p) => self.state.port_label(p).to_string(),
                    ports::EntryObject::PortSet(s) => self.state.set_label(s).to_string(),
                };
                let dead = e.port().is_some_and(|p| self.state.port(p).is_none());
                let rights = if dead && !e.rights.contains(ports::RightKind::DeadName) {
                    RightSet::of(ports::RightKind::DeadName)
                } else {
                    e.rights
                };
                let urefs = if dead && e.rights.contains(ports::RightKind::SendOnce) {
                    1
                } else {
                    e.urefs
                };
                (name, label, rights, urefs)
            })
            .collect()
    }

    /// The current virtual time in nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.state.now
    }
}

/// A pipe as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipeInfo {
    /// Its label (`pipe5`, or `path#5` for a named pipe's stream).
    pub label: String,
    /// Its capacity in bytes.
    pub capacity: u32,
    /// The bytes buffered, oldest first.
    pub buffered: Vec<u8>,
    /// Open read ends.
    pub readers: u32,
    /// Open write ends.
    pub writers: u32,
}

/// A memory object as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryInfo {
    /// Its label.
    pub label: String,
    /// Its size in bytes.
    pub size: u32,
    /// Live mappings.
    pub mappings: u32,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// A semaphore as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemaphoreInfo {
    /// Its label.
    pub label: String,
    /// Its count.
    pub value: u32,
    /// Tasks waiting, first come first served.
    pub waiters: Vec<String>,
}

impl Inspector<'_> {
    /// Every pipe, in creation order.
    pub fn pipes(&self) -> Vec<PipeInfo> {
        self.state
            .services
            .pipes
            .values()
            .map(|p| PipeInfo {
                label: p.label.to_string(),
                capacity: p.capacity,
                buffered: p.buffer.iter().copied().collect(),
                readers: p.readers,
                writers: p.writers,
            })
            .collect()
    }

    /// Every memory object, in creation order.
    pub fn memory_objects(&self) -> Vec<MemoryInfo> {
        self.state
            .services
            .memory
            .values()
            .map(|m| MemoryInfo {
                label: m.label.to_string(),
                size: m.size,
                mappings: m.mappings,
                contents: m.contents().to_vec(),
            })
            .collect()
    }

    /// Every semaphore, in creation order.
    pub fn semaphores(&self) -> Vec<SemaphoreInfo> {
        self.state
            .services
            .semaphores
            .values()
            .map(|s| SemaphoreInfo {
                label: s.label.to_string(),
                value: s.value,
                waiters: s
                    .waiters
                    .iter()
                    .map(|t| self.state.task(*t).name.to_string())
                    .collect(),
            })
            .collect()
    }

    /// The paths of named pipes, in path order.
    pub fn named_pipes(&self) -> Vec<String> {
        self.state.services.named.keys().cloned().collect()
    }

    /// A task's handles: (handle, what it is: `mapping <object>`, `read <pipe>`,
    /// `write <pipe>`, `read <pipe> write <pipe>`, `lpc <port>`).
    pub fn handles(&self, task: &str) -> Vec<(u32, String)> {
        let Some(&id) = self.state.task_names.get(task) else {
            return Vec::new();
        };
        let pipe = |p: u32| {
            self.state
                .services
                .pipes
                .get(&p)
                .map_or_else(|| format!("pipe{p}"), |p| p.label.to_string())
        };
        self.state
            .task(id)
            .handles
            .iter()
            .map(|(handle, what)| {
                let text = match what {
                    crate::services::Handle::Mapping(m) => format!(
                        "mapping {}",
                        self.state
                            .services
                            .memory
                            .get(m)
                            .map_or("?".to_string(), |o| o.label.to_string())
                    ),
                    crate::services::Handle::Pipe(end) => match (end.read, end.write) {
                        (Some(r), Some(w)) => format!("read {} write {}", pipe(r), pipe(w)),
                        (Some(r), None) => format!("read {}", pipe(r)),
                        (None, Some(w)) => format!("write {}", pipe(w)),
                        (None, None) => "closed".to_string(),
                    },
                    crate::services::Handle::LpcPort(port) => {
                        format!("lpc {}", self.state.lpc_port_label(*port))
                    }
                };
                (*handle, text)
            })
            .collect()
    }
}

/// Where a message in the kernel is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessagePlace {
    /// In a port's queue, `position` 0 at its head.
    Queued {
        /// The port's label.
        port: String,
        /// Its place in the queue, from the head.
        position: usize,
    },
    /// Held by a task blocked sending it to a full port.
    HeldBySender {
        /// The blocked sender.
        task: String,
        /// The port it waits to send to.
        port: String,
    },
}

/// A message in the kernel as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// Its trace number (`msg`).
    pub msg: u64,
    /// Where it is.
    pub place: MessagePlace,
}

/// A notification request registered about a port, as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// The port it is about.
    pub port: String,
    /// `dead_name`, `no_senders` or `port_destroyed`.
    pub kind: NotificationKind,
    /// The port the notification goes to.
    pub notify: String,
    /// For a dead-name request, the task that holds the right it is about (the
    /// kernel keeps no requester for the other kinds).
    pub holder: Option<String>,
}

impl Inspector<'_> {
    /// Every message in the kernel, by trace number: each queued message with its
    /// port and its place in the queue, each message a blocked sender holds.
    pub fn messages(&self) -> Vec<MessageInfo> {
        let s = self.state;
        let mut out: Vec<MessageInfo> = Vec::new();
        for (index, generation, p) in s.ports.iter() {
            let port = s
                .port_label(ports::PortId::new(index, generation))
                .to_string();
            for (position, envelope) in p.queue.iter().enumerate() {
                out.push(MessageInfo {
                    msg: envelope.serial.0,
                    place: MessagePlace::Queued {
                        port: port.clone(),
                        position,
                    },
                });
            }
        }
        for (_, _, t) in s.tasks.iter() {
            if let TaskState::Waiting(Wait::Send { envelope, .. }) = &t.state {
                out.push(MessageInfo {
                    msg: envelope.serial.0,
                    place: MessagePlace::HeldBySender {
                        task: t.name.to_string(),
                        port: s.port_label(envelope.dest.port).to_string(),
                    },
                });
            }
        }
        out.sort_by_key(|m| m.msg);
        out
    }

    /// Every notification request registered about a live port, port by port in
    /// table order: its port-destroyed request, its no-senders request, then its
    /// dead-name requests in the order they were made.
    pub fn notification_requests(&self) -> Vec<RequestInfo> {
        let s = self.state;
        let mut out = Vec::new();
        for (index, generation, p) in s.ports.iter() {
            let Some(extra) = &p.extra else {
                continue;
            };
            let port = s
                .port_label(ports::PortId::new(index, generation))
                .to_string();
            let request = |kind, notify, holder: Option<String>| RequestInfo {
                port: port.clone(),
                kind,
                notify: s.port_label(notify).to_string(),
                holder,
            };
            if let Some(notify) = extra.port_destroyed {
                out.push(request(NotificationKind::PortDestroyed, notify, None));
            }
            if let Some((notify, _)) = extra.no_senders {
                out.push(request(NotificationKind::NoSenders, notify, None));
            }
            for dead_name in &extra.dead_name {
                let holder = s.task(dead_name.holder).name.to_string();
                out.push(request(
                    NotificationKind::DeadName,
                    dead_name.notify,
                    Some(holder),
                ));
            }
        }
        out
    }
}

/// An LPC port as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LpcPortInfo {
    /// Its label.
    pub label: String,
    /// `connection`, `communication` or `client`.
    pub kind: ports::lpc::LpcPortKind,
    /// A connection port's NT name.
    pub name: Option<String>,
    /// The task whose handle names it, and the handle, until it is closed.
    pub holder: Option<(String, u32)>,
    /// The connection port it belongs to (itself for a connection port), until
    /// the connection is broken.
    pub connection: Option<String>,
    /// The other end of its connection.
    pub connected: Option<String>,
    /// A communication port's context.
    pub context: u64,
    /// True once a connection port's name was deleted.
    pub name_deleted: bool,
    /// Its longest message, header included.
    pub max_message_length: u16,
    /// The queued messages' trace numbers (`msg`), oldest first.
    pub queue: Vec<u64>,
    /// Tasks blocked receiving on its queue, first come first served.
    pub receivers: Vec<String>,
    /// Tasks waiting for a reply through it, in the order they joined.
    pub reply_chain: Vec<String>,
}

/// A task's LPC reply slot as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LpcSlotInfo {
    /// The task.
    pub task: String,
    /// Its client id.
    pub client_id: ports::lpc::ClientId,
    /// The message id it waits to be answered on (0: none).
    pub message_id: u32,
    /// The port whose reply chain it is on.
    pub chain: Option<String>,
    /// The message parked in its slot (`msg`), if any.
    pub parked: Option<u64>,
    /// The ports it registered for its end, newest first.
    pub terminate_ports: Vec<String>,
}

impl Inspector<'_> {
    /// Every live LPC port, in creation order.
    pub fn lpc_ports(&self) -> Vec<LpcPortInfo> {
        self.state.lpc_port_infos()
    }

    /// The reply slot of every task that has met LPC, in the order they met it.
    pub fn lpc_slots(&self) -> Vec<LpcSlotInfo> {
        self.state.lpc_slot_infos()
    }
}
