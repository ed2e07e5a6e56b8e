//! The state after an event as one JSON document, for tools (`machsim step --at N
//! --json`).

use crate::stepper::{Message, NamedPipe, Pipe, State, Task};
use serde::Serialize;
use serde_json::Value;
use trace::{ScheduleKind, TraceHeader, TraceRecord};

#[derive(Serialize)]
struct TaskJson<'a> {
    #[serde(flatten)]
    task: &'a Task,
    /// Blocked time up to the state's time, the current wait included.
    blocked_ns_now: u64,
    space: Vec<crate::stepper::NameEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    handles: Vec<crate::stepper::HandleEntry>,
}

#[derive(Serialize)]
struct StateJson<'a> {
    scenario: &'a str,
    seed: u64,
    schedule: ScheduleKind,
    seq: u64,
    last_seq: u64,
    t_ns: u64,
    event: Value,
    tasks: Vec<TaskJson<'a>>,
    ports: Vec<&'a crate::stepper::Port>,
    dead_ports: Vec<&'a crate::stepper::DeadPort>,
    sets: Vec<&'a crate::stepper::PortSet>,
    messages: Vec<&'a Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    memory_objects: Vec<&'a crate::stepper::MemoryObject>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    semaphores: Vec<&'a crate::stepper::Semaphore>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pipes: Vec<&'a Pipe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    named_pipes: Vec<&'a NamedPipe>,
    inconsistencies: Vec<&'a crate::stepper::Inconsistency>,
}

/// The JSON document for the state after event `state.seq()`: the event as its
/// JSON Lines object (`null` at 0), then the state. Ports list their queues and
/// blocked senders by message number; `messages` holds every message still in the
/// kernel, with where it is.
pub fn json(header: &TraceHeader, state: &State, event: Option<&TraceRecord>, last: u64) -> Value {
    let event = event
        .and_then(|record| {
            let mut line = Vec::new();
            trace::write_jsonl_record(&mut line, record).ok()?;
            serde_json::from_slice(&line).ok()
        })
        .unwrap_or(Value::Null);
    let document = StateJson {
        scenario: &header.scenario,
        seed: header.seed,
        schedule: header.schedule,
        seq: state.seq(),
        last_seq: last,
        t_ns: state.t_ns(),
        event,
        tasks: state
            .tasks()
            .map(|task| TaskJson {
                task,
                blocked_ns_now: task.blocked_ns_at(state.t_ns()),
                space: state.space(&task.name),
                handles: task.handles(),
            })
            .collect(),
        ports: state.ports().collect(),
        dead_ports: state.dead_ports().collect(),
        sets: state.sets().collect(),
        messages: state.messages().collect(),
        memory_objects: state.memory_objects().collect(),
        semaphores: state.semaphores().collect(),
        pipes: state.pipes().collect(),
        named_pipes: state.named_pipes().collect(),
        inconsistencies: state.inconsistencies().collect(),
    };
    serde_json::to_value(&document).unwrap_or(Value::Null)
}
