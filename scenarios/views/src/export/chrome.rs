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

use crate::story::{describe, time};
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
    for record in &trace.records {
        exporter.record(record);
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
    /// Each port's receive-right holder.
    receivers: HashMap<Label, Receiver>,
    /// Requests to kernel ports (shown by their `kernel_call`), by message number.
    kernel_calls: HashSet<u64>,
    /// Messages sitting in a queue, and the port.
    queued: HashMap<u64, Label>,
    depths: HashMap<Label, u64>,
    /// Message number → its tag (`m3 id 1`), for the flow's name.
    tags: HashMap<u64, String>,
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
            receivers: HashMap::new(),
            kernel_calls: HashSet::new(),
            queued: HashMap::new(),
            depths: HashMap::new(),
            tags: HashMap::new(),
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

    /// The track of the task holding `port`'s receive right, if a task does.
    fn receiver_track(&self, port: &str) -> Option<u64> {
        match self.receivers.get(port) {
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

    fn flow(&mut self, ns: u64, tid: u64, msg: u64, start: bool) {
        let name = self
            .tags
            .get(&msg)
            .cloned()
            .unwrap_or_else(|| format!("m{msg}"));
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
        self.depths.insert(port.clone(), depth);
        self.kernel_used = true;
        self.events.push(json!({
            "name": format!("port {port}"), "ph": "C", "ts": micros(ns),
            "pid": PID, "tid": KERNEL_TID, "args": { "depth": depth },
        }));
    }

    /// A message left its queue (received or destroyed there).
    fn dequeue(&mut self, ns: u64, msg: u64) {
        if let Some(port) = self.queued.remove(&msg) {
            let depth = self
                .depths
                .get(&port)
                .copied()
                .unwrap_or(0)
                .saturating_sub(1);
            self.counter(ns, &port, depth);
        }
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

    fn record(&mut self, record: &TraceRecord) {
        // Display time: the virtual time, nudged to strictly increase (see above).
        let ns = match self.last_ns {
            Some(last) => record.t_ns.max(last + 1),
            None => record.t_ns,
        };
        self.last_ns = Some(ns);
        let args = json!({ "seq": record.seq, "t_ns": record.t_ns, "event": record.event.kind() });
        let actor = record.task.as_deref();
        let text = describe(record, &mut Vec::new());
        match &record.event {
            Event::TaskCreated { .. }
            | Event::RightChanged { .. }
            | Event::PortSetAllocated { .. }
            | Event::PortSetDestroyed { .. } => {}
            Event::MessageQueued { msg, port, depth } => {
                self.queued.insert(*msg, port.clone());
                self.counter(ns, port, u64::from(*depth));
            }
            Event::TaskStarted { name, .. } => {
                let tid = self.track(Some(name));
                self.instant(ns, tid, "starts".into(), "task", args);
            }
            Event::TaskWoken { name, reason } => {
                let tid = self.track(Some(name));
                self.unblock(ns, tid, &format!("woken ({reason})"));
            }
            Event::SleepStarted { until_ns } => {
                if *until_ns > record.t_ns {
                    let tid = self.track(actor);
                    let name = format!("asleep until {}", time(*until_ns));
                    self.block(ns, tid, name, args);
                }
            }
            Event::SendBlocked { msg, port, .. } => {
                let tid = self.track(actor);
                self.block(ns, tid, format!("blocked sending m{msg} to {port}"), args);
            }
            Event::ReceiveBlocked { port, .. } => {
                let tid = self.track(actor);
                self.block(ns, tid, format!("waiting on {port}"), args);
            }
            Event::TaskExited { name, .. }
            | Event::TaskCrashed { name, .. }
            | Event::TaskKilled { name } => {
                let tid = self.track(Some(name));
                self.unblock(ns, tid, "task ended");
                let text = text.unwrap_or_default();
                let short = text.strip_prefix(&format!("{name} ")).unwrap_or(&text);
                self.instant(ns, tid, short.to_string(), "task", args);
            }
            Event::PortAllocated { port, receiver, .. } => {
                self.receivers.insert(port.clone(), receiver.clone());
                if self.queueing.contains(port) {
                    self.counter(ns, port, 0);
                }
            }
            Event::ReceiverChanged { port, receiver } => {
                let holder = receiver.clone().map_or(Receiver::InTransit, Receiver::Task);
                self.receivers.insert(port.clone(), holder);
                let tid = self.track(actor);
                self.instant(ns, tid, text.unwrap_or_default(), "port", args);
            }
            Event::MessageSent {
                msg,
                port,
                id,
                kind,
                ..
            } => {
                let kernel_port = self.receivers.get(port) == Some(&Receiver::Kernel);
                if kernel_port {
                    self.kernel_calls.insert(*msg);
                    return;
                }
                let tag = format!("m{msg} id {id}");
                self.tags.insert(*msg, tag.clone());
                let notification = *kind == Some(MessageOrigin::Notification);
                let tid = self.track(if notification { None } else { actor });
                let mut args = args;
                args["msg"] = json!(msg);
                args["port"] = json!(port);
                args["text"] = json!(text.unwrap_or_else(|| format!("sends {tag} to {port}")));
                self.instant(ns, tid, format!("send {tag} to {port}"), "message", args);
                if self.ended.contains(msg) {
                    self.flow(ns, tid, *msg, true);
                }
            }
            Event::MessageCached { msg, port, depth } => {
                self.queued.insert(*msg, port.clone());
                self.counter(ns, port, u64::from(*depth));
                let tid = self.track(actor);
                self.instant(ns, tid, format!("m{msg} cached on {port}"), "queue", args);
            }
            Event::MessageReceived {
                msg,
                port,
                receiver,
                pseudo,
                ..
            } => {
                if self.kernel_calls.remove(msg) {
                    return;
                }
                let Receiver::Task(receiver) = receiver else {
                    return;
                };
                self.dequeue(ns, *msg);
                let tid = self.track(Some(receiver));
                let tag = self
                    .tags
                    .get(msg)
                    .cloned()
                    .unwrap_or_else(|| format!("m{msg}"));
                let name = if *pseudo {
                    format!("{tag} handed back")
                } else {
                    format!("receive {tag} from {port}")
                };
                let mut args = args;
                args["msg"] = json!(msg);
                args["port"] = json!(port);
                self.instant(ns, tid, name, "message", args);
                self.flow(ns, tid, *msg, false);
            }
            Event::MessageDestroyed { msg, port, reason } => {
                if self.kernel_calls.remove(msg) {
                    return;
                }
                self.dequeue(ns, *msg);
                let tid = match self.receiver_track(port) {
                    Some(tid) => tid,
                    None => self.track(actor),
                };
                let tag = self
                    .tags
                    .get(msg)
                    .cloned()
                    .unwrap_or_else(|| format!("m{msg}"));
                let mut args = args;
                args["msg"] = json!(msg);
                args["port"] = json!(port);
                self.instant(
                    ns,
                    tid,
                    format!("{tag} destroyed ({reason})"),
                    "message",
                    args,
                );
                self.flow(ns, tid, *msg, false);
            }
            Event::NotificationSent { msg, kind, about } => {
                let tid = self.track(None);
                let name = match about {
                    Some(about) => format!("{kind} notification m{msg} about {about}"),
                    None => format!("{kind} notification m{msg}"),
                };
                self.instant(ns, tid, name, "notification", args);
            }
            Event::KernelCall { call, code } => {
                let tid = self.track(actor);
                self.instant(
                    ns,
                    tid,
                    format!("kernel call {call} ({code})"),
                    "kernel",
                    args,
                );
            }
            Event::FaultApplied { .. } => {
                let tid = self.track(None);
                self.instant(ns, tid, text.unwrap_or_default(), "fault", args);
            }
            Event::SendFailed { .. } | Event::ReceiveFailed { .. } => {
                let tid = self.track(actor);
                self.instant(ns, tid, text.unwrap_or_default(), "error", args);
            }
            Event::PortDestroyed { .. }
            | Event::CapacityChanged { .. }
            | Event::MemberAdded { .. }
            | Event::MemberRemoved { .. }
            | Event::NotificationRequested { .. } => {
                if let Some(text) = text {
                    let tid = self.track(actor);
                    self.instant(ns, tid, text, "port", args);
                }
            }
            Event::SemaphoreBlocked { .. }
            | Event::PipeBlocked { .. }
            | Event::NamedPipeWaiting { .. } => {
                let tid = self.track(actor);
                let name = super::service_wait(&record.event).unwrap_or_default();
                self.block(ns, tid, name, args);
            }
            Event::MemoryCreated { .. }
            | Event::MemoryMapped { .. }
            | Event::MemoryRead { .. }
            | Event::MemoryWritten { .. }
            | Event::MemoryUnmapped { .. }
            | Event::MemoryFreed { .. }
            | Event::SemaphoreCreated { .. }
            | Event::SemaphoreAcquired { .. }
            | Event::SemaphoreSignalled { .. }
            | Event::SemaphoreDestroyed { .. }
            | Event::PipeCreated { .. }
            | Event::PipeEndOpened { .. }
            | Event::PipeEndClosed { .. }
            | Event::PipeWritten { .. }
            | Event::PipeRead { .. }
            | Event::PipeDestroyed { .. }
            | Event::NamedPipeCreated { .. }
            | Event::NamedPipeOpened { .. }
            | Event::NamedPipeConnected { .. }
            | Event::NamedPipeUnlinked { .. } => {
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
                let holder = super::service_task(record).map(|l| l.to_string());
                let tid = self.track(holder.as_deref());
                let text = super::service_note(record)
                    .unwrap_or_else(|| record.event.kind().as_str().to_string());
                self.instant(ns, tid, text, category(&record.event), args);
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

/// The instant's category for a service event: `memory`, `semaphore`, `pipe` or
/// `named_pipe`.
fn category(event: &Event) -> &'static str {
    let kind = event.kind().as_str();
    ["memory", "semaphore", "named_pipe", "pipe"]
        .into_iter()
        .find(|c| kind.starts_with(c))
        .unwrap_or("service")
}
