//! Tests of the exporters.
//!
//! Golden outputs are insta snapshots in `snapshots/`; after an intended change,
//! re-bless them with `INSTA_UPDATE=always cargo test -p views export` (or
//! `cargo insta review`) and read the diff before committing.

use super::msc::{Layout, MAX_COLUMN, MIN_COLUMN};
use super::{story, to_chrome, to_mermaid, to_msc};
use harness::trace_of;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use trace::{
    Event, Label, MessageDestroyReason, PortDestroyReason, QueueLimit, Receiver, ScheduleKind,
    Trace, TraceHeader, TraceRecord,
};

/// The bundled lessons, in name order.
fn bundled() -> Vec<PathBuf> {
    let dir = harness::lessons_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the scenarios folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.ends_with("Cargo.toml"))
        .collect();
    files.sort();
    assert!(files.len() > 10, "the bundled lessons are found");
    files
}

fn lesson(name: &str) -> Trace {
    trace_of(&harness::lessons_dir().join(format!("{name}.toml")))
}

// ---------------------------------------------------------------------------
// Golden outputs
// ---------------------------------------------------------------------------

const GOLDEN: &[&str] = &["policy-kernel-cache", "server-killed", "deadlock"];

#[test]
fn the_mermaid_diagrams_of_three_lessons_match_their_golden_files() {
    for name in GOLDEN {
        let snapshot = format!("mermaid-{name}");
        insta::assert_snapshot!(snapshot, to_mermaid(&lesson(name)));
    }
}

#[test]
fn the_chrome_traces_of_three_lessons_match_their_golden_files() {
    for name in GOLDEN {
        let snapshot = format!("chrome-{name}");
        insta::assert_snapshot!(snapshot, to_chrome(&lesson(name)));
    }
}

#[test]
fn the_message_sequence_charts_of_three_lessons_match_their_golden_files() {
    for name in GOLDEN {
        let snapshot = format!("msc-{name}");
        insta::assert_snapshot!(snapshot, to_msc(&lesson(name)));
    }
}

// ---------------------------------------------------------------------------
// Chrome trace-event JSON
// ---------------------------------------------------------------------------

/// The messages a task received (not the kernel's requests).
fn received_messages(trace: &Trace) -> HashSet<u64> {
    trace
        .records
        .iter()
        .filter_map(|r| match &r.event {
            Event::MessageReceived { msg, receiver, .. } if *receiver != Receiver::Kernel => {
                Some(*msg)
            }
            _ => None,
        })
        .collect()
}

/// Checks one Chrome export against the format and the trace it came from.
fn check_chrome(name: &str, trace: &Trace, text: &str) {
    let json: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{name}: the Chrome export is not JSON: {e}"));
    assert_eq!(json["displayTimeUnit"], "ns", "{name}");
    let events = json["traceEvents"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: traceEvents is an array"));
    let mut starts: HashMap<u64, (&Value, &Value)> = HashMap::new();
    let mut finishes: HashMap<u64, (&Value, &Value)> = HashMap::new();
    let mut last_ts = f64::MIN;
    for event in events {
        let ph = event["ph"].as_str().expect("every event has a phase");
        assert!(
            ["M", "X", "i", "s", "f", "C"].contains(&ph),
            "{name}: phase {ph}"
        );
        assert_eq!(event["pid"], 1, "{name}: {event}");
        assert!(event["tid"].is_u64(), "{name}: {event}");
        if ph == "M" {
            continue;
        }
        let ts = event["ts"].as_f64().expect("ts is a number");
        assert!(ts >= 0.0, "{name}: {event}");
        assert!(ts >= last_ts, "{name}: events are in time order: {event}");
        last_ts = ts;
        match ph {
            "X" => {
                let dur = event["dur"].as_f64().expect("a slice has a duration");
                assert!(dur >= 0.0, "{name}: negative duration: {event}");
            }
            "i" => assert_eq!(event["s"], "t", "{name}: {event}"),
            "C" => {
                // A port's `depth`, a pipe's `bytes`, a semaphore's `value`.
                let args = event["args"].as_object().expect("a counter has args");
                assert_eq!(args.len(), 1, "{name}: one series per counter: {event}");
                let value = args
                    .values()
                    .next()
                    .and_then(Value::as_i64)
                    .expect("a counter has an integer value");
                assert!(value >= 0, "{name}: negative counter: {event}");
            }
            "s" | "f" => {
                let id = event["id"].as_u64().expect("a flow has a numeric id");
                let map = if ph == "s" {
                    &mut starts
                } else {
                    assert_eq!(event["bp"], "e", "{name}: {event}");
                    &mut finishes
                };
                assert!(
                    map.insert(id, (&event["cat"], &event["name"])).is_none(),
                    "{name}: one {ph} per message: {event}"
                );
            }
            _ => {}
        }
    }
    for msg in received_messages(trace) {
        let start = starts.get(&msg);
        let finish = finishes.get(&msg);
        assert!(
            start.is_some(),
            "{name}: received message m{msg} has no flow start"
        );
        assert!(
            finish.is_some(),
            "{name}: received message m{msg} has no flow finish"
        );
        assert_eq!(
            start, finish,
            "{name}: m{msg}'s flow ends share cat and name"
        );
    }
    for id in starts.keys() {
        assert!(
            finishes.contains_key(id),
            "{name}: flow {id} starts but never finishes"
        );
    }
    for id in finishes.keys() {
        assert!(
            starts.contains_key(id),
            "{name}: flow {id} finishes but never starts"
        );
    }
}

#[test]
fn the_chrome_export_of_every_lesson_parses_and_links_every_received_message() {
    for path in bundled() {
        let trace = trace_of(&path);
        let name = path.display().to_string();
        check_chrome(&name, &trace, &to_chrome(&trace));
    }
}

#[test]
fn chrome_blocked_slices_end_when_the_task_wakes() {
    let trace = lesson("server-killed");
    let json: Value = serde_json::from_str(&to_chrome(&trace)).expect("JSON");
    let slices: Vec<&Value> = json["traceEvents"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["ph"] == "X")
        .collect();
    let waiting_on_reply = slices
        .iter()
        .find(|e| e["name"] == "waiting on reply")
        .expect("the client waits on its reply port");
    // It waits from 0 ms to the notification at 5 ms.
    let dur = waiting_on_reply["dur"].as_f64().expect("dur");
    assert!((4999.0..5001.0).contains(&dur), "{waiting_on_reply}");
    assert_eq!(waiting_on_reply["args"]["ended_by"], "woken (message)");
    let asleep = slices
        .iter()
        .find(|e| e["name"] == "asleep until 10.000 ms")
        .expect("the server sleeps");
    assert_eq!(asleep["args"]["ended_by"], "task ended", "killed at 5 ms");
}

#[test]
fn chrome_timestamps_strictly_increase_across_records_at_one_instant() {
    let trace = lesson("server-killed");
    let json: Value = serde_json::from_str(&to_chrome(&trace)).expect("JSON");
    let mut by_seq: Vec<(u64, f64)> = json["traceEvents"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["ph"] == "i" || e["ph"] == "X")
        .map(|e| {
            (
                e["args"]["seq"].as_u64().expect("seq"),
                e["ts"].as_f64().expect("ts"),
            )
        })
        .collect();
    by_seq.sort_by_key(|(seq, _)| *seq);
    for pair in by_seq.windows(2) {
        assert!(pair[0].1 < pair[1].1, "{pair:?}");
    }
}

// ---------------------------------------------------------------------------
// Mermaid
// ---------------------------------------------------------------------------

const ARROWS: &[&str] = &["-->>", "->>", "--x", "-x", "--)", "-)"];

fn is_id(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Text Mermaid takes as is: no statement separator `;`, no further `:`, and `#`
/// only in entity codes such as `#59;`.
fn check_text(line: &str, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['#', ';', ':']) {
        assert!(rest[at..].starts_with('#'), "a raw ; or : in {line:?}");
        let after = &rest[at + 1..];
        let end = after.find(';').unwrap_or(0);
        assert!(
            end > 0 && after[..end].chars().all(|c| c.is_ascii_alphanumeric()),
            "a raw # in {line:?}"
        );
        rest = &after[end + 1..];
    }
}

/// Checks that every line after `sequenceDiagram` is a statement form Mermaid knows,
/// and that every participant is declared before it is used.
fn check_mermaid(name: &str, text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("sequenceDiagram"), "{name}");
    let mut declared: HashSet<String> = HashSet::new();
    let known = |declared: &HashSet<String>, id: &str, line: &str| {
        assert!(
            declared.contains(id),
            "{name}: {id} used before it is declared: {line}"
        );
    };
    for line in lines {
        let statement = line
            .strip_prefix("    ")
            .unwrap_or_else(|| panic!("{name}: indented statement: {line:?}"));
        if statement.starts_with("%%") {
            continue;
        }
        if let Some(rest) = statement.strip_prefix("participant ") {
            let (id, alias) = match rest.split_once(" as ") {
                Some((id, alias)) => (id, Some(alias)),
                None => (rest, None),
            };
            assert!(is_id(id), "{name}: {line}");
            if let Some(alias) = alias {
                check_text(line, alias);
            }
            assert!(
                declared.insert(id.to_string()),
                "{name}: declared twice: {line}"
            );
            continue;
        }
        let (head, text) = statement
            .split_once(": ")
            .unwrap_or_else(|| panic!("{name}: not a known statement: {line:?}"));
        check_text(line, text);
        if let Some(over) = head.strip_prefix("Note over ") {
            let ids: Vec<&str> = over.split(',').collect();
            assert!(ids.len() <= 2, "{name}: {line}");
            for id in ids {
                known(&declared, id, line);
            }
            continue;
        }
        let end = head
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or_else(|| panic!("{name}: not a known statement: {line:?}"));
        let (from, rest) = head.split_at(end);
        let arrow = ARROWS
            .iter()
            .find(|a| rest.starts_with(**a))
            .unwrap_or_else(|| panic!("{name}: not a known arrow: {line:?}"));
        let to = &rest[arrow.len()..];
        assert!(is_id(from) && is_id(to), "{name}: {line}");
        known(&declared, from, line);
        known(&declared, to, line);
    }
}

#[test]
fn every_mermaid_line_is_a_known_statement_with_participants_declared_first() {
    for path in bundled() {
        let trace = trace_of(&path);
        check_mermaid(&path.display().to_string(), &to_mermaid(&trace));
    }
    check_mermaid("awkward names", &to_mermaid(&awkward_trace()));
}

#[test]
fn mermaid_escapes_what_its_parser_chokes_on() {
    let text = to_mermaid(&awkward_trace());
    // A task called `end` and one with spaces and punctuation get plain ids.
    assert!(text.contains("    participant t1 as end\n"), "{text}");
    assert!(
        text.contains("participant t2 as my task#59; #35;1#58; caf\u{e9}"),
        "{text}"
    );
    assert!(text.contains("reply#35;2"), "{text}");
}

#[test]
fn mermaid_draws_kernel_only_when_it_sends_notifications() {
    let without = to_mermaid(&lesson("deadlock"));
    assert!(!without.contains("kernel"), "{without}");
    let with = to_mermaid(&lesson("server-killed"));
    assert!(with.contains("    participant kernel\n"), "{with}");
    assert!(with.contains("kernel-->>client: m3 id 71"), "{with}");
}

// ---------------------------------------------------------------------------
// MSC
// ---------------------------------------------------------------------------

fn check_msc(name: &str, trace: &Trace) {
    let text = to_msc(trace);
    let layout = Layout::new(&story(trace));
    let width = layout.width();
    for line in text.lines() {
        assert!(
            line.chars().all(|c| c == ' ' || c.is_ascii_graphic()),
            "{name}: not printable ASCII: {line:?}"
        );
        assert!(
            line.len() <= width,
            "{name}: {} characters, wider than {width}: {line:?}",
            line.len()
        );
    }
}

#[test]
fn msc_lines_are_ascii_and_no_wider_than_the_computed_width() {
    for path in bundled() {
        check_msc(&path.display().to_string(), &trace_of(&path));
    }
    check_msc("awkward names", &awkward_trace());
    check_msc("many tasks", &many_tasks(24));
}

#[test]
fn msc_columns_shrink_as_tasks_are_added_and_long_names_wrap() {
    let few = Layout::new(&story(&many_tasks(2)));
    let many = Layout::new(&story(&many_tasks(24)));
    assert!(few.width() < many.width());
    let text = to_msc(&awkward_trace());
    // The long name is split over two header lines.
    assert!(text.contains("a_very_long_"), "{text}");
    assert!(!text.contains(long_name()), "{text}");
    for layout in [few, many] {
        assert!((MIN_COLUMN..=MAX_COLUMN).contains(&layout.column()));
    }
}

#[test]
fn msc_marks_destroyed_and_still_queued_messages() {
    let text = to_msc(&awkward_trace());
    assert!(text.contains('X'), "a destroyed message ends in X:\n{text}");
    assert!(text.contains("still queued on"), "{text}");
    assert!(
        text.contains("...."),
        "a message still queued is dotted:\n{text}"
    );
}

// ---------------------------------------------------------------------------
// All lessons, all formats, and the command line
// ---------------------------------------------------------------------------

#[test]
fn every_bundled_lesson_exports_in_all_three_formats() {
    for path in bundled() {
        let trace = trace_of(&path);
        let name = path.display();
        assert!(
            to_mermaid(&trace).starts_with("sequenceDiagram\n"),
            "{name}"
        );
        assert!(
            to_chrome(&trace).starts_with("{\"traceEvents\":["),
            "{name}"
        );
        assert!(
            to_msc(&trace).starts_with("machsim message sequence chart"),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------
// Synthetic traces
// ---------------------------------------------------------------------------

/// Builds a trace event by event.
struct Builder {
    records: Vec<TraceRecord>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            records: Vec::new(),
        }
    }

    fn push(&mut self, t_ns: u64, task: Option<&str>, event: Event) {
        self.records.push(TraceRecord {
            seq: self.records.len() as u64 + 1,
            t_ns,
            task: task.map(Label::from),
            event,
        });
    }

    fn task(&mut self, name: &str) {
        let label = Label::from(name);
        self.push(
            0,
            None,
            Event::TaskCreated {
                name: label.clone(),
                parent: None,
                kernel_port: format!("{name}.kernel").into(),
                notify_port: format!("{name}.notify").into(),
                start_ns: Some(0),
            },
        );
        self.push(
            0,
            None,
            Event::PortAllocated {
                port: format!("{name}.kernel").into(),
                receiver: Receiver::Kernel,
                capacity: QueueLimit::Unbounded,
            },
        );
        self.push(
            0,
            None,
            Event::TaskStarted {
                name: label,
                by: None,
            },
        );
    }

    fn port(&mut self, port: &str, receiver: &str) {
        self.push(
            0,
            None,
            Event::PortAllocated {
                port: port.into(),
                receiver: Receiver::Task(receiver.into()),
                capacity: QueueLimit::DEFAULT,
            },
        );
    }

    fn send(&mut self, t_ns: u64, from: &str, msg: u64, port: &str) {
        self.push(
            t_ns,
            Some(from),
            Event::MessageSent {
                msg,
                port: port.into(),
                id: 7,
                size: 24,
                dest_right: ports::RightKind::Send,
                reply: None,
                body: Vec::new(),
                kind: None,
            },
        );
    }

    fn queue(&mut self, t_ns: u64, from: &str, msg: u64, port: &str, depth: u32) {
        self.push(
            t_ns,
            Some(from),
            Event::MessageQueued {
                msg,
                port: port.into(),
                depth,
            },
        );
    }

    fn trace(self, scenario: &str) -> Trace {
        Trace {
            header: TraceHeader::new(scenario, 0, ScheduleKind::RoundRobin),
            records: self.records,
        }
    }
}

fn long_name() -> &'static str {
    "a_very_long_task_name_that_cannot_fit_in_a_column"
}

/// Names and labels that need escaping, one message of each end.
fn awkward_trace() -> Trace {
    let mut b = Builder::new();
    let long = long_name();
    for name in ["end", "my task; #1: caf\u{e9}", long] {
        b.task(name);
    }
    b.port("reply#2", "end");
    b.port("in:box", long);
    // Received: `my task…` → `end` on `reply#2`.
    b.send(0, "my task; #1: caf\u{e9}", 1, "reply#2");
    b.queue(0, "my task; #1: caf\u{e9}", 1, "reply#2", 1);
    b.push(
        1_000_000,
        Some("end"),
        Event::MessageReceived {
            msg: 1,
            port: "reply#2".into(),
            receiver: Receiver::Task("end".into()),
            seqno: 0,
            pseudo: false,
        },
    );
    // Destroyed: `end` → the long-named task's `in:box`, which dies.
    b.send(1_000_000, "end", 2, "in:box");
    b.queue(1_000_000, "end", 2, "in:box", 1);
    b.push(
        2_000_000,
        Some(long),
        Event::PortDestroyed {
            port: "in:box".into(),
            reason: PortDestroyReason::Destroyed,
        },
    );
    b.push(
        2_000_000,
        None,
        Event::MessageDestroyed {
            msg: 2,
            port: "in:box".into(),
            reason: MessageDestroyReason::PortDestroyed,
        },
    );
    // Still queued at the end: the long-named task → `reply#2`, never received.
    b.send(2_000_000, long, 3, "reply#2");
    b.queue(2_000_000, long, 3, "reply#2", 1);
    // Blocked at the end.
    b.push(
        2_000_000,
        Some("end"),
        Event::ReceiveBlocked {
            port: "reply#2".into(),
            until_ns: None,
        },
    );
    b.trace("awkward: names; #and colons")
}

/// `n` tasks in a ring, each sending one message to the next.
fn many_tasks(n: usize) -> Trace {
    let mut b = Builder::new();
    let names: Vec<String> = (0..n).map(|i| format!("task_number_{i}")).collect();
    for name in &names {
        b.task(name);
        b.port(&format!("{name}.inbox"), name);
    }
    for (i, name) in names.iter().enumerate() {
        let next = &names[(i + 1) % n];
        let msg = i as u64 + 1;
        let port = format!("{next}.inbox");
        b.send(i as u64 * 1_000, name, msg, &port);
        b.push(
            i as u64 * 1_000,
            Some(next),
            Event::MessageReceived {
                msg,
                port: port.into(),
                receiver: Receiver::Task(next.as_str().into()),
                seqno: 0,
                pseudo: false,
            },
        );
    }
    b.trace("ring")
}

#[test]
fn the_synthetic_traces_export_to_valid_chrome_json() {
    for (name, trace) in [("awkward", awkward_trace()), ("ring", many_tasks(24))] {
        check_chrome(name, &trace, &to_chrome(&trace));
    }
}

// ---------------------------------------------------------------------------
// The services
// ---------------------------------------------------------------------------

#[test]
fn the_services_tour_exports_in_all_three_formats() {
    let trace = crate::stepper::tests::services_tour();
    let chrome = to_chrome(&trace);
    check_chrome("services tour", &trace, &chrome);
    let mermaid = to_mermaid(&trace);
    check_mermaid("services tour", &mermaid);
    check_msc("services tour", &trace);
    insta::assert_snapshot!("mermaid-services-tour", mermaid);
    insta::assert_snapshot!("msc-services-tour", to_msc(&trace));
}

#[test]
fn a_wait_in_a_service_is_a_blocked_slice_and_its_objects_are_counters() {
    let trace = crate::stepper::tests::services_tour();
    let json: Value = serde_json::from_str(&to_chrome(&trace)).expect("JSON");
    let events = json["traceEvents"].as_array().expect("events");
    let slice = |name: &str| {
        events
            .iter()
            .find(|e| e["ph"] == "X" && e["name"] == name)
            .unwrap_or_else(|| panic!("no slice {name}"))
    };
    let semaphore = slice("waiting on semaphore turn");
    assert_eq!(semaphore["args"]["ended_by"], "woken (signalled)");
    // From about 0 to 10 ms (in microseconds, give or take the display nudges).
    assert!(semaphore["dur"].as_f64().expect("a duration") > 9_000.0);
    let pipe = events
        .iter()
        .find(|e| {
            e["ph"] == "X"
                && e["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("waiting to write pipe"))
        })
        .expect("the writer's wait");
    assert_eq!(pipe["args"]["ended_by"], "woken (room)");
    assert_eq!(
        slice("waiting to open /tmp/fifo for read")["args"]["ended_by"],
        "woken (unlinked)"
    );
    assert_eq!(
        slice("waiting to accept a client on svc")["args"]["ended_by"],
        "woken (connected)"
    );
    let counter = |prefix: &str| {
        events
            .iter()
            .any(|e| e["ph"] == "C" && e["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
    };
    assert!(counter("pipe "), "a pipe's buffered bytes are a counter");
    assert!(
        counter("semaphore turn"),
        "a semaphore's value is a counter"
    );
    let categories: HashSet<&str> = events
        .iter()
        .filter(|e| e["ph"] == "i")
        .filter_map(|e| e["cat"].as_str())
        .collect();
    for category in ["memory", "semaphore", "pipe", "named_pipe"] {
        assert!(categories.contains(category), "no {category} instant");
    }
}

#[test]
fn the_story_notes_service_waits_and_what_still_waits_at_the_end() {
    let trace = crate::stepper::tests::services_tour();
    let mermaid = to_mermaid(&trace);
    assert!(
        mermaid.contains("Note over waiter: waits on semaphore turn"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("Note over reader: waits to open /tmp/fifo for read"),
        "{mermaid}"
    );
    // A run cut short while tasks wait in services says so at its end.
    let mut cut = trace.clone();
    let at = cut
        .records
        .iter()
        .take_while(|r| r.t_ns < 10_000_000)
        .count();
    cut.records.truncate(at);
    let text = to_mermaid(&cut);
    assert!(
        text.contains("Note over waiter: still waiting on semaphore turn at the end"),
        "{text}"
    );
    assert!(
        text.contains("Note over host: still waiting to accept a client on svc at the end"),
        "{text}"
    );
    let text = to_msc(&cut);
    assert!(
        text.contains("waiter: still waiting on semaphore turn"),
        "{text}"
    );
}
