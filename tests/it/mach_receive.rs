//! The receive side, ordering and sequence numbers (reference §10 cases 32–44), and
//! a receive right changing owner.

use crate::mach_messages::support::{
    BOGUS, Log, finish, finish_parked, kind, log, make_send_once, ms, park, poll, push, take, wait,
};
use bytes::Bytes;
use kernel::{
    Disposition, Item, Kernel, Message, PortItem, PortName, QueueLimit, ReceiveError,
    ReceiveOptions, ReceivePolicy, ScheduleKind, SendPolicy,
};
use std::sync::{Arc, Mutex};

/// A body of `bytes` inline bytes: the message is `24 + 4 + bytes` long (a multiple of 4).
fn big(dest: PortName, id: i32, bytes: usize) -> Message {
    Message::new(dest, id).with(Item::Bytes(Bytes::from(vec![7u8; bytes])))
}

fn small_buffer(large: bool) -> ReceiveOptions {
    ReceiveOptions {
        max_bytes: Some(64),
        large,
    }
}

fn outcome(r: &Result<Message, ReceiveError>) -> String {
    match r {
        Ok(m) => format!("got {} seqno {}", m.id(), m.header.seqno),
        Err(e) => format!("{e:?}"),
    }
}

/// Reference §10 case 32 (and a timed receive that a message satisfies early).
#[test]
fn a_receive_on_an_empty_port_times_out_at_once_or_after_its_timeout() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = poll(&cx, p).await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        for policy in [ReceivePolicy::Timeout(25), ReceivePolicy::Timeout(50)] {
            let r = cx.receive(p, policy, ReceiveOptions::default()).await;
            push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        }
        // The last timer (due at 75 ms) must not cut this receive short.
        let r = cx
            .receive(p, ReceivePolicy::Block, ReceiveOptions::default())
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
    });
    k.spawn_at("sender", 30, |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.send(Message::new(p, 1), SendPolicy::Block)
            .await
            .unwrap();
        cx.sleep(70).await;
        cx.send(Message::new(p, 2), SendPolicy::Block)
            .await
            .unwrap();
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("sender", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "TimedOut at 0",
            "TimedOut at 25",
            "got 1 seqno 0 at 30",
            "got 2 seqno 1 at 100"
        ]
    );
}

/// Reference §10 case 33.
#[test]
fn a_too_large_message_received_with_large_stays_queued_with_its_sequence_number() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.make_send(p).await.unwrap();
        cx.send(big(p, 1, 172), SendPolicy::Block).await.unwrap();
        for _ in 0..2 {
            let r = cx
                .receive(p, ReceivePolicy::NoWait, small_buffer(true))
                .await;
            push(&s, outcome(&r));
        }
        let r = cx
            .receive(p, ReceivePolicy::NoWait, ReceiveOptions::default())
            .await;
        push(&s, outcome(&r));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "TooLarge { size: 200, destroyed: false }",
            "TooLarge { size: 200, destroyed: false }",
            "got 1 seqno 0"
        ]
    );
}

/// Reference §10 case 34.
#[test]
fn a_too_large_message_received_without_large_is_destroyed_and_its_reply_right_notifies() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let reply = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.make_send(p).await.unwrap();
        let m = big(p, 1, 172).with_reply(reply, Disposition::MakeSendOnce);
        cx.send(m, SendPolicy::Block).await.unwrap();
        cx.send(Message::new(p, 2), SendPolicy::Block)
            .await
            .unwrap();
        let r = cx
            .receive(p, ReceivePolicy::NoWait, small_buffer(false))
            .await;
        push(&s, outcome(&r));
        let note = poll(&cx, reply).await;
        push(&s, format!("reply port: {}", outcome(&note)));
        let r = cx
            .receive(p, ReceivePolicy::NoWait, small_buffer(false))
            .await;
        push(&s, outcome(&r));
    });
    let report = finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "TooLarge { size: 200, destroyed: true }",
            "reply port: got 71 seqno 0",
            "got 2 seqno 1"
        ]
    );
    assert_eq!(report.messages.destroyed, 1);
}

/// Reference §10 case 35.
#[test]
fn receiving_on_a_name_without_a_receive_right_fails_with_rcv_invalid_name() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        cx.destroy(cx.lookup("dead").unwrap()).await.unwrap();
        park(&cx).await;
    });
    let s = seen.clone();
    k.spawn_at("a", 5, move |cx| async move {
        let own = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let once = make_send_once(&cx, own).await;
        let names = [
            ("send", cx.lookup("live").unwrap()),
            ("dead name", cx.lookup("dead").unwrap()),
            ("send-once", once),
            ("kernel port", cx.kernel_port()),
            ("unknown", BOGUS),
            ("null", PortName::NULL),
        ];
        for (what, name) in names {
            push(
                &s,
                format!("{what}: {}", poll(&cx, name).await.unwrap_err().code()),
            );
        }
        push(&s, kind(&cx, cx.lookup("dead").unwrap()).await);
    });
    k.allocate_port("owner", "live", QueueLimit::DEFAULT)
        .unwrap();
    k.allocate_port("owner", "dead", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("a", "live").unwrap();
    k.give_send_right("a", "dead").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send: rcv_invalid_name",
            "dead name: rcv_invalid_name",
            "send-once: rcv_invalid_name",
            "kernel port: rcv_invalid_name",
            "unknown: rcv_invalid_name",
            "null: rcv_invalid_name",
            "dead_name 1"
        ]
    );
}

/// Reference §10 case 38.
#[test]
fn a_receiver_blocked_on_a_port_that_is_destroyed_gets_rcv_port_died() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx
            .receive(p, ReceivePolicy::Block, ReceiveOptions::default())
            .await;
        push(&s, format!("{} at {}", r.unwrap_err().code(), ms(&cx)));
        push(&s, kind(&cx, p).await);
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.schedule_fault(3, None, Some("p")).unwrap();
    finish(&mut k);
    assert_eq!(take(&seen), ["rcv_port_died at 3", "invalid_name"]);
}

/// Reference §10 case 39.
#[test]
fn a_receiver_whose_receive_right_is_taken_away_gets_rcv_port_died_and_later_messages_follow_the_right()
 {
    // The right is taken with `extract_right` through the task's kernel port:
    // machsim's tasks are single-threaded, so another task plays the "other thread".
    let mut k = Kernel::builder().build();
    let child_log = log();
    let parent_log = log();
    let shared: Arc<Mutex<Option<PortName>>> = Arc::new(Mutex::new(None));
    let (c, p, slot) = (child_log.clone(), parent_log.clone(), shared.clone());
    k.spawn("parent", move |cx| async move {
        let child_slot = slot.clone();
        let child = cx
            .spawn("child", move |cx| async move {
                let port = cx
                    .allocate_port(QueueLimit::DEFAULT, Some("p"))
                    .await
                    .unwrap();
                cx.make_send(port).await.unwrap();
                *child_slot.lock().unwrap() = Some(port);
                let r = cx
                    .receive(port, ReceivePolicy::Block, ReceiveOptions::default())
                    .await;
                push(&c, format!("{} at {}", r.unwrap_err().code(), ms(&cx)));
                push(
                    &c,
                    format!("left under the name: {}", kind(&cx, port).await),
                );
                for id in 1..=2 {
                    cx.send(Message::new(port, id), SendPolicy::Block)
                        .await
                        .unwrap();
                }
                push(&c, poll(&cx, port).await.unwrap_err().code().to_string());
            })
            .await
            .unwrap();
        cx.sleep(5).await;
        let name = slot.lock().unwrap().unwrap();
        let mine = cx
            .extract_right(child, name, Disposition::MoveReceive)
            .await
            .unwrap();
        push(&p, format!("took {}", kind(&cx, mine).await));
        cx.sleep(5).await;
        for _ in 0..2 {
            push(&p, outcome(&poll(&cx, mine).await));
        }
    });
    finish(&mut k);
    assert_eq!(
        take(&child_log),
        [
            "rcv_port_died at 5",
            "left under the name: send 1",
            "rcv_invalid_name"
        ]
    );
    assert_eq!(
        take(&parent_log),
        ["took receive", "got 1 seqno 0", "got 2 seqno 1"]
    );
}

/// Reference §10 case 41.
#[test]
fn messages_from_one_sender_arrive_in_order_with_consecutive_sequence_numbers() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        for id in 0..10 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
        }
    });
    k.spawn_at("owner", 1, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        for _ in 0..10 {
            let m = wait(&cx, p).await;
            push(&s, format!("{}/{}", m.id(), m.header.seqno));
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(16))
        .unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    let expected: Vec<String> = (0..10).map(|i| format!("{i}/{i}")).collect();
    assert_eq!(take(&seen), expected);
}

fn two_senders(seed: u64) -> Vec<(i32, u32)> {
    let mut k = Kernel::builder()
        .seed(seed)
        .schedule(ScheduleKind::Random)
        .build();
    let seen: Arc<Mutex<Vec<(i32, u32)>>> = Arc::new(Mutex::new(Vec::new()));
    for (name, base) in [("a", 100), ("b", 200)] {
        k.spawn(name, move |cx| async move {
            let p = cx.lookup("p").unwrap();
            for i in 0..5 {
                cx.send(Message::new(p, base + i), SendPolicy::Block)
                    .await
                    .unwrap();
            }
        });
    }
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        for _ in 0..10 {
            let m = wait(&cx, p).await;
            s.lock().unwrap().push((m.id(), m.header.seqno));
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(2))
        .unwrap();
    k.give_send_right("a", "p").unwrap();
    k.give_send_right("b", "p").unwrap();
    finish(&mut k);
    seen.lock().unwrap().clone()
}

/// Reference §10 case 42.
#[test]
fn two_senders_keep_their_own_order_and_sequence_numbers_stay_contiguous() {
    let mut interleavings = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let got = two_senders(seed);
        let seqnos: Vec<u32> = got.iter().map(|(_, s)| *s).collect();
        assert_eq!(seqnos, (0..10).collect::<Vec<_>>(), "seed {seed}");
        for base in [100, 200] {
            let mine: Vec<i32> = got
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| id / 100 == base / 100)
                .collect();
            assert_eq!(mine, (base..base + 5).collect::<Vec<_>>(), "seed {seed}");
        }
        interleavings.insert(got.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    }
    assert!(
        interleavings.len() > 1,
        "the random schedule should interleave the senders differently"
    );
}

/// Reference §10 case 43; spec: a moved receive right takes its mailbox along.
#[test]
fn a_receive_right_moved_in_a_message_takes_its_queue_along_and_restarts_its_sequence_numbers() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        for id in 1..=3 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
            let m = wait(&cx, p).await;
            push(&s, format!("a got {}/{}", m.id(), m.header.seqno));
        }
        for id in 4..=5 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
        }
        let inbox = cx.lookup("inbox").unwrap();
        let m = Message::new(inbox, 9).with(Item::Port(PortItem {
            name: p,
            disposition: Disposition::MoveReceive,
        }));
        cx.send(m, SendPolicy::Block).await.unwrap();
        push(&s, format!("a keeps {}", kind(&cx, p).await));
        cx.send(Message::new(p, 6), SendPolicy::Block)
            .await
            .unwrap();
        park(&cx).await;
    });
    let b_log: Log = log();
    let b = b_log.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let carrier = wait(&cx, inbox).await;
        let Some(Item::Port(PortItem { name, disposition })) = carrier.body.first().cloned() else {
            unreachable!("the receive right arrives")
        };
        push(
            &b,
            format!("b holds {} as {disposition:?}", kind(&cx, name).await),
        );
        while let Ok(m) = poll(&cx, name).await {
            push(&b, format!("b got {}/{}", m.id(), m.header.seqno));
        }
        park(&cx).await;
    });
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["a got 1/0", "a got 2/1", "a got 3/2", "a keeps send 1"]
    );
    assert_eq!(
        take(&b_log),
        [
            "b holds receive as MoveReceive",
            "b got 4/0",
            "b got 5/1",
            "b got 6/2"
        ]
    );
    let p = k.inspect(|i| i.port("p")).unwrap();
    assert_eq!(p.receiver, "b");
    assert_eq!((p.make_send_count, p.send_rights, p.seqno), (0, 1, 3));
}

/// Reference §10 case 44 (machsim has one receiver per port).
#[test]
fn a_waiting_receiver_with_a_small_buffer_and_large_is_told_the_size_and_the_message_stays_queued()
{
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx
            .receive(p, ReceivePolicy::Block, small_buffer(true))
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        let r = cx
            .receive(p, ReceivePolicy::NoWait, ReceiveOptions::default())
            .await;
        push(&s, outcome(&r));
    });
    k.spawn_at("a", 10, |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.send(big(p, 1, 172), SendPolicy::Block).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "TooLarge { size: 200, destroyed: false } at 10",
            "got 1 seqno 0"
        ]
    );
}

/// Reference §10 cases 34 and 44 (the hand-off path, without `large`).
#[test]
fn a_waiting_receiver_with_a_small_buffer_destroys_the_message_and_uses_up_its_sequence_number() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx
            .receive(p, ReceivePolicy::Block, small_buffer(false))
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        cx.sleep(10).await;
        push(&s, outcome(&poll(&cx, p).await));
    });
    let client = log();
    let c = client.clone();
    k.spawn_at("a", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let reply = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let m = big(p, 1, 172).with_reply(reply, Disposition::MakeSendOnce);
        cx.send(m, SendPolicy::Block).await.unwrap();
        cx.send(Message::new(p, 2), SendPolicy::Block)
            .await
            .unwrap();
        push(&c, outcome(&Ok(wait(&cx, reply).await)));
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "TooLarge { size: 200, destroyed: true } at 10",
            "got 2 seqno 1"
        ]
    );
    assert_eq!(take(&client), ["got 71 seqno 0"]);
}
