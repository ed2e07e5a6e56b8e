//! Regression tests for kernel defects found in review, each named for the rule it
//! keeps.

use crate::mach_messages::support::poll;
use harness::{run_allowing_crashes, run_clean};
use kernel::{
    Disposition, Item, Kernel, Message, NotificationKind, PortItem, QueueLimit, ReceiveOptions,
    ReceivePolicy, ScheduleKind, SendPolicy,
};
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

#[test]
fn destroying_a_port_at_the_head_of_a_long_chain_of_receive_rights_does_not_overflow_the_stack() {
    // Port i's queue holds a message carrying port i+1's receive right, 100,000 deep.
    const DEPTH: usize = 100_000;
    let mut k = Kernel::builder().step_limit(u64::MAX).build();
    k.spawn("builder", |cx| async move {
        let head = cx.allocate_port(QueueLimit::Unbounded, None).await?;
        cx.make_send(head).await?;
        let mut previous = head;
        for _ in 0..DEPTH {
            let next = cx.allocate_port(QueueLimit::Unbounded, None).await?;
            // Keep a send right to `next` under its name once its receive right moves.
            cx.make_send(next).await?;
            let carrier = Message::new(previous, 1).with(Item::Port(PortItem {
                name: next,
                disposition: Disposition::MoveReceive,
            }));
            cx.send(carrier, SendPolicy::Block).await?;
            if previous != head {
                cx.deallocate(previous).await?;
            }
            previous = next;
        }
        cx.deallocate(previous).await?;
        cx.destroy(head).await?;
        Ok::<(), kernel::Error>(())
    });
    let report = run_clean(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(report.messages.destroyed as usize, DEPTH);
    assert_eq!(k.inspect(|i| i.ports().len()), 0);
}

#[test]
fn a_message_built_by_hand_to_a_kernel_port_consumes_its_destination_right() {
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        cx.send(Message::new(cx.kernel_port(), 999), SendPolicy::Block)
            .await?;
        cx.sleep(1).await;
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
}

/// Issue 14: the audit counted every receive right by its name, and a direct
/// mailbox has none, so a mailbox left at the end of a run (its task declared but
/// never spawned, or still waiting) was reported as a broken rights invariant.
#[test]
fn a_direct_send_to_a_task_that_never_starts_leaves_a_clean_audit() {
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        cx.send_to_task(
            "b",
            Message::new(kernel::PortName::NULL, 1),
            SendPolicy::NoWait,
        )
        .await?;
        Ok::<(), kernel::Error>(())
    });
    k.declare("b", |cx| async move { cx.sleep(1).await });
    let report = run_clean(&mut k);
    assert_eq!(report.in_flight, 1, "the message waits in b's mailbox");
}

#[test]
fn a_direct_send_refuses_a_receive_right_as_its_reply() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        let message = Message::new(port, 1).with_reply(port, Disposition::MoveReceive);
        let code = cx
            .send_to_task("b", message, SendPolicy::NoWait)
            .await
            .unwrap_err()
            .code();
        s.lock().unwrap().push(code.to_string());
        Ok::<(), kernel::Error>(())
    });
    k.spawn("b", |cx| async move { cx.sleep(1).await });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["send_invalid_reply"]);
}

#[test]
fn a_right_used_after_it_was_moved_in_the_same_message_is_send_invalid_right() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        cx.make_send(port).await?;
        let other = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        // Move the only send reference as the destination, then copy it in the body.
        let copy_after_move = Message::new(port, 1)
            .with_dest_disposition(Disposition::MoveSend)
            .with(Item::Port(PortItem {
                name: port,
                disposition: Disposition::CopySend,
            }));
        let code = cx
            .send(copy_after_move, SendPolicy::NoWait)
            .await
            .unwrap_err()
            .code();
        s.lock().unwrap().push(code.to_string());
        // Move a receive right, then make a send right from it, in one body.
        cx.make_send(other).await?;
        let make_after_move = Message::new(other, 1)
            .with(Item::Port(PortItem {
                name: port,
                disposition: Disposition::MoveReceive,
            }))
            .with(Item::Port(PortItem {
                name: port,
                disposition: Disposition::MakeSend,
            }));
        let code = cx
            .send(make_after_move, SendPolicy::NoWait)
            .await
            .unwrap_err()
            .code();
        s.lock().unwrap().push(code.to_string());
        let (rights, urefs) = cx.port_type(port).await?;
        s.lock().unwrap().push(format!("{rights} {urefs}"));
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["send_invalid_right", "send_invalid_right", "receive+send 1"]
    );
}

#[test]
fn a_fault_due_now_is_applied_before_any_task_step_at_that_instant() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("victim", move |cx| async move {
        s.lock().unwrap().push("ran".into());
        cx.sleep(1).await;
    });
    k.schedule_fault(0, Some("victim"), None).unwrap();
    run_clean(&mut k);
    assert!(
        seen.lock().unwrap().is_empty(),
        "the victim ran before its fault"
    );
    assert_eq!(k.inspect(|i| i.tasks()[0].state.clone()), "killed");
}

#[test]
fn destroying_a_watched_receive_right_sends_port_deleted_not_dead_name() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        cx.request_notification(port, NotificationKind::DeadName, cx.notify_port(), 0)
            .await?;
        cx.destroy(port).await?;
        let note = poll(&cx, cx.notify_port()).await?;
        s.lock().unwrap().push(note.id().to_string());
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["65"]);
}

#[test]
fn a_no_senders_request_fires_when_the_count_next_drops_to_zero_whatever_its_sync() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        cx.make_send(port).await?;
        // sync 5 is above the make-send count (1): nothing at once...
        cx.request_notification(port, NotificationKind::NoSenders, cx.notify_port(), 5)
            .await?;
        let none = poll(&cx, cx.notify_port()).await;
        s.lock().unwrap().push(format!("{}", none.is_err()));
        // ...but the last send right going fires it.
        cx.deallocate(port).await?;
        let note = poll(&cx, cx.notify_port()).await?;
        s.lock().unwrap().push(note.id().to_string());
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["true", "70"]);
}

#[test]
fn allocating_a_port_with_a_limit_over_1024_is_invalid_value() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let e = cx
            .allocate_port(QueueLimit::Bounded(1025), None)
            .await
            .unwrap_err();
        s.lock().unwrap().push(e.code().to_string());
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["invalid_value"]);
}

#[test]
fn non_finite_floats_survive_a_json_lines_trace() {
    use kernel::trace::{TraceHeader, read_trace, write_jsonl};
    let mut k = Kernel::builder().trace(true).build();
    k.spawn("a", |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        cx.make_send(port).await?;
        let message = Message::new(port, 1)
            .with(Item::F64(f64::INFINITY))
            .with(Item::F64(f64::NEG_INFINITY))
            .with(Item::F64(f64::NAN));
        cx.send(message, SendPolicy::Block).await?;
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    let records = k.take_trace();
    let mut text = Vec::new();
    write_jsonl(
        &mut text,
        &TraceHeader::new("floats", 0, ScheduleKind::RoundRobin),
        &records,
    )
    .unwrap();
    let back = read_trace(&text).expect("a trace with NaN and infinities reads back");
    assert_eq!(back.records.len(), records.len());
    assert!(
        String::from_utf8(text)
            .unwrap()
            .contains(r#"{"f64":"-inf"}"#)
    );
}

#[test]
fn a_call_made_while_another_is_pending_crashes_the_task_and_loses_no_message() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        let port = cx.allocate_port(QueueLimit::Bounded(1), None).await?;
        cx.make_send(port).await?;
        cx.send(Message::new(port, 1), SendPolicy::Block).await?;
        // Poll a blocking send once, drop it, and make another call.
        {
            let mut pending = pin!(cx.send(Message::new(port, 2), SendPolicy::Block));
            let mut context = Context::from_waker(Waker::noop());
            assert!(matches!(pending.as_mut().poll(&mut context), Poll::Pending));
        }
        cx.sleep(5).await;
        Ok::<(), kernel::Error>(())
    });
    let report = run_allowing_crashes(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    let task = &k.inspect(|i| i.tasks())[0];
    assert_eq!(
        task.exit,
        Some(kernel::TaskExit::Crashed(
            "a kernel call while another was still pending".into()
        ))
    );
}

#[test]
fn run_and_step_take_the_same_decisions_under_the_random_scheduler() {
    fn order(seed: u64, stepped: bool) -> Vec<String> {
        let mut k = Kernel::builder()
            .seed(seed)
            .schedule(kernel::ScheduleKind::Random)
            .trace(true)
            .build();
        k.spawn("a", |cx| async move {
            for _ in 0..3 {
                cx.yield_now().await;
            }
        });
        for name in ["b", "c"] {
            k.spawn(name, |cx| async move {
                cx.sleep(1).await;
                for _ in 0..4 {
                    cx.yield_now().await;
                }
            });
        }
        if stepped {
            while k.step() {}
        } else {
            k.run();
        }
        k.trace()
            .iter()
            .filter_map(|r| r.task.as_deref().map(str::to_string))
            .collect()
    }
    for seed in 0..20 {
        assert_eq!(order(seed, false), order(seed, true), "seed {seed}");
    }
}

#[test]
fn a_handed_back_direct_send_gives_the_sender_no_right_to_the_mailbox() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        for i in 0..5 {
            cx.send_to_task(
                "b",
                Message::new(kernel::PortName::NULL, i),
                SendPolicy::NoWait,
            )
            .await?;
        }
        let back = cx
            .send_to_task(
                "b",
                Message::new(kernel::PortName::NULL, 5),
                SendPolicy::NoWait,
            )
            .await
            .unwrap_err();
        s.lock()
            .unwrap()
            .push(format!("{}", back.into_message().header.dest));
        Ok::<(), kernel::Error>(())
    });
    k.spawn("b", |cx| async move { cx.sleep(1).await });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["null"]);
}

#[test]
fn a_task_awaiting_a_foreign_future_after_a_call_is_a_fault_in_run_as_in_step() {
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        cx.yield_now().await;
        std::future::pending::<()>().await;
    });
    let report = run_allowing_crashes(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(k.inspect(|i| i.tasks()[0].state.clone()), "crashed");
}

#[test]
fn a_run_whose_tasks_have_all_ended_is_completed_whatever_faults_are_still_scheduled() {
    let mut k = Kernel::builder().time_limit_ms(1000).build();
    k.spawn("a", |cx| async move { cx.sleep(1).await });
    k.schedule_fault(5000, Some("a"), None).unwrap();
    let report = run_clean(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(report.end_ns, 1_000_000);
}

#[test]
fn a_declared_task_killed_before_its_spawn_cannot_be_spawned() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.declare("child", |cx| async move { cx.sleep(1).await });
    k.schedule_fault(0, Some("child"), None).unwrap();
    k.spawn("parent", move |cx| async move {
        let e = cx.spawn_declared("child").await.unwrap_err();
        s.lock().unwrap().push(e.code().to_string());
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["invalid_argument"]);
}

#[test]
fn a_receive_right_sent_into_a_loop_of_ports_in_transit_is_collected_at_once() {
    use kernel::trace::{TraceHeader, write_jsonl};
    // Q's receive right waits in P's queue; sending P's receive right to Q would
    // leave each port's only receiver locked in the other's queue. Mach destroys
    // the closing message when it is sent (`ipc_port_check_circularity`).
    let mut k = Kernel::builder().trace(true).build();
    let outcome: Log = log();
    let seen = outcome.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        let q = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        cx.make_send(p).await?;
        cx.make_send(q).await?;
        let carry = |dest, right| {
            Message::new(dest, 7).with(Item::Port(PortItem {
                name: right,
                disposition: Disposition::MoveReceive,
            }))
        };
        cx.send(carry(p, q), SendPolicy::Block).await?;
        let closing = cx.send(carry(q, p), SendPolicy::Block).await;
        seen.lock().unwrap().push(format!("{closing:?}"));
        // Both ports are gone: what the task still names are dead names.
        let probe = cx.send(Message::new(p, 1), SendPolicy::NoWait).await;
        seen.lock()
            .unwrap()
            .push(probe.unwrap_err().code().to_string());
        Ok::<(), kernel::Error>(())
    });
    let report = run_clean(&mut k);
    assert_eq!(
        *outcome.lock().unwrap(),
        vec!["Ok(Sent)".to_string(), "send_invalid_dest".to_string()]
    );
    assert_eq!(report.messages.destroyed, 2);
    assert_eq!(k.inspect(|i| i.ports().len()), 0);
    let mut text = Vec::new();
    write_jsonl(
        &mut text,
        &TraceHeader::new("cycle", 0, ScheduleKind::RoundRobin),
        &k.take_trace(),
    )
    .unwrap();
    assert!(String::from_utf8(text).unwrap().contains("\"circular\""));
}

#[test]
fn a_chain_of_receive_rights_in_transit_without_a_loop_is_delivered() {
    // P's receive right travels to Q, Q's to R; R is held, so nothing loops and
    // unwinding the chain gets every message back.
    let mut k = Kernel::builder().build();
    let got: Log = log();
    let seen = got.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        let q = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        let r = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
        for port in [p, q, r] {
            cx.make_send(port).await?;
        }
        let carry = |dest, right| {
            Message::new(dest, 7).with(Item::Port(PortItem {
                name: right,
                disposition: Disposition::MoveReceive,
            }))
        };
        cx.send(Message::new(p, 1), SendPolicy::Block).await?;
        cx.send(carry(q, p), SendPolicy::Block).await?;
        cx.send(carry(r, q), SendPolicy::Block).await?;
        let options = ReceiveOptions::default();
        let from_r = cx.receive(r, ReceivePolicy::Block, options).await?;
        let q_again = port_in(&from_r);
        let from_q = cx.receive(q_again, ReceivePolicy::Block, options).await?;
        let p_again = port_in(&from_q);
        let from_p = cx.receive(p_again, ReceivePolicy::Block, options).await?;
        seen.lock().unwrap().push(from_p.header.id.to_string());
        Ok::<(), kernel::Error>(())
    });
    let report = run_clean(&mut k);
    assert_eq!(*got.lock().unwrap(), vec!["1".to_string()]);
    assert_eq!(report.messages.destroyed, 0);
}

fn port_in(message: &Message) -> kernel::PortName {
    message
        .body
        .iter()
        .find_map(|item| match item {
            Item::Port(p) => Some(p.name),
            _ => None,
        })
        .expect("the message carries a port")
}

#[test]
fn allocating_before_the_run_into_a_full_space_leaves_no_orphan_port_or_set() {
    // Two names fit: the task's kernel port and its notify port.
    let config = kernel::Config {
        max_names_per_task: 2,
        ..kernel::Config::default()
    };
    let mut k = Kernel::builder().config(config).build();
    k.spawn("a", |_cx| async move { Ok::<(), kernel::Error>(()) });
    let ports_before = k.inspect(|i| i.ports().len());
    let port = k.allocate_port("a", "p", QueueLimit::DEFAULT);
    assert_eq!(
        port.unwrap_err().to_string(),
        kernel::ApiError::Kern(kernel::KernError::NoSpace).to_string()
    );
    let set = k.allocate_port_set("a", "s", &[]);
    assert!(set.is_err());
    assert_eq!(k.inspect(|i| i.ports().len()), ports_before);
    run_clean(&mut k);
}

/// A port-destroyed hand-over that would close a loop of receive rights in transit
/// is not made: the port dies normally (M30 `ipc_port_destroy` checks circularity).
fn destroy_with_backup(backup_in_queue: bool) -> (u64, usize, String) {
    use kernel::NotificationKind;
    use kernel::trace::{TraceHeader, write_jsonl};
    let mut k = Kernel::builder().trace(true).build();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, Some("p")).await?;
        cx.make_send(p).await?;
        if backup_in_queue {
            // The backup's receive right waits in p's own queue.
            let n = cx.allocate_port(QueueLimit::DEFAULT, Some("n")).await?;
            cx.request_notification(p, NotificationKind::PortDestroyed, n, 0)
                .await?;
            let carrier = Message::new(p, 7).with(Item::Port(PortItem {
                name: n,
                disposition: Disposition::MoveReceive,
            }));
            cx.send(carrier, SendPolicy::Block).await?;
        } else {
            // The backup is the dying port itself.
            cx.request_notification(p, NotificationKind::PortDestroyed, p, 0)
                .await?;
            cx.send(Message::new(p, 7), SendPolicy::Block).await?;
        }
        cx.destroy(p).await?;
        Ok::<(), kernel::Error>(())
    });
    let report = run_clean(&mut k);
    let ports = k.inspect(|i| i.ports().len());
    let mut text = Vec::new();
    write_jsonl(
        &mut text,
        &TraceHeader::new("backup", 0, ScheduleKind::RoundRobin),
        &k.take_trace(),
    )
    .unwrap();
    (
        report.messages.destroyed,
        ports,
        String::from_utf8(text).unwrap(),
    )
}

#[test]
fn a_port_destroyed_backup_whose_receive_right_waits_in_the_dying_port_is_not_used() {
    let (destroyed, ports, trace) = destroy_with_backup(true);
    // The carrier message dies with p, and n (whose right it carried) with it; the
    // send-once right of the request goes with n: no port-destroyed notification.
    assert_eq!(ports, 0, "no port survives in a loop");
    assert_eq!(destroyed, 1);
    assert!(!port_destroyed_sent(&trace), "{trace}");
    assert!(
        trace.contains(r#""port":"n","reason":"message_destroyed""#),
        "{trace}"
    );
}

#[test]
fn a_port_destroyed_request_naming_the_port_itself_lets_it_die() {
    let (destroyed, ports, trace) = destroy_with_backup(false);
    assert!(!port_destroyed_sent(&trace), "{trace}");
    assert_eq!(ports, 0);
    assert_eq!(destroyed, 1, "the queued message dies with the port");
}

fn port_destroyed_sent(trace: &str) -> bool {
    trace
        .lines()
        .any(|l| l.contains(r#""event":"notification_sent""#) && l.contains(r#""port_destroyed""#))
}

#[test]
fn the_kernel_limits_refuse_an_oversized_message_and_fill_an_unbounded_queue() {
    // A 64-byte message limit and an "unbounded" queue that takes two messages.
    let config = kernel::Config {
        max_message_bytes: 64,
        max_queue_messages: 2,
        ..kernel::Config::default()
    };
    let mut k = Kernel::builder().config(config).build();
    let seen: Log = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::Unbounded, None).await?;
        cx.make_send(port).await?;
        let big = Message::new(port, 1).with(Item::Bytes(bytes::Bytes::from(vec![0u8; 64])));
        match cx.send(big, SendPolicy::NoWait).await {
            // The message comes back whole, never having entered the kernel.
            Err(e) => s
                .lock()
                .unwrap()
                .push(format!("{} {}", e.code(), e.into_message().id())),
            Ok(status) => s.lock().unwrap().push(format!("{status:?}")),
        }
        for id in 2..=4 {
            let r = cx.send(Message::new(port, id), SendPolicy::NoWait).await;
            s.lock().unwrap().push(match r {
                Ok(_) => "sent".to_string(),
                Err(e) => e.code().to_string(),
            });
        }
        Ok::<(), kernel::Error>(())
    });
    let report = run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["send_too_large 1", "sent", "sent", "send_timed_out"]
    );
    // Only the timed-out send entered the kernel and was pseudo-received back; the
    // oversized one was refused before copy-in, as Mach refuses it.
    assert_eq!(report.messages.sent, 2 + 1 + 2);
    assert_eq!(report.messages.returned, 1);
}
