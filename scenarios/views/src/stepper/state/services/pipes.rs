//! Pipes: ordinary pipes, a FIFO's stream, a duplex named pipe's directions; their
//! buffered bytes, open ends and waiting tasks.

use super::super::{State, TaskStatus};
use super::{Handle, ServiceWait};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt::Write;
use trace::{Event, EventKind, Label, PipeSide, TraceItem};

/// One open end of a pipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipeEnd {
    /// The task holding it.
    pub holder: Label,
    /// Its handle in that task.
    pub handle: u32,
    /// `read` or `write`.
    pub end: PipeSide,
}

/// Bytes, written in JSON as lower-case hex.
fn hex_bytes<S: serde::Serializer>(bytes: &VecDeque<u8>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(hex, "{b:02x}");
    }
    serializer.serialize_str(&hex)
}

/// A live pipe: an ordinary pipe, a FIFO's stream, or one direction of a duplex
/// named pipe's instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pipe {
    /// Its label (`pipe5`, or `path#5` for a named pipe's stream).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its capacity in bytes.
    pub capacity: u32,
    /// The path of the named pipe it is a stream of (`pipe_created`'s `named`).
    pub named: Option<Label>,
    /// That named pipe's key in the fold (it may be unlinked, and its path taken
    /// by another, before this stream goes).
    #[serde(skip)]
    named_key: Option<u64>,
    /// The bytes buffered, oldest first.
    #[serde(serialize_with = "hex_bytes")]
    pub buffered: VecDeque<u8>,
    /// Its open ends, in the order they were opened.
    pub ends: Vec<PipeEnd>,
    /// Tasks waiting to read, first come first served.
    pub waiting_readers: Vec<Label>,
    /// Tasks waiting to write, first come first served.
    pub waiting_writers: Vec<Label>,
}

impl Pipe {
    /// Open read ends.
    pub fn readers(&self) -> usize {
        self.ends.iter().filter(|e| e.end == PipeSide::Read).count()
    }

    /// Open write ends.
    pub fn writers(&self) -> usize {
        self.ends
            .iter()
            .filter(|e| e.end == PipeSide::Write)
            .count()
    }
}

impl State {
    fn pipe_mut(&mut self, seq: u64, label: &str) -> Option<&mut Pipe> {
        self.pipes
            .expect_mut(label, seq, &mut self.inconsistencies, || {
                format!("pipe {label} is not alive")
            })
    }

    pub(in crate::stepper::state) fn apply_pipe(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::PipeCreated {
                pipe,
                capacity,
                named,
            } => {
                // A named pipe's stream is made while its path is linked, by the
                // open or accept that needs it.
                let named_key = named.as_ref().and_then(|path| self.named_pipes.key(path));
                if let Some(path) = named
                    && named_key.is_none()
                {
                    self.inconsistent(
                        seq,
                        format!(
                            "pipe {pipe} is a stream of named pipe {path}, which is not linked"
                        ),
                    );
                }
                if let Some(n) = named_key.and_then(|key| self.named_pipes.at_mut(key)) {
                    n.streams.push(pipe.clone());
                }
                self.pipes.insert_new(
                    pipe.clone(),
                    seq,
                    Pipe {
                        label: pipe.clone(),
                        created_at: seq,
                        capacity: *capacity,
                        named: named.clone(),
                        named_key,
                        buffered: VecDeque::new(),
                        ends: Vec::new(),
                        waiting_readers: Vec::new(),
                        waiting_writers: Vec::new(),
                    },
                    &mut self.inconsistencies,
                    || format!("pipe {pipe} is made a second time"),
                );
            }
            Event::PipeEndOpened {
                pipe,
                holder,
                handle,
                end,
            } => {
                let reading = *end == PipeSide::Read;
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    p.ends.push(PipeEnd {
                        holder: holder.clone(),
                        handle: *handle,
                        end: *end,
                    });
                }
                let what = Handle::Pipe {
                    read: reading.then(|| pipe.clone()),
                    write: (!reading).then(|| pipe.clone()),
                };
                self.open_handle(seq, holder, *handle, what);
            }
            Event::PipeEndClosed {
                pipe,
                holder,
                handle,
                end,
            } => {
                let reading = *end == PipeSide::Read;
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    let at = p
                        .ends
                        .iter()
                        .position(|e| e.holder == *holder && e.handle == *handle && e.end == *end);
                    match at {
                        Some(at) => {
                            p.ends.remove(at);
                        }
                        None => self.inconsistent(
                            seq,
                            format!("{holder} closes the {end} end of {pipe} (handle {handle}), which is not open"),
                        ),
                    }
                }
                self.close_handle(seq, holder, *handle, Some((reading, pipe)));
            }
            Event::PipeWritten { pipe, bytes, depth } => {
                let n = bytes.0.len() as u32;
                if let Some(task) = actor
                    && let Some(t) = self.tasks.get_mut(task)
                {
                    if let Some(call) = &mut t.call {
                        call.written += n;
                    }
                    if let TaskStatus::BlockedService {
                        wait: ServiceWait::PipeWrite { written, .. },
                        ..
                    } = &mut t.status
                    {
                        *written += n;
                    }
                }
                let Some(p) = self.pipe_mut(seq, pipe) else {
                    return;
                };
                p.buffered.extend(bytes.0.iter());
                let (len, capacity) = (p.buffered.len(), p.capacity);
                if len != *depth as usize {
                    self.inconsistent(
                        seq,
                        format!("{n} bytes go into {pipe} at depth {depth}, but it holds {len}"),
                    );
                }
                if len > capacity as usize {
                    self.inconsistent(
                        seq,
                        format!("{pipe} holds {len} bytes, beyond its capacity of {capacity}"),
                    );
                }
            }
            Event::PipeRead { pipe, bytes, depth } => {
                let reader = actor.cloned();
                let Some(p) = self.pipe_mut(seq, pipe) else {
                    return;
                };
                if let Some(reader) = &reader {
                    p.waiting_readers.retain(|w| w != reader);
                }
                let n = bytes.0.len().min(p.buffered.len());
                let taken: Vec<u8> = p.buffered.drain(..n).collect();
                let len = p.buffered.len();
                if taken[..] != bytes.0[..] {
                    self.inconsistent(
                        seq,
                        format!(
                            "{} bytes come out of {pipe}, not the {} bytes at its head",
                            bytes.0.len(),
                            taken.len()
                        ),
                    );
                } else if len != *depth as usize {
                    self.inconsistent(
                        seq,
                        format!("bytes come out of {pipe} leaving {depth}, but it holds {len}"),
                    );
                }
            }
            Event::PipeBlocked { pipe, op } => {
                let Some(task) = self.actor(seq, actor, EventKind::PipeBlocked) else {
                    return;
                };
                let reading = *op == PipeSide::Read;
                let call = self.call_of(&task).cloned();
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    if reading {
                        p.waiting_readers.push(task.clone());
                    } else {
                        p.waiting_writers.push(task.clone());
                    }
                }
                let wait = if reading {
                    ServiceWait::PipeRead {
                        pipe: pipe.clone(),
                        max: call.as_ref().and_then(|c| c.u32_at(1)),
                    }
                } else {
                    ServiceWait::PipeWrite {
                        pipe: pipe.clone(),
                        written: call.as_ref().map_or(0, |c| c.written),
                        total: call.as_ref().and_then(|c| match c.body.get(1) {
                            Some(TraceItem::Bytes(b)) => u32::try_from(b.0.len()).ok(),
                            _ => None,
                        }),
                    }
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a pipe");
            }
            Event::PipeDestroyed { pipe } => {
                let Some(p) = self.pipes.remove(pipe) else {
                    self.inconsistent(seq, format!("pipe {pipe} is gone but it is not alive"));
                    return;
                };
                if !p.ends.is_empty() {
                    self.inconsistent(
                        seq,
                        format!("pipe {pipe} is gone with {} ends open", p.ends.len()),
                    );
                }
                if let Some(key) = p.named_key {
                    self.drop_stream(key, pipe);
                }
            }
            _ => {}
        }
    }

    /// A stream of the named pipe made at event `key` is gone; an unlinked named
    /// pipe goes with its last stream.
    fn drop_stream(&mut self, key: u64, pipe: &str) {
        let Some(n) = self.named_pipes.at_mut(key) else {
            return;
        };
        n.streams.retain(|s| &**s != pipe);
        if n.unlinked && n.streams.is_empty() {
            self.named_pipes.remove_at(key);
        }
    }
}
