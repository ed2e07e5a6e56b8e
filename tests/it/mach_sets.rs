//! Port sets (reference §10 cases 36, 68–72, §7).

use crate::mach_messages::support::{
    finish, finish_parked, kind, log, ms, park, poll, push, take, wait,
};
use kernel::{KernError, Kernel, Message, PortName, QueueLimit, SendPolicy};

fn code(r: Result<impl Sized, KernError>) -> String {
    r.map_or_else(|e| e.code().to_string(), |_| "success".to_string())
}

/// Reference §10 case 36.
#[test]
fn receiving_directly_from_a_port_in_a_set_fails_with_rcv_in_set() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let set = cx.allocate_port_set(None).await.unwrap();
        cx.make_send(p).await.unwrap();
        cx.send(Message::new(p, 1), SendPolicy::Block)
            .await
            .unwrap();
        cx.add_to_set(p, set).await.unwrap();
        push(&s, poll(&cx, p).await.unwrap_err().code().to_string());
        cx.remove_from_set(p, set).await.unwrap();
        push(
            &s,
            format!("out of the set: got {}", poll(&cx, p).await.unwrap().id()),
        );
    });
    finish(&mut k);
    assert_eq!(take(&seen), ["rcv_in_set", "out of the set: got 1"]);
}

/// Reference §10 case 68.
#[test]
fn a_set_receive_names_the_member_and_stamps_the_members_sequence_number() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p1 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let p2 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let set = cx.allocate_port_set(None).await.unwrap();
        for p in [p1, p2] {
            cx.make_send(p).await.unwrap();
        }
        cx.send(Message::new(p2, 1), SendPolicy::Block)
            .await
            .unwrap();
        let direct = wait(&cx, p2).await;
        push(&s, format!("direct from p2: seqno {}", direct.header.seqno));
        for p in [p1, p2] {
            cx.add_to_set(p, set).await.unwrap();
        }
        cx.send(Message::new(p2, 2), SendPolicy::Block)
            .await
            .unwrap();
        cx.send(Message::new(p1, 3), SendPolicy::Block)
            .await
            .unwrap();
        for _ in 0..2 {
            let m = wait(&cx, set).await;
            let member = if m.header.dest == p1 {
                "p1"
            } else if m.header.dest == p2 {
                "p2"
            } else {
                "?"
            };
            push(
                &s,
                format!("got {} from {member} seqno {}", m.id(), m.header.seqno),
            );
        }
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "direct from p2: seqno 0",
            "got 2 from p2 seqno 1",
            "got 3 from p1 seqno 0"
        ]
    );
}

/// Reference §10 case 69.
#[test]
fn a_port_is_in_at_most_one_set_and_moving_it_takes_it_out_of_the_other() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let (s1, s2) = (
            cx.allocate_port_set(None).await.unwrap(),
            cx.allocate_port_set(None).await.unwrap(),
        );
        push(
            &s,
            format!("not in any: {}", code(cx.remove_from_set(p, s1).await)),
        );
        cx.add_to_set(p, s1).await.unwrap();
        push(&s, format!("move: {}", code(cx.add_to_set(p, s2).await)));
        push(
            &s,
            format!("leave old: {}", code(cx.remove_from_set(p, s1).await)),
        );
        cx.make_send(p).await.unwrap();
        cx.send(Message::new(p, 1), SendPolicy::Block)
            .await
            .unwrap();
        push(
            &s,
            format!("s1: {}", poll(&cx, s1).await.unwrap_err().code()),
        );
        push(&s, format!("s2: got {}", poll(&cx, s2).await.unwrap().id()));
        let other = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        push(
            &s,
            format!("into a port: {}", code(cx.add_to_set(p, other).await)),
        );
        push(
            &s,
            format!("a set into a set: {}", code(cx.add_to_set(s1, s2).await)),
        );
        let kp = cx.kernel_port();
        push(
            &s,
            format!("a send right: {}", code(cx.add_to_set(kp, s2).await)),
        );
        push(
            &s,
            format!(
                "unknown: {}",
                code(
                    cx.add_to_set(crate::mach_messages::support::BOGUS, s2)
                        .await
                )
            ),
        );
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "not in any: not_in_set",
            "move: success",
            "leave old: not_in_set",
            "s1: rcv_timed_out",
            "s2: got 1",
            "into a port: invalid_right",
            "a set into a set: invalid_right",
            "a send right: invalid_right",
            "unknown: invalid_name"
        ]
    );
}

/// Reference §10 case 70 (Mach 3.0's global arrival order, which the spec adopts).
#[test]
fn a_set_receive_takes_messages_in_global_arrival_order() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p1 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let p2 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let set = cx.allocate_port_set(None).await.unwrap();
        for p in [p1, p2] {
            cx.make_send(p).await.unwrap();
            cx.add_to_set(p, set).await.unwrap();
        }
        let name = |n: PortName| if n == p1 { "p1" } else { "p2" };
        for sends in [vec![p1, p1, p1, p2, p2, p2], vec![p2, p1, p1, p2, p1, p2]] {
            for (i, p) in sends.iter().enumerate() {
                cx.send(Message::new(*p, i as i32), SendPolicy::Block)
                    .await
                    .unwrap();
            }
            let mut order = Vec::new();
            while let Ok(m) = poll(&cx, set).await {
                order.push(format!("{}:{}", name(m.header.dest), m.id()));
            }
            push(&s, order.join(" "));
        }
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "p1:0 p1:1 p1:2 p2:3 p2:4 p2:5",
            "p2:0 p1:1 p1:2 p2:3 p1:4 p2:5"
        ]
    );
}

/// Reference §10 case 72.
#[test]
fn destroying_a_set_leaves_its_members_and_their_messages() {
    // A blocked receiver cannot destroy its own set in machsim (tasks are
    // single-threaded); what remains testable is that the members survive.
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let set = cx.allocate_port_set(None).await.unwrap();
        cx.make_send(p).await.unwrap();
        cx.add_to_set(p, set).await.unwrap();
        for id in 1..=2 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
        }
        cx.destroy(set).await.unwrap();
        push(&s, format!("set: {}", kind(&cx, set).await));
        push(&s, format!("member: {}", kind(&cx, p).await));
        let mut ids = Vec::new();
        while let Ok(m) = poll(&cx, p).await {
            ids.push(m.id());
        }
        push(&s, format!("{ids:?}"));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["set: invalid_name", "member: receive+send 1", "[1, 2]"]
    );
}

/// Reference §7 and §10 case 68 (a set receiver wakes for any member).
#[test]
fn a_receiver_blocked_on_a_set_is_woken_by_a_message_to_any_member() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let set = cx.lookup("inbox").unwrap();
        let q = cx.lookup("q").unwrap();
        for _ in 0..2 {
            let m = wait(&cx, set).await;
            push(
                &s,
                format!(
                    "got {} from q: {} at {}",
                    m.id(),
                    m.header.dest == q,
                    ms(&cx)
                ),
            );
        }
    });
    for (name, label, at) in [("x", "q", 10), ("y", "r", 20)] {
        k.spawn_at(name, at, move |cx| async move {
            let port = cx.lookup(label).unwrap();
            cx.send(Message::new(port, at as i32), SendPolicy::Block)
                .await
                .unwrap();
        });
    }
    k.allocate_port("owner", "q", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("owner", "r", QueueLimit::DEFAULT).unwrap();
    k.allocate_port_set("owner", "inbox", &["q", "r"]).unwrap();
    k.give_send_right("x", "q").unwrap();
    k.give_send_right("y", "r").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["got 10 from q: true at 10", "got 20 from q: false at 20"]
    );
}

/// Spec "Capacity 0" and "Port sets" (rendezvous through a set).
#[test]
fn a_set_receive_takes_the_message_of_a_sender_blocked_on_a_zero_capacity_member() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let sender_log = log();
    let sl = sender_log.clone();
    k.spawn("x", move |cx| async move {
        let q = cx.lookup("q").unwrap();
        let r = cx.send(Message::new(q, 1), SendPolicy::Block).await;
        push(&sl, format!("{r:?} at {}", ms(&cx)));
    });
    let s = seen.clone();
    k.spawn_at("owner", 10, move |cx| async move {
        let set = cx.lookup("inbox").unwrap();
        let m = wait(&cx, set).await;
        push(&s, format!("got {} at {}", m.id(), ms(&cx)));
        park(&cx).await;
    });
    k.allocate_port("owner", "q", QueueLimit::Bounded(0))
        .unwrap();
    k.allocate_port_set("owner", "inbox", &["q"]).unwrap();
    k.give_send_right("x", "q").unwrap();
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["got 1 at 10"]);
    assert_eq!(take(&sender_log), ["Ok(Sent) at 10"]);
}
