//! Queue limits and the full-mailbox policies (reference §10 cases 13–22), with
//! machsim's zero-capacity rendezvous and slot hand-off.

use crate::mach_messages::support::{
    Log, finish, finish_parked, full_port, kind, log, make_send_once, ms, park, poll, push, queued,
    result, take, wait,
};
use kernel::{Disposition, Item, Kernel, Message, PortItem, QueueLimit, SendPolicy};

/// A task that fills `label` with one message (id 0) at time 0.
fn filler(k: &mut Kernel, label: &'static str) {
    k.spawn("filler", move |cx| async move {
        let p = cx.lookup(label).unwrap();
        cx.send(Message::new(p, 0), SendPolicy::Block)
            .await
            .unwrap();
    });
}

/// A task that starts at `at_ms`, sends message `id` to `label` under `policy`, and
/// logs the result and the time it came back.
fn sender(
    k: &mut Kernel,
    name: &str,
    at_ms: u64,
    label: &'static str,
    id: i32,
    policy: SendPolicy,
    seen: &Log,
) {
    let s = seen.clone();
    k.spawn_at(name, at_ms, move |cx| async move {
        let p = cx.lookup(label).unwrap();
        let r = cx.send(Message::new(p, id), policy).await;
        push(&s, format!("{} {} at {}", cx.name(), result(&r), ms(&cx)));
    });
}

/// Reference §10 case 13.
#[test]
fn send_once_destinations_ignore_the_queue_limit() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 1, Some("p")).await;
        let once = make_send_once(&cx, p).await;
        let r = cx.send(Message::new(once, 2), SendPolicy::NoWait).await;
        push(&s, format!("send-once: {} at {}", result(&r), ms(&cx)));
        let r = cx.send(Message::new(p, 3), SendPolicy::NoWait).await;
        push(&s, format!("send right: {}", result(&r)));
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["send-once: success at 0", "send right: send_timed_out"]
    );
    assert_eq!(queued(&k, "p"), 2);
}

/// Reference §10 case 14.
#[test]
fn no_wait_on_a_full_queue_fails_at_once_and_hands_every_right_back_in_its_received_form() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 1, Some("p")).await;
        let x = cx
            .allocate_port(QueueLimit::DEFAULT, Some("x"))
            .await
            .unwrap();
        let y = cx
            .allocate_port(QueueLimit::DEFAULT, Some("y"))
            .await
            .unwrap();
        cx.make_send(y).await.unwrap();
        cx.make_send(y).await.unwrap();
        let z = cx
            .allocate_port(QueueLimit::DEFAULT, Some("z"))
            .await
            .unwrap();
        let z_once = make_send_once(&cx, z).await;
        let item = |name, disposition| Item::Port(PortItem { name, disposition });
        let m = Message::new(p, 2)
            .with(item(x, Disposition::MoveReceive))
            .with(item(y, Disposition::MoveSend))
            .with(item(z_once, Disposition::MoveSendOnce))
            .with(item(y, Disposition::CopySend))
            .with(item(z, Disposition::MakeSend))
            .with(item(z, Disposition::MakeSendOnce));
        let e = cx.send(m, SendPolicy::NoWait).await.unwrap_err();
        push(&s, format!("{} at {}", e.code(), ms(&cx)));
        let back = e.into_message();
        for item in &back.body {
            let Item::Port(PortItem { name, disposition }) = item else {
                unreachable!("only port items were sent")
            };
            push(
                &s,
                format!(
                    "{disposition:?} {:?} {}",
                    cx.label_of(*name).unwrap_or_default(),
                    kind(&cx, *name).await
                ),
            );
        }
        let names: Vec<_> = back
            .body
            .iter()
            .map(|i| match i {
                Item::Port(p) => p.name,
                _ => unreachable!(),
            })
            .collect();
        push(
            &s,
            format!(
                "y merged: {}, z merged: {}, send-once names distinct: {}",
                names[1] == y && names[3] == y,
                names[4] == z,
                names[2] != names[5]
            ),
        );
        push(
            &s,
            format!(
                "dest back under p: {}, {}",
                back.header.dest == p,
                kind(&cx, p).await
            ),
        );
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send_timed_out at 0",
            "MoveReceive \"x\" receive",
            "MoveSend \"y\" receive+send 3",
            "MoveSendOnce \"z\" send_once",
            "MoveSend \"y\" receive+send 3",
            "MoveSend \"z\" receive+send 1",
            "MoveSendOnce \"z\" send_once",
            "y merged: true, z merged: true, send-once names distinct: true",
            "dest back under p: true, receive+send 2",
        ]
    );
    assert_eq!(queued(&k, "p"), 1);
    let x = k.inspect(|i| i.port("x")).unwrap();
    assert_eq!(x.receiver, "a");
    let z = k.inspect(|i| i.port("z")).unwrap();
    assert_eq!((z.send_rights, z.send_once_rights), (1, 2));
}

/// Reference §10 case 15.
#[test]
fn a_timed_send_on_a_full_queue_fails_after_its_timeout_with_the_queue_unchanged() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 1, Some("p")).await;
        let e = cx
            .send(Message::new(p, 2), SendPolicy::Timeout(50))
            .await
            .unwrap_err();
        push(
            &s,
            format!(
                "{} at {}, message {} back",
                e.code(),
                ms(&cx),
                e.into_message().id()
            ),
        );
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["send_timed_out at 50, message 2 back"]);
    assert_eq!(queued(&k, "p"), 1);
}

/// Reference §10 case 16.
#[test]
fn a_timed_send_succeeds_when_a_receiver_frees_a_slot_before_the_timeout() {
    let mut k = Kernel::builder().build();
    let seen = log();
    filler(&mut k, "p");
    let s = seen.clone();
    k.spawn_at("a", 1, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx.send(Message::new(p, 1), SendPolicy::Timeout(50)).await;
        push(&s, format!("timed: {} at {}", result(&r), ms(&cx)));
        // The first send's timer must not cut this one short at 51 ms.
        let r = cx.send(Message::new(p, 2), SendPolicy::Block).await;
        push(&s, format!("then: {} at {}", result(&r), ms(&cx)));
    });
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        push(
            &g,
            format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
        );
        cx.sleep(90).await;
        for _ in 0..2 {
            push(
                &g,
                format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
            );
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    k.give_send_right("filler", "p").unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["timed: success at 10", "then: success at 100"]
    );
    assert_eq!(take(&got), ["got 0 at 10", "got 1 at 100", "got 2 at 100"]);
}

/// Reference §10 case 17.
#[test]
fn a_blocked_send_completes_when_the_receiver_takes_a_message() {
    let mut k = Kernel::builder().build();
    let seen = log();
    filler(&mut k, "p");
    sender(&mut k, "a", 1, "p", 1, SendPolicy::Block, &seen);
    k.spawn_at("owner", 20, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        assert_eq!(wait(&cx, p).await.id(), 0);
        park(&cx).await;
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    k.give_send_right("filler", "p").unwrap();
    k.give_send_right("a", "p").unwrap();
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["a success at 20"]);
    assert_eq!(queued(&k, "p"), 1);
}

/// Reference §10 case 18.
#[test]
fn blocked_senders_are_admitted_in_the_order_they_blocked() {
    let mut k = Kernel::builder().build();
    let seen = log();
    filler(&mut k, "p");
    for (i, name) in ["t1", "t2", "t3"].into_iter().enumerate() {
        let n = i as u64 + 1;
        sender(&mut k, name, n, "p", n as i32, SendPolicy::Block, &seen);
    }
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        for _ in 0..4 {
            push(&g, wait(&cx, p).await.id().to_string());
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    for name in ["filler", "t1", "t2", "t3"] {
        k.give_send_right(name, "p").unwrap();
    }
    finish(&mut k);
    assert_eq!(take(&got), ["0", "1", "2", "3"]);
    let mut sent = take(&seen);
    sent.sort();
    assert_eq!(
        sent,
        ["t1 success at 10", "t2 success at 10", "t3 success at 10"]
    );
}

/// Spec "Blocked senders" (first come first served, slot hand-off; reference §3.4).
#[test]
fn a_freed_slot_goes_to_the_blocked_sender_not_to_a_newcomer() {
    let mut k = Kernel::builder().build();
    let seen = log();
    filler(&mut k, "p");
    sender(&mut k, "blocked", 1, "p", 1, SendPolicy::Block, &seen);
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        push(&g, wait(&cx, p).await.id().to_string());
        cx.sleep(10).await;
        while let Ok(m) = poll(&cx, p).await {
            push(&g, m.id().to_string());
        }
    });
    sender(&mut k, "newcomer", 10, "p", 2, SendPolicy::NoWait, &seen);
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    for name in ["filler", "blocked", "newcomer"] {
        k.give_send_right(name, "p").unwrap();
    }
    finish(&mut k);
    let mut sent = take(&seen);
    sent.sort();
    assert_eq!(
        sent,
        ["blocked success at 10", "newcomer send_timed_out at 10"]
    );
    assert_eq!(take(&got), ["0", "1"]);
}

/// Spec "Capacity 0" (a rendezvous, not reference §10 case 19's Mach qlimit 0).
#[test]
fn on_a_zero_capacity_port_a_send_completes_when_a_receiver_takes_it() {
    let mut k = Kernel::builder().build();
    let seen = log();
    sender(&mut k, "early", 0, "p", 1, SendPolicy::Block, &seen);
    sender(&mut k, "late", 30, "p", 2, SendPolicy::Block, &seen);
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        for _ in 0..2 {
            push(
                &g,
                format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
            );
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(0))
        .unwrap();
    k.give_send_right("early", "p").unwrap();
    k.give_send_right("late", "p").unwrap();
    let report = finish(&mut k);
    let mut sent = take(&seen);
    sent.sort();
    assert_eq!(sent, ["early success at 10", "late success at 30"]);
    assert_eq!(take(&got), ["got 1 at 10", "got 2 at 30"]);
    assert_eq!(report.messages.destroyed, 0);
}

/// Spec "Capacity 0" (`no_wait` and `timeout_ms`).
#[test]
fn no_wait_and_timed_sends_on_a_zero_capacity_port_fail_unless_a_receiver_takes_the_message() {
    let mut k = Kernel::builder().build();
    let seen = log();
    sender(&mut k, "alone", 0, "p", 1, SendPolicy::NoWait, &seen);
    sender(&mut k, "met", 10, "p", 2, SendPolicy::NoWait, &seen);
    sender(&mut k, "late", 20, "p", 3, SendPolicy::Timeout(30), &seen);
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 5, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        push(
            &g,
            format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
        );
        park(&cx).await;
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(0))
        .unwrap();
    for name in ["alone", "met", "late"] {
        k.give_send_right(name, "p").unwrap();
    }
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "alone send_timed_out at 0",
            "met success at 10",
            "late send_timed_out at 50"
        ]
    );
    assert_eq!(take(&got), ["got 2 at 10"]);
    assert_eq!(queued(&k, "p"), 0);
}

/// Reference §10 case 19 (send-once through a zero limit; raising it).
#[test]
fn send_once_messages_pass_a_zero_limit_and_raising_it_admits_the_blocked_sender() {
    let mut k = Kernel::builder().build();
    let seen = log();
    sender(&mut k, "a", 0, "p", 1, SendPolicy::Block, &seen);
    let s = seen.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let once = make_send_once(&cx, p).await;
        let r = cx.send(Message::new(once, 2), SendPolicy::NoWait).await;
        push(&s, format!("send-once {}", result(&r)));
        // The send-once message fills a limit of 1: only 2 lets the sender in.
        cx.set_queue_limit(p, Some(1)).await.unwrap();
        cx.sleep(5).await;
        cx.set_queue_limit(p, Some(2)).await.unwrap();
        park(&cx).await;
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(0))
        .unwrap();
    k.give_send_right("a", "p").unwrap();
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["send-once success", "a success at 15"]);
    assert_eq!(queued(&k, "p"), 2);
}

/// Reference §10 case 20 (machsim's maximum is 1024, XNU's, as the spec says).
#[test]
fn the_queue_limit_takes_0_to_1024_or_unbounded_and_only_from_the_receive_right() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        let code = |r: Result<(), kernel::KernError>| {
            r.map_or_else(|e| e.code().to_string(), |()| "success".to_string())
        };
        for limit in [None, Some(0), Some(1024), Some(1025)] {
            push(
                &s,
                format!("{limit:?}: {}", code(cx.set_queue_limit(p, limit).await)),
            );
        }
        let q = cx.lookup("q").unwrap();
        push(
            &s,
            format!("send right: {}", code(cx.set_queue_limit(q, Some(1)).await)),
        );
        let bogus = crate::mach_messages::support::BOGUS;
        push(
            &s,
            format!(
                "no right: {}",
                code(cx.set_queue_limit(bogus, Some(1)).await)
            ),
        );
        park(&cx).await;
    });
    k.spawn("other", |cx| async move { park(&cx).await });
    k.allocate_port("other", "q", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "q").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "None: success",
            "Some(0): success",
            "Some(1024): success",
            "Some(1025): invalid_value",
            "send right: invalid_right",
            "no right: invalid_name"
        ]
    );
    assert_eq!(
        k.inspect(|i| i.port("p")).unwrap().limit,
        QueueLimit::Bounded(1024)
    );
    assert_eq!(
        k.inspect(|i| i.port("q")).unwrap().limit,
        QueueLimit::DEFAULT
    );
}

/// Reference §10 case 21 (and §3.1: lowering the limit evicts nothing).
#[test]
fn raising_the_queue_limit_admits_exactly_that_many_blocked_senders() {
    let mut k = Kernel::builder().build();
    let seen = log();
    filler(&mut k, "p");
    for (i, name) in ["t1", "t2", "t3"].into_iter().enumerate() {
        let n = i as u64 + 1;
        sender(&mut k, name, n, "p", n as i32, SendPolicy::Block, &seen);
    }
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.set_queue_limit(p, Some(3)).await.unwrap();
        cx.sleep(10).await;
        push(
            &g,
            format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
        );
        // Lowering the limit evicts nothing (reference §3.1).
        cx.set_queue_limit(p, Some(1)).await.unwrap();
        park(&cx).await;
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    for name in ["filler", "t1", "t2", "t3"] {
        k.give_send_right(name, "p").unwrap();
    }
    finish_parked(&mut k);
    let mut sent = take(&seen);
    sent.sort();
    assert_eq!(
        sent,
        ["t1 success at 10", "t2 success at 10", "t3 success at 20"]
    );
    assert_eq!(take(&got), ["got 0 at 20"]);
    assert_eq!(queued(&k, "p"), 3);
}

/// Reference §10 case 22.
#[test]
fn the_kernel_port_never_fills() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let kp = cx.kernel_port();
        let mut results = Vec::new();
        for id in 0..8 {
            results.push(result(
                &cx.send(Message::new(kp, id), SendPolicy::NoWait).await,
            ));
        }
        push(&s, format!("{results:?} at {}", ms(&cx)));
        push(&s, kind(&cx, kp).await);
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "[\"success\", \"success\", \"success\", \"success\", \"success\", \"success\", \"success\", \"success\"] at 0",
            "send 1"
        ]
    );
}
