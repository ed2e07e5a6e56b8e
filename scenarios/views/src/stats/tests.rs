//! The run's figures, from scenarios run on the spot.

use super::{Mechanism, ServiceStats, collect};
use scenario::run::{Overrides, execute, prepare};
use trace::PipeSide;

/// Runs a scenario of scripts and returns its trace and the time it stopped.
fn run(text: &str) -> (Vec<trace::TraceRecord>, u64) {
    let (scenario, diagnostics) =
        scenario::syntax::parse("stats.toml", text.as_bytes(), &tasks::Registry::new());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let scenario = scenario.expect("a valid scenario");
    let prepared = prepare(
        &scenario,
        &|name, _| Err(format!("no program {name}")),
        &Overrides::default(),
    )
    .expect("the kernel accepts it");
    let result = execute(&scenario, prepared);
    assert!(result.passed(), "{:#?}", result.checks);
    (result.trace, result.report.end_ns)
}

/// Runs a scenario of scripts and returns its services' figures.
fn services(text: &str) -> ServiceStats {
    let (trace, end_ns) = run(text);
    collect(&trace, end_ns)
        .services
        .expect("services were used")
}

const THREE_WAYS: &str = r#"
[scenario]
name = "stats"

[[port]]
name = "box"
receiver = "b"
senders = ["a"]

[[memory]]
name = "m"
size = 16
holders = ["x", "y"]

[[semaphore]]
name = "s"
holders = ["x", "y"]

[[task]]
name = "a"
steps = [ { op = "send", port = "box", id = 1 } ]

[[task]]
name = "b"
steps = [ { op = "receive", port = "box" } ]

[[task]]
name = "p"
steps = [
  { op = "pipe", read = "r", write = "w", capacity = 4 },
  { op = "spawn", task = "c" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", str = "abcdef" },
  { op = "pipe_close", handle = "w" },
]

[[task]]
name = "c"
spawned = true
steps = [
  { op = "pipe_close", handle = "w" },
  { op = "sleep", ms = 1 },
  { op = "pipe_read", handle = "r", expect_data = { str = "abcd" } },
  { op = "pipe_read", handle = "r", expect_data = { str = "ef" } },
  { op = "pipe_read", handle = "r", expect = "eof" },
]

[[task]]
name = "x"
steps = [
  { op = "memory_map", object = "m", mapping = "mm" },
  { op = "sleep", ms = 2 },
  { op = "memory_write", mapping = "mm", offset = 8, value = 7 },
  { op = "semaphore_signal", semaphore = "s" },
]

[[task]]
name = "y"
steps = [
  { op = "memory_map", object = "m", mapping = "mm" },
  { op = "semaphore_wait", semaphore = "s" },
  { op = "memory_read", mapping = "mm", offset = 8, expect_value = 7 },
  { op = "semaphore_wait", semaphore = "s", on_empty = "no_wait", expect = "operation_timed_out" },
]
"#;

#[test]
fn memory_semaphores_and_pipes_are_counted_from_the_trace() {
    let s = services(THREE_WAYS);
    assert_eq!(s.memory.len(), 1);
    let m = &s.memory[0];
    assert_eq!(
        (m.label.as_str(), m.size, m.mappings, m.reads, m.writes),
        ("m", 16, 2, 1, 1)
    );
    assert_eq!((m.bytes_read, m.bytes_written), (8, 8));
    assert_eq!(m.tasks, ["x", "y"]);
    let sem = &s.semaphores[0];
    assert_eq!(
        (
            sem.initial,
            sem.waits,
            sem.blocks,
            sem.timeouts,
            sem.signals,
            sem.last
        ),
        (0, 2, 1, 1, 1, 0)
    );
    assert_eq!(sem.blocked, ["y"]);
    let pipe = &s.pipes[0];
    assert_eq!(
        (pipe.capacity, pipe.written, pipe.read, pipe.max_depth),
        (4, 6, 6, 4)
    );
    assert_eq!(pipe.blocked, [("p".to_string(), PipeSide::Write)]);
}

#[test]
fn each_mechanism_has_its_steps_copies_and_blocking() {
    let s = services(THREE_WAYS);
    let kinds: Vec<Mechanism> = s.mechanisms.iter().map(|m| m.mechanism).collect();
    assert_eq!(
        kinds,
        [Mechanism::Port, Mechanism::Pipe, Mechanism::SharedMemory]
    );
    let [port, pipe, shm] = &s.mechanisms[..] else {
        unreachable!()
    };
    // One send and one receive, each copying the 24-byte message.
    assert_eq!((port.steps, port.bytes_copied, port.blocks), (2, 48, 0));
    // pipe, 2 closes and a write in p; a close and 3 reads in c.
    assert_eq!((pipe.steps, pipe.bytes_copied), (8, 12));
    // p waits for room from 0 to 1 ms; c never waits (it sleeps first).
    assert_eq!((pipe.blocks, pipe.blocked_ns), (1, 1_000_000));
    assert_eq!(pipe.blocked_tasks, ["p"]);
    // 2 maps, a write, a read, a signal and 2 waits; y waits from 0 to 2 ms.
    assert_eq!((shm.steps, shm.accesses, shm.bytes_copied), (7, 2, 0));
    assert_eq!(shm.bytes_in_place, 16);
    assert_eq!((shm.blocks, shm.blocked_ns), (1, 2_000_000));
    assert_eq!(shm.blocked_tasks, ["y"]);
}

#[test]
fn a_large_write_waits_until_its_last_piece_is_in() {
    // 600 bytes, over PIPE_BUF, into 200: a piece now and one per read; the
    // pieces that go in on the writer's behalf do not end its wait.
    let s = services(
        r#"
[scenario]
name = "large write"

[[task]]
name = "w"
steps = [
  { op = "pipe", read = "r", write = "w", capacity = 200 },
  { op = "spawn", task = "r" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", fill = 600, expect_written = 600 },
]

[[task]]
name = "r"
spawned = true
steps = [
  { op = "pipe_close", handle = "w" },
  { op = "repeat", times = 3, steps = [
{ op = "sleep", ms = 1 },
{ op = "pipe_read", handle = "r", max = 200, expect_data = { size = 200 } },
  ] },
]
"#,
    );
    let pipe = &s.mechanisms[0];
    assert_eq!(pipe.mechanism, Mechanism::Pipe);
    assert_eq!((pipe.blocks, pipe.blocked_ns), (1, 2_000_000));
    assert_eq!(s.pipes[0].written, 600);
}

#[test]
fn a_run_without_services_has_no_services_part() {
    let (trace, end_ns) = run(r#"
[scenario]
name = "ports only"

[[port]]
name = "box"
receiver = "b"
senders = ["a"]

[[task]]
name = "a"
steps = [ { op = "send", port = "box", id = 1 } ]

[[task]]
name = "b"
steps = [ { op = "receive", port = "box" } ]
"#);
    let stats = collect(&trace, end_ns);
    assert_eq!(stats.services, None);
    // One send and one receive, by the two tasks; the box's figures.
    assert_eq!(stats.steps, 2);
    let steps: Vec<(&str, u64)> = stats
        .tasks
        .iter()
        .map(|t| (t.name.as_str(), t.steps))
        .collect();
    assert_eq!(steps, [("a", 1), ("b", 1)]);
    let ports: Vec<&str> = stats.ports.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(ports, ["box"]);
    assert_eq!((stats.ports[0].sent, stats.ports[0].received), (1, 1));
}
