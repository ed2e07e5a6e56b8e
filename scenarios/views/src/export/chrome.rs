//! The Chrome trace-event exporter: JSON for ui.perfetto.dev and chrome://tracing.
//!
//! The run is one process (pid 1); each task is a thread (track) named after it, in
//! creation order, and the kernel has a track of its own (tid 1, listed last) for
//! what it does on its own account: notifications, faults, clean-up.
//!
//! - **Blocked time** is a complete slice (`"ph":"X"`, category `wait`) from a
//!   `send_blocked`, `receive_blocked`, `sleep_started`, or a wait in a service
//!   (`semaphore_blocked`, `pipe_blocked`, `named_pipe_waiting`) to the task's
//!   wake-up (`task_woken`), its end, or the end of the run.
//! - **Sends, receives, notifications, kernel calls** and the other events the run's
//!   account tells are instant events (`"ph":"i"`, thread scope).
//! - **Messages** are flow arrows: `"ph":"s"` at the send on the sender's track and
//!   `"ph":"f"` with `"bp":"e"` at the receive (or destruction) on the receiver's
//!   track; `id` is the message number and `cat` is `message`, the same as the
//!   instant each binds to. A message still in the kernel at the end has no arrow.
//! - **Queue depth** is a counter series per port (`"ph":"C"`, named `port <label>`, series `depth`),
//!   updated whenever a message is queued, cached, received from the queue, or
//!   destroyed in it.
//! - **Services**: every memory, semaphore, pipe and named-pipe event is an instant
//!   (category `memory`, `semaphore`, `pipe` or `named_pipe`) on the track of the
//!   task that caused it (a pipe end's holder for `pipe_end_opened`/`closed`), or
//!   the kernel's; a pipe's buffered bytes are a counter (`pipe <label>`, series
//!   `bytes`), a semaphore's value another (`semaphore <label>`, series `value`).
//!
//! Timestamps. The simulator's virtual time often stands still across many events,
//! and a viewer sorts by timestamp, so each event is drawn at its virtual time plus
//! one nanosecond per earlier event at the same virtual time (pushed later if needed
//! so that timestamps strictly increase in trace order). The offsets are whole
//! nanoseconds because Perfetto keeps timestamps as integer nanoseconds: a smaller
//! offset would be rounded away there. `ts` and `dur` are in microseconds, as the
//! format requires; every event's `args` keep the exact `t_ns` and `seq`.

use crate::stepper::{Place, State};
use crate::words::messages::{instant, tag};
use crate::words::waits::chart_wait;
use crate::words::{Sentence, sentence};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use trace::{Event, Label, MessageOrigin, Receiver, Trace, TraceRecord};

/// The run's process id.
const PID: u64 = 1;
/// The kernel's track.
const KERNEL_TID: u64 = 1;

/// The trace as Chrome trace-event JSON.
pub fn to_chrome(trace: &Trace) -> String {
    let mut exporter = Exporter::new(trace);
    let mut state = State::new();
    for record in &trace.records {
        exporter.record(record, &mut state);
    }
    exporter.finish(trace)
}

/// A blocked interval being drawn: where its slice sits in the event list.
struct Open {
    index: usize,
    start_ns: u64,
}

struct Exporter {
    tasks: Vec<Label>,
    tids: HashMap<Label, u64>,
    /// Messages that end (received or destroyed): only these get a flow arrow.
    ended: HashSet<u64>,
    /// Ports that ever queue a message: only these get a counter.
    queueing: HashSet<Label>,
    open: HashMap<u64, Open>,
    events: Vec<Value>,
    kernel_used: bool,
    /// The display time of the last record, in nanoseconds.
    last_ns: Option<u64>,
}

impl Exporter {
    fn new(trace: &Trace) -> Exporter {
        let mut tasks = Vec::new();
        let mut tids = HashMap::new();
        let mut ended = HashSet::new();
        let mut queueing = HashSet::new();
        for record in &trace.records {
            match &record.event {
                Event::TaskCreated { name, .. } if !tids.contains_key(name) => {
                    tids.insert(name.clone(), tasks.len() as u64 + 2);
                    tasks.push(name.clone());
                }
                Event::MessageReceived { msg, .. } | Event::MessageDestroyed { msg, .. } => {
                    ended.insert(*msg);
                }
                Event::MessageQueued { port, .. } | Event::MessageCached { port, .. } => {
                    queueing.insert(port.clone());
                }
                _ => {}
            }
        }
        Exporter {
            tasks,
            tids,
            ended,
            queueing,
            open: HashMap::new(),
            events: Vec::new(),
            kernel_used: false,
            last_ns: None,
        }
    }

    /// The track of a task by name, or the kernel's.
    fn track(&mut self, name: Option<&str>) -> u64 {
        match name.and_then(|n| self.tids.get(n)) {
            Some(tid) => *tid,
            None => {
                self.kernel_used = true;
                KERNEL_TID
            }
        }
    }

    /// The track of the task holding (or last holding) `port`'s receive right.
    fn receiver_track(&self, state: &State, port: &str) -> Option<u64> {
        match state.receiver_of(port) {
            Some(Receiver::Task(holder)) => self.tids.get(holder).copied(),
            _ => None,
        }
    }

    fn instant(&mut self, ns: u64, tid: u64, name: String, cat: &str, args: Value) {
        self.events.push(json!({
            "name": name, "cat": cat, "ph": "i", "s": "t",
            "ts": micros(ns), "pid": PID, "tid": tid, "args": args,
        }));
    }

    /// An instant saying `said`: on its subject's track when the subject is a
    /// task with a track (without the subject, which the track names), else on
    /// the track of the task that caused it (`actor`), or the kernel's.
    fn say(&mut self, ns: u64, said: &Sentence, actor: Option<&str>, cat: &str, args: Value) {
        let subject = said
            .subject
            .as_deref()
            .and_then(|s| self.tids.get(s).copied());
        let (tid, text) = match (subject, &said.subject) {
            (Some(tid), _) => (tid, said.noted()),
            (None, Some(_)) => (self.track(actor), said.told()),
            (None, None) => (self.track(actor), said.noted()),
        };
        self.instant(ns, tid, text, cat, args);
    }

    fn flow(&mut self, ns: u64, tid: u64, msg: u64, name: String, start: bool) {
        let mut event = json!({
            "name": name, "cat": "message", "ph": if start { "s" } else { "f" },
            "id": msg, "ts": micros(ns), "pid": PID, "tid": tid,
        });
        if !start {
            event["bp"] = json!("e");
        }
        self.events.push(event);
    }

    /// A counter series of a service object: a pipe's buffered bytes, a
    /// semaphore's value.
    fn series(&mut self, ns: u64, name: String, key: &str, value: u64) {
        self.kernel_used = true;
        self.events.push(json!({
            "name": name, "ph": "C", "ts": micros(ns),
            "pid": PID, "tid": KERNEL_TID, "args": { key: value },
        }));
    }

    fn counter(&mut self, ns: u64, port: &Label, depth: u64) {
        self.kernel_used = true;
        self.events.push(json!({
            "name": format!("port {port}"), "ph": "C", "ts": micros(ns),
            "pid": PID, "tid": KERNEL_TID, "args": { "depth": depth },
        }));
    }

    /// Opens a blocked slice on `tid`; it is completed when the task wakes or ends.
    fn block(&mut self, ns: u64, tid: u64, name: String, args: Value) {
        self.unblock(ns, tid, "blocked again");
        self.open.insert(
            tid,
            Open {
                index: self.events.len(),
                start_ns: ns,
            },
        );
        self.events.push(json!({
            "name": name, "cat": "wait", "ph": "X", "ts": micros(ns), "dur": 0.0,
            "pid": PID, "tid": tid, "args": args,
        }));
    }

    /// Completes `tid`'s blocked slice, if it has one, at `ns`.
    fn unblock(&mut self, ns: u64, tid: u64, why: &str) {
        if let Some(open) = self.open.remove(&tid) {
            let slice = &mut self.events[open.index];
            slice["dur"] = json!(micros(ns.saturating_sub(open.start_ns)));
            slice["args"]["ended_by"] = json!(why);
        }
    }

    /// Draws `record` and applies it to `state`, the fold so far.
    fn record(&mut self, record: &TraceRecord, state: &mut State) {
        // Display time: the virtual time, nudged to strictly increase (see above).
        let ns = match self.last_ns {
            Some(last) => record.t_ns.max(last + 1),
            None => record.t_ns,
        };
        self.last_ns = Some(ns);
        let args = json!({ "seq": record.seq, "t_ns": record.t_ns, "event": record.event.kind() });
        let actor = record.task.as_deref();
        let said = sentence(record, state);
        // What the state before the event says about the message it ends: its
        // tag, whether it was a request to the kernel, the queue it leaves.
        let ending = match &record.event {
            Event::MessageReceived { msg, .. } | Event::MessageDestroyed { msg, .. } => {
                let m = state.message(*msg);
                let queue = m.and_then(|m| match &m.place {
                    Place::Queued { port, .. } => Some(port.clone()),
                    _ => None,
                });
                let tag = m.map_or_else(|| format!("m{msg}"), |m| tag(m.msg, m.id));
                Some((m.is_some_and(|m| m.to_kernel), queue, tag))
            }
            _ => None,
        };
        let destroyed_on = match &record.event {
            Event::MessageDestroyed { port, .. } => self.receiver_track(state, port),
            _ => None,
        };
        state.apply(record);
        match &record.event {
            Event::TaskCreated { .. }
            | Event::RightChanged { .. }
            | Event::PortSetAllocated { .. }
            | Event::PortSetDestroyed { .. } => {}
            Event::MessageQueued { port, depth, .. } => {
                self.counter(ns, port, u64::from(*depth));
            }
            Event::TaskStarted { .. } => self.say(ns, &said, actor, "task", args),
            Event::TaskWoken { name, reason } => {
                let tid = self.track(Some(name));
                self.unblock(ns, tid, &format!("woken ({reason})"));
            }
            Event::SleepStarted { .. }
            | Event::SendBlocked { .. }
            | Event::ReceiveBlocked { .. }
            | Event::SemaphoreBlocked { .. }
            | Event::PipeBlocked { .. }
            | Event::NamedPipeWaiting { .. } => {
                // `sleep(0)` only yields: the task does not wait.
                let wait = actor
                    .and_then(|a| state.task(a))
                    .and_then(|t| chart_wait(&t.status));
                if let Some(name) = wait {
                    let tid = self.track(actor);
                    self.block(ns, tid, name, args);
                }
            }
            Event::TaskExited { name, .. }
            | Event::TaskCrashed { name, .. }
            | Event::TaskKilled { name } => {
                let tid = self.track(Some(name));
                self.unblock(ns, tid, "task ended");
                self.say(ns, &said, actor, "task", args);
            }
            Event::PortAllocated { port, .. } => {
                if self.queueing.contains(port) {
                    self.counter(ns, port, 0);
                }
            }
            Event::MessageSent {
                msg,
                port,
                id,
                kind,
                ..
            } => {
                if state.message(*msg).is_some_and(|m| m.to_kernel) {
                    return;
                }
                let tag = tag(*msg, *id);
                let notification = *kind == Some(MessageOrigin::Notification);
                let tid = self.track(if notification { None } else { actor });
                let mut args = args;
                args["msg"] = json!(msg);
                args["port"] = json!(port);
                args["text"] = json!(said.told());
                let name = instant(&record.event, &tag).unwrap_or_default();
                self.instant(ns, tid, name, "message", args);
                if self.ended.contains(msg) {
                    self.flow(ns, tid, *msg, tag, true);
                }
            }
            Event::MessageCached { port, depth, .. } => {
                self.counter(ns, port, u64::from(*depth));
                let tid = self.track(actor);
                let name = instant(&record.event, "").unwrap_or_default();
                self.instant(ns, tid, name, "queue", args);
            }
            Event::MessageReceived { msg, port, .. }
            | Event::MessageDestroyed { msg, port, .. } => {
                let Some((to_kernel, queue, tag)) = ending else {
                    return;
                };
                if to_kernel {
                    return;
                }
                let tid = match &record.event {
                    Event::MessageReceived {
                        receiver: Receiver::Task(receiver),
                        ..
                    } => self.track(Some(receiver)),
                    Event::MessageReceived { .. } => return,
                    _ => match destroyed_on {
                        Some(tid) => tid,
                        None => self.track(actor),
                    },
                };
                if let Some(queue) = queue {
                    let depth = state.queued_on(&queue) as u64;
                    self.counter(ns, &queue, depth);
                }
                let mut args = args;
                args["msg"] = json!(msg);
                args["port"] = json!(port);
                let name = instant(&record.event, &tag).unwrap_or_default();
                self.instant(ns, tid, name, "message", args);
                self.flow(ns, tid, *msg, tag, false);
            }
            Event::NotificationSent { .. } => {
                let tid = self.track(None);
                let name = instant(&record.event, "").unwrap_or_default();
                self.instant(ns, tid, name, "notification", args);
            }
            Event::KernelCall { .. } => self.say(ns, &said, actor, "kernel", args),
            Event::FaultApplied { .. } => self.say(ns, &said, None, "fault", args),
            Event::SendFailed { .. } | Event::ReceiveFailed { .. } => {
                self.say(ns, &said, actor, "error", args)
            }
            Event::ReceiverChanged { .. }
            | Event::PortDestroyed { .. }
            | Event::CapacityChanged { .. }
            | Event::MemberAdded { .. }
            | Event::MemberRemoved { .. }
            | Event::NotificationRequested { .. } => {
                // A task's own ports dying with it go without saying.
                if !said.routine {
                    self.say(ns, &said, actor, "port", args);
                }
            }
            _ => {
                let Some(service) = record.event.kind().service() else {
                    return;
                };
                match &record.event {
                    Event::SemaphoreCreated { semaphore, value }
                    | Event::SemaphoreAcquired { semaphore, value }
                    | Event::SemaphoreSignalled { semaphore, value } => {
                        let name = format!("semaphore {semaphore}");
                        self.series(ns, name, "value", u64::from(*value));
                    }
                    Event::PipeCreated { pipe, .. } => {
                        self.series(ns, format!("pipe {pipe}"), "bytes", 0);
                    }
                    Event::PipeWritten { pipe, depth, .. }
                    | Event::PipeRead { pipe, depth, .. } => {
                        self.series(ns, format!("pipe {pipe}"), "bytes", u64::from(*depth));
                    }
                    _ => {}
                }
                self.say(ns, &said, actor, service.as_str(), args);
            }
        }
    }

    fn finish(mut self, trace: &Trace) -> String {
        let end_ns = self.last_ns.unwrap_or(0);
        let mut still_open: Vec<u64> = self.open.keys().copied().collect();
        still_open.sort_unstable();
        for tid in still_open {
            self.unblock(end_ns, tid, "end of the run");
        }
        let header = &trace.header;
        let mut metadata = vec![json!({
            "name": "process_name", "ph": "M", "pid": PID, "tid": KERNEL_TID,
            "args": { "name": format!("machsim: {}", header.scenario) },
        })];
        let tracks = self
            .tasks
            .iter()
            .map(|name| (self.tids[name], name.to_string()))
            .chain(self.kernel_used.then(|| (KERNEL_TID, "kernel".to_string())));
        for (sort, (tid, name)) in tracks.enumerate() {
            metadata.push(json!({
                "name": "thread_name", "ph": "M", "pid": PID, "tid": tid,
                "args": { "name": name },
            }));
            metadata.push(json!({
                "name": "thread_sort_index", "ph": "M", "pid": PID, "tid": tid,
                "args": { "sort_index": sort },
            }));
        }
        let mut out = String::from("{\"traceEvents\":[\n");
        let all: Vec<&Value> = metadata.iter().chain(&self.events).collect();
        for (i, event) in all.iter().enumerate() {
            out.push_str(&event.to_string());
            out.push_str(if i + 1 < all.len() { ",\n" } else { "\n" });
        }
        let other = json!({
            "scenario": header.scenario,
            "seed": header.seed,
            "schedule": header.schedule,
            "machsim": header.machsim,
            "timestamps": "virtual time plus 1 ns per earlier event at the same virtual time, \
                so that events keep their trace order; args.t_ns is the exact virtual time",
        });
        out.push_str("],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":");
        out.push_str(&other.to_string());
        out.push_str("}\n");
        out
    }
}

/// Nanoseconds as the format's microseconds.
fn micros(ns: u64) -> f64 {
    ns as f64 / 1000.0
}
