//! An event as one sentence.

mod lpc;

use super::values::{body, code, data, time};
use crate::stepper::State;
use trace::{
    Event, FaultKind, Label, MessageOrigin, NamedPipeWait, PortDestroyReason, Receiver, TraceRecord,
};

/// An event in plain English: who it is about, what happened, and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// The task the sentence is about when the event names one (a task that
    /// starts, wakes or ends, receives a message, now holds a receive right; a
    /// holder of a pipe end or mapping other than the task that caused the event);
    /// `None` when it is about the task that caused it, or the kernel.
    pub subject: Option<Label>,
    /// What happened: `sends m3 (id 7) to jobs`, `crashes`.
    pub predicate: String,
    /// What came of it, said after the predicate.
    pub outcome: Option<Outcome>,
    /// True for the bookkeeping the account of a run leaves out: a task or port
    /// made, a name changed, a task's own ports dying with it, a request to a
    /// kernel port and its receipt, a notification's message (its
    /// `notification_sent` tells it), a service call that succeeded (its own events
    /// tell it).
    pub routine: bool,
}

/// What came of an event, said after its predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A call's return code, a crash's reason: `: code` in the account, `(code)` in
    /// a note.
    Result(String),
    /// A remark the account adds in brackets and a note leaves out: `queue full`.
    Aside(String),
}

impl Sentence {
    fn new(subject: Option<&Label>, predicate: String) -> Sentence {
        Sentence {
            subject: subject.cloned(),
            predicate,
            outcome: None,
            routine: false,
        }
    }

    fn with(mut self, outcome: Outcome) -> Sentence {
        self.outcome = Some(outcome);
        self
    }

    fn routine(mut self) -> Sentence {
        self.routine = true;
        self
    }

    /// The sentence as the account tells it, subject first: `worker crashes: null
    /// pointer`, `blocks sending m6 to jobs (queue full)`.
    pub fn told(&self) -> String {
        let mut text = match &self.subject {
            Some(subject) => format!("{subject} {}", self.predicate),
            None => self.predicate.clone(),
        };
        match &self.outcome {
            Some(Outcome::Result(result)) => {
                text.push_str(": ");
                text.push_str(result);
            }
            Some(Outcome::Aside(aside)) => {
                text.push_str(" (");
                text.push_str(aside);
                text.push(')');
            }
            None => {}
        }
        text
    }

    /// The sentence as a note over its subject's line (or the task that caused
    /// it) says it, without the subject: `crashes (null pointer)`, `blocks sending
    /// m6 to jobs`.
    pub fn noted(&self) -> String {
        match &self.outcome {
            Some(Outcome::Result(result)) => format!("{} ({result})", self.predicate),
            Some(Outcome::Aside(_)) | None => self.predicate.clone(),
        }
    }
}

/// `Some(task)` when `task` is not the one an event is told under.
fn other_than<'a>(record: &TraceRecord, task: &'a Label) -> Option<&'a Label> {
    (record.task.as_ref() != Some(task)).then_some(task)
}

/// Event `record` as a sentence; `state` is the fold's state before it.
pub fn sentence(record: &TraceRecord, state: &State) -> Sentence {
    let say = |predicate: String| Sentence::new(None, predicate);
    let about = |task: &Label, predicate: String| Sentence::new(Some(task), predicate);
    match &record.event {
        Event::TaskCreated { name, parent, .. } => match parent {
            Some(parent) => about(name, format!("spawned by {parent}")),
            None => about(name, "is created".to_string()),
        }
        .routine(),
        Event::TaskStarted { name, .. } => about(name, "starts".to_string()),
        Event::TaskWoken { name, reason } => about(name, format!("wakes ({reason})")),
        Event::SleepStarted { until_ns } => say(format!("sleeps until {}", time(*until_ns))),
        Event::TaskExited { name, code } => about(name, format!("exits with code {code}")),
        Event::TaskCrashed { name, reason } => {
            about(name, "crashes".to_string()).with(Outcome::Result(reason.clone()))
        }
        Event::TaskKilled { name } => about(name, "is killed".to_string()),
        Event::PortAllocated {
            port,
            receiver,
            capacity,
        } => say(format!(
            "port {port} is allocated (receiver {receiver}, capacity {capacity})"
        ))
        .routine(),
        Event::PortDestroyed { port, reason } => {
            let sentence = say(format!("port {port} dies ({reason})"));
            // A task's own kernel, notify and direct ports die with it: its end
            // says so.
            let with_its_task = state.owner_of(port).is_some()
                && matches!(
                    reason,
                    PortDestroyReason::TaskEnded
                        | PortDestroyReason::ReceiverEnded
                        | PortDestroyReason::ReceiverKilled
                );
            if with_its_task {
                sentence.routine()
            } else {
                sentence
            }
        }
        Event::ReceiverChanged {
            port,
            receiver: Some(holder),
        } => about(holder, format!("now holds the receive right of {port}")),
        Event::ReceiverChanged {
            port,
            receiver: None,
        } => say(format!("the receive right of {port} is in transit")),
        Event::CapacityChanged { port, capacity } => {
            say(format!("{port} now holds {capacity} messages"))
        }
        Event::PortSetAllocated { set, holder } => {
            about(holder, format!("holds new port set {set}")).routine()
        }
        Event::PortSetDestroyed { set } => say(format!("port set {set} is destroyed")).routine(),
        Event::MemberAdded { port, set } => say(format!("{port} joins set {set}")),
        Event::MemberRemoved { port, set } => say(format!("{port} leaves set {set}")),
        Event::RightChanged {
            holder,
            name,
            port,
            right,
            ..
        } => about(
            holder,
            format!("names {port} {} ({right})", ports::PortName(*name)),
        )
        .routine(),
        Event::NotificationRequested {
            port, kind, notify, ..
        } => say(format!("asks for {kind} about {port} on {notify}")),
        Event::MessageSent {
            msg,
            port,
            id,
            kind,
            body: items,
            reply,
            ..
        } => {
            let direct = if *kind == Some(MessageOrigin::Direct) {
                " (direct)"
            } else {
                ""
            };
            let reply = reply
                .as_ref()
                .map(|r| {
                    let to = r.port.as_deref().unwrap_or("dead");
                    format!(", reply {} to {to}", r.right)
                })
                .unwrap_or_default();
            let items = if items.is_empty() {
                String::new()
            } else {
                format!(" {}", body(items))
            };
            let sentence = say(format!(
                "sends m{msg} (id {id}) to {port}{direct}{reply}{items}"
            ));
            if *kind == Some(MessageOrigin::Notification) || state.is_kernel_port(port) {
                sentence.routine()
            } else {
                sentence
            }
        }
        Event::MessageQueued { msg, port, depth } => {
            say(format!("m{msg} queued on {port} (depth {depth})"))
        }
        Event::MessageCached { msg, port, depth } => say(format!(
            "m{msg} cached by the kernel on {port}, beyond the limit (depth {depth})"
        )),
        Event::SendBlocked { msg, port, .. } => say(format!("blocks sending m{msg} to {port}"))
            .with(Outcome::Aside("queue full".to_string())),
        Event::SendFailed { port, code } => {
            let port = port.as_deref().unwrap_or("an unknown name");
            say(format!("send to {port} fails")).with(Outcome::Result(code.to_string()))
        }
        Event::ReceiveBlocked { port, .. } => say(format!("waits on {port}")),
        Event::ReceiveFailed { port, code } => {
            let port = port.as_deref().unwrap_or("an unknown name");
            say(format!("receive on {port} fails")).with(Outcome::Result(code.to_string()))
        }
        Event::MessageReceived {
            msg,
            port,
            receiver,
            pseudo,
            seqno,
        } => {
            let notification = state.message(*msg).and_then(|m| m.notification.as_ref());
            match (receiver, pseudo, notification) {
                (_, true, _) => say(format!("m{msg} handed back to {receiver}")),
                (Receiver::Task(task), false, Some(n)) => about(
                    task,
                    format!("receives the {} notification m{msg} on {port}", n.kind),
                ),
                (Receiver::Task(task), false, None) => {
                    about(task, format!("receives m{msg} from {port} (seqno {seqno})"))
                }
                (Receiver::Kernel | Receiver::InTransit, false, _) => {
                    say(format!("{receiver} takes m{msg} from {port}")).routine()
                }
            }
        }
        Event::MessageDestroyed { msg, port, reason } => {
            say(format!("m{msg} on {port} destroyed ({reason})"))
        }
        Event::NotificationSent { msg, kind, about } => match about {
            Some(port) => say(format!(
                "kernel sends a {kind} notification m{msg} about {port}"
            )),
            None => say(format!("kernel sends a {kind} notification m{msg}")),
        },
        Event::KernelCall { call, code: result } => {
            let sentence = say(format!("kernel call {call}")).with(Outcome::Result(code(*result)));
            if result.is_success() && call.is_service() {
                sentence.routine()
            } else {
                sentence
            }
        }
        Event::FaultApplied { kind, target } => say(match kind {
            FaultKind::Kill => format!("a fault kills {target}"),
            FaultKind::Destroy => format!("a fault destroys port {target}"),
            FaultKind::DestroyMissed => format!("a fault ({kind}) hits {target}"),
        }),
        Event::MemoryCreated { object, size, .. } => {
            say(format!("makes memory object {object} ({size} bytes)"))
        }
        Event::MemoryMapped {
            object,
            holder,
            mapping,
        } => Sentence::new(
            other_than(record, holder),
            format!("maps {object} (mapping {mapping})"),
        ),
        Event::MemoryRead {
            object,
            offset,
            width,
            value,
        } => say(format!("reads {value} from {object}[{offset}..+{width}]")),
        Event::MemoryWritten {
            object,
            offset,
            width,
            value,
        } => say(format!("writes {value} to {object}[{offset}..+{width}]")),
        Event::MemoryUnmapped {
            object,
            holder,
            mapping,
        } => Sentence::new(
            other_than(record, holder),
            format!("unmaps {object} (mapping {mapping})"),
        ),
        Event::MemoryFreed { object } => say(format!("memory object {object} is freed")),
        Event::SemaphoreCreated { semaphore, value } => {
            say(format!("makes semaphore {semaphore} = {value}"))
        }
        Event::SemaphoreAcquired { semaphore, value } => {
            say(format!("takes {semaphore} (now {value})"))
        }
        Event::SemaphoreBlocked { semaphore } => say(format!("waits on semaphore {semaphore}")),
        Event::SemaphoreSignalled { semaphore, value } => {
            say(format!("signals {semaphore} (now {value})"))
        }
        Event::SemaphoreDestroyed { semaphore } => {
            say(format!("semaphore {semaphore} is destroyed"))
        }
        Event::PipeCreated { pipe, capacity, .. } => {
            say(format!("makes pipe {pipe} ({capacity} bytes)"))
        }
        Event::PipeEndOpened {
            pipe,
            holder,
            handle,
            end,
        } => Sentence::new(
            other_than(record, holder),
            format!("holds the {end} end of {pipe} as handle {handle}"),
        ),
        Event::PipeEndClosed {
            pipe,
            holder,
            handle,
            end,
        } => Sentence::new(
            other_than(record, holder),
            format!("closes the {end} end of {pipe} (handle {handle})"),
        ),
        Event::PipeWritten { pipe, bytes, depth } => say(format!(
            "writes {} into {pipe} ({depth} buffered)",
            data(&bytes.0)
        )),
        Event::PipeRead { pipe, bytes, depth } => say(format!(
            "reads {} from {pipe} ({depth} buffered)",
            data(&bytes.0)
        )),
        Event::PipeBlocked { pipe, op } => say(format!("waits to {op} {pipe}")),
        Event::PipeDestroyed { pipe } => say(format!("pipe {pipe} is gone")),
        Event::NamedPipeCreated { path, mode, .. } => {
            say(format!("makes named pipe {path} ({mode})"))
        }
        Event::NamedPipeWaiting { path, access } => match access {
            NamedPipeWait::Accept => say(format!("waits to accept a client on {path}")),
            NamedPipeWait::Open(access) => say(format!("waits to open {path} for {access}")),
        },
        Event::NamedPipeOpened { path, access } => say(format!("opens {path} for {access}")),
        Event::NamedPipeConnected {
            path,
            client,
            server,
        } => say(format!("{client} and {server} connect over {path}")),
        Event::NamedPipeUnlinked { path } => say(format!("unlinks {path}")),
        Event::MemoryBytesRead { .. } | Event::MemoryBytesWritten { .. } | trace::lpc_event!() => {
            lpc::sentence(record)
        }
    }
}
