//! Handles: the task-local numbers of memory mappings, pipe ends and LPC ports.

use super::super::State;
use serde::Serialize;
use trace::Label;

/// What a task-local handle stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Handle {
    /// A mapping of a memory object.
    Mapping {
        /// The object.
        object: Label,
    },
    /// A pipe end: the pipe it reads, the pipe it writes, or both (a FIFO opened
    /// for both, a duplex instance's end).
    Pipe {
        /// The pipe read through it.
        read: Option<Label>,
        /// The pipe written through it.
        write: Option<Label>,
    },
    /// An LPC port (its one handle).
    LpcPort {
        /// The port.
        port: Label,
    },
}

impl Handle {
    /// The handle as `kernel::inspect::Inspector::handles` spells it: `mapping
    /// <object>`, `read <pipe>`, `write <pipe>`, `read <pipe> write <pipe>`,
    /// `lpc <port>`.
    pub fn describe(&self) -> String {
        match self {
            Handle::Mapping { object } => format!("mapping {object}"),
            Handle::Pipe { read, write } => match (read, write) {
                (Some(r), Some(w)) => format!("read {r} write {w}"),
                (Some(r), None) => format!("read {r}"),
                (None, Some(w)) => format!("write {w}"),
                (None, None) => "closed".to_string(),
            },
            Handle::LpcPort { port } => format!("lpc {port}"),
        }
    }
}

/// One handle of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandleEntry {
    /// Its number in the task's handle table.
    pub handle: u32,
    /// What it stands for.
    #[serde(flatten)]
    pub what: Handle,
}

impl State {
    /// `task` gets `handle` (a mapping, an LPC port, or one side of a pipe end).
    pub(in crate::stepper::state) fn open_handle(
        &mut self,
        seq: u64,
        task: &str,
        handle: u32,
        what: Handle,
    ) {
        let Some(t) = self.task_mut(seq, task) else {
            return;
        };
        let problem = match (t.handles.get_mut(&handle), what) {
            (None, what) => {
                t.handles.insert(handle, what);
                None
            }
            (
                Some(Handle::Pipe { read, write }),
                Handle::Pipe {
                    read: new_read,
                    write: new_write,
                },
            ) => {
                // The second side of a two-way end (each side has its event).
                let clash = (read.is_some() && new_read.is_some())
                    || (write.is_some() && new_write.is_some());
                if new_read.is_some() {
                    *read = new_read;
                }
                if new_write.is_some() {
                    *write = new_write;
                }
                clash.then(|| format!("{task} gets handle {handle} a second time"))
            }
            (Some(old), what) => {
                let problem = format!(
                    "{task} gets handle {handle} for {} while it is {}",
                    what.describe(),
                    old.describe()
                );
                *old = what;
                Some(problem)
            }
        };
        if let Some(problem) = problem {
            self.inconsistent(seq, problem);
        }
    }

    /// `task`'s `handle` is closed: a mapping or an LPC port (`side` `None`) or one
    /// side of a pipe end (`Some(true)` the read side, `Some(false)` the write side).
    pub(in crate::stepper::state) fn close_handle(
        &mut self,
        seq: u64,
        task: &str,
        handle: u32,
        side: Option<(bool, &Label)>,
    ) {
        let Some(t) = self.task_mut(seq, task) else {
            return;
        };
        let ok = match (t.handles.get_mut(&handle), side) {
            (Some(Handle::Mapping { .. } | Handle::LpcPort { .. }), None) => {
                t.handles.remove(&handle);
                true
            }
            (Some(Handle::Pipe { read, write }), Some((reading, pipe))) => {
                let slot = if reading { read } else { write };
                let ok = slot.as_ref() == Some(pipe);
                if ok {
                    *slot = None;
                }
                if matches!(
                    t.handles.get(&handle),
                    Some(Handle::Pipe {
                        read: None,
                        write: None
                    })
                ) {
                    t.handles.remove(&handle);
                }
                ok
            }
            _ => false,
        };
        if !ok {
            let what = match side {
                None => "a mapping or an LPC port".to_string(),
                Some((true, pipe)) => format!("the read end of {pipe}"),
                Some((false, pipe)) => format!("the write end of {pipe}"),
            };
            self.inconsistent(
                seq,
                format!("{task} closes handle {handle} as {what}, which it does not hold"),
            );
        }
    }
}
