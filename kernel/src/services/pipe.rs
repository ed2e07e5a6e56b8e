//! Ordinary pipes: one-way byte streams between a task and its children.
//!
//! POSIX semantics (reference §9.4: pipes belong to the UNIX personality): capacity
//! 4096 bytes by default; a write of up to 512 bytes (`PIPE_BUF`) goes in whole or
//! waits; a larger one goes in as room allows; a read waits while the pipe is empty
//! and returns what is there up to its size; end of file once every write end is
//! closed; writing with no read end open is `broken_pipe`. The ends are handles in
//! the creating task's table, copied into children it spawns afterwards; the pipe
//! is gone when no task holds an end.

use super::{Handle, PipeEnd, ServiceError, ServiceReply, ServiceWait};
use crate::state::KernelState;
use crate::syscall::ServiceNow;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{Event, HexBytes, Label, PipeSide, WakeReason};
use bytes::Bytes;
use ports::TaskId;
use std::collections::VecDeque;
use std::sync::Arc;

/// The default capacity, in bytes.
pub const DEFAULT_CAPACITY: u32 = 4096;
/// Writes of at most this many bytes are atomic (POSIX `PIPE_BUF`).
pub const PIPE_BUF: u32 = 512;
/// The largest capacity a pipe may have.
pub const MAX_CAPACITY: u32 = 1 << 20;

/// A pipe: a bounded byte buffer with counts of open ends and waiting tasks.
#[derive(Debug)]
pub(crate) struct Pipe {
    pub(crate) label: Label,
    pub(crate) capacity: u32,
    pub(crate) buffer: VecDeque<u8>,
    pub(crate) readers: u32,
    pub(crate) writers: u32,
    pub(crate) waiting_readers: VecDeque<TaskId>,
    pub(crate) waiting_writers: VecDeque<TaskId>,
    /// The path of the named pipe this is the stream of, if any.
    pub(crate) path: Option<String>,
}

impl Pipe {
    fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.buffer.len() as u32)
    }
}

impl KernelState {
    /// Makes a pipe (not yet attached to any handle).
    pub(crate) fn new_pipe(
        &mut self,
        cause: Option<TaskId>,
        capacity: Option<u32>,
        path: Option<String>,
    ) -> Result<u32, ServiceError> {
        let capacity = capacity.unwrap_or(DEFAULT_CAPACITY);
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(ServiceError::InvalidValue);
        }
        let id = self.services.next_id();
        let label: Label = match &path {
            Some(path) => Arc::from(format!("{path}#{id}")),
            None => Arc::from(format!("pipe{id}")),
        };
        self.services.pipes.insert(
            id,
            Pipe {
                label: label.clone(),
                capacity,
                buffer: VecDeque::new(),
                readers: 0,
                writers: 0,
                waiting_readers: VecDeque::new(),
                waiting_writers: VecDeque::new(),
                path,
            },
        );
        let named = self
            .services
            .pipes
            .get(&id)
            .and_then(|p| p.path.clone())
            .map(|p| std::sync::Arc::from(p.as_str()));
        self.record(cause, |_| Event::PipeCreated {
            pipe: label.clone(),
            capacity,
            named,
        });
        Ok(id)
    }

    /// Opens an end of a pipe in `task`'s handle table.
    pub(crate) fn attach_end(&mut self, task: TaskId, end: PipeEnd) -> Result<u32, ServiceError> {
        let handle = self
            .task_mut(task)
            .new_handle(Handle::Pipe(end))
            .ok_or(ServiceError::NoSpace)?;
        self.count_end(task, handle, end, true);
        Ok(handle)
    }

    fn count_end(&mut self, holder: TaskId, handle: u32, end: PipeEnd, open: bool) {
        for (pipe, reading) in [(end.read, true), (end.write, false)] {
            let Some(pipe) = pipe else { continue };
            let Some(p) = self.services.pipes.get_mut(&pipe) else {
                continue;
            };
            let count = if reading {
                &mut p.readers
            } else {
                &mut p.writers
            };
            if open {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
            let label = p.label.clone();
            let side = if reading {
                PipeSide::Read
            } else {
                PipeSide::Write
            };
            // The end's holder acts, except when its task was killed: that clean-up
            // is the kernel's (the trace format's rule).
            let cause = match &self.task(holder).state {
                crate::task::TaskState::Ended(crate::error::TaskExit::Killed) => None,
                _ => Some(holder),
            };
            self.record(cause, |k| {
                if open {
                    Event::PipeEndOpened {
                        pipe: label.clone(),
                        holder: k.task_label(holder),
                        handle,
                        end: side,
                    }
                } else {
                    Event::PipeEndClosed {
                        pipe: label.clone(),
                        holder: k.task_label(holder),
                        handle,
                        end: side,
                    }
                }
            });
        }
    }

    pub(crate) fn pipe_create(
        &mut self,
        task: TaskId,
        capacity: Option<u32>,
    ) -> Result<ServiceReply, ServiceError> {
        if self.task(task).handles.len() + 2 > self.config.max_handles_per_task {
            return Err(ServiceError::NoSpace);
        }
        let pipe = self.new_pipe(Some(task), capacity, None)?;
        let read = self.attach_end(
            task,
            PipeEnd {
                read: Some(pipe),
                write: None,
            },
        )?;
        let write = self.attach_end(
            task,
            PipeEnd {
                read: None,
                write: Some(pipe),
            },
        )?;
        Ok(ServiceReply::Pipe { read, write })
    }

    fn end_of(&self, task: TaskId, handle: u32) -> Result<PipeEnd, ServiceError> {
        match self.task(task).handles.get(&handle) {
            Some(Handle::Pipe(end)) => Ok(*end),
            _ => Err(ServiceError::BadHandle),
        }
    }

    pub(crate) fn pipe_write(
        &mut self,
        task: TaskId,
        handle: u32,
        data: Bytes,
        no_wait: bool,
    ) -> ServiceNow {
        let pipe = match self.end_of(task, handle).map(|e| e.write) {
            Ok(Some(pipe)) => pipe,
            Ok(None) | Err(_) => return ServiceNow::Done(Err(ServiceError::BadHandle)),
        };
        let Some(p) = self.services.pipes.get(&pipe) else {
            return ServiceNow::Done(Err(ServiceError::BadHandle));
        };
        if p.readers == 0 {
            return ServiceNow::Done(Err(ServiceError::BrokenPipe));
        }
        let total = data.len() as u32;
        // Writers already waiting go first: a newcomer never overtakes them.
        let queued_behind = !p.waiting_writers.is_empty();
        let written = if queued_behind {
            0
        } else {
            self.put(task, pipe, &data, 0)
        };
        self.pump(pipe);
        if written == total {
            return ServiceNow::Done(Ok(ServiceReply::Written(total)));
        }
        if no_wait {
            return ServiceNow::Done(if written > 0 {
                Ok(ServiceReply::Written(written))
            } else {
                Err(ServiceError::WouldBlock)
            });
        }
        let label = self.services.pipes.get(&pipe).map(|p| p.label.clone());
        if let Some(p) = self.services.pipes.get_mut(&pipe) {
            p.waiting_writers.push_back(task);
        }
        if let Some(label) = label {
            self.record(Some(task), |_| Event::PipeBlocked {
                pipe: label.clone(),
                op: PipeSide::Write,
            });
        }
        self.begin_wait(task, None, |timer| Wait::Service {
            wait: ServiceWait::PipeWrite {
                pipe,
                data,
                written,
            },
            timer,
        });
        ServiceNow::Blocked
    }

    /// Puts as much of `data[from..]` as the rules allow; returns the new total written.
    fn put(&mut self, task: TaskId, pipe: u32, data: &Bytes, from: u32) -> u32 {
        let Some(p) = self.services.pipes.get_mut(&pipe) else {
            return from;
        };
        let remaining = data.len() as u32 - from;
        let free = p.free();
        // Up to PIPE_BUF bytes go in whole or not at all; more go in as room allows
        // (so does a write larger than a small pipe's whole capacity, which could
        // never go in whole).
        let atomic = data.len() as u32 <= PIPE_BUF.min(p.capacity);
        let take = if atomic {
            if free >= remaining { remaining } else { 0 }
        } else {
            remaining.min(free)
        };
        if take == 0 {
            return from;
        }
        let chunk = data.slice(from as usize..(from + take) as usize);
        p.buffer.extend(chunk.iter());
        let depth = p.buffer.len() as u32;
        let label = p.label.clone();
        self.record(Some(task), |_| Event::PipeWritten {
            pipe: label.clone(),
            bytes: HexBytes(chunk.clone()),
            depth,
        });
        from + take
    }

    pub(crate) fn pipe_read(
        &mut self,
        task: TaskId,
        handle: u32,
        max: u32,
        no_wait: bool,
    ) -> ServiceNow {
        let pipe = match self.end_of(task, handle).map(|e| e.read) {
            Ok(Some(pipe)) => pipe,
            Ok(None) | Err(_) => return ServiceNow::Done(Err(ServiceError::BadHandle)),
        };
        let Some(p) = self.services.pipes.get(&pipe) else {
            return ServiceNow::Done(Err(ServiceError::BadHandle));
        };
        if max == 0 {
            return ServiceNow::Done(Ok(ServiceReply::Data(Bytes::new())));
        }
        if !p.buffer.is_empty() && p.waiting_readers.is_empty() {
            let data = self.take(task, pipe, max);
            self.pump(pipe);
            return ServiceNow::Done(Ok(ServiceReply::Data(data)));
        }
        if p.writers == 0 && p.buffer.is_empty() {
            return ServiceNow::Done(Err(ServiceError::Eof));
        }
        if no_wait {
            return ServiceNow::Done(Err(ServiceError::WouldBlock));
        }
        let label = p.label.clone();
        if let Some(p) = self.services.pipes.get_mut(&pipe) {
            p.waiting_readers.push_back(task);
        }
        self.record(Some(task), |_| Event::PipeBlocked {
            pipe: label.clone(),
            op: PipeSide::Read,
        });
        self.begin_wait(task, None, |timer| Wait::Service {
            wait: ServiceWait::PipeRead { pipe, max },
            timer,
        });
        ServiceNow::Blocked
    }

    fn take(&mut self, task: TaskId, pipe: u32, max: u32) -> Bytes {
        let Some(p) = self.services.pipes.get_mut(&pipe) else {
            return Bytes::new();
        };
        let n = (max as usize).min(p.buffer.len());
        let data: Vec<u8> = p.buffer.drain(..n).collect();
        let data = Bytes::from(data);
        let depth = p.buffer.len() as u32;
        let label = p.label.clone();
        self.record(Some(task), |_| Event::PipeRead {
            pipe: label.clone(),
            bytes: HexBytes(data.clone()),
            depth,
        });
        data
    }

    /// Serves waiting readers and writers, first come first served, until neither
    /// can make progress.
    pub(crate) fn pump(&mut self, pipe: u32) {
        loop {
            let mut progressed = false;
            // Readers take what is there.
            while let Some(p) = self.services.pipes.get(&pipe) {
                let Some(&reader) = p.waiting_readers.front() else {
                    break;
                };
                if p.buffer.is_empty() {
                    if p.writers == 0 {
                        self.services
                            .pipes
                            .get_mut(&pipe)
                            .map(|p| p.waiting_readers.pop_front());
                        self.wake(
                            reader,
                            Reply::Service(Err(ServiceError::Eof)),
                            WakeReason::Eof,
                        );
                        progressed = true;
                        continue;
                    }
                    break;
                }
                let max = match &self.task(reader).state {
                    TaskState::Waiting(Wait::Service {
                        wait: ServiceWait::PipeRead { max, .. },
                        ..
                    }) => *max,
                    _ => u32::MAX,
                };
                self.services
                    .pipes
                    .get_mut(&pipe)
                    .map(|p| p.waiting_readers.pop_front());
                let data = self.take(reader, pipe, max);
                self.wake(
                    reader,
                    Reply::Service(Ok(ServiceReply::Data(data))),
                    WakeReason::Data,
                );
                progressed = true;
            }
            // Writers put what fits.
            while let Some(p) = self.services.pipes.get(&pipe) {
                let Some(&writer) = p.waiting_writers.front() else {
                    break;
                };
                if p.readers == 0 {
                    self.services
                        .pipes
                        .get_mut(&pipe)
                        .map(|p| p.waiting_writers.pop_front());
                    // POSIX: a write that got some bytes in reports them; only a
                    // write that got none in is `EPIPE`.
                    let written = match &self.task(writer).state {
                        TaskState::Waiting(Wait::Service {
                            wait: ServiceWait::PipeWrite { written, .. },
                            ..
                        }) => *written,
                        _ => 0,
                    };
                    let reply = if written > 0 {
                        Ok(ServiceReply::Written(written))
                    } else {
                        Err(ServiceError::BrokenPipe)
                    };
                    self.wake(writer, Reply::Service(reply), WakeReason::BrokenPipe);
                    progressed = true;
                    continue;
                }
                let (data, written) = match &self.task(writer).state {
                    TaskState::Waiting(Wait::Service {
                        wait: ServiceWait::PipeWrite { data, written, .. },
                        ..
                    }) => (data.clone(), *written),
                    _ => break,
                };
                let now = self.put(writer, pipe, &data, written);
                if now == data.len() as u32 {
                    self.services
                        .pipes
                        .get_mut(&pipe)
                        .map(|p| p.waiting_writers.pop_front());
                    self.wake(
                        writer,
                        Reply::Service(Ok(ServiceReply::Written(now))),
                        WakeReason::Room,
                    );
                    progressed = true;
                    continue;
                }
                if now > written {
                    if let TaskState::Waiting(Wait::Service {
                        wait: ServiceWait::PipeWrite { written, .. },
                        ..
                    }) = &mut self.task_mut(writer).state
                    {
                        *written = now;
                    }
                    progressed = true;
                }
                break;
            }
            if !progressed {
                return;
            }
        }
    }

    pub(crate) fn pipe_close(
        &mut self,
        task: TaskId,
        handle: u32,
    ) -> Result<ServiceReply, ServiceError> {
        let end = self.end_of(task, handle)?;
        self.task_mut(task).handles.remove(&handle);
        self.close_end(task, handle, end);
        Ok(ServiceReply::Done)
    }

    /// An end was closed (by `close`, or its task ended): waiting readers see end
    /// of file when the last writer goes, waiting writers `broken_pipe` when the last
    /// reader goes, and a pipe nobody holds is gone.
    pub(super) fn close_end(&mut self, task: TaskId, handle: u32, end: PipeEnd) {
        self.count_end(task, handle, end, false);
        for pipe in [end.read, end.write].into_iter().flatten() {
            self.pump(pipe);
            let Some(p) = self.services.pipes.get(&pipe) else {
                continue;
            };
            if p.readers == 0 && p.writers == 0 {
                let label = p.label.clone();
                let path = p.path.clone();
                self.services.pipes.remove(&pipe);
                self.record(None, |_| Event::PipeDestroyed {
                    pipe: label.clone(),
                });
                if let Some(path) = path
                    && let Some(named) = self.services.named.get_mut(&path)
                    && named.fifo == Some(pipe)
                {
                    named.fifo = None;
                }
            }
        }
    }

    /// A child spawned by `parent` gets a copy of each of its pipe ends, as a
    /// forked UNIX process does.
    pub(super) fn inherit_pipe_ends(&mut self, parent: TaskId, child: TaskId) {
        let ends: Vec<(u32, PipeEnd)> = self
            .task(parent)
            .handles
            .iter()
            .filter_map(|(h, kind)| match kind {
                Handle::Pipe(end) => Some((*h, *end)),
                Handle::Mapping(_) | Handle::LpcPort(_) => None,
            })
            .collect();
        for (handle, end) in ends {
            self.task_mut(child)
                .handles
                .insert(handle, Handle::Pipe(end));
            self.task_mut(child).bump_next_handle(handle);
            self.count_end(child, handle, end, true);
        }
        let labels: Vec<(String, u32)> = self
            .task(parent)
            .handle_labels
            .iter()
            .filter(|(_, h)| matches!(self.task(child).handles.get(h), Some(Handle::Pipe(_))))
            .map(|(l, h)| (l.clone(), *h))
            .collect();
        self.task_mut(child).handle_labels.extend(labels);
    }
}
