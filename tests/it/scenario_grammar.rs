//! The scenario format as a generator: random scenario files written from its grammar,
//! over every op, policy, body item, fault and service section, so that each CI run
//! tries a new sample of what users can write.
//!
//! Every generated file must either parse or be refused with diagnostics that render
//! (never a panic), and a file that parses must run to the same trace, byte for byte,
//! twice under every schedule, with every event keeping the trace format's rules and
//! reading back equal from both file forms, and its names printable (a program task is
//! now and then named with a control character). Most steps say `expect = "any"`, so the
//! handle and path checks (which let a step that is meant to fail through) accept most
//! files and the runs go deep; the rest exercise the refusals.
//!
//! Runs are kept small (three script tasks of a few steps, a step limit of 3,000 and a
//! time limit of 200 ms) so the suite stays within a few seconds on CI.

use kernel::ScheduleKind;
use kernel::trace::{TraceHeader, TraceRecord, read_trace, write_binary, write_jsonl};
use proptest::collection::vec;
use proptest::prelude::{BoxedStrategy, Just, ProptestConfig, Strategy, any, prop_oneof, proptest};
use proptest::test_runner::TestCaseError;
use proptest::{prop_assert, prop_assert_eq};

/// The script tasks; `t2` is declared `spawned = true`, so the others' `spawn` steps
/// start it.
const TASKS: [&str; 3] = ["t0", "t1", "t2"];

/// Ports that `[[port]]` declares, and the other words a step's `port` may be.
const PORTS: [&str; 3] = ["p0", "p1", "p2"];

/// A placeholder for a new label: each is replaced by a label of its own when the file
/// is assembled, since labels must be unique in a file.
const NEW_LABEL: &str = "{new}";

fn word(words: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(words)
        .prop_map(str::to_owned)
        .boxed()
}

fn quoted(words: &'static [&'static str]) -> BoxedStrategy<String> {
    word(words).prop_map(|w| format!("\"{w}\"")).boxed()
}

fn port_ref() -> BoxedStrategy<String> {
    quoted(&["p0", "p1", "p2", "kernel", "notify", "set0", "m0", "s0"])
}

fn task_ref() -> BoxedStrategy<String> {
    quoted(&["t0", "t1", "t2"])
}

/// A `send`'s `on_full`: every send policy.
fn send_policy() -> BoxedStrategy<String> {
    prop_oneof![
        Just("\"block\"".to_owned()),
        Just("\"no_wait\"".to_owned()),
        Just("\"notify\"".to_owned()),
        (0..20u32).prop_map(|ms| format!("{{ timeout_ms = {ms} }}")),
        (0..20u32).prop_map(|ms| format!("{{ notify_after_ms = {ms} }}")),
    ]
    .boxed()
}

/// A receive's or semaphore wait's `on_empty`.
fn wait_policy() -> BoxedStrategy<String> {
    prop_oneof![
        Just("\"block\"".to_owned()),
        Just("\"no_wait\"".to_owned()),
        (0..20u32).prop_map(|ms| format!("{{ timeout_ms = {ms} }}")),
    ]
    .boxed()
}

/// A pipe's `on_full` or `on_empty`.
fn pipe_policy() -> BoxedStrategy<String> {
    quoted(&["block", "no_wait"])
}

fn disposition() -> BoxedStrategy<String> {
    quoted(&[
        "move_receive",
        "move_send",
        "move_send_once",
        "copy_send",
        "make_send",
        "make_send_once",
    ])
}

/// One body item of every type.
fn body_item() -> BoxedStrategy<String> {
    prop_oneof![
        any::<u8>().prop_map(|v| format!("{{ u8 = {v} }}")),
        any::<u16>().prop_map(|v| format!("{{ u16 = {v} }}")),
        any::<u32>().prop_map(|v| format!("{{ u32 = {v} }}")),
        any::<u64>().prop_map(|v| format!("{{ u64 = {v} }}")),
        any::<i8>().prop_map(|v| format!("{{ i8 = {v} }}")),
        any::<i16>().prop_map(|v| format!("{{ i16 = {v} }}")),
        any::<i32>().prop_map(|v| format!("{{ i32 = {v} }}")),
        any::<i64>().prop_map(|v| format!("{{ i64 = {v} }}")),
        any::<bool>().prop_map(|v| format!("{{ bool = {v} }}")),
        (-1000..1000i32).prop_map(|v| format!("{{ f64 = {}.5 }}", v)),
        "[a-z ]{0,8}".prop_map(|v| format!("{{ str = \"{v}\" }}")),
        "([0-9a-f]{2}){0,4}".prop_map(|v| format!("{{ bytes = \"{v}\" }}")),
        (0..64u32).prop_map(|v| format!("{{ fill = {v} }}")),
        (0..8192u32).prop_map(|v| format!("{{ ool = {v} }}")),
        (port_ref(), disposition())
            .prop_map(|(p, d)| format!("{{ port = {p}, disposition = {d} }}")),
    ]
    .boxed()
}

/// `, expect = ...` or nothing: mostly `"any"`, so the file passes the checks that a
/// step meant to fail may skip.
fn expect() -> BoxedStrategy<String> {
    prop_oneof![
        12 => Just(", expect = \"any\"".to_owned()),
        1 => Just(String::new()),
        1 => quoted(&["success", "invalid_name", "send_invalid_dest", "bad_handle", "would_block"])
            .prop_map(|r| format!(", expect = {r}")),
        1 => Just(", expect = [\"success\", \"rcv_timed_out\"]".to_owned()),
    ]
    .boxed()
}

/// The ports' ops, one step each (without `expect`).
fn port_op() -> BoxedStrategy<String> {
    prop_oneof![
        (
            prop_oneof![port_ref(), Just("\"@reply\"".to_owned())],
            -5..20i32,
            vec(body_item(), 0..4),
            send_policy(),
            proptest::option::of((port_ref(), disposition())),
            proptest::option::of(quoted(&["copy_send", "make_send", "make_send_once"])),
        )
            .prop_map(|(port, id, body, policy, reply, right)| {
                let mut step = format!(
                    "op = \"send\", port = {port}, id = {id}, body = [{}], on_full = {policy}",
                    body.join(", ")
                );
                if let Some((reply, reply_right)) = reply {
                    step += &format!(", reply = {reply}, reply_right = {reply_right}");
                }
                if let Some(right) = right {
                    step += &format!(", right = {right}");
                }
                step
            }),
        (task_ref(), send_policy())
            .prop_map(|(task, policy)| format!("op = \"send\", task = {task}, on_full = {policy}")),
        (port_ref(), wait_policy(), proptest::option::of(24..200u32), any::<bool>()).prop_map(
            |(port, policy, max, large)| {
                let mut step = format!("op = \"receive\", port = {port}, on_empty = {policy}");
                if let Some(max) = max {
                    step += &format!(", max_bytes = {max}, large = {large}");
                }
                step
            }
        ),
        (prop_oneof![task_ref(), Just("\"any\"".to_owned())], wait_policy())
            .prop_map(|(from, policy)| format!("op = \"receive\", from = {from}, on_empty = {policy}")),
        prop_oneof![
            (0..4u32).prop_map(|c| c.to_string()),
            Just("\"unbounded\"".to_owned())
        ]
        .prop_map(|capacity| format!("op = \"allocate\", port = \"{NEW_LABEL}\", capacity = {capacity}")),
        port_ref().prop_map(|port| format!("op = \"make_send\", port = {port}")),
        port_ref().prop_map(|port| format!("op = \"deallocate\", port = {port}")),
        port_ref().prop_map(|port| format!("op = \"destroy\", port = {port}")),
        (port_ref(), 0..2000u32)
            .prop_map(|(port, c)| format!("op = \"set_capacity\", port = {port}, capacity = {c}")),
        (port_ref(), quoted(&["dead_name", "no_senders", "port_destroyed"]), port_ref(), 0..3u32)
            .prop_map(|(port, kind, notify, sync)| format!(
                "op = \"request_notification\", port = {port}, kind = {kind}, notify = {notify}, sync = {sync}"
            )),
        (port_ref(), quoted(&["add_to_set", "remove_from_set"]))
            .prop_map(|(port, op)| format!("op = {op}, port = {port}, set = \"set0\"")),
        (port_ref(), quoted(&["receive", "send", "send_once", "dead_name", "receive+send", "none"]))
            .prop_map(|(port, is)| format!("op = \"expect_right\", port = {port}, is = {is}")),
        (0..5u32).prop_map(|ms| format!("op = \"sleep\", ms = {ms}")),
        Just("op = \"spawn\", task = \"t2\"".to_owned()),
        (-2..3i32).prop_map(|code| format!("op = \"exit\", code = {code}")),
        Just("op = \"crash\", reason = \"generated\"".to_owned()),
    ]
    .boxed()
}

/// The services' ops, one step each (without `expect`).
fn service_op() -> BoxedStrategy<String> {
    let mapping = || quoted(&["mp", "r", "h"]);
    let end = || quoted(&["r", "w", "h", "mp"]);
    let width = || quoted(&["u8", "u16", "u32", "u64"]);
    let path = || quoted(&["/np/fifo", "/np/duplex", "/np/made"]);
    // Mostly a label of the right kind; now and then one of another kind.
    let semaphore = || prop_oneof![9 => Just("\"s0\"".to_owned()), 1 => quoted(&["m0", "p0"])];
    let object = || prop_oneof![9 => Just("\"m0\"".to_owned()), 1 => quoted(&["s0", "p0"])];
    prop_oneof![
        (0..4096u32).prop_map(|size| format!("op = \"memory_create\", object = \"{NEW_LABEL}\", size = {size}")),
        (0..2u32).prop_map(|item| format!("op = \"memory_from_ool\", object = \"{NEW_LABEL}\", item = {item}")),
        object().prop_map(|object| format!("op = \"memory_map\", object = {object}, mapping = \"mp\"")),
        (mapping(), 0..80u32, width())
            .prop_map(|(m, offset, w)| format!("op = \"memory_read\", mapping = {m}, offset = {offset}, width = {w}")),
        (mapping(), 0..80u32, 0..256u64)
            .prop_map(|(m, offset, v)| format!("op = \"memory_write\", mapping = {m}, offset = {offset}, width = \"u8\", value = {v}")),
        mapping().prop_map(|m| format!("op = \"memory_unmap\", mapping = {m}")),
        (0..3u32).prop_map(|value| format!("op = \"semaphore_create\", semaphore = \"{NEW_LABEL}\", value = {value}")),
        (semaphore(), wait_policy())
            .prop_map(|(s, policy)| format!("op = \"semaphore_wait\", semaphore = {s}, on_empty = {policy}")),
        semaphore().prop_map(|s| format!("op = \"semaphore_signal\", semaphore = {s}")),
        semaphore().prop_map(|s| format!("op = \"semaphore_destroy\", semaphore = {s}")),
        (0..300u32).prop_map(|c| format!("op = \"pipe\", read = \"r\", write = \"w\", capacity = {c}")),
        (end(), pipe_policy(), prop_oneof![
            "[a-z]{0,12}".prop_map(|s| format!("str = \"{s}\"")),
            "([0-9a-f]{2}){0,3}".prop_map(|b| format!("bytes = \"{b}\"")),
            (0..600u32).prop_map(|n| format!("fill = {n}")),
        ])
            .prop_map(|(h, policy, data)| format!("op = \"pipe_write\", handle = {h}, {data}, on_full = {policy}")),
        (end(), pipe_policy(), 1..64u32)
            .prop_map(|(h, policy, max)| format!("op = \"pipe_read\", handle = {h}, max = {max}, on_empty = {policy}")),
        end().prop_map(|h| format!("op = \"pipe_close\", handle = {h}")),
        (quoted(&["fifo", "duplex"]), 0..300u32)
            .prop_map(|(mode, c)| format!("op = \"named_pipe_create\", path = \"/np/made\", mode = {mode}, capacity = {c}")),
        (path(), quoted(&["read", "write", "read_write"]), any::<bool>())
            .prop_map(|(p, access, no_wait)| format!(
                "op = \"named_pipe_open\", path = {p}, access = {access}, handle = \"h\", no_wait = {no_wait}"
            )),
        (path(), any::<bool>())
            .prop_map(|(p, no_wait)| format!("op = \"named_pipe_accept\", path = {p}, handle = \"h\", no_wait = {no_wait}")),
        path().prop_map(|p| format!("op = \"named_pipe_unlink\", path = {p}")),
    ]
    .boxed()
}

/// One step, as an inline table: an op with its `expect`, or (while `depth` allows) a
/// `repeat` of steps.
fn step(depth: u32) -> BoxedStrategy<String> {
    let leaf = (prop_oneof![port_op(), service_op()], expect())
        .prop_map(|(op, expect)| format!("{{ {op}{expect} }}"))
        .boxed();
    if depth == 0 {
        return leaf;
    }
    prop_oneof![
        8 => leaf,
        1 => (0..4u32, vec(step(depth - 1), 1..4)).prop_map(|(times, steps)| format!(
            "{{ op = \"repeat\", times = {times}, steps = [{}] }}",
            steps.join(", ")
        )),
    ]
    .boxed()
}

/// A `[[fault]]`: a kill or a destroy.
fn fault() -> BoxedStrategy<String> {
    prop_oneof![
        (0..30u32, task_ref()).prop_map(|(at, t)| format!("[[fault]]\nat_ms = {at}\nkill = {t}\n")),
        (0..30u32, quoted(&PORTS))
            .prop_map(|(at, p)| format!("[[fault]]\nat_ms = {at}\ndestroy = {p}\n")),
    ]
    .boxed()
}

/// A whole file: the `[scenario]` table, three ports (the first two in a set), a memory
/// object, a semaphore, a FIFO and a duplex named pipe, the script tasks, perhaps a
/// program task, faults, and perhaps an `[expect]`.
fn scenario_file() -> impl Strategy<Value = String> {
    (
        (0..100u64, quoted(&["round_robin", "random", "pct"])),
        (vec(0..TASKS.len(), PORTS.len()), vec(0..4u32, PORTS.len())),
        vec(vec(step(2), 0..7), TASKS.len()),
        proptest::option::of((
            quoted(&["echo_server", "consumer", "pipe_reader", "shm_consumer"]),
            // Now and then a name with a control character, which must be refused.
            prop_oneof![
                9 => Just("prog"),
                1 => proptest::sample::select(&["prog\\u0000", "pr\\tog", "prog\\u001b[0m"][..]),
            ],
        )),
        vec(fault(), 0..3),
        proptest::option::of(quoted(&["completed", "deadlock", "time_limit", "step_limit"])),
    )
        .prop_map(|((seed, schedule), (receivers, capacities), scripts, program, faults, outcome)| {
            let mut file = format!(
                "[scenario]\nname = \"grammar\"\nseed = {seed}\nschedule = {schedule}\ntime_limit_ms = 200\nstep_limit = 3000\n\n"
            );
            for (i, port) in PORTS.iter().enumerate() {
                let senders: Vec<String> = TASKS
                    .iter()
                    .filter(|t| **t != TASKS[receivers[i]])
                    .map(|t| format!("\"{t}\""))
                    .collect();
                file += &format!(
                    "[[port]]\nname = \"{port}\"\nreceiver = \"{}\"\ncapacity = {}\nsenders = [{}]\n\n",
                    TASKS[receivers[i]],
                    capacities[i],
                    senders.join(", ")
                );
            }
            let members: Vec<String> = PORTS
                .iter()
                .enumerate()
                .filter(|(i, _)| receivers[*i] == 0)
                .map(|(_, p)| format!("\"{p}\""))
                .collect();
            file += &format!(
                "[[port_set]]\nname = \"set0\"\nreceiver = \"t0\"\nmembers = [{}]\n\n",
                members.join(", ")
            );
            file += "[[memory]]\nname = \"m0\"\nsize = 64\nholders = [\"t0\", \"t1\", \"t2\"]\n\n";
            file += "[[semaphore]]\nname = \"s0\"\nvalue = 1\nholders = [\"t0\", \"t1\", \"t2\"]\n\n";
            file += "[[named_pipe]]\npath = \"/np/fifo\"\n\n";
            file += "[[named_pipe]]\npath = \"/np/duplex\"\nmode = \"duplex\"\ncapacity = 64\n\n";
            for (task, steps) in TASKS.iter().zip(&scripts) {
                let spawned = if *task == "t2" { "spawned = true\n" } else { "" };
                file += &format!(
                    "[[task]]\nname = \"{task}\"\n{spawned}steps = [\n  {}\n]\n\n",
                    steps.join(",\n  ")
                );
            }
            if let Some((program, name)) = program {
                file += &format!("[[task]]\nname = \"{name}\"\nprogram = {program}\n\n");
            }
            for fault in faults {
                file += &fault;
                file += "\n";
            }
            if let Some(outcome) = outcome {
                file += &format!("[expect]\noutcome = {outcome}\n");
            }
            let mut labelled = String::with_capacity(file.len());
            for (i, piece) in file.split(NEW_LABEL).enumerate() {
                if i > 0 {
                    labelled += &format!("made{i}");
                }
                labelled += piece;
            }
            labelled
        })
}

/// The header and events of one run of a valid file under `schedule`.
fn run_once(
    scenario: &scenario::model::Scenario,
    schedule: ScheduleKind,
) -> Result<(TraceHeader, Vec<TraceRecord>), String> {
    let registry = tasks::Registry::stock();
    let resolver = scenario::program_args::resolver(&registry);
    let overrides = scenario::run::Overrides {
        seed: None,
        schedule: Some(schedule),
    };
    let prepared =
        scenario::run::prepare(scenario, &resolver, &overrides).map_err(|e| e.to_string())?;
    let result = scenario::run::execute(scenario, prepared);
    Ok((result.header, result.trace))
}

fn jsonl(header: &TraceHeader, records: &[TraceRecord]) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_jsonl(&mut bytes, header, records).expect("writing to memory");
    bytes
}

/// What every generated file must do: parse or be refused with diagnostics; when it
/// parses, run to identical traces twice under every schedule, each event keeping the
/// format's rules and both file forms reading back the same records.
fn check(text: &str) -> Result<bool, TestCaseError> {
    let registry = tasks::Registry::stock();
    let (scenario, diagnostics) =
        scenario::syntax::parse("grammar.toml", text.as_bytes(), &registry);
    let Some(scenario) = scenario else {
        prop_assert!(!diagnostics.is_empty(), "refused without a diagnostic");
        let rendered = scenario::diagnostic::render(&diagnostics, text, false);
        prop_assert!(!rendered.is_empty());
        return Ok(false);
    };
    prop_assert!(diagnostics.is_empty());
    // Names are printed and compared as written: a valid file's are printable.
    let names = scenario.tasks.iter().map(|t| &t.name);
    for name in names.chain(scenario.ports.iter().map(|p| &p.label)) {
        prop_assert!(
            !name.chars().any(char::is_control),
            "{:?} was accepted",
            name
        );
    }
    for schedule in [
        ScheduleKind::RoundRobin,
        ScheduleKind::Random,
        ScheduleKind::Pct { depth: 3 },
    ] {
        // A `destroy` fault of a label no port has yet is found when the run starts.
        let Ok((header, first)) = run_once(&scenario, schedule) else {
            return Ok(false);
        };
        let (_, second) = run_once(&scenario, schedule).map_err(TestCaseError::fail)?;
        let bytes = jsonl(&header, &first);
        prop_assert_eq!(
            &bytes,
            &jsonl(&header, &second),
            "{:?}: two runs differ",
            schedule
        );
        for record in &first {
            prop_assert!(
                record.event.validate().is_ok(),
                "{:?} breaks a rule",
                record
            );
        }
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &first).expect("writing to memory");
        let from_jsonl = read_trace(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let from_binary = read_trace(&binary).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(from_jsonl.records == first && from_binary.records == first);
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_generated_scenario_is_refused_with_diagnostics_or_runs_the_same_twice_under_every_schedule(
        text in scenario_file()
    ) {
        check(&text)?;
    }
}

/// The generator must produce files that run, or the property above would hold by
/// refusing everything; and it must reach every op.
#[test]
fn most_generated_scenarios_are_valid_and_every_op_appears() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut valid = 0;
    let mut seen = String::new();
    for _ in 0..40 {
        let text = scenario_file()
            .new_tree(&mut runner)
            .expect("a file")
            .current();
        let (scenario, _) =
            scenario::syntax::parse("grammar.toml", text.as_bytes(), &tasks::Registry::stock());
        valid += usize::from(scenario.is_some());
        seen += &text;
    }
    assert!(valid >= 20, "only {valid} of 40 generated files are valid");
    use scenario::model::{OpKind, Word};
    for (op, _) in OpKind::WORDS {
        assert!(
            seen.contains(&format!("op = \"{op}\"")),
            "{op} is never generated"
        );
    }
}
