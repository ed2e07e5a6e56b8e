//! Property tests: random programs over several tasks keep every invariant, the
//! same seed gives the same trace, and conservation holds under random schedules
//! and random kills.

use kernel::{
    Disposition, Item, Kernel, Message, NotificationKind, PortItem, PortName, QueueLimit,
    ReceiveOptions, ReceivePolicy, ScheduleKind, SendPolicy, TaskContext,
};
use proptest::prelude::*;

const TASKS: usize = 4;
const PORTS: usize = 4;

/// One step of a random program. Ports are named by index into the scenario's
/// labels (`p0`…); a step on a port the task holds no right for simply fails, as it
/// would in a scenario file.
#[derive(Clone, Debug)]
enum Op {
    Send {
        port: usize,
        policy: u8,
        carry: Option<(usize, u8)>,
        reply: bool,
    },
    Receive {
        port: usize,
        policy: u8,
        max_bytes: Option<u32>,
    },
    Allocate {
        capacity: u8,
    },
    MakeSend {
        port: usize,
    },
    Deallocate {
        port: usize,
    },
    Destroy {
        port: usize,
    },
    SetCapacity {
        port: usize,
        capacity: u8,
    },
    Notify {
        port: usize,
        kind: u8,
    },
    Sleep {
        ms: u8,
    },
    ReplyToLast,
    Exit,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..PORTS, 0..5u8, proptest::option::of((0..PORTS, 0..6u8)), any::<bool>())
            .prop_map(|(port, policy, carry, reply)| Op::Send { port, policy, carry, reply }),
        6 => (0..PORTS + 1, 0..3u8, proptest::option::of(24..80u32))
            .prop_map(|(port, policy, max_bytes)| Op::Receive { port, policy, max_bytes }),
        1 => (0..4u8).prop_map(|capacity| Op::Allocate { capacity }),
        1 => (0..PORTS).prop_map(|port| Op::MakeSend { port }),
        1 => (0..PORTS).prop_map(|port| Op::Deallocate { port }),
        1 => (0..PORTS).prop_map(|port| Op::Destroy { port }),
        1 => (0..PORTS, 0..4u8).prop_map(|(port, capacity)| Op::SetCapacity { port, capacity }),
        1 => (0..PORTS, 0..3u8).prop_map(|(port, kind)| Op::Notify { port, kind }),
        1 => (0..4u8).prop_map(|ms| Op::Sleep { ms }),
        2 => Just(Op::ReplyToLast),
        1 => Just(Op::Exit),
    ]
}

fn policy(code: u8) -> SendPolicy {
    match code {
        0 => SendPolicy::Block,
        1 => SendPolicy::NoWait,
        2 => SendPolicy::Timeout(3),
        3 => SendPolicy::Notify,
        _ => SendPolicy::NotifyAfter(2),
    }
}

fn receive_policy(code: u8) -> ReceivePolicy {
    match code {
        0 => ReceivePolicy::Timeout(5),
        1 => ReceivePolicy::NoWait,
        _ => ReceivePolicy::Timeout(1),
    }
}

fn disposition(code: u8) -> Disposition {
    Disposition::ALL[code as usize % Disposition::ALL.len()]
}

fn name_of(cx: &TaskContext, port: usize) -> PortName {
    if port >= PORTS {
        return cx.notify_port();
    }
    cx.lookup(&format!("p{port}"))
        .unwrap_or(PortName::new(0x7777, 1))
}

async fn interpret(cx: TaskContext, ops: Vec<Op>) {
    let mut last_reply = PortName::NULL;
    for op in ops {
        match op {
            Op::Send {
                port,
                policy: p,
                carry,
                reply,
            } => {
                let dest = name_of(&cx, port);
                let mut message = Message::new(dest, 1).with(Item::U32(7));
                if reply {
                    let reply_port = cx.notify_port();
                    message = message.with_reply(reply_port, Disposition::MakeSendOnce);
                }
                if let Some((carried, d)) = carry {
                    let name = name_of(&cx, carried);
                    message.push(Item::Port(PortItem {
                        name,
                        disposition: disposition(d),
                    }));
                }
                let _ = cx.send(message, policy(p)).await;
            }
            Op::Receive {
                port,
                policy: p,
                max_bytes,
            } => {
                let name = name_of(&cx, port);
                let options = ReceiveOptions {
                    max_bytes,
                    large: max_bytes.is_some_and(|m| m % 2 == 0),
                };
                if let Ok(message) = cx.receive(name, receive_policy(p), options).await {
                    last_reply = message.header.reply;
                }
            }
            Op::Allocate { capacity } => {
                let limit = if capacity == 3 {
                    QueueLimit::Unbounded
                } else {
                    QueueLimit::Bounded(u32::from(capacity))
                };
                let _ = cx.allocate_port(limit, None).await;
            }
            Op::MakeSend { port } => {
                let _ = cx.make_send(name_of(&cx, port)).await;
            }
            Op::Deallocate { port } => {
                let _ = cx.deallocate(name_of(&cx, port)).await;
            }
            Op::Destroy { port } => {
                let _ = cx.destroy(name_of(&cx, port)).await;
            }
            Op::SetCapacity { port, capacity } => {
                let _ = cx
                    .set_queue_limit(name_of(&cx, port), Some(u32::from(capacity)))
                    .await;
            }
            Op::Notify { port, kind } => {
                let kind = [
                    NotificationKind::DeadName,
                    NotificationKind::NoSenders,
                    NotificationKind::PortDestroyed,
                ][kind as usize % 3];
                let _ = cx
                    .request_notification(name_of(&cx, port), kind, cx.notify_port(), 0)
                    .await;
            }
            Op::Sleep { ms } => cx.sleep(u64::from(ms)).await,
            Op::ReplyToLast => {
                if last_reply.is_valid() {
                    let _ = cx
                        .send(Message::new(last_reply, 2), SendPolicy::NoWait)
                        .await;
                    last_reply = PortName::NULL;
                }
            }
            Op::Exit => {
                cx.exit(0).await;
            }
        }
    }
    // Drop what is left so some runs end with every right released.
    let _ = cx.port_type(cx.notify_port()).await;
}

#[derive(Clone, Debug)]
struct World {
    programs: Vec<Vec<Op>>,
    receivers: Vec<usize>,
    capacities: Vec<u8>,
    senders: Vec<Vec<usize>>,
    kills: Vec<(u8, usize)>,
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::collection::vec(proptest::collection::vec(op(), 0..25), TASKS),
        proptest::collection::vec(0..TASKS, PORTS),
        proptest::collection::vec(0..3u8, PORTS),
        proptest::collection::vec(proptest::collection::vec(0..TASKS, 0..3), PORTS),
        proptest::collection::vec((0..20u8, 0..TASKS), 0..2),
    )
        .prop_map(|(programs, receivers, capacities, senders, kills)| World {
            programs,
            receivers,
            capacities,
            senders,
            kills,
        })
}

fn run(
    world: &World,
    seed: u64,
    schedule: ScheduleKind,
    trace: bool,
) -> (kernel::RunReport, Vec<kernel::trace::TraceRecord>) {
    let mut k = Kernel::builder()
        .seed(seed)
        .schedule(schedule)
        .trace(trace)
        .step_limit(5_000)
        .build();
    for (i, program) in world.programs.iter().enumerate() {
        let program = program.clone();
        k.spawn(&format!("t{i}"), move |cx| interpret(cx, program));
    }
    for port in 0..PORTS {
        let receiver = format!("t{}", world.receivers[port]);
        let limit = QueueLimit::Bounded(u32::from(world.capacities[port]));
        k.allocate_port(&receiver, &format!("p{port}"), limit)
            .unwrap();
        for sender in &world.senders[port] {
            k.give_send_right(&format!("t{sender}"), &format!("p{port}"))
                .unwrap();
        }
    }
    for (at, task) in &world.kills {
        k.schedule_fault(u64::from(*at), Some(&format!("t{task}")), None)
            .unwrap();
    }
    let report = k.run();
    let trace = k.take_trace();
    (report, trace)
}

fn schedule(code: u8) -> ScheduleKind {
    match code % 3 {
        0 => ScheduleKind::RoundRobin,
        1 => ScheduleKind::Random,
        _ => ScheduleKind::Pct { depth: 3 },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_keep_conservation_and_the_rights_invariants(world in world(), seed in 0..1000u64, s in 0..3u8) {
        let (report, _) = run(&world, seed, schedule(s), false);
        prop_assert!(report.violations.is_empty(), "violations: {:#?}", report.violations);
        let m = report.messages;
        prop_assert_eq!(m.sent, m.received + m.returned + m.destroyed + report.in_flight);
    }

    #[test]
    fn the_same_seed_twice_gives_an_identical_trace(world in world(), seed in 0..1000u64, s in 0..3u8) {
        let (first_report, first) = run(&world, seed, schedule(s), true);
        let (second_report, second) = run(&world, seed, schedule(s), true);
        prop_assert_eq!(first_report, second_report);
        // Every event the kernel records keeps the trace format's rules, so the reader
        // (which refuses one that does not) reads every trace the kernel writes.
        for record in &first {
            prop_assert_eq!(record.event.validate(), Ok(()), "{:?}", record);
        }
        prop_assert_eq!(first, second);
    }

    #[test]
    fn every_message_in_a_trace_has_exactly_one_end(world in world(), seed in 0..1000u64, s in 0..3u8) {
        use kernel::trace::Event;
        use std::collections::BTreeMap;
        let (report, trace) = run(&world, seed, schedule(s), true);
        let mut ends: BTreeMap<u64, u32> = BTreeMap::new();
        let mut sent = 0u64;
        for record in &trace {
            match &record.event {
                Event::MessageSent { msg, .. } => { sent += 1; ends.entry(*msg).or_insert(0); }
                Event::MessageReceived { msg, .. } | Event::MessageDestroyed { msg, .. } => {
                    *ends.entry(*msg).or_insert(0) += 1;
                }
                _ => {}
            }
        }
        prop_assert_eq!(sent, report.messages.sent);
        prop_assert!(ends.values().all(|n| *n <= 1), "a message ended twice");
        let open = ends.values().filter(|n| **n == 0).count() as u64;
        prop_assert_eq!(open, report.in_flight);
    }
}

#[test]
fn moving_rights_around_never_leaves_a_port_with_two_receive_rights() {
    // A fixed, adversarial program: every task moves every receive right it can.
    let ops: Vec<Op> = (0..PORTS)
        .flat_map(|p| {
            [
                Op::Send {
                    port: (p + 1) % PORTS,
                    policy: 1,
                    carry: Some((p, 0)),
                    reply: false,
                },
                Op::Receive {
                    port: p,
                    policy: 1,
                    max_bytes: None,
                },
            ]
        })
        .collect();
    let world = World {
        programs: vec![ops; TASKS],
        receivers: (0..PORTS).map(|p| p % TASKS).collect(),
        capacities: vec![2; PORTS],
        senders: (0..PORTS).map(|_| (0..TASKS).collect()).collect(),
        kills: Vec::new(),
    };
    for seed in 0..20 {
        let (report, _) = run(&world, seed, ScheduleKind::Random, false);
        assert!(
            report.violations.is_empty(),
            "seed {seed}: {:#?}",
            report.violations
        );
    }
}

#[test]
fn random_programs_do_exercise_the_kernel() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut sent, mut destroyed, mut returned, mut received) = (0, 0, 0, 0);
    for seed in 0..100 {
        let world = world().new_tree(&mut runner).unwrap().current();
        let (report, _) = run(&world, seed, schedule(seed as u8), false);
        sent += report.messages.sent;
        destroyed += report.messages.destroyed;
        returned += report.messages.returned;
        received += report.messages.received;
    }
    // The generated programs must really move messages, hand some back and destroy
    // some, or the properties above would hold vacuously.
    assert!(
        sent > 1000 && destroyed > 10 && returned > 0 && received > 500,
        "{sent} {destroyed} {returned} {received}"
    );
}
