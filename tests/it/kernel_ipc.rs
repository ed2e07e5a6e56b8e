//! Sending and receiving: policies, queues, blocked senders, port death.

use crate::mach_messages::support::{poll, wait};
use harness::{run_allowing_crashes, run_clean};
use kernel::{
    Kernel, Message, QueueLimit, ReceiveError, ReceiveOptions, ReceivePolicy, SendError,
    SendPolicy, SendStatus,
};
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn push(log: &Log, s: impl Into<String>) {
    log.lock().unwrap().push(s.into());
}

#[test]
fn a_request_is_answered_through_a_send_once_reply_right() {
    let mut k = Kernel::builder().build();
    k.spawn("server", |cx| async move {
        let port = cx.lookup("requests").unwrap();
        let request = wait(&cx, port).await;
        assert_eq!(request.id(), 7);
        let reply = Message::new(request.header.reply, 8);
        assert_eq!(
            cx.send(reply, SendPolicy::Block).await,
            Ok(SendStatus::Sent)
        );
    });
    let seen = log();
    let s = seen.clone();
    k.spawn("client", move |cx| async move {
        let requests = cx.lookup("requests").unwrap();
        let reply_port = cx
            .allocate_port(QueueLimit::DEFAULT, Some("reply"))
            .await
            .unwrap();
        let request =
            Message::new(requests, 7).with_reply(reply_port, kernel::Disposition::MakeSendOnce);
        cx.send(request, SendPolicy::Block).await.unwrap();
        let reply = wait(&cx, reply_port).await;
        push(&s, format!("reply {}", reply.id()));
    });
    k.allocate_port("server", "requests", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("client", "requests").unwrap();
    let report = run_clean(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(*seen.lock().unwrap(), vec!["reply 8"]);
}

#[test]
fn no_wait_on_a_full_queue_times_out_at_once_and_hands_the_message_back() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("sender", move |cx| async move {
        let port = cx
            .allocate_port(QueueLimit::Bounded(1), Some("p"))
            .await
            .unwrap();
        cx.make_send(port).await.unwrap();
        cx.send(Message::new(port, 1), SendPolicy::NoWait)
            .await
            .unwrap();
        match cx.send(Message::new(port, 2), SendPolicy::NoWait).await {
            Err(SendError::TimedOut(m)) => push(&s, format!("back {}", m.id())),
            other => push(&s, format!("{other:?}")),
        }
        push(&s, format!("t={}", cx.now_ns()));
        let first = poll(&cx, port).await.unwrap();
        push(&s, format!("got {}", first.id()));
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["back 2", "t=0", "got 1"]);
}

#[test]
fn a_timed_send_fails_after_its_timeout_in_virtual_time() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("sender", move |cx| async move {
        let port = cx
            .allocate_port(QueueLimit::Bounded(1), None)
            .await
            .unwrap();
        cx.make_send(port).await.unwrap();
        cx.send(Message::new(port, 1), SendPolicy::Block)
            .await
            .unwrap();
        let r = cx
            .send(Message::new(port, 2), SendPolicy::Timeout(50))
            .await;
        push(
            &s,
            format!(
                "{} at {} ms",
                r.unwrap_err().code(),
                cx.now_ns() / 1_000_000
            ),
        );
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["send_timed_out at 50 ms"]);
}

#[test]
fn the_kernel_cache_queues_beyond_the_limit_once_per_port_and_notifies_on_receipt() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("sender", move |cx| async move {
        let port = cx
            .allocate_port(QueueLimit::Bounded(1), Some("p"))
            .await
            .unwrap();
        cx.make_send(port).await.unwrap();
        cx.send(Message::new(port, 1), SendPolicy::Block)
            .await
            .unwrap();
        push(
            &s,
            format!(
                "{:?}",
                cx.send(Message::new(port, 2), SendPolicy::Notify)
                    .await
                    .unwrap()
            ),
        );
        let again = cx.send(Message::new(port, 3), SendPolicy::Notify).await;
        push(&s, again.unwrap_err().code().to_string());
        for _ in 0..2 {
            let m = poll(&cx, port).await.unwrap();
            push(&s, format!("got {}", m.id()));
        }
        let note = poll(&cx, cx.notify_port()).await.unwrap();
        push(&s, format!("notification {}", note.id()));
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            "WillNotify",
            "send_notify_in_progress",
            "got 1",
            "got 2",
            "notification 66"
        ]
    );
}

#[test]
fn blocked_senders_get_freed_slots_first_come_first_served() {
    let mut k = Kernel::builder().build();
    let seen = log();
    for name in ["a", "b", "c"] {
        k.spawn(name, move |cx| async move {
            let port = cx.lookup("p").unwrap();
            let id = i32::from(cx.name().as_bytes()[0]);
            cx.send(Message::new(port, id), SendPolicy::Block)
                .await
                .unwrap();
        });
    }
    let s = seen.clone();
    k.spawn_at("receiver", 10, move |cx| async move {
        let port = cx.lookup("p").unwrap();
        for _ in 0..4 {
            let m = wait(&cx, port).await;
            push(&s, char::from(m.id() as u8).to_string());
        }
    });
    k.allocate_port("receiver", "p", QueueLimit::Bounded(1))
        .unwrap();
    for name in ["a", "b", "c"] {
        k.give_send_right(name, "p").unwrap();
    }
    let report = run_clean(&mut k);
    // Three senders, one receiver reading four: the run ends in a deadlock-free
    // state only if all three messages were delivered in order.
    assert_eq!(seen.lock().unwrap()[..3], ["a", "b", "c"]);
    assert_eq!(report.outcome.as_str(), "deadlock");
}

#[test]
fn a_sender_blocked_on_a_port_that_dies_returns_success_and_its_message_is_destroyed() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("sender", move |cx| async move {
        let port = cx.lookup("p").unwrap();
        cx.send(Message::new(port, 1), SendPolicy::Block)
            .await
            .unwrap();
        let r = cx.send(Message::new(port, 2), SendPolicy::Block).await;
        push(&s, format!("{r:?}"));
    });
    k.spawn_at("owner", 5, |cx| async move {
        let port = cx.lookup("p").unwrap();
        cx.destroy(port).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    k.give_send_right("sender", "p").unwrap();
    let report = run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["Ok(Sent)"]);
    assert_eq!(report.messages.destroyed, 2);
}

#[test]
fn a_receiver_waiting_on_a_port_that_dies_gets_rcv_port_died() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("receiver", move |cx| async move {
        let port = cx.lookup("p").unwrap();
        let r = cx
            .receive(port, ReceivePolicy::Block, ReceiveOptions::default())
            .await;
        push(&s, format!("{:?}", r.unwrap_err()));
    });
    k.allocate_port("receiver", "p", QueueLimit::DEFAULT)
        .unwrap();
    k.schedule_fault(3, None, Some("p")).unwrap();
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![format!("{:?}", ReceiveError::PortDied)]
    );
}

#[test]
fn a_too_large_message_is_destroyed_or_kept_with_large() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.make_send(port).await.unwrap();
        let big = Message::new(port, 1).with(kernel::Item::Str("x".repeat(100)));
        cx.send(big.clone(), SendPolicy::Block).await.unwrap();
        let small = ReceiveOptions {
            max_bytes: Some(64),
            large: true,
        };
        push(
            &s,
            format!(
                "{:?}",
                cx.receive(port, ReceivePolicy::NoWait, small)
                    .await
                    .unwrap_err()
            ),
        );
        let small = ReceiveOptions {
            max_bytes: Some(64),
            large: false,
        };
        push(
            &s,
            format!(
                "{:?}",
                cx.receive(port, ReceivePolicy::NoWait, small)
                    .await
                    .unwrap_err()
            ),
        );
        push(&s, poll(&cx, port).await.unwrap_err().code().to_string());
    });
    let report = run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            "TooLarge { size: 132, destroyed: false }",
            "TooLarge { size: 132, destroyed: true }",
            "rcv_timed_out"
        ]
    );
    assert_eq!(report.messages.destroyed, 1);
}

#[test]
fn a_panicking_task_is_a_crash_and_the_kernel_goes_on() {
    let mut k = Kernel::builder().build();
    k.spawn("bad", |_cx| async move {
        if cx_is_bad() {
            panic!("boom");
        }
    });
    k.spawn("good", |cx| async move {
        cx.sleep(1).await;
        7
    });
    let report = run_allowing_crashes(&mut k);
    assert_eq!(report.outcome.as_str(), "completed");
    let tasks = k.inspect(|i| i.tasks());
    assert_eq!(tasks[0].state, "crashed");
    assert_eq!(tasks[1].exit, Some(kernel::TaskExit::Exited(7)));
}

#[test]
fn two_receivers_waiting_on_each_other_are_a_deadlock_with_its_cycle() {
    let mut k = Kernel::builder().build();
    for (me, other) in [("a", "pa"), ("b", "pb")] {
        let _ = other;
        k.spawn(me, move |cx| async move {
            let own = cx.lookup(&format!("p{me}")).unwrap();
            let _ = cx
                .receive(own, ReceivePolicy::Block, ReceiveOptions::default())
                .await;
        });
    }
    k.allocate_port("a", "pa", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("b", "pb", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "pb").unwrap();
    k.give_send_right("b", "pa").unwrap();
    let report = run_clean(&mut k);
    let kernel::Outcome::Deadlock(d) = report.outcome else {
        panic!("expected a deadlock")
    };
    assert_eq!(d.blocked.len(), 2);
    assert_eq!(d.cycle, vec!["a", "b"]);
}

fn cx_is_bad() -> bool {
    true
}
