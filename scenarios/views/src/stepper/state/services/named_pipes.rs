//! Named pipes: FIFOs and duplex pipes in the kernel's path space, the tasks
//! waiting to open or accept, and their streams.

use super::super::State;
use super::ServiceWait;
use ports::service::{Access, PipeMode};
use serde::Serialize;
use trace::{Event, EventKind, Label, NamedPipeWait};

/// A task waiting to open a named pipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Opener {
    /// The task.
    pub task: Label,
    /// `read`, `write` or `read_write`.
    pub access: Access,
}

/// A named pipe: its path in the kernel's name space, until it is unlinked, and
/// after that as long as one of its streams is alive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedPipe {
    /// Its path.
    pub path: Label,
    /// The event that made it.
    pub created_at: u64,
    /// `fifo` or `duplex`.
    pub mode: PipeMode,
    /// True once its name was removed (its open ends keep working).
    pub unlinked: bool,
    /// Tasks waiting in `open`, first come first served.
    pub openers: Vec<Opener>,
    /// Servers waiting in `accept`, first come first served.
    pub acceptors: Vec<Label>,
    /// Its live streams (pipes), in creation order.
    pub streams: Vec<Label>,
}

impl State {
    fn named_mut(&mut self, seq: u64, path: &str) -> Option<&mut NamedPipe> {
        self.named_pipes
            .expect_mut(path, seq, &mut self.inconsistencies, || {
                format!("no named pipe has the path {path}")
            })
    }

    pub(in crate::stepper::state) fn apply_named_pipe(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::NamedPipeCreated { path, mode, .. } => {
                self.named_pipes.insert_new(
                    path.clone(),
                    seq,
                    NamedPipe {
                        path: path.clone(),
                        created_at: seq,
                        mode: *mode,
                        unlinked: false,
                        openers: Vec::new(),
                        acceptors: Vec::new(),
                        streams: Vec::new(),
                    },
                    &mut self.inconsistencies,
                    || format!("named pipe {path} is made while it exists"),
                );
            }
            Event::NamedPipeWaiting { path, access } => {
                let Some(task) = self.actor(seq, actor, EventKind::NamedPipeWaiting) else {
                    return;
                };
                if let Some(n) = self.named_mut(seq, path) {
                    match *access {
                        NamedPipeWait::Open(access) => n.openers.push(Opener {
                            task: task.clone(),
                            access,
                        }),
                        NamedPipeWait::Accept => n.acceptors.push(task.clone()),
                    }
                }
                let wait = match *access {
                    NamedPipeWait::Open(access) => ServiceWait::Open {
                        path: path.clone(),
                        access,
                    },
                    NamedPipeWait::Accept => ServiceWait::Accept { path: path.clone() },
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a named pipe");
            }
            Event::NamedPipeOpened { path, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::NamedPipeOpened) else {
                    return;
                };
                if let Some(n) = self.named_mut(seq, path) {
                    n.openers.retain(|o| o.task != task);
                }
            }
            Event::NamedPipeConnected {
                path,
                client,
                server,
            } => {
                for task in [client, server] {
                    if !self.tasks.contains(task) {
                        self.inconsistent(
                            seq,
                            format!("task {task} connects over {path}, but it does not exist"),
                        );
                    }
                }
                if let Some(n) = self.named_mut(seq, path) {
                    n.openers.retain(|o| o.task != *client);
                    n.acceptors.retain(|a| a != server);
                }
            }
            Event::NamedPipeUnlinked { path } => {
                let Some(key) = self.named_pipes.unlink(path) else {
                    self.inconsistent(
                        seq,
                        format!("named pipe {path} is unlinked but no named pipe has that path"),
                    );
                    return;
                };
                // Its waiters are woken (`unlinked`) by the events that follow: they
                // wait for nothing any more.
                let gone = self.named_pipes.at_mut(key).is_some_and(|n| {
                    n.unlinked = true;
                    n.openers.clear();
                    n.acceptors.clear();
                    n.streams.is_empty()
                });
                if gone {
                    self.named_pipes.remove_at(key);
                }
            }
            _ => {}
        }
    }
}
