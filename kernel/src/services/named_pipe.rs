//! Named pipes: pipes with a path in the kernel's name space, for unrelated tasks.
//!
//! Two kinds, as the textbook describes them. A UNIX FIFO (`PipeMode::Fifo`) is one
//! stream; opening it for reading waits for a writer and the reverse, unless the
//! open is no-wait (a no-wait read open succeeds at once; a no-wait write open with
//! no reader is `would_block`, POSIX's `ENXIO`). A Windows-style duplex pipe
//! (`PipeMode::Duplex`) gives each client its own instance, a stream each way: the
//! server accepts clients one at a time (Windows' `ConnectNamedPipe`). Either kind
//! outlives the task that made it until it is unlinked; unlinking removes the name
//! while open ends keep working.

use super::{PipeEnd, ServiceError, ServiceReply, ServiceWait};
use crate::state::KernelState;
use crate::syscall::ServiceNow;
use crate::task::{Reply, Wait};
use crate::trace::{Event, NamedPipeWait, WakeReason};
use ports::TaskId;
use ports::service::{Access, PipeMode};
use std::collections::VecDeque;
use std::sync::Arc;

/// A named pipe's entry in the kernel's name space.
#[derive(Debug)]
pub(crate) struct NamedPipe {
    pub(crate) mode: PipeMode,
    pub(crate) capacity: Option<u32>,
    /// The FIFO's stream while any end is open.
    pub(crate) fifo: Option<u32>,
    /// Tasks waiting in `open` for the other side (FIFO), or for a server (duplex).
    pub(crate) openers: VecDeque<(TaskId, Access)>,
    /// Servers waiting in `accept` for a client (duplex).
    pub(crate) acceptors: VecDeque<TaskId>,
}

impl KernelState {
    pub(crate) fn named_pipe_create(
        &mut self,
        task: Option<TaskId>,
        path: &str,
        mode: PipeMode,
        capacity: Option<u32>,
    ) -> Result<ServiceReply, ServiceError> {
        if path.is_empty() || capacity.is_some_and(|c| c == 0 || c > super::pipe::MAX_CAPACITY) {
            return Err(ServiceError::InvalidValue);
        }
        if self.services.named.contains_key(path) {
            return Err(ServiceError::NameExists);
        }
        self.services.named.insert(
            path.to_string(),
            NamedPipe {
                mode,
                capacity,
                fifo: None,
                openers: VecDeque::new(),
                acceptors: VecDeque::new(),
            },
        );
        let capacity = capacity.unwrap_or(super::pipe::DEFAULT_CAPACITY);
        self.record(task, |_| Event::NamedPipeCreated {
            path: Arc::from(path),
            mode,
            capacity,
        });
        Ok(ServiceReply::Done)
    }

    pub(crate) fn named_pipe_unlink(
        &mut self,
        task: TaskId,
        path: &str,
    ) -> Result<ServiceReply, ServiceError> {
        let named = self
            .services
            .named
            .remove(path)
            .ok_or(ServiceError::NoSuchPath)?;
        self.record(Some(task), |_| Event::NamedPipeUnlinked {
            path: Arc::from(path),
        });
        // Tasks still waiting to open it find the name gone.
        for (waiter, _) in named.openers {
            self.wake(
                waiter,
                Reply::Service(Err(ServiceError::NoSuchPath)),
                WakeReason::Unlinked,
            );
        }
        for waiter in named.acceptors {
            self.wake(
                waiter,
                Reply::Service(Err(ServiceError::NoSuchPath)),
                WakeReason::Unlinked,
            );
        }
        Ok(ServiceReply::Done)
    }

    pub(crate) fn named_pipe_open(
        &mut self,
        task: TaskId,
        path: &str,
        access: Access,
        no_wait: bool,
    ) -> ServiceNow {
        let Some(named) = self.services.named.get(path) else {
            return ServiceNow::Done(Err(ServiceError::NoSuchPath));
        };
        match named.mode {
            PipeMode::Fifo => self.fifo_open(task, path, access, no_wait),
            PipeMode::Duplex => {
                if let Some(server) = self
                    .services
                    .named
                    .get_mut(path)
                    .and_then(|n| n.acceptors.pop_front())
                {
                    // A server waits in accept: connect, wake it with its end.
                    return ServiceNow::Done(match self.connect_instance(task, server, path) {
                        Ok((client_end, server_end)) => {
                            self.wake(
                                server,
                                Reply::Service(Ok(ServiceReply::Handle(server_end))),
                                WakeReason::Connected,
                            );
                            Ok(ServiceReply::Handle(client_end))
                        }
                        Err(e) => {
                            self.wake(
                                server,
                                Reply::Service(Err(e.clone())),
                                WakeReason::Connected,
                            );
                            Err(e)
                        }
                    });
                }
                if no_wait {
                    return ServiceNow::Done(Err(ServiceError::WouldBlock));
                }
                self.wait_to_open(task, path, access);
                ServiceNow::Blocked
            }
        }
    }

    fn wait_to_open(&mut self, task: TaskId, path: &str, access: Access) {
        if let Some(named) = self.services.named.get_mut(path) {
            named.openers.push_back((task, access));
        }
        self.record(Some(task), |_| Event::NamedPipeWaiting {
            path: Arc::from(path),
            access: NamedPipeWait::Open(access),
        });
        let path = path.to_string();
        self.begin_wait(task, None, |timer| Wait::Service {
            wait: ServiceWait::Open { path, access },
            timer,
        });
    }

    fn fifo_stream(&mut self, path: &str) -> Result<u32, ServiceError> {
        let named = self
            .services
            .named
            .get(path)
            .ok_or(ServiceError::NoSuchPath)?;
        if let Some(pipe) = named.fifo
            && self.services.pipes.contains_key(&pipe)
        {
            return Ok(pipe);
        }
        let capacity = named.capacity;
        let pipe = self.new_pipe(None, capacity, Some(path.to_string()))?;
        if let Some(named) = self.services.named.get_mut(path) {
            named.fifo = Some(pipe);
        }
        Ok(pipe)
    }

    fn fifo_end(pipe: u32, access: Access) -> PipeEnd {
        PipeEnd {
            read: matches!(access, Access::Read | Access::ReadWrite).then_some(pipe),
            write: matches!(access, Access::Write | Access::ReadWrite).then_some(pipe),
        }
    }

    fn fifo_open(&mut self, task: TaskId, path: &str, access: Access, no_wait: bool) -> ServiceNow {
        let current = self
            .services
            .named
            .get(path)
            .and_then(|n| n.fifo)
            .and_then(|p| self.services.pipes.get(&p));
        let (readers, writers) = current.map_or((0, 0), |p| (p.readers, p.writers));
        let wants_other = |a: Access, other: Access| match a {
            Access::Read => matches!(other, Access::Write | Access::ReadWrite),
            Access::Write => matches!(other, Access::Read | Access::ReadWrite),
            Access::ReadWrite => true,
        };
        let other_open = match access {
            Access::Read => writers > 0,
            Access::Write => readers > 0,
            Access::ReadWrite => true,
        };
        let other_waiting = self
            .services
            .named
            .get(path)
            .is_some_and(|n| n.openers.iter().any(|(_, a)| wants_other(access, *a)));
        let proceed = other_open || other_waiting || (no_wait && access == Access::Read);
        if !proceed {
            if no_wait {
                return ServiceNow::Done(Err(ServiceError::WouldBlock));
            }
            self.wait_to_open(task, path, access);
            return ServiceNow::Blocked;
        }
        let pipe = match self.fifo_stream(path) {
            Ok(pipe) => pipe,
            Err(e) => return ServiceNow::Done(Err(e)),
        };
        let result = self
            .attach_end(task, Self::fifo_end(pipe, access))
            .map(ServiceReply::Handle);
        if result.is_ok() {
            self.record(Some(task), |_| Event::NamedPipeOpened {
                path: Arc::from(path),
                access,
            });
        }
        // Everyone waiting for this side now gets in, in the order they came.
        let waiting: Vec<(TaskId, Access)> = self
            .services
            .named
            .get_mut(path)
            .map(|n| {
                let (go, stay): (Vec<_>, Vec<_>) = n
                    .openers
                    .drain(..)
                    .partition(|(_, a)| wants_other(*a, access));
                n.openers = stay.into();
                go
            })
            .unwrap_or_default();
        for (waiter, waiter_access) in waiting {
            let reply = self
                .attach_end(waiter, Self::fifo_end(pipe, waiter_access))
                .map(ServiceReply::Handle);
            self.record(Some(waiter), |_| Event::NamedPipeOpened {
                path: Arc::from(path),
                access: waiter_access,
            });
            self.wake(waiter, Reply::Service(reply), WakeReason::Opened);
        }
        ServiceNow::Done(result)
    }

    pub(crate) fn named_pipe_accept(
        &mut self,
        task: TaskId,
        path: &str,
        no_wait: bool,
    ) -> ServiceNow {
        let Some(named) = self.services.named.get_mut(path) else {
            return ServiceNow::Done(Err(ServiceError::NoSuchPath));
        };
        if named.mode != PipeMode::Duplex {
            return ServiceNow::Done(Err(ServiceError::InvalidValue));
        }
        if let Some((client, _)) = named.openers.pop_front() {
            // A client waits in open: connect, wake it with its end.
            return match self.connect_instance(client, task, path) {
                Ok((client_end, server_end)) => {
                    self.wake(
                        client,
                        Reply::Service(Ok(ServiceReply::Handle(client_end))),
                        WakeReason::Connected,
                    );
                    ServiceNow::Done(Ok(ServiceReply::Handle(server_end)))
                }
                Err(e) => {
                    self.wake(
                        client,
                        Reply::Service(Err(e.clone())),
                        WakeReason::Connected,
                    );
                    ServiceNow::Done(Err(e))
                }
            };
        }
        if no_wait {
            return ServiceNow::Done(Err(ServiceError::WouldBlock));
        }
        named.acceptors.push_back(task);
        self.record(Some(task), |_| Event::NamedPipeWaiting {
            path: Arc::from(path),
            access: NamedPipeWait::Accept,
        });
        let path = path.to_string();
        self.begin_wait(task, None, |timer| Wait::Service {
            wait: ServiceWait::Accept { path },
            timer,
        });
        ServiceNow::Blocked
    }

    /// Makes a duplex instance, a stream each way between `client` and `server`;
    /// returns (the client's handle, the server's handle).
    fn connect_instance(
        &mut self,
        client: TaskId,
        server: TaskId,
        path: &str,
    ) -> Result<(u32, u32), ServiceError> {
        // Both sides need a free handle; check before making anything, so a refused
        // connection leaves no half-made instance behind.
        let full = |k: &Self, t: TaskId| k.task(t).handles.len() >= k.config.max_handles_per_task;
        if full(self, client) || full(self, server) {
            return Err(ServiceError::NoSpace);
        }
        let capacity = self.services.named.get(path).and_then(|n| n.capacity);
        let to_server = self.new_pipe(None, capacity, Some(path.to_string()))?;
        let to_client = self.new_pipe(None, capacity, Some(path.to_string()))?;
        let client_end = self.attach_end(
            client,
            PipeEnd {
                read: Some(to_client),
                write: Some(to_server),
            },
        )?;
        let server_end = self.attach_end(
            server,
            PipeEnd {
                read: Some(to_server),
                write: Some(to_client),
            },
        )?;
        self.record(Some(client), |k| Event::NamedPipeConnected {
            path: Arc::from(path),
            client: k.task_label(client),
            server: k.task_label(server),
        });
        Ok((client_end, server_end))
    }
}
