//! Running small scenarios through [`prepare`] and [`execute`]: the services' steps, their
//! results, and the step expectations they add.

use super::{Check, Overrides, RunResult, Verdict, execute, prepare};
use crate::diagnostic::render;
use crate::model::Scenario;

/// Parses `text`, which must be valid.
fn scenario(text: &str) -> Scenario {
    let (scenario, diagnostics) =
        crate::syntax::parse("test.toml", text.as_bytes(), &tasks::Registry::new());
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render(&diagnostics, text, false)
    );
    scenario.expect("no diagnostics means a scenario")
}

/// Runs `text`.
fn run(text: &str) -> RunResult {
    let scenario = scenario(text);
    let prepared = prepare(
        &scenario,
        &|name, _| Err(format!("no program {name}")),
        &Overrides::default(),
    )
    .expect("the kernel accepts the scenario");
    execute(&scenario, prepared)
}

/// The failed checks of a run, one line each: `what (line N): expected X, got Y`.
fn failures(result: &RunResult) -> Vec<String> {
    result
        .checks
        .iter()
        .filter(|check| check.verdict == Verdict::Fail)
        .map(describe)
        .collect()
}

fn describe(check: &Check) -> String {
    let line = check
        .line
        .map_or_else(String::new, |line| format!(" (line {line})"));
    let task = check
        .task
        .as_deref()
        .map_or_else(String::new, |task| format!(" in {task}"));
    format!(
        "{}{task}{line}: expected {}, got {}",
        check.what, check.expected, check.happened
    )
}

/// Runs `text` and asserts that every expectation held.
fn passes(text: &str) -> RunResult {
    let result = run(text);
    assert_eq!(failures(&result), Vec::<String>::new());
    result
}

#[test]
fn the_services_test_file_runs_with_every_expectation_met() {
    passes(include_str!("../syntax/testdata/services.toml"));
}

// Each test below states every step's result with `expect` (default `success`) and
// asserts that no expectation failed, so a step returning anything else fails the test.

#[test]
fn memory_given_by_the_file_is_shared_by_its_holders() {
    passes(
        r#"[scenario]
name = "shared memory"

[[memory]]
name = "board"
size = 16
holders = ["writer", "reader"]

[[task]]
name = "writer"
steps = [
  { op = "memory_map", object = "board", mapping = "b" },
  { op = "memory_write", mapping = "b", offset = 4, width = "u32", value = 0xdeadbeef },
  { op = "memory_write", mapping = "b", offset = 15, width = "u16", value = 1, expect = "invalid_address" },
  { op = "memory_unmap", mapping = "b" },
  { op = "memory_read", mapping = "b", expect = "bad_handle" },
]

[[task]]
name = "reader"
start_ms = 1
steps = [
  { op = "memory_map", object = "board", mapping = "b" },
  { op = "memory_read", mapping = "b", offset = 4, width = "u32", expect_value = 0xdeadbeef },
  { op = "memory_read", mapping = "b", offset = 4, width = "u8", expect_value = 0xef },
  { op = "memory_read", mapping = "b", expect_value = 0xdeadbeef00000000 },
  { op = "memory_read", mapping = "b", offset = 9, expect = "invalid_address" },
]
"#,
    );
}

#[test]
fn a_wrong_value_data_or_count_is_a_failed_step_expectation_with_its_line() {
    let result = run(r#"[scenario]
name = "wrong"

[[task]]
name = "t"
steps = [
  { op = "memory_create", object = "m", size = 8 },
  { op = "memory_map", object = "m", mapping = "map" },
  { op = "memory_read", mapping = "map", expect_value = 3 },
  { op = "pipe", read = "r", write = "w", capacity = 1000 },
  { op = "pipe_write", handle = "w", fill = 600 },
  { op = "pipe_write", handle = "w", fill = 700, on_full = "no_wait", expect_written = 700 },
  { op = "pipe_read", handle = "r", max = 3, expect_data = { str = "abc" } },
  { op = "pipe_read", handle = "r", max = 2, expect_data = { bytes = "0001" } },
  { op = "pipe_read", handle = "r", max = 5, expect_data = { size = 4 } },
]
"#);
    assert_eq!(
        failures(&result),
        [
            "memory_read step in t (line 9): expected value 3, got value 0",
            "pipe_write step in t (line 12): expected 700 bytes written, got 400 bytes written",
            "pipe_read step in t (line 13): expected data \"abc\", got data 000000 (3 bytes)",
            "pipe_read step in t (line 14): expected data 0001, got data 0000 (2 bytes)",
            "pipe_read step in t (line 15): expected 4 bytes, got 5 bytes",
        ]
    );
}

#[test]
fn semaphore_waits_block_time_out_or_end_with_the_semaphore() {
    passes(
        r#"[scenario]
name = "semaphores"

[[semaphore]]
name = "gate"
holders = ["owner", "waiter", "timer"]

[[task]]
name = "owner"
steps = [
  { op = "sleep", ms = 10 },
  { op = "semaphore_signal", semaphore = "gate" },
  { op = "sleep", ms = 10 },
  { op = "semaphore_destroy", semaphore = "gate" },
  { op = "semaphore_signal", semaphore = "gate", expect = "invalid_right" },
  { op = "semaphore_create", semaphore = "mine", value = 1 },
  { op = "semaphore_wait", semaphore = "mine", on_empty = "no_wait" },
  { op = "semaphore_wait", semaphore = "mine", on_empty = "no_wait", expect = "operation_timed_out" },
]

[[task]]
name = "waiter"
steps = [
  { op = "semaphore_wait", semaphore = "gate" },
  { op = "semaphore_wait", semaphore = "gate", expect = "terminated" },
  { op = "expect_right", port = "gate", is = "dead_name" },
]

[[task]]
name = "timer"
steps = [
  { op = "semaphore_wait", semaphore = "gate", on_empty = { timeout_ms = 5 }, expect = "operation_timed_out" },
  { op = "semaphore_wait", semaphore = "mine", expect = "invalid_name" },
]
"#,
    );
}

#[test]
fn a_semaphore_nobody_signals_is_a_deadlock() {
    let result = passes(
        r#"[scenario]
name = "stuck"

[[semaphore]]
name = "never"
holders = ["a"]

[[task]]
name = "a"
steps = [{ op = "semaphore_wait", semaphore = "never" }]

[expect]
outcome = "deadlock"
"#,
    );
    assert_eq!(result.report.outcome.as_str(), "deadlock");
}

#[test]
fn a_child_spawned_after_a_pipe_uses_its_parents_names_for_the_ends() {
    passes(
        r#"[scenario]
name = "pipe"

[[task]]
name = "parent"
steps = [
  { op = "spawn", task = "early" },
  { op = "pipe", read = "r", write = "w" },
  { op = "spawn", task = "child" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", str = "hello, " },
  { op = "pipe_write", handle = "w", str = "pipe" },
  { op = "pipe_close", handle = "w" },
  { op = "pipe_close", handle = "w", expect = "bad_handle" },
]

[[task]]
name = "early"
spawned = true
steps = [{ op = "pipe_read", handle = "r", on_empty = "no_wait", expect = "bad_handle" }]

[[task]]
name = "child"
spawned = true
steps = [
  { op = "pipe_close", handle = "w" },
  { op = "sleep", ms = 1 },
  { op = "pipe_read", handle = "r", expect_data = { str = "hello, pipe" } },
  { op = "pipe_read", handle = "r", expect = "eof" },
]
"#,
    );
}

#[test]
fn pipes_break_block_and_refuse_as_posix_says() {
    passes(
        r#"[scenario]
name = "pipe rules"

[[task]]
name = "t"
steps = [
  { op = "pipe", read = "r", write = "w", capacity = 8 },
  { op = "pipe_read", handle = "r", on_empty = "no_wait", expect = "would_block" },
  { op = "pipe_write", handle = "w", fill = 8 },
  { op = "pipe_write", handle = "w", fill = 1, on_full = "no_wait", expect = "would_block" },
  { op = "pipe_write", handle = "r", fill = 1, expect = "bad_handle" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", str = "x", expect = "broken_pipe" },
  { op = "pipe", read = "r2", write = "w2", capacity = 0, expect = "invalid_value" },
  { op = "pipe_read", handle = "r2", expect = "bad_handle" },
]
"#,
    );
}

#[test]
fn a_failed_open_leaves_its_handle_name_naming_nothing() {
    passes(
        r#"[scenario]
name = "failed open"

[[named_pipe]]
path = "/fifo"

[[task]]
name = "t"
steps = [
  { op = "pipe", read = "end", write = "w" },
  { op = "named_pipe_open", path = "/fifo", access = "write", handle = "end", no_wait = true, expect = "would_block" },
  { op = "pipe_read", handle = "end", on_empty = "no_wait", expect = "bad_handle" },
  { op = "named_pipe_open", path = "/fifo", access = "read", handle = "end", no_wait = true },
  { op = "named_pipe_open", path = "/fifo", access = "write", handle = "out", no_wait = true },
  { op = "pipe_write", handle = "out", str = "ok" },
  { op = "pipe_read", handle = "end", expect_data = { str = "ok" } },
]
"#,
    );
}

#[test]
fn named_pipes_join_unrelated_tasks_and_their_names_can_be_unlinked() {
    passes(
        r#"[scenario]
name = "named pipes"

[[named_pipe]]
path = '\\.\pipe\svc'
mode = "duplex"

[[task]]
name = "server"
steps = [
  { op = "named_pipe_create", path = "/tmp/fifo" },
  { op = "named_pipe_create", path = "/tmp/fifo", expect = "name_exists" },
  { op = "named_pipe_accept", path = "/tmp/fifo", handle = "x", expect = "invalid_value" },
  { op = "named_pipe_accept", path = '\\.\pipe\svc', handle = "c", no_wait = true, expect = "would_block" },
  { op = "repeat", times = 2, steps = [
    { op = "named_pipe_accept", path = '\\.\pipe\svc', handle = "c" },
    { op = "pipe_read", handle = "c", max = 16 },
    { op = "pipe_write", handle = "c", str = "hi" },
    { op = "pipe_close", handle = "c" },
  ] },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "read", handle = "in" },
  { op = "pipe_read", handle = "in", expect_data = { str = "fifo" } },
  { op = "pipe_read", handle = "in", expect = "eof" },
]

[[task]]
name = "ann"
start_ms = 1
steps = [
  { op = "named_pipe_open", path = '\\.\pipe\svc', access = "read_write", handle = "s" },
  { op = "pipe_write", handle = "s", str = "ann" },
  { op = "pipe_read", handle = "s", expect_data = { str = "hi" } },
]

[[task]]
name = "bob"
start_ms = 2
steps = [
  { op = "named_pipe_open", path = '\\.\pipe\svc', access = "read_write", handle = "s" },
  { op = "pipe_write", handle = "s", str = "bob" },
  { op = "pipe_read", handle = "s", expect_data = { str = "hi" } },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "write", handle = "out" },
  { op = "named_pipe_unlink", path = "/tmp/fifo" },
  { op = "named_pipe_unlink", path = "/tmp/fifo", expect = "no_such_path" },
  { op = "pipe_write", handle = "out", str = "fifo" },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "write", handle = "again", no_wait = true, expect = "no_such_path" },
]
"#,
    );
}

#[test]
fn memory_from_ool_copies_a_received_region_or_refuses_a_missing_one() {
    passes(
        r#"[scenario]
name = "ool"

[[port]]
name = "inbox"
receiver = "receiver"
senders = ["sender"]

[[task]]
name = "sender"
steps = [{ op = "send", port = "inbox", id = 1, body = [{ u32 = 7 }, { ool = 64 }, { ool = 32 }] }]

[[task]]
name = "receiver"
steps = [
  { op = "memory_from_ool", object = "none", expect = "invalid_value" },
  { op = "receive", port = "inbox" },
  { op = "memory_from_ool", object = "first" },
  { op = "memory_from_ool", object = "second", item = 2 },
  { op = "memory_from_ool", object = "not_ool", item = 0, expect = "invalid_value" },
  { op = "memory_from_ool", object = "past_the_end", item = 3, expect = "invalid_value" },
  { op = "memory_map", object = "first", mapping = "f" },
  { op = "memory_read", mapping = "f", offset = 56, expect_value = 0 },
  { op = "memory_read", mapping = "f", offset = 57, expect = "invalid_address" },
  { op = "memory_map", object = "second", mapping = "s" },
  { op = "memory_write", mapping = "s", offset = 24, value = 9 },
  { op = "memory_read", mapping = "s", offset = 24, expect_value = 9 },
  { op = "memory_read", mapping = "s", offset = 25, expect = "invalid_address" },
]
"#,
    );
}

#[test]
fn an_object_the_task_names_no_right_for_is_invalid_name() {
    passes(
        r#"[scenario]
name = "no right"

[[memory]]
name = "private"
size = 8
holders = ["owner"]

[[semaphore]]
name = "gate"
holders = ["owner"]

[[task]]
name = "owner"
steps = [{ op = "memory_map", object = "private", mapping = "m" }]

[[task]]
name = "stranger"
steps = [
  { op = "memory_map", object = "private", mapping = "m", expect = "invalid_name" },
  { op = "memory_read", mapping = "m", expect = "bad_handle" },
  { op = "semaphore_signal", semaphore = "gate", expect = "invalid_name" },
]
"#,
    );
}

#[test]
fn a_right_to_a_semaphore_travels_in_a_message_under_its_label() {
    passes(
        r#"[scenario]
name = "sharing"

[[port]]
name = "inbox"
receiver = "b"
senders = ["a"]

[[task]]
name = "a"
steps = [
  { op = "semaphore_create", semaphore = "turn" },
  { op = "send", port = "inbox", body = [{ port = "turn", disposition = "copy_send" }] },
  { op = "sleep", ms = 5 },
  { op = "semaphore_signal", semaphore = "turn" },
]

[[task]]
name = "b"
steps = [
  { op = "receive", port = "inbox", expect_body = [{ port = "turn" }] },
  { op = "semaphore_wait", semaphore = "turn" },
  { op = "expect_right", port = "turn", is = "send" },
]

[expect]
delivered = { inbox = 1 }
"#,
    );
}

#[test]
fn expect_right_judges_what_is_held_and_the_same_with_or_without_expect_success() {
    // The label names nothing: `is = "none"` holds whether `expect` is left out or
    // spelled out as its default.
    passes(
        r#"[scenario]
name = "rights"

[[port]]
name = "p"
receiver = "t"

[[task]]
name = "t"
steps = [
  { op = "expect_right", port = "p", is = "receive" },
  { op = "destroy", port = "p" },
  { op = "expect_right", port = "p", is = "none" },
  { op = "expect_right", port = "p", is = "none", expect = "success" },
]
"#,
    );
    let result = run(r#"[scenario]
name = "rights"

[[port]]
name = "p"
receiver = "t"

[[task]]
name = "t"
steps = [
  { op = "expect_right", port = "p", is = "send", expect = "success" },
]
"#);
    assert_eq!(
        failures(&result),
        ["expect_right step in t (line 11): expected p to be send, got it is receive"]
    );
}
