//! Tests of the scenario parser: a valid file's model, and each validation rule's diagnostic
//! at its line and column.

use std::collections::BTreeMap;

use bytes::Bytes;
use kernel::{
    Disposition, Item, NotificationKind, QueueLimit, ReceivePolicy, ReturnCode, RightKind,
    RightSet, ScheduleKind, SendPolicy,
};
use tasks::{ArgValue, Args};

use crate::diagnostic::{Diagnostic, LineIndex, render};
use crate::model::{
    BodyItem, DEFAULT_STEP_LIMIT, DEFAULT_TIME_LIMIT_MS, ExitExpectation, ExpectedResult,
    FaultAction, ItemKind, Located, Op, OpKind, Outcome, PortRef, ReceiveOp, ReceiveSource,
    Scenario, SendOp, SendTarget, SetMember, Step, TaskBody, Word,
};

use super::{parse, test_programs};

/// Parses text that must be valid.
fn valid(text: &str) -> Scenario {
    let (scenario, diagnostics) = parse("test.toml", text.as_bytes(), &test_programs());
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render(&diagnostics, text, false)
    );
    scenario.expect("no diagnostics means a scenario")
}

/// The diagnostics of invalid bytes, checking that no scenario came with them.
fn problems_in_bytes(source: &[u8]) -> Vec<Diagnostic> {
    let (scenario, diagnostics) = parse("test.toml", source, &test_programs());
    assert!(scenario.is_none(), "a file with problems gave a scenario");
    assert!(!diagnostics.is_empty(), "no scenario and no diagnostic");
    diagnostics
}

/// `line:column: message` of each diagnostic of invalid text.
fn problems(text: &str) -> Vec<String> {
    problems_in_bytes(text.as_bytes())
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
        .collect()
}

/// The colorless rendering of invalid text's diagnostics, for snapshots.
fn rendered(text: &str) -> String {
    render(&problems_in_bytes(text.as_bytes()), text, false)
}

/// A valid file with one task whose steps are `steps` (inline TOML), and the usual ports.
fn with_steps(steps: &str) -> String {
    format!(
        r#"[scenario]
name = "t"

[[port]]
name = "requests"
receiver = "server"
senders = ["client"]

[[port_set]]
name = "inbox"
receiver = "server"
members = ["requests"]

[[task]]
name = "server"
steps = []

[[task]]
name = "client"
steps = [
{steps}
]
"#
    )
}

/// The steps of the task `client` in [`with_steps`].
fn client_steps(scenario: &Scenario) -> &[Step] {
    match &scenario.task("client").expect("client is declared").body {
        TaskBody::Steps(steps) => steps,
        TaskBody::Program { .. } => panic!("client has steps"),
    }
}

/// The op of the only step of `client`.
fn only_op(steps: &str) -> Op {
    let scenario = valid(&with_steps(steps));
    let steps = client_steps(&scenario);
    assert_eq!(steps.len(), 1);
    steps[0].op.clone()
}

// A valid file and its model.

#[test]
fn a_fully_featured_scenario_parses_into_the_expected_model() {
    let text = include_str!("testdata/everything.toml");
    let (scenario, diagnostics) = parse("everything.toml", text.as_bytes(), &test_programs());
    assert_eq!(diagnostics, []);
    let scenario = scenario.expect("the file is valid");

    assert_eq!(scenario.source_name, "everything.toml");
    assert_eq!(scenario.name, "everything");
    assert_eq!(
        scenario.description.as_deref(),
        Some("a server, a client, a helper, a program and two faults")
    );
    assert_eq!(scenario.seed, 7);
    assert_eq!(scenario.schedule, ScheduleKind::Pct { depth: 3 });
    assert_eq!(scenario.time_limit_ms, 5000);
    assert_eq!(scenario.step_limit, 10000);

    let ports: Vec<(&str, &str, QueueLimit, Vec<&str>, u32)> = scenario
        .ports
        .iter()
        .map(|port| {
            let senders = port.senders.iter().map(String::as_str).collect();
            (
                port.label.as_str(),
                port.receiver.as_str(),
                port.queue_limit,
                senders,
                port.line,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            (
                "requests",
                "server",
                QueueLimit::Bounded(2),
                vec!["client", "helper"],
                11
            ),
            ("admin", "server", QueueLimit::Unbounded, vec![], 17),
            ("log", "helper", QueueLimit::DEFAULT, vec![], 22)
        ]
    );
    let set = &scenario.port_sets[0];
    assert_eq!(
        (set.label.as_str(), set.receiver.as_str()),
        ("inbox", "server")
    );
    assert_eq!(
        set.members,
        [
            SetMember::Label("requests".into()),
            SetMember::Label("admin".into()),
            SetMember::Notify
        ]
    );

    let names: Vec<(&str, u64, bool)> = scenario
        .tasks
        .iter()
        .map(|task| (task.name.as_str(), task.start_ms, task.spawned))
        .collect();
    assert_eq!(
        names,
        [
            ("server", 1, false),
            ("client", 0, false),
            ("helper", 0, false),
            ("child", 0, true),
            ("echo", 0, false)
        ]
    );

    let server = match &scenario.tasks[0].body {
        TaskBody::Steps(steps) => steps,
        TaskBody::Program { .. } => panic!("the server has steps"),
    };
    assert_eq!(server.len(), 8);
    assert_eq!(
        server[0].op,
        Op::Receive(ReceiveOp {
            source: ReceiveSource::Port(PortRef::Label("inbox".into())),
            on_empty: ReceivePolicy::Timeout(100),
            max_bytes: Some(128),
            large: true,
            expect_id: Some(9),
            expect_body: Some(vec![
                BodyItem::Value(Item::U32(7)),
                BodyItem::Port {
                    port: PortRef::Label("reply".into()),
                    disposition: None
                },
                BodyItem::Fill(16),
            ]),
            expect_notification: None,
        })
    );
    assert_eq!((server[0].line, server[0].column), (35, 3));
    assert_eq!(
        server[1].op,
        Op::Send(SendOp {
            target: SendTarget::Reply,
            id: -3,
            body: vec![BodyItem::Value(Item::Str("ok".into()))],
            reply: None,
            reply_right: Disposition::MakeSendOnce,
            right: None,
            on_full: SendPolicy::NoWait,
        })
    );
    assert_eq!(
        server[2].expect,
        ExpectedResult::AnyOf(vec![ReturnCode::RcvTimedOut, ReturnCode::Success])
    );
    assert!(matches!(
        &server[2].op,
        Op::Receive(ReceiveOp {
            source: ReceiveSource::Port(PortRef::Notify),
            on_empty: ReceivePolicy::NoWait,
            expect_notification: Some(NotificationKind::DeadName),
            ..
        })
    ));
    assert_eq!(
        server[3].op,
        Op::SetQueueLimit {
            port: PortRef::Label("requests".into()),
            queue_limit: QueueLimit::Bounded(2000)
        }
    );
    assert_eq!(
        server[3].expect,
        ExpectedResult::One(ReturnCode::InvalidValue)
    );
    assert_eq!(
        server[4].op,
        Op::RemoveFromSet {
            port: PortRef::Label("admin".into()),
            set: "inbox".into()
        }
    );
    assert_eq!(
        server[5].op,
        Op::AddToSet {
            port: PortRef::Label("admin".into()),
            set: "inbox".into()
        }
    );
    assert!(matches!(
        &server[6].op,
        Op::Receive(ReceiveOp {
            source: ReceiveSource::AnyTask,
            on_empty: ReceivePolicy::Block,
            ..
        })
    ));
    assert_eq!(server[7].op, Op::Exit { code: 3 });

    let client = match &scenario.tasks[1].body {
        TaskBody::Steps(steps) => steps,
        TaskBody::Program { .. } => panic!("the client has steps"),
    };
    let kinds: Vec<OpKind> = client.iter().map(|step| step.op.kind()).collect();
    assert_eq!(
        kinds,
        [
            OpKind::Allocate,
            OpKind::Send,
            OpKind::RequestNotification,
            OpKind::Repeat,
            OpKind::ExpectRight,
            OpKind::MakeSend,
            OpKind::Deallocate,
            OpKind::Destroy,
            OpKind::Spawn,
            OpKind::Crash
        ]
    );
    assert_eq!(
        client[0].op,
        Op::Allocate {
            port: "reply".into(),
            queue_limit: QueueLimit::Bounded(0)
        }
    );
    assert_eq!((client[0].line, client[0].column), (49, 1));
    let Op::Send(send) = &client[1].op else {
        panic!("the second step sends");
    };
    assert_eq!(
        send.target,
        SendTarget::Port(PortRef::Label("requests".into()))
    );
    assert_eq!(send.id, 9);
    assert_eq!(send.reply, Some(PortRef::Label("reply".into())));
    assert_eq!(send.reply_right, Disposition::MakeSend);
    assert_eq!(send.right, Some(Disposition::CopySend));
    assert_eq!(send.on_full, SendPolicy::NotifyAfter(25));
    assert_eq!(
        send.body,
        [
            BodyItem::Value(Item::U8(255)),
            BodyItem::Value(Item::U16(65535)),
            BodyItem::Value(Item::U32(7)),
            BodyItem::Value(Item::U64(u64::MAX)),
            BodyItem::Value(Item::I8(-128)),
            BodyItem::Value(Item::I16(-32768)),
            BodyItem::Value(Item::I32(-1)),
            BodyItem::Value(Item::I64(i64::MIN)),
            BodyItem::Value(Item::Bool(true)),
            BodyItem::Value(Item::F64(1.5)),
            BodyItem::Value(Item::Str("héllo".into())),
            BodyItem::Value(Item::Bytes(Bytes::from_static(&[0x0a, 0x1b]))),
            BodyItem::Fill(16),
            BodyItem::Ool(65536),
            BodyItem::Port {
                port: PortRef::Label("reply".into()),
                disposition: Disposition::MakeSend
            },
        ]
    );
    let items: Vec<ItemKind> = send.body.iter().map(BodyItem::kind).collect();
    let every_kind: Vec<ItemKind> = ItemKind::WORDS.iter().map(|(_, kind)| *kind).collect();
    assert_eq!(items, every_kind);
    assert_eq!(
        client[2].op,
        Op::RequestNotification {
            port: PortRef::Label("requests".into()),
            kind: NotificationKind::DeadName,
            notify: PortRef::Label("reply".into()),
            sync: 1
        }
    );
    let Op::Repeat { times: 2, steps } = &client[3].op else {
        panic!("the fourth step repeats twice");
    };
    assert_eq!(
        steps[0].op,
        Op::Send(SendOp {
            target: SendTarget::Task("helper".into()),
            id: 0,
            body: vec![],
            reply: None,
            reply_right: Disposition::MakeSendOnce,
            right: None,
            on_full: SendPolicy::Notify,
        })
    );
    assert_eq!(steps[0].expect, ExpectedResult::Any);
    assert!(matches!(
        &steps[1].op,
        Op::Send(SendOp {
            on_full: SendPolicy::Timeout(5),
            ..
        })
    ));
    assert_eq!(
        steps[2].op,
        Op::Repeat {
            times: 1,
            steps: vec![Step {
                op: Op::Sleep { ms: 10 },
                expect: ExpectedResult::Success,
                line: 82,
                column: 40
            }]
        }
    );
    assert_eq!(
        client[4].op,
        Op::ExpectRight {
            port: PortRef::Label("requests".into()),
            is: RightSet::of(RightKind::Send),
            urefs: Some(1)
        }
    );
    assert_eq!(
        client[8].op,
        Op::Spawn {
            task: "child".into()
        }
    );
    assert_eq!(
        client[9].op,
        Op::Crash {
            reason: Some("done".into())
        }
    );

    let helper = match &scenario.tasks[2].body {
        TaskBody::Steps(steps) => steps,
        TaskBody::Program { .. } => panic!("the helper has steps"),
    };
    assert!(matches!(
        &helper[0].op,
        Op::Receive(ReceiveOp { source: ReceiveSource::Task(from), .. }) if from == "client"
    ));
    assert_eq!(
        helper[1].op,
        Op::ExpectRight {
            port: PortRef::Kernel,
            is: RightSet::of(RightKind::Receive).with(RightKind::Send),
            urefs: None
        }
    );
    assert_eq!(scenario.tasks[3].body, TaskBody::Steps(vec![]));

    let TaskBody::Program { name, args } = &scenario.tasks[4].body else {
        panic!("echo is a program");
    };
    assert_eq!(name, "echo_server");
    let expected_args = Args::new()
        .with("port", "log")
        .with("limit", 3)
        .with("ratio", 0.5)
        .with(
            "tags",
            ArgValue::List(vec![ArgValue::Str("a".into()), ArgValue::Str("b".into())]),
        )
        .with("nested", ArgValue::Table(Args::new().with("on", true)));
    assert_eq!(args, &expected_args);

    let faults: Vec<(u64, &FaultAction, u32)> = scenario
        .faults
        .iter()
        .map(|fault| (fault.at_ms, &fault.action, fault.line))
        .collect();
    assert_eq!(
        faults,
        [
            (50, &FaultAction::Kill("helper".into()), 128),
            (60, &FaultAction::Destroy("log".into()), 132)
        ]
    );

    let expect = &scenario.expect;
    assert_eq!(expect.outcome, Outcome::Deadlock);
    assert_eq!(expect.outcome_line, Some(137));
    let at = |value, column| Located {
        value,
        line: 138,
        column,
    };
    assert_eq!(
        expect.delivered,
        BTreeMap::from([
            ("requests".to_owned(), at(3, 15)),
            ("admin".to_owned(), at(0, 29))
        ])
    );
    assert_eq!(expect.queued["log"].value, 0);
    let exits: Vec<(&str, ExitExpectation)> = expect
        .exit
        .iter()
        .map(|(task, exit)| (task.as_str(), exit.value))
        .collect();
    assert_eq!(
        exits,
        [
            ("client", ExitExpectation::Crashed),
            ("helper", ExitExpectation::Killed),
            ("server", ExitExpectation::Code(3))
        ]
    );
    assert_eq!(
        expect.notifications["client"].value,
        [NotificationKind::MsgAccepted, NotificationKind::SendOnce]
    );
    assert_eq!(expect.notifications["client"].line, 141);
    assert_eq!(expect.notifications["server"].value, []);
}

#[test]
fn keys_left_out_take_the_defaults_of_the_spec() {
    let scenario = valid(
        r#"
[scenario]
name = "defaults"

[[port]]
name = "requests"
receiver = "server"

[[task]]
name = "server"
steps = [
  { op = "send", port = "requests" },
  { op = "receive", port = "requests" },
  { op = "allocate", port = "reply" },
  { op = "request_notification", port = "reply", kind = "no_senders" },
  { op = "exit" },
  { op = "crash" },
]
"#,
    );
    assert_eq!(scenario.seed, 0);
    assert_eq!(scenario.description, None);
    assert_eq!(scenario.schedule, ScheduleKind::RoundRobin);
    assert_eq!(scenario.time_limit_ms, DEFAULT_TIME_LIMIT_MS);
    assert_eq!(scenario.step_limit, DEFAULT_STEP_LIMIT);
    assert_eq!(scenario.ports[0].queue_limit, QueueLimit::Bounded(5));
    assert_eq!(scenario.ports[0].senders, Vec::<String>::new());
    assert_eq!(scenario.port_sets, []);
    assert_eq!(scenario.faults, []);
    assert_eq!(scenario.expect, Default::default());
    assert_eq!(scenario.expect.outcome, Outcome::Completed);
    let task = &scenario.tasks[0];
    assert_eq!((task.start_ms, task.spawned), (0, false));
    let TaskBody::Steps(steps) = &task.body else {
        panic!("the server has steps");
    };
    assert!(
        steps
            .iter()
            .all(|step| step.expect == ExpectedResult::Success)
    );
    assert_eq!(
        steps[0].op,
        Op::Send(SendOp {
            target: SendTarget::Port(PortRef::Label("requests".into())),
            id: 0,
            body: vec![],
            reply: None,
            reply_right: Disposition::MakeSendOnce,
            right: None,
            on_full: SendPolicy::Block,
        })
    );
    assert_eq!(
        steps[1].op,
        Op::Receive(ReceiveOp {
            source: ReceiveSource::Port(PortRef::Label("requests".into())),
            on_empty: ReceivePolicy::Block,
            max_bytes: None,
            large: false,
            expect_id: None,
            expect_body: None,
            expect_notification: None,
        })
    );
    assert_eq!(
        steps[2].op,
        Op::Allocate {
            port: "reply".into(),
            queue_limit: QueueLimit::DEFAULT
        }
    );
    assert_eq!(
        steps[3].op,
        Op::RequestNotification {
            port: PortRef::Label("reply".into()),
            kind: NotificationKind::NoSenders,
            notify: PortRef::Notify,
            sync: 0
        }
    );
    assert_eq!(steps[4].op, Op::Exit { code: 0 });
    assert_eq!(steps[5].op, Op::Crash { reason: None });
}

#[test]
fn both_toml_spellings_of_a_step_list_give_the_same_steps() {
    let inline = valid(
        r#"
[scenario]
name = "x"
[[task]]
name = "t"
steps = [
  { op = "allocate", port = "p", capacity = 1 },
  { op = "send", port = "p", body = [{ u8 = 1 }], expect = "any" },
]
"#,
    );
    let blocks = valid(
        r#"
[scenario]
name = "x"
[[task]]
name = "t"
[[task.steps]]
op = "allocate"
port = "p"
capacity = 1
[[task.steps]]
op = "send"
port = "p"
body = [{ u8 = 1 }]
expect = "any"
"#,
    );
    let ops = |scenario: &Scenario| match &scenario.tasks[0].body {
        TaskBody::Steps(steps) => steps
            .iter()
            .map(|step| (step.op.clone(), step.expect.clone()))
            .collect::<Vec<_>>(),
        TaskBody::Program { .. } => Vec::new(),
    };
    assert_eq!(ops(&inline), ops(&blocks));
    assert_eq!(ops(&inline).len(), 2);
}

#[test]
fn steps_record_their_line_and_column_in_characters() {
    let scenario = valid(&with_steps(
        "  { op = \"sleep\", ms = 1 },\n  { op = \"crash\", reason = \"é\" }, { op = \"exit\" },",
    ));
    let positions: Vec<(u32, u32)> = client_steps(&scenario)
        .iter()
        .map(|step| (step.line, step.column))
        .collect();
    // "é" is two bytes but one column.
    assert_eq!(positions, [(21, 3), (22, 3), (22, 35)]);
}

#[test]
fn direct_naming_sends_to_a_task_and_receives_from_one_or_any() {
    assert!(matches!(
        only_op(r#"{ op = "send", task = "server" }"#),
        Op::Send(SendOp { target: SendTarget::Task(task), .. }) if task == "server"
    ));
    assert!(matches!(
        only_op(r#"{ op = "receive", from = "server" }"#),
        Op::Receive(ReceiveOp { source: ReceiveSource::Task(task), .. }) if task == "server"
    ));
    assert!(matches!(
        only_op(r#"{ op = "receive", from = "any" }"#),
        Op::Receive(ReceiveOp {
            source: ReceiveSource::AnyTask,
            ..
        })
    ));
}

#[test]
fn each_task_may_name_its_own_kernel_and_notify_ports() {
    assert_eq!(
        only_op(r#"{ op = "make_send", port = "notify" }"#),
        Op::MakeSend {
            port: PortRef::Notify
        }
    );
    assert!(matches!(
        only_op(r#"{ op = "send", port = "kernel", body = [{ port = "notify", disposition = "make_send" }] }"#),
        Op::Send(SendOp { target: SendTarget::Port(PortRef::Kernel), body, .. })
            if body == [BodyItem::Port { port: PortRef::Notify, disposition: Disposition::MakeSend }]
    ));
}

#[test]
fn a_label_may_be_used_before_the_step_that_allocates_it() {
    let scenario = valid(
        r#"
[scenario]
name = "x"
[[task]]
name = "user"
steps = [{ op = "receive", port = "late" }]
[[task]]
name = "maker"
steps = [{ op = "allocate", port = "late" }]
"#,
    );
    assert_eq!(scenario.tasks.len(), 2);
}

#[test]
fn floats_accept_integers_infinities_and_nan() {
    let Op::Send(send) = only_op(
        r#"{ op = "send", port = "requests", body = [{ f64 = 2 }, { f64 = -inf }, { f64 = +inf }, { f64 = nan }, { f64 = -nan }] }"#,
    ) else {
        panic!("a send");
    };
    let floats: Vec<f64> = send
        .body
        .iter()
        .map(|item| match item {
            BodyItem::Value(Item::F64(number)) => *number,
            _ => panic!("f64 items"),
        })
        .collect();
    assert_eq!(floats[..3], [2.0, f64::NEG_INFINITY, f64::INFINITY]);
    assert!(floats[3].is_nan() && floats[4].is_nan());
}

#[test]
fn every_keyword_spells_back_to_itself() {
    fn round_trip<W: Word + std::fmt::Debug + std::fmt::Display>() {
        for (word, value) in W::WORDS {
            assert_eq!(W::from_word(word), Some(*value));
            assert_eq!(value.to_string(), *word);
        }
        assert_eq!(W::from_word("no such word"), None);
    }
    round_trip::<OpKind>();
    round_trip::<Outcome>();
    round_trip::<ItemKind>();
    // The contract's 24 Mach codes, `invalid_capability`, and the services' 8.
    assert_eq!(ReturnCode::WORDS.len(), 33);
    assert_eq!(OpKind::WORDS.len(), 34);
    for code in ReturnCode::ALL {
        assert_eq!(
            ReturnCode::from_word(code.as_str()),
            Some(*code),
            "every kernel return code can be expected"
        );
    }
    assert_eq!(ReturnCode::from_word("end_of_file"), None);
}

#[test]
fn notification_kinds_carry_machs_message_ids() {
    let ids: Vec<i32> = NotificationKind::ALL.iter().map(|kind| kind.id()).collect();
    assert_eq!(ids, [65, 66, 69, 70, 71, 72]);
    for kind in NotificationKind::ALL {
        assert_eq!(NotificationKind::from_id(kind.id()), Some(kind));
    }
    assert_eq!(NotificationKind::from_id(67), None);
    assert_eq!(
        crate::model::words::lookup(
            crate::model::words::REQUESTABLE_NOTIFICATIONS,
            "port_destroyed"
        ),
        Some(NotificationKind::PortDestroyed)
    );
}

#[test]
fn an_expected_result_allows_exactly_what_it_names() {
    assert!(ExpectedResult::Success.allows(ReturnCode::Success));
    assert!(!ExpectedResult::Success.allows(ReturnCode::SendTimedOut));
    let one = ExpectedResult::One(ReturnCode::SendTimedOut);
    assert!(one.allows(ReturnCode::SendTimedOut) && !one.allows(ReturnCode::Success));
    let any_of = ExpectedResult::AnyOf(vec![ReturnCode::NoSpace, ReturnCode::Success]);
    assert!(any_of.allows(ReturnCode::Success) && !any_of.allows(ReturnCode::RcvInSet));
    assert!(ExpectedResult::Any.allows(ReturnCode::RcvPortDied));
}

// The text itself.

#[test]
fn text_that_is_not_utf8_is_reported_at_each_bad_byte() {
    let diagnostics = problems_in_bytes(b"[scenario]\nname = \"a\xffb\"\n# \xc3\n");
    let found: Vec<(u32, u32, &str)> = diagnostics
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (2, 10, "the file is not UTF-8: byte 20 (0xff) is not valid"),
            (3, 3, "the file is not UTF-8: byte 26 (0xc3) is not valid"),
        ]
    );
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    assert_eq!(problems(""), ["1:1: the file is empty"]);
    assert_eq!(problems(" \n\t\n"), ["1:1: the file is empty"]);
}

#[test]
fn text_that_is_not_toml_is_reported_where_toml_fails() {
    assert_eq!(
        problems("[scenario]\nname = \"x\"\nseed = = 1\n"),
        ["3:8: not valid TOML: extra `=`"]
    );
}

#[test]
fn independent_toml_errors_on_different_lines_are_all_reported() {
    let found = problems("[scenario]\nname = \"x\nseed = 1\nfoo = [1 2]\n");
    let lines: Vec<&str> = found
        .iter()
        .map(|p| p.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(lines, ["2", "4"]);
}

#[test]
fn toml_errors_render_with_what_was_expected() {
    insta::assert_snapshot!(rendered("[scenario]\nname = \"x\"\nsteps = [1, 2\n"));
}

#[test]
fn a_file_without_scenario_or_name_is_reported() {
    assert_eq!(
        problems("[[task]]\nname = \"t\"\nsteps = []\n"),
        ["1:1: missing [scenario] table"]
    );
    assert_eq!(
        problems("[scenario]\nseed = 1\n"),
        ["1:1: missing `name` in [scenario]"]
    );
    assert_eq!(
        problems("[scenario]\nname = \"\"\n"),
        ["2:8: `name` is empty"]
    );
}

// Unknown words.

#[test]
fn unknown_sections_and_keys_are_reported_with_the_nearest_name() {
    let text = r#"[scenario]
name = "x"
seeds = 1

[[port]]
name = "p"
recever = "t"

[[task]]
name = "t"
stesp = []

[[taks]]

[expect]
outcom = "completed"
"#;
    assert_eq!(
        problems(text),
        [
            "3:1: unknown key `seeds` in [scenario]",
            "5:1: missing `receiver` in [[port]]",
            "7:1: unknown key `recever` in [[port]]",
            "9:1: task `t` has neither `steps` nor `program`",
            "11:1: unknown key `stesp` in [[task]]",
            "13:3: unknown section `taks`",
            "16:1: unknown key `outcom` in [expect]",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn unknown_ops_item_types_policies_results_outcomes_and_kinds_are_reported() {
    let text = with_steps(
        r#"  { op = "sned", port = "requests" },
  { op = "send", port = "requests", body = [{ u9 = 1 }] },
  { op = "send", port = "requests", on_full = "wait" },
  { op = "send", port = "requests", on_full = { timeout = 5 } },
  { op = "receive", port = "requests", on_empty = "notify" },
  { op = "receive", port = "requests", expect = "sucess" },
  { op = "receive", port = "requests", expect_notification = "dead" },
  { op = "request_notification", port = "requests", kind = "msg_accepted" },"#,
    ) + "[expect]\noutcome = \"done\"\nnotifications = { client = [\"no_sender\"] }\n";
    assert_eq!(
        problems(&text),
        [
            "21:10: unknown op `sned`",
            "22:47: unknown item type `u9`",
            "23:47: unknown `on_full` policy `wait`",
            "24:49: unknown key `timeout` in `on_full`",
            "25:51: `notify` is a send policy (`on_full`), not a receive policy",
            "26:49: unknown result `sucess`",
            "27:62: unknown notification kind `dead`",
            "28:60: unknown notification request `msg_accepted`",
            "31:11: unknown outcome `done`",
            "32:29: unknown notification kind `no_sender`",
        ]
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn a_key_of_another_op_is_explained_as_such() {
    let diagnostics = problems_in_bytes(
        with_steps(r#"  { op = "send", port = "requests", from = "server" },"#).as_bytes(),
    );
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].message,
        "unknown key `from` in a `send` step"
    );
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("`from` is a key of `receive` steps")
    );
}

#[test]
fn near_names_are_suggested_for_labels_tasks_and_results() {
    let text = with_steps(
        r#"  { op = "send", port = "requets" },
  { op = "spawn", task = "sever" },
  { op = "receive", port = "inbox", expect = ["rcv_timed_ot"] },
  { op = "destroy", port = "zzzzzz" },"#,
    );
    let helps: Vec<Option<String>> = problems_in_bytes(text.as_bytes())
        .into_iter()
        .map(|d| d.help)
        .collect();
    assert_eq!(
        helps,
        [
            Some("did you mean `requests`?".to_owned()),
            Some("did you mean `server`?".to_owned()),
            Some("did you mean `rcv_timed_out`?".to_owned()),
            None,
        ]
    );
}

#[test]
fn a_typo_in_a_declaration_does_not_make_every_use_an_error() {
    let text = r#"[scenario]
name = "x"

[port]
name = "requests"
receiver = "t"

[[task]]
name = "t"
steps = [
  { op = "alocate", port = "reply" },
  { op = "send", port = "requests", reply = "reply" },
]
"#;
    assert_eq!(
        problems(text),
        [
            "4:1: `port` must be an array of tables, one per port",
            "11:10: unknown op `alocate`",
        ]
    );
}

// Types and ranges.

#[test]
fn values_of_the_wrong_type_are_reported() {
    let text = r#"[scenario]
name = 3
seed = "7"

[[port]]
name = "p"
receiver = ["t"]
capacity = 5.0

[[task]]
name = "t"
spawned = "yes"
steps = { op = "exit" }
"#;
    assert_eq!(
        problems(text),
        [
            "2:8: wrong type for `name`: found an integer",
            "3:8: wrong type for `seed`: found a string",
            "7:12: wrong type for `receiver`: found an array",
            "8:12: wrong type for `capacity`: found a float",
            "12:11: wrong type for `spawned`: found a string",
            "13:9: `steps` is a single table, not a list of steps",
        ]
    );
}

#[test]
fn capacities_over_1024_or_negative_are_reported_but_set_capacity_is_checked_when_it_runs() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "p"
receiver = "t"
capacity = 1025

[[port]]
name = "q"
receiver = "t"
capacity = -1

[[task]]
name = "t"
steps = [
  { op = "allocate", port = "r", capacity = 4096 },
  { op = "allocate", port = "s", capacity = "lots" },
  { op = "set_capacity", port = "p", capacity = 4096, expect = "invalid_value" },
  { op = "set_capacity", port = "p", capacity = -1 },
]
"#;
    assert_eq!(
        problems(text),
        [
            "7:12: `capacity` is out of range: 1025",
            "12:12: `capacity` must not be negative: -1",
            "17:45: `capacity` is out of range: 4096",
            "18:45: unknown `capacity` `lots`",
            "20:49: `capacity` must not be negative: -1",
        ]
    );
    assert!(matches!(
        only_op(r#"{ op = "set_capacity", port = "requests", capacity = 4096 }"#),
        Op::SetQueueLimit {
            queue_limit: QueueLimit::Bounded(4096),
            ..
        }
    ));
}

#[test]
fn each_integer_item_is_checked_against_its_width() {
    let items = [
        ("u8", "256", "-1"),
        ("u16", "65536", "-1"),
        ("u32", "4294967296", "-1"),
        ("u64", "18446744073709551616", "-1"),
        ("i8", "128", "-129"),
        ("i16", "32768", "-32769"),
        ("i32", "2147483648", "-2147483649"),
        ("i64", "9223372036854775808", "-9223372036854775809"),
        ("fill", "4294967296", "-1"),
        ("ool", "4294967296", "-1"),
    ];
    for (kind, over, under) in items {
        let text = with_steps(&format!(
            "  {{ op = \"send\", port = \"requests\", body = [{{ {kind} = {over} }}, {{ {kind} = {under} }}] }},"
        ));
        let found = problems(&text);
        assert_eq!(found.len(), 2, "{kind}: {found:?}");
        assert!(
            found[0].ends_with(&format!("`{kind}` is out of range: {over}")),
            "{found:?}"
        );
        assert!(
            found[1].ends_with(&format!("`{kind}` is out of range: {under}"))
                || found[1].ends_with(&format!("`{kind}` must not be negative: {under}")),
            "{found:?}"
        );
    }
}

#[test]
fn negative_times_ids_that_do_not_fit_i32_and_huge_numbers_are_reported() {
    let text = with_steps(
        r#"  { op = "sleep", ms = -1 },
  { op = "send", port = "requests", id = 2147483648 },
  { op = "receive", port = "requests", expect_id = -2147483649 },
  { op = "send", port = "requests", on_full = { timeout_ms = -5 } },
  { op = "exit", code = 99999999999999999999999999999999999999999 },"#,
    ) + "[[fault]]\nat_ms = -1\nkill = \"server\"\n";
    assert_eq!(
        problems(&text),
        [
            "21:24: `ms` must not be negative: -1",
            "22:42: `id` is out of range: 2147483648",
            "23:52: `expect_id` is out of range: -2147483649",
            "24:62: `timeout_ms` must not be negative: -5",
            "25:25: `code` does not fit: 99999999999999999999999999999999999999999 is too large",
            "28:9: `at_ms` must not be negative: -1",
        ]
    );
}

#[test]
fn integers_may_use_any_toml_spelling() {
    let scenario =
        valid("[scenario]\nname = \"x\"\nseed = 0xff\ntime_limit_ms = 1_000\nstep_limit = 0o17\n");
    assert_eq!(
        (scenario.seed, scenario.time_limit_ms, scenario.step_limit),
        (255, 1000, 15)
    );
    assert_eq!(
        problems("[scenario]\nname = \"x\"\nseed = +0b1\n"),
        ["3:8: not valid TOML: integers with a radix cannot be signed"]
    );
}

#[test]
fn bytes_items_must_be_an_even_number_of_hex_digits() {
    let text = with_steps(
        r#"  { op = "send", port = "requests", body = [{ bytes = "abc" }, { bytes = "0x12" }] },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "21:55: `bytes` has an odd number of hex digits (3)",
            "21:74: `bytes` has `x` at character 2, which is not a hex digit",
        ]
    );
}

#[test]
fn body_items_have_exactly_one_type_and_ports_in_a_message_have_a_disposition() {
    let text = with_steps(
        r#"  { op = "send", port = "requests", body = [{ u8 = 1, u16 = 2 }, {}, { port = "requests" }, { u8 = 1, disposition = "copy_send" }] },
  { op = "receive", port = "requests", expect_body = [{ port = "requests" }] },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "21:55: a body item has one type, but this one has `u8` and `u16`",
            "21:66: a body item without a type",
            "21:70: a port item in a message needs a `disposition`",
            "21:103: `disposition` does not apply to a `u8` item",
        ]
    );
}

#[test]
fn a_step_expect_is_a_result_a_nonempty_list_or_any() {
    let text = with_steps(
        r#"  { op = "exit", expect = [] },
  { op = "exit", expect = ["success", "any"] },
  { op = "exit", expect = 0 },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "21:27: `expect` lists no result",
            "22:39: `any` cannot be one of a list of results",
            "23:27: wrong type for `expect`: found an integer",
        ]
    );
}

#[test]
fn a_send_right_is_never_move_receive() {
    assert_eq!(
        problems(&with_steps(
            r#"  { op = "send", port = "requests", right = "move_receive" },"#
        )),
        [
            "21:45: `right` cannot be `move_receive`: a message is sent with a send or send-once right"
        ]
    );
}

// Names: duplicates, declarations, reserved words.

#[test]
fn two_tasks_or_two_labels_with_one_name_are_reported_at_the_second() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "p"
receiver = "t"

[[port_set]]
name = "p"
receiver = "t"
members = []

[[task]]
name = "t"
steps = [{ op = "allocate", port = "p" }]

[[task]]
name = "t"
steps = []
"#;
    assert_eq!(
        problems(text),
        [
            "9:8: label `p` is declared twice",
            "15:36: label `p` is declared twice",
            "18:8: task `t` is declared twice",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn labels_no_port_set_or_allocate_declares_are_reported() {
    let text = with_steps(
        r#"  { op = "send", port = "nowhere", reply = "nothing", body = [{ port = "void", disposition = "copy_send" }] },
  { op = "add_to_set", port = "requests", set = "noset" },"#,
    ) + "[expect]\ndelivered = { ghost = 1 }\n";
    assert_eq!(
        problems(&text),
        [
            "21:25: undeclared label `nowhere`",
            "21:44: undeclared label `nothing`",
            "21:72: undeclared label `void`",
            "22:49: undeclared label `noset`",
            "25:15: undeclared label `ghost`",
        ]
    );
}

#[test]
fn undeclared_receivers_senders_spawn_targets_and_fault_targets_are_reported() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "p"
receiver = "nobody"
senders = ["ghost"]

[[port_set]]
name = "s"
receiver = "nobody"
members = []

[[task]]
name = "t"
steps = [
  { op = "spawn", task = "phantom" },
  { op = "send", task = "stranger" },
  { op = "receive", from = "stranger" },
]

[[fault]]
at_ms = 1
kill = "wraith"

[expect]
exit = { specter = 0 }
"#;
    assert_eq!(
        problems(text),
        [
            "6:12: unknown receiver `nobody`",
            "7:12: unknown sender `ghost`",
            "11:12: unknown receiver `nobody`",
            "17:26: unknown spawn target `phantom`",
            "18:25: unknown task `stranger`",
            "19:28: unknown task `stranger`",
            "24:8: unknown fault target `wraith`",
            "27:10: unknown task `specter`",
        ]
    );
}

#[test]
fn spawning_a_task_without_spawned_true_is_reported() {
    let text = r#"[scenario]
name = "x"

[[task]]
name = "parent"
steps = [{ op = "spawn", task = "child" }]

[[task]]
name = "child"
steps = []
"#;
    assert_eq!(
        problems(text),
        ["6:33: task `child` is not declared with `spawned = true`"]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn a_set_member_whose_receive_right_the_receiver_lacks_is_reported() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "mine"
receiver = "server"

[[port]]
name = "theirs"
receiver = "client"

[[port_set]]
name = "inbox"
receiver = "server"
members = ["mine", "theirs", "notify", "kernel", "made", "mine"]

[[port_set]]
name = "other"
receiver = "server"
members = ["mine", "inbox"]

[[task]]
name = "server"
steps = [{ op = "allocate", port = "made" }]

[[task]]
name = "client"
steps = []
"#;
    assert_eq!(
        problems(text),
        [
            "15:20: `server` does not hold the receive right of `theirs`: `client` does",
            "15:40: `server` does not hold the receive right of its kernel port",
            "15:50: `made` is made by an `allocate` step, so it does not exist when the set is made",
            "15:58: `mine` is listed twice in `members`",
            "20:12: `mine` is already a member of the set `inbox`",
            "20:20: `inbox` is a port set, not a port",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn a_task_with_both_steps_and_program_or_neither_is_reported() {
    let text = r#"[scenario]
name = "x"

[[task]]
name = "both"
steps = []
program = "echo_server"

[[task]]
name = "neither"

[[task]]
name = "stray"
steps = []
args = { a = 1 }
"#;
    assert_eq!(
        problems(text),
        [
            "7:1: task `both` has both `steps` and `program`",
            "9:1: task `neither` has neither `steps` nor `program`",
            "15:1: `args` without `program`",
        ]
    );
}

#[test]
fn a_program_nobody_registered_is_reported() {
    let text = r#"[scenario]
name = "x"

[[task]]
name = "p"
program = "echo_sever"
args = { n = 1 }
"#;
    assert_eq!(
        problems(text),
        ["6:11: no program named `echo_sever` is registered"]
    );
}

#[test]
fn a_programs_arguments_are_checked_where_the_file_writes_them() {
    let text = r#"[scenario]
name = "x"

[[task]]
name = "a"
program = "echo_server"
args = { limit = "three" }

[[task]]
name = "b"
program = "echo_server"
args = { when = 1979-05-27 }

[[task]]
name = "c"
program = "needs_port"
"#;
    assert_eq!(
        problems(text),
        [
            "7:10: program `echo_server`: argument `limit` must be an integer, not a string",
            "12:17: argument `when` is a date",
            "16:11: program `needs_port`: missing argument `port` (a string)",
        ]
    );
    let expected: Vec<Option<String>> = problems_in_bytes(text.as_bytes())
        .into_iter()
        .map(|d| d.expected)
        .collect();
    assert_eq!(
        expected[0].as_deref(),
        Some("arguments that `echo_server` accepts (see `docs/scenarios.md`)")
    );
}

#[test]
fn reserved_names_are_refused_where_they_cannot_mean_anything() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "notify"
receiver = "t"

[[port_set]]
name = "@inbox"
receiver = "t"
members = []

[[task]]
name = "any"
steps = []

[[task]]
name = "t"
steps = [
  { op = "deallocate", port = "@reply" },
  { op = "send", port = "@replies" },
  { op = "add_to_set", port = "kernel", set = "notify" },
]

[[fault]]
at_ms = 1
destroy = "kernel"
"#;
    assert_eq!(
        problems(text),
        [
            "5:8: `notify` is reserved: it names each task's own notify port",
            "9:8: labels cannot start with `@`: `@inbox`",
            "14:8: `any` cannot name a task: `from = \"any\"` means any task",
            "20:31: `@reply` can only be the `port` of a `send` step",
            "21:25: unknown reserved name `@replies`",
            "22:47: `notify` is each task's own port, so `set` cannot name it",
            "27:11: `kernel` is each task's own port, so `destroy` cannot name it",
        ]
    );
}

#[test]
fn a_fault_does_exactly_one_thing() {
    let text = r#"[scenario]
name = "x"

[[port]]
name = "p"
receiver = "t"

[[task]]
name = "t"
steps = []

[[fault]]
at_ms = 1
kill = "t"
destroy = "p"

[[fault]]
kill = "t"

[[fault]]
at_ms = 2
"#;
    assert_eq!(
        problems(text),
        [
            "15:1: a fault either kills a task or destroys a port, not both",
            "17:1: missing `at_ms` in [[fault]]",
            "20:1: missing `kill` or `destroy` in [[fault]]",
        ]
    );
}

#[test]
fn a_send_names_a_port_or_a_task_and_a_receive_a_port_or_a_sender() {
    let text = with_steps(
        r#"  { op = "send" },
  { op = "send", port = "requests", task = "server" },
  { op = "receive" },
  { op = "receive", port = "requests", from = "server" },"#,
    );
    assert_eq!(
        problems(&text),
        [
            "21:3: missing `port` in a `send` step",
            "22:37: a `send` names either a `port` or a `task`, not both",
            "23:3: missing `port` in a `receive` step",
            "24:40: a `receive` names either a `port` or `from`, not both",
        ]
    );
}

#[test]
fn a_spawned_task_cannot_have_a_start_time() {
    let text = r#"[scenario]
name = "x"

[[task]]
name = "child"
spawned = true
start_ms = 10
steps = []
"#;
    assert_eq!(
        problems(text),
        ["7:12: `start_ms` does not apply to a spawned task"]
    );
}

// Nesting.

#[test]
fn ten_thousand_open_brackets_give_an_error_not_a_stack_overflow() {
    let text = format!("[scenario]\nname = \"x\"\nsteps = {}", "[".repeat(10_000));
    assert_eq!(
        problems(&text),
        ["3:72: arrays and tables nested more than 64 levels deep"]
    );
}

#[test]
fn nesting_by_inline_tables_and_dotted_keys_counts_too() {
    let braces = format!("a = {}", "{ b = ".repeat(10_000));
    assert_eq!(
        problems(&braces),
        ["1:389: arrays and tables nested more than 64 levels deep"]
    );
    let dotted_key = format!("a{} = 1", ".b".repeat(10_000));
    assert_eq!(
        problems(&dotted_key),
        ["1:130: arrays and tables nested more than 64 levels deep"]
    );
    let dotted_header = format!("[a{}]", ".b".repeat(10_000));
    assert_eq!(
        problems(&dotted_header),
        ["1:129: arrays and tables nested more than 64 levels deep"]
    );
    let keys_in_braces = format!("x = {}", "{ a.b.c.d.e.f.g.h = ".repeat(1_000));
    assert_eq!(problems(&keys_in_braces).len(), 1);
}

#[test]
fn brackets_in_strings_and_comments_do_not_count_as_nesting() {
    let brackets = "[".repeat(100);
    let text = format!(
        "# {brackets}\n[scenario]\nname = \"{brackets}\"\ndescription = '''\n{brackets}\n'''\n[[task]]\nname = 't'\nsteps = [] # {brackets}\n"
    );
    assert_eq!(valid(&text).name, brackets);
}

#[test]
fn sixty_four_levels_are_allowed_and_sixty_five_are_not() {
    // `a = ` is a key of the root table; its array is level 1.
    let at_limit = format!("a = {}{}\n", "[".repeat(64), "]".repeat(64));
    let over_limit = format!("a = {}{}\n", "[".repeat(65), "]".repeat(65));
    let complaints = |text: &str| {
        parse("t.toml", text.as_bytes(), &test_programs())
            .1
            .into_iter()
            .filter(|d| d.message.contains("nested"))
            .count()
    };
    assert_eq!(complaints(&at_limit), 0);
    assert_eq!(complaints(&over_limit), 1);
}

#[test]
fn repeat_nested_more_than_sixteen_deep_is_reported() {
    let nest = |depth: usize| {
        let mut step = String::from("{ op = \"exit\" }");
        for _ in 0..depth {
            step = format!("{{ op = \"repeat\", times = 1, steps = [{step}] }}");
        }
        format!("[scenario]\nname = \"x\"\n[[task]]\nname = \"t\"\nsteps = [{step}]\n")
    };
    valid(&nest(16));
    let found = problems(&nest(17));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].ends_with("`repeat` nested more than 16 deep"),
        "{found:?}"
    );
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_accepted() {
    let text = "\u{feff}[scenario]\r\nname = \"x\"\r\n[[task]]\r\nname = \"t\"\r\nsteps = [\r\n  { op = \"exit\" },\r\n]\r\n";
    let scenario = valid(text);
    let TaskBody::Steps(steps) = &scenario.tasks[0].body else {
        panic!("t has steps");
    };
    assert_eq!((steps[0].line, steps[0].column), (6, 3));
    assert_eq!(
        problems("[scenario]\r\nname = \"x\"\r\nseed = -1\r\n"),
        ["3:8: `seed` must not be negative: -1"]
    );
}

// Everything at once.

#[test]
fn several_problems_in_one_file_are_all_reported_in_file_order() {
    let text = r#"[scenario]
name = "x"
schedule = "rondom"

[[port]]
name = "requests"
receiver = "sever"
capacity = 2000

[[task]]
name = "client"
steps = [
  { op = "sned", port = "requests" },
  { op = "send", port = "requets", body = [{ u8 = 256 }] },
  { op = "spawn", task = "client" },
]

[expect]
outcome = "deadlocked"
"#;
    let found = problems(text);
    assert_eq!(
        found,
        [
            "3:12: unknown schedule `rondom`",
            "7:12: unknown receiver `sever`",
            "8:12: `capacity` is out of range: 2000",
            "13:10: unknown op `sned`",
            "14:25: undeclared label `requets`",
            "14:51: `u8` is out of range: 256",
            "15:26: task `client` is not declared with `spawned = true`",
            "19:11: unknown outcome `deadlocked`",
        ]
    );
    insta::assert_snapshot!(rendered(text));
}

#[test]
fn a_flood_of_problems_is_capped_with_a_count_of_the_rest() {
    let steps: String = (0..300).map(|_| "  { op = \"nope\" },\n").collect();
    let found = problems(&with_steps(&steps));
    assert_eq!(found.len(), 201);
    assert_eq!(found[200], "221:10: 100 more problems not shown");
}

// Rendering.

#[test]
fn the_one_line_form_is_file_line_column_message_and_expected() {
    let diagnostics = problems_in_bytes(b"[scenario]\nname = \"x\"\nseed = -1\n");
    assert_eq!(
        diagnostics[0].to_string(),
        "test.toml:3:8: `seed` must not be negative: -1; expected an integer, 0 or more"
    );
}

#[test]
fn rendering_without_color_has_no_escape_codes_and_with_color_has_them() {
    let text = "[scenario]\nname = \"x\"\nsed = 1\n";
    let diagnostics = problems_in_bytes(text.as_bytes());
    let plain = render(&diagnostics, text, false);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(plain.contains("test.toml:3:1"), "{plain}");
    assert!(plain.contains("help: did you mean `seed`?"), "{plain}");
    let colored = render(&diagnostics, text, true);
    assert!(colored.contains('\u{1b}'), "{colored}");
}

#[test]
fn a_diagnostic_is_a_miette_diagnostic_with_its_label_and_help() {
    let text = "[scenario]\nname = \"x\"\nsed = 1\n";
    let diagnostic = problems_in_bytes(text.as_bytes()).remove(0);
    let labels: Vec<miette::LabeledSpan> = miette::Diagnostic::labels(&diagnostic)
        .map(Iterator::collect)
        .unwrap_or_default();
    assert_eq!(labels.len(), 1);
    assert_eq!(labels[0].offset(), 22);
    assert!(
        labels[0]
            .label()
            .is_some_and(|label| label.starts_with("expected one of"))
    );
    let help = miette::Diagnostic::help(&diagnostic).map(|help| help.to_string());
    assert_eq!(help.as_deref(), Some("did you mean `seed`?"));
    let report = miette::Report::new(diagnostic)
        .with_source_code(miette::NamedSource::new("test.toml", text.to_owned()));
    assert!(format!("{report:?}").contains("unknown key `sed` in [scenario]"));
}

#[test]
fn rendering_survives_spans_outside_the_text() {
    let diagnostic = Diagnostic::new("f.toml", "é", 1..99, "inside a character");
    assert_eq!((diagnostic.line, diagnostic.column), (1, 1));
    let out = render(&[diagnostic], "é", false);
    assert!(out.contains("inside a character"), "{out}");
}

#[test]
fn a_file_that_is_not_utf8_renders_against_its_lossy_text() {
    let source = b"[scenario]\nname = \"\xe9t\xe9\"\n";
    let diagnostics = problems_in_bytes(source);
    insta::assert_snapshot!(render(
        &diagnostics,
        &String::from_utf8_lossy(source),
        false
    ));
}

#[test]
fn line_index_counts_characters_and_clamps_offsets() {
    let text = "ab\nçd\n";
    let mut index = LineIndex::new(text);
    assert_eq!(index.position(0), (1, 1));
    assert_eq!(index.position(3), (2, 1));
    assert_eq!(index.position(5), (2, 2));
    assert_eq!(index.position(4), (2, 1));
    assert_eq!(index.position(1000), (3, 1));
    assert_eq!(index.line(1000), 3);
}
