//! Tests of the services' part of the format: `[[memory]]`, `[[semaphore]]`,
//! `[[named_pipe]]`, the services' steps, and the handle and path checks.

use kernel::services::DEFAULT_CAPACITY as DEFAULT_PIPE_CAPACITY;
use kernel::{Access, PipeMode, ReceivePolicy, ReturnCode, Width};

use crate::diagnostic::{Diagnostic, render};
use crate::model::{
    DEFAULT_PIPE_READ_MAX, ExpectedData, ExpectedResult, MemorySpec, NamedPipeSpec, Op, PipeData,
    PipePolicy, Scenario, SemaphoreSpec, ServiceOp, Step, TaskBody,
};

use super::{parse, test_programs};

const SERVICES: &str = include_str!("testdata/services.toml");

fn valid(text: &str) -> Scenario {
    let (scenario, diagnostics) = parse("test.toml", text.as_bytes(), &test_programs());
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render(&diagnostics, text, false)
    );
    scenario.expect("no diagnostics means a scenario")
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    let (scenario, diagnostics) = parse("test.toml", text.as_bytes(), &test_programs());
    assert!(scenario.is_none(), "a file with problems gave a scenario");
    assert!(!diagnostics.is_empty(), "no scenario and no diagnostic");
    diagnostics
}

/// `line:column: message` of each diagnostic of invalid text.
fn problems(text: &str) -> Vec<String> {
    diagnostics(text)
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
        .collect()
}

/// The colorless rendering of invalid text's diagnostics, for snapshots.
fn rendered(text: &str) -> String {
    render(&diagnostics(text), text, false)
}

/// A file with a port, a memory object, a semaphore, a FIFO and a duplex pipe, a task `b`
/// with no steps, and a task `a` whose steps are `steps` (they start on line 32).
fn with_steps(steps: &str) -> String {
    format!(
        r#"[scenario]
name = "t"

[[port]]
name = "requests"
receiver = "b"
senders = ["a"]

[[memory]]
name = "buffer"
size = 64
holders = ["a", "b"]

[[semaphore]]
name = "gate"
holders = ["a", "b"]

[[named_pipe]]
path = "/tmp/fifo"

[[named_pipe]]
path = "svc"
mode = "duplex"

[[task]]
name = "b"
steps = []

[[task]]
name = "a"
steps = [
{steps}
]
"#
    )
}

fn steps_of<'s>(scenario: &'s Scenario, task: &str) -> &'s [Step] {
    match &scenario.task(task).expect("the task is declared").body {
        TaskBody::Steps(steps) => steps,
        TaskBody::Program { .. } => panic!("{task} has steps"),
    }
}

/// The ops of task `a` in [`with_steps`].
fn ops(steps: &str) -> Vec<Op> {
    let scenario = valid(&with_steps(steps));
    steps_of(&scenario, "a")
        .iter()
        .map(|step| step.op.clone())
        .collect()
}

// Valid files.

#[test]
fn the_services_test_file_parses_into_the_expected_model() {
    let scenario = valid(SERVICES);
    assert_eq!(
        scenario.memory,
        [MemorySpec {
            label: "buffer".into(),
            size: 64,
            holders: vec!["producer".into(), "consumer".into()],
            line: 12,
            column: 1,
        }]
    );
    assert_eq!(
        scenario.semaphores,
        [
            SemaphoreSpec {
                label: "full".into(),
                value: 0,
                holders: vec!["producer".into(), "consumer".into()],
                line: 17,
                column: 1,
            },
            SemaphoreSpec {
                label: "empty".into(),
                value: 3,
                holders: vec!["producer".into(), "consumer".into()],
                line: 21,
                column: 1,
            },
        ]
    );
    assert_eq!(
        scenario.named_pipes,
        [
            NamedPipeSpec {
                path: "/tmp/fifo".into(),
                mode: PipeMode::Fifo,
                capacity: DEFAULT_PIPE_CAPACITY,
                line: 26,
                column: 1,
            },
            NamedPipeSpec {
                path: r"\\.\pipe\svc".into(),
                mode: PipeMode::Duplex,
                capacity: 512,
                line: 29,
                column: 1,
            },
        ]
    );
    let producer = steps_of(&scenario, "producer");
    assert_eq!(
        producer[1].op,
        Op::Service(ServiceOp::SemaphoreWait {
            semaphore: "empty".into(),
            on_empty: ReceivePolicy::Timeout(50)
        })
    );
    assert_eq!(
        producer[2].op,
        Op::Service(ServiceOp::MemoryWrite {
            mapping: "buf".into(),
            offset: 8,
            width: Width::U32,
            value: 7
        })
    );
    assert_eq!(
        producer[10].op,
        Op::Service(ServiceOp::PipeWrite {
            handle: "w".into(),
            data: PipeData::Str("hello".into()),
            on_full: PipePolicy::NoWait,
            expect_written: Some(5),
        })
    );
    assert_eq!(
        producer[11].op,
        Op::Service(ServiceOp::PipeWrite {
            handle: "w".into(),
            data: PipeData::Bytes(vec![0x0a, 0x0b]),
            on_full: PipePolicy::Block,
            expect_written: None,
        })
    );
    let child = steps_of(&scenario, "child");
    assert_eq!(
        child[3].op,
        Op::Service(ServiceOp::PipeRead {
            handle: "r".into(),
            max: DEFAULT_PIPE_READ_MAX,
            on_empty: PipePolicy::Block,
            expect_data: Some(ExpectedData::Size(3)),
        })
    );
    assert_eq!(
        child[4].expect,
        ExpectedResult::AnyOf(vec![ReturnCode::WouldBlock, ReturnCode::Eof])
    );
    let consumer = steps_of(&scenario, "consumer");
    assert_eq!(
        consumer[6].op,
        Op::Service(ServiceOp::MemoryFromOol {
            object: "copy".into(),
            item: Some(0)
        })
    );
    assert_eq!(
        consumer[14].op,
        Op::Service(ServiceOp::NamedPipeOpen {
            path: "/tmp/fifo".into(),
            access: Access::Read,
            handle: "in".into(),
            no_wait: false
        })
    );
}

#[test]
fn keys_left_out_take_their_defaults() {
    let text = r#"[scenario]
name = "defaults"

[[semaphore]]
name = "s"
holders = ["a"]

[[named_pipe]]
path = "p"

[[task]]
name = "a"
steps = [
  { op = "memory_create", object = "m", size = 8 },
  { op = "memory_from_ool", object = "o" },
  { op = "memory_map", object = "m", mapping = "map" },
  { op = "memory_read", mapping = "map" },
  { op = "memory_write", mapping = "map", value = 1 },
  { op = "memory_unmap", mapping = "map" },
  { op = "semaphore_create", semaphore = "t" },
  { op = "semaphore_wait", semaphore = "t" },
  { op = "pipe", read = "r", write = "w" },
  { op = "pipe_write", handle = "w", fill = 2 },
  { op = "pipe_read", handle = "r" },
  { op = "named_pipe_create", path = "q" },
  { op = "named_pipe_open", path = "q", access = "read_write", handle = "e" },
  { op = "named_pipe_accept", path = "q", handle = "f", expect = "invalid_value" },
]
"#;
    let scenario = valid(text);
    assert_eq!(scenario.semaphores[0].value, 0);
    assert_eq!(scenario.named_pipes[0].mode, PipeMode::Fifo);
    assert_eq!(scenario.named_pipes[0].capacity, 4096);
    let ops: Vec<Op> = steps_of(&scenario, "a")
        .iter()
        .map(|s| s.op.clone())
        .collect();
    assert_eq!(
        ops,
        [
            Op::Service(ServiceOp::MemoryCreate {
                object: "m".into(),
                size: 8
            }),
            Op::Service(ServiceOp::MemoryFromOol {
                object: "o".into(),
                item: None
            }),
            Op::Service(ServiceOp::MemoryMap {
                object: "m".into(),
                mapping: "map".into()
            }),
            Op::Service(ServiceOp::MemoryRead {
                mapping: "map".into(),
                offset: 0,
                width: Width::U64,
                expect_value: None
            }),
            Op::Service(ServiceOp::MemoryWrite {
                mapping: "map".into(),
                offset: 0,
                width: Width::U64,
                value: 1
            }),
            Op::Service(ServiceOp::MemoryUnmap {
                mapping: "map".into()
            }),
            Op::Service(ServiceOp::SemaphoreCreate {
                semaphore: "t".into(),
                value: 0
            }),
            Op::Service(ServiceOp::SemaphoreWait {
                semaphore: "t".into(),
                on_empty: ReceivePolicy::Block
            }),
            Op::Service(ServiceOp::Pipe {
                read: "r".into(),
                write: "w".into(),
                capacity: 4096
            }),
            Op::Service(ServiceOp::PipeWrite {
                handle: "w".into(),
                data: PipeData::Fill(2),
                on_full: PipePolicy::Block,
                expect_written: None
            }),
            Op::Service(ServiceOp::PipeRead {
                handle: "r".into(),
                max: 4096,
                on_empty: PipePolicy::Block,
                expect_data: None
            }),
            Op::Service(ServiceOp::NamedPipeCreate {
                path: "q".into(),
                mode: PipeMode::Fifo,
                capacity: 4096
            }),
            Op::Service(ServiceOp::NamedPipeOpen {
                path: "q".into(),
                access: Access::ReadWrite,
                handle: "e".into(),
                no_wait: false
            }),
            Op::Service(ServiceOp::NamedPipeAccept {
                path: "q".into(),
                handle: "f".into(),
                no_wait: false
            }),
        ]
    );
}

#[test]
fn memory_and_semaphore_labels_name_their_rights_in_port_steps_and_bodies() {
    let ops = ops(
        r#"  { op = "send", port = "requests", body = [{ port = "gate", disposition = "copy_send" }, { port = "buffer", disposition = "copy_send" }] },
  { op = "expect_right", port = "gate", is = "send" },
  { op = "deallocate", port = "buffer" },"#,
    );
    assert_eq!(ops.len(), 3);
}

#[test]
fn values_up_to_each_width_and_kernel_limits_left_to_the_run_are_accepted() {
    let ops = ops(
        r#"  { op = "memory_map", object = "buffer", mapping = "m" },
  { op = "memory_write", mapping = "m", width = "u8", value = 255 },
  { op = "memory_write", mapping = "m", width = "u16", value = 65535 },
  { op = "memory_write", mapping = "m", width = "u32", value = 4294967295 },
  { op = "memory_read", mapping = "m", expect_value = 0x7fff_ffff_ffff_ffff },
  { op = "memory_create", object = "big", size = 4294967295, expect = "invalid_value" },
  { op = "pipe", read = "r", write = "w", capacity = 0, expect = "invalid_value" },
  { op = "named_pipe_create", path = "zero", capacity = 0, expect = "invalid_value" },"#,
    );
    assert_eq!(ops.len(), 8);
}

// Sections.

#[test]
fn service_sections_are_validated_like_ports() {
    let text = r#"[scenario]
name = "x"

[[memory]]
name = "m"
size = 0
holders = []
mode = "fifo"

[[memory]]
size = 70000000
holders = ["a", "a"]

[[semaphore]]
name = "m"
value = -1
holders = ["ghost"]

[[semaphore]]
name = "notify"

[[named_pipe]]
path = ""
capacity = 2000000

[[named_pipe]]
path = "/p"
mode = "fifio"

[[named_pipe]]
path = "/p"

[[memory]]
name = "x#2"
size = 1
holders = ["a"]

[[task]]
name = "a"
steps = []
"#;
    assert_eq!(
        problems(text),
        [
            "6:8: `size` is out of range: 0",
            "7:11: `holders` is empty in [[memory]]",
            "8:1: unknown key `mode` in [[memory]]",
            "10:1: missing `name` in [[memory]]",
            "11:8: `size` is out of range: 70000000",
            "12:17: `a` is listed twice in `holders`",
            "15:8: label `m` is declared twice",
            "16:9: `value` must not be negative: -1",
            "17:12: unknown holder `ghost`",
            "19:1: missing `holders` in [[semaphore]]",
            "20:8: `notify` is reserved: it names each task's own notify port",
            "23:8: `path` is empty",
            "24:12: `capacity` is out of range: 2000000",
            "28:8: unknown named pipe mode `fifio`",
            "31:8: named pipe `/p` is declared twice",
            "34:8: `x#2` is a label machsim makes itself",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn memory_objects_and_semaphores_are_not_ports_where_a_port_is_meant() {
    let text = r#"[scenario]
name = "x"

[[memory]]
name = "m"
size = 8
holders = ["a"]

[[semaphore]]
name = "s"
holders = ["a"]

[[port_set]]
name = "set"
receiver = "a"
members = ["s"]

[[task]]
name = "a"
steps = [
  { op = "add_to_set", port = "requests", set = "m" },
  { op = "memory_map", object = "s", mapping = "x" },
  { op = "semaphore_signal", semaphore = "m" },
  { op = "semaphore_wait", semaphore = "set" },
  { op = "memory_map", object = "bufer", mapping = "y" },
  { op = "semaphore_destroy", semaphore = "gat" },
]

[[port]]
name = "requests"
receiver = "a"

[[fault]]
at_ms = 1
destroy = "s"

[expect]
delivered = { m = 1 }
"#;
    assert_eq!(
        problems(text),
        [
            "16:12: `s` is a semaphore, not a port",
            "21:49: `m` is a memory object, not a port set",
            "22:33: `s` is a semaphore, not a memory object",
            "23:42: `m` is a memory object, not a semaphore",
            "24:40: `set` is a port set, not a semaphore",
            "25:33: undeclared label `bufer`",
            "26:43: undeclared label `gat`",
            "35:11: `s` is a semaphore, not a port",
            "38:15: `m` is a memory object, not a port",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn labels_made_by_service_steps_are_declarations() {
    let text = with_steps(
        r#"  { op = "memory_create", object = "buffer", size = 8 },
  { op = "semaphore_create", semaphore = "requests" },
  { op = "memory_from_ool", object = "kernel" },
  { op = "semaphore_create", semaphore = "@s" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "32:36: label `buffer` is declared twice",
            "33:42: label `requests` is declared twice",
            "34:38: `kernel` is reserved: it names each task's own kernel port",
            "35:42: labels cannot start with `@`: `@s`",
        ]
    );
}

// Steps.

#[test]
fn unknown_and_missing_keys_of_service_steps_are_reported() {
    let text = with_steps(
        r#"  { op = "memory_map", object = "buffer", maping = "m" },
  { op = "memory_read", mapping = "m", port = "requests" },
  { op = "pipe", read = "r" },
  { op = "semaphore_wait" },
  { op = "named_pipe_open", path = "/tmp/fifo", handle = "h" },
  { op = "memory_creat", object = "scratch", size = 8 },
  { op = "memory_map", object = "scratch", mapping = "s" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "32:3: missing `mapping` in a `memory_map` step",
            "32:43: unknown key `maping` in a `memory_map` step",
            "33:40: unknown key `port` in a `memory_read` step",
            "34:3: missing `write` in a `pipe` step",
            "35:3: missing `semaphore` in a `semaphore_wait` step",
            "36:3: missing `access` in a `named_pipe_open` step",
            "37:10: unknown op `memory_creat`",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn service_step_values_are_checked() {
    let text = with_steps(
        r#"  { op = "memory_map", object = "buffer", mapping = "m" },
  { op = "memory_write", mapping = "m", width = "u8", value = 256 },
  { op = "memory_read", mapping = "m", width = "u16", expect_value = 65536 },
  { op = "memory_read", mapping = "m", width = "i32" },
  { op = "memory_write", mapping = "m", offset = -1, value = 1 },
  { op = "memory_write", mapping = "m", value = -1 },
  { op = "pipe", read = "p", write = "p" },
  { op = "pipe", read = "r", write = "w", capacity = -5 },
  { op = "pipe_write", handle = "w" },
  { op = "pipe_write", handle = "w", str = "a", fill = 3 },
  { op = "pipe_write", handle = "w", bytes = "0g" },
  { op = "pipe_write", handle = "w", str = "a", on_full = { timeout_ms = 5 } },
  { op = "pipe_write", handle = "w", str = "a", on_full = "notify" },
  { op = "pipe_read", handle = "r", on_empty = "no-wait" },
  { op = "pipe_read", handle = "r", max = 2, expect_data = { str = "abc" } },
  { op = "pipe_read", handle = "r", expect_data = "abc" },
  { op = "pipe_read", handle = "r", expect_data = { text = "abc" } },
  { op = "pipe_read", handle = "r", expect_data = { size = 1, str = "a" } },
  { op = "pipe_read", handle = "r", expect_data = {} },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "rw", handle = "h" },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "read", handle = "", no_wait = 1 },
  { op = "named_pipe_create", path = "/q", mode = "simplex" },
  { op = "semaphore_wait", semaphore = "gate", on_empty = "notify" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "33:63: `value` is out of range: 256",
            "34:70: `expect_value` is out of range: 65536",
            "35:48: unknown width `i32`",
            "36:50: `offset` must not be negative: -1",
            "37:49: `value` must not be negative: -1",
            "38:38: `read` and `write` both name the handle `p`",
            "39:54: `capacity` must not be negative: -5",
            "40:3: a `pipe_write` step says nothing to write",
            "41:49: a `pipe_write` step has both `str` and `fill`",
            "42:46: `bytes` has `g` at character 2, which is not a hex digit",
            "43:59: a pipe's `on_full` has no timeout",
            "44:59: unknown pipe `on_full` policy `notify`",
            "45:48: unknown pipe `on_empty` policy `no-wait`",
            "46:60: `expect_data` has 3 bytes, more than `max` (2) lets a read return",
            "47:51: wrong type for `expect_data`: found a string",
            "48:53: unknown key `text` in `expect_data`",
            "49:63: `expect_data` has both `size` and `str`",
            "50:51: `expect_data` says nothing to expect",
            "51:58: unknown access `rw`",
            "52:75: `handle` is empty",
            "52:89: wrong type for `no_wait`: found an integer",
            "53:51: unknown named pipe mode `simplex`",
            "54:59: `notify` is a send policy (`on_full`), not a receive policy",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

// Handles.

#[test]
fn a_handle_no_earlier_step_makes_is_reported_unless_the_step_expects_bad_handle() {
    let text = with_steps(
        r#"  { op = "memory_read", mapping = "m" },
  { op = "memory_read", mapping = "m", expect = "bad_handle" },
  { op = "pipe_read", handle = "r", expect = "any" },
  { op = "memory_map", object = "buffer", mapping = "m" },
  { op = "memory_read", mapping = "m" },
  { op = "memory_unmap", mapping = "mm" },
  { op = "pipe_close", handle = "zzz" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "32:35: task `a` has no handle `m` here: no earlier step makes it",
            "37:36: task `a` has no handle `mm` here: no earlier step makes it",
            "38:33: task `a` has no handle `zzz` here: no earlier step makes it",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn a_handle_of_the_wrong_kind_or_direction_is_reported() {
    let text = with_steps(
        r#"  { op = "memory_map", object = "buffer", mapping = "m" },
  { op = "pipe", read = "r", write = "w" },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "read", handle = "in" },
  { op = "named_pipe_open", path = "/tmp/fifo", access = "read_write", handle = "both" },
  { op = "named_pipe_accept", path = "svc", handle = "client" },
  { op = "pipe_read", handle = "m" },
  { op = "pipe_write", handle = "r", str = "x" },
  { op = "pipe_read", handle = "w" },
  { op = "pipe_write", handle = "in", str = "x" },
  { op = "memory_read", mapping = "r" },
  { op = "pipe_close", handle = "m" },
  { op = "pipe_write", handle = "r", str = "x", expect = ["success", "bad_handle"] },
  { op = "pipe_write", handle = "both", str = "x" },
  { op = "pipe_read", handle = "both" },
  { op = "pipe_write", handle = "client", str = "x" },
  { op = "pipe_read", handle = "client" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "37:32: `m` is a mapping, but `pipe_read` needs a read end",
            "38:33: `r` is a read end, but `pipe_write` needs a write end",
            "39:32: `w` is a write end, but `pipe_read` needs a read end",
            "40:33: `in` is a read end, but `pipe_write` needs a write end",
            "41:35: `r` is a read end, but `memory_read` needs a mapping",
            "42:33: `m` is a mapping, but `pipe_close` needs a pipe end",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn a_handle_made_inside_a_repeat_counts_in_the_whole_repeat_and_after_it() {
    let ops = ops(r#"  { op = "repeat", times = 2, steps = [
    { op = "repeat", times = 2, steps = [
      { op = "pipe_close", handle = "w" },
    ] },
    { op = "pipe", read = "r", write = "w" },
  ] },
  { op = "pipe_close", handle = "r" },"#);
    assert_eq!(ops.len(), 2);
}

#[test]
fn a_spawned_task_has_its_parents_pipe_ends_from_before_the_spawn_but_not_its_mappings() {
    let text = r#"[scenario]
name = "x"

[[memory]]
name = "buffer"
size = 8
holders = ["parent", "child"]

[[task]]
name = "parent"
steps = [
  { op = "memory_map", object = "buffer", mapping = "m" },
  { op = "pipe", read = "early_r", write = "early_w" },
  { op = "spawn", task = "child" },
  { op = "pipe", read = "late_r", write = "late_w" },
]

[[task]]
name = "child"
spawned = true
steps = [
  { op = "pipe_close", handle = "early_w" },
  { op = "pipe_read", handle = "early_r" },
  { op = "pipe_read", handle = "late_r" },
  { op = "memory_read", mapping = "m" },
  { op = "spawn", task = "grandchild" },
]

[[task]]
name = "grandchild"
spawned = true
steps = [
  { op = "pipe_read", handle = "early_r" },
  { op = "pipe_read", handle = "late_r", expect = "bad_handle" },
  { op = "pipe_write", handle = "early_r", str = "x" },
]
"#;
    assert_eq!(
        problems(text),
        [
            "24:32: task `child` has no handle `late_r` here: no earlier step makes it, and it does not inherit it",
            "25:35: task `child` has no handle `m` here: no earlier step makes it, and it does not inherit it",
            "35:33: `early_r` is a read end, but `pipe_write` needs a write end",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn handles_are_not_checked_where_they_cannot_be_known() {
    // A program may spawn the task and label handles of its own.
    valid(
        r#"[scenario]
name = "x"

[[task]]
name = "server"
program = "echo_server"

[[task]]
name = "child"
spawned = true
steps = [{ op = "pipe_read", handle = "r" }]
"#,
    );
    // A step whose op is misspelt may have made the handle; only the op is reported.
    assert_eq!(
        problems(&with_steps(
            r#"  { op = "memory_mapp", object = "buffer", mapping = "m" },
  { op = "memory_read", mapping = "m" },"#
        )),
        ["32:10: unknown op `memory_mapp`"]
    );
    // So may a parent's: the child is not checked either.
    assert_eq!(
        problems(
            r#"[scenario]
name = "x"

[[task]]
name = "parent"
steps = [{ op = "pipee", read = "r", write = "w" }, { op = "spawn", task = "child" }]

[[task]]
name = "child"
spawned = true
steps = [{ op = "pipe_read", handle = "r" }]
"#
        ),
        ["6:17: unknown op `pipee`"]
    );
}

#[test]
fn inheritance_follows_spawn_cycles_and_every_spawner() {
    // Two tasks spawn `c` (at run time only one can): its handles are the union. `c` and
    // `d` spawn each other, which must not loop.
    valid(
        r#"[scenario]
name = "x"

[[task]]
name = "a"
steps = [{ op = "pipe", read = "ra", write = "wa" }, { op = "spawn", task = "c" }]

[[task]]
name = "b"
steps = [{ op = "pipe", read = "rb", write = "wb" }, { op = "spawn", task = "c" }]

[[task]]
name = "c"
spawned = true
steps = [
  { op = "pipe_read", handle = "ra" },
  { op = "pipe_read", handle = "rb" },
  { op = "pipe", read = "rc", write = "wc" },
  { op = "spawn", task = "d" },
]

[[task]]
name = "d"
spawned = true
steps = [
  { op = "pipe_read", handle = "ra" },
  { op = "pipe_read", handle = "rc" },
  { op = "spawn", task = "c", expect = "invalid_argument" },
]
"#,
    );
}

// Paths.

#[test]
fn named_pipe_paths_must_be_declared_and_only_duplex_pipes_accept() {
    let text = with_steps(
        r#"  { op = "named_pipe_open", path = "/tmp/fifi", access = "read", handle = "h" },
  { op = "named_pipe_open", path = "/nowhere", access = "read", handle = "h", expect = "no_such_path" },
  { op = "named_pipe_unlink", path = "/elsewhere" },
  { op = "named_pipe_accept", path = "/tmp/fifo", handle = "h" },
  { op = "named_pipe_accept", path = "/tmp/fifo", handle = "h", expect = "invalid_value" },
  { op = "named_pipe_create", path = "/later", mode = "duplex" },
  { op = "named_pipe_accept", path = "/later", handle = "h" },
  { op = "named_pipe_create", path = "/tmp/fifo", expect = "name_exists" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "32:36: no named pipe is declared at `/tmp/fifi`",
            "34:38: no named pipe is declared at `/elsewhere`",
            "35:38: `/tmp/fifo` is a FIFO, and only a duplex named pipe accepts clients",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

// Results.

#[test]
fn every_service_result_can_be_expected() {
    let ops = ops(
        r#"  { op = "memory_read", mapping = "m", expect = ["invalid_address", "operation_timed_out", "terminated", "eof", "broken_pipe", "bad_handle", "would_block", "no_such_path"] },"#,
    );
    assert_eq!(ops.len(), 1);
    assert_eq!(
        problems(&with_steps(
            r#"  { op = "pipe", read = "r", write = "w", expect = "broken_pip" },"#
        )),
        ["32:52: unknown result `broken_pip`"]
    );
}
