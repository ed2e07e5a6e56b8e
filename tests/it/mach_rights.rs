//! Rights, names and user references (reference §10 cases 45–51, §2.4).

use crate::mach_messages::support::{
    BOGUS, finish, finish_parked, kind, log, make_send_once, park, poll, push, take, wait,
};
use kernel::{
    Disposition, Item, KernError, Kernel, Message, PortItem, PortName, QueueLimit, RightKind,
    SendPolicy,
};

fn code(r: Result<impl Sized, KernError>) -> String {
    r.map_or_else(|e| e.code().to_string(), |_| "success".to_string())
}

fn carrying(dest: PortName, name: PortName, disposition: Disposition) -> Message {
    Message::new(dest, 1).with(Item::Port(PortItem { name, disposition }))
}

fn carried(m: &Message) -> PortItem {
    match m.body.first() {
        Some(Item::Port(item)) => *item,
        other => panic!("expected a port item, got {other:?}"),
    }
}

/// Reference §10 case 45.
#[test]
fn copy_send_move_send_and_make_send_account_user_references_and_the_make_send_count() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        cx.make_send(p).await.unwrap();
        push(&s, format!("start: {}", kind(&cx, p).await));
        let inbox = cx.lookup("inbox").unwrap();
        for d in [
            Disposition::CopySend,
            Disposition::MoveSend,
            Disposition::MoveSend,
            Disposition::MakeSend,
        ] {
            cx.send(carrying(inbox, p, d), SendPolicy::Block)
                .await
                .unwrap();
            push(&s, format!("after {d}: {}", kind(&cx, p).await));
        }
        let r = cx.send(carrying(inbox, p, Disposition::MoveSend), SendPolicy::Block);
        push(
            &s,
            format!("move_send again: {}", r.await.unwrap_err().code()),
        );
        park(&cx).await;
    });
    let b = log();
    let bl = b.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let mut names = Vec::new();
        for _ in 0..4 {
            let item = carried(&wait(&cx, inbox).await);
            names.push(item.name);
            push(
                &bl,
                format!("{:?} {}", item.disposition, kind(&cx, item.name).await),
            );
        }
        push(
            &bl,
            format!("one name: {}", names.iter().all(|n| *n == names[0])),
        );
        park(&cx).await;
    });
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "start: receive+send 2",
            "after copy_send: receive+send 2",
            "after move_send: receive+send 1",
            "after move_send: receive",
            "after make_send: receive",
            "move_send again: send_invalid_right"
        ]
    );
    assert_eq!(
        take(&b),
        [
            "MoveSend send 1",
            "MoveSend send 2",
            "MoveSend send 3",
            "MoveSend send 4",
            "one name: true"
        ]
    );
    let p = k.inspect(|i| i.port("p")).unwrap();
    assert_eq!((p.make_send_count, p.send_rights), (3, 1));
}

/// Reference §10 case 46.
#[test]
fn rights_for_one_port_coalesce_under_one_name_even_with_the_receive_right() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("a", |cx| async move {
        let p = cx.lookup("p").unwrap();
        let inbox = cx.lookup("inbox").unwrap();
        cx.send(carrying(inbox, p, Disposition::MakeSend), SendPolicy::Block)
            .await
            .unwrap();
        cx.send(
            carrying(inbox, p, Disposition::MoveReceive),
            SendPolicy::Block,
        )
        .await
        .unwrap();
    });
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let n = cx.lookup("p").unwrap();
        push(&s, format!("before: {}", kind(&cx, n).await));
        let inbox = cx.lookup("inbox").unwrap();
        for _ in 0..2 {
            let item = carried(&wait(&cx, inbox).await);
            push(
                &s,
                format!(
                    "{:?} under the same name: {}, {}",
                    item.disposition,
                    item.name == n,
                    kind(&cx, n).await
                ),
            );
        }
        park(&cx).await;
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    k.give_send_right("b", "p").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "before: send 1",
            "MoveSend under the same name: true, send 2",
            "MoveReceive under the same name: true, receive+send 2"
        ]
    );
    assert_eq!(k.inspect(|i| i.port("p")).unwrap().receiver, "b");
}

/// Reference §10 case 47.
#[test]
fn each_send_once_right_gets_its_own_name() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("a", |cx| async move {
        let p = cx.lookup("p").unwrap();
        let inbox = cx.lookup("inbox").unwrap();
        for _ in 0..2 {
            cx.send(
                carrying(inbox, p, Disposition::MakeSendOnce),
                SendPolicy::Block,
            )
            .await
            .unwrap();
        }
        park(&cx).await;
    });
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let first = carried(&wait(&cx, inbox).await);
        let second = carried(&wait(&cx, inbox).await);
        push(
            &s,
            format!(
                "distinct: {}; {:?} {} {:?}; {:?} {} {:?}",
                first.name != second.name,
                first.disposition,
                kind(&cx, first.name).await,
                cx.label_of(first.name),
                second.disposition,
                kind(&cx, second.name).await,
                cx.label_of(second.name)
            ),
        );
        park(&cx).await;
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["distinct: true; MoveSendOnce send_once Some(\"p\"); MoveSendOnce send_once Some(\"p\")"]
    );
    assert_eq!(k.inspect(|i| i.port("p")).unwrap().send_once_rights, 2);
}

/// Reference §10 case 48.
#[test]
fn mod_refs_checks_the_right_and_the_result_and_dropping_the_receive_right_destroys_the_port() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        for (right, delta) in [
            (RightKind::Send, -1),
            (RightKind::SendOnce, -1),
            (RightKind::PortSet, -1),
            (RightKind::DeadName, -1),
            (RightKind::Receive, 1),
            (RightKind::Receive, -1),
        ] {
            push(
                &s,
                format!(
                    "{right} {delta}: {}",
                    code(cx.mod_refs(p, right, delta).await)
                ),
            );
        }
        push(&s, format!("then {}", kind(&cx, p).await));
        let q = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.make_send(q).await.unwrap();
        push(
            &s,
            format!(
                "send -2 of 1: {}",
                code(cx.mod_refs(q, RightKind::Send, -2).await)
            ),
        );
        push(&s, format!("then {}", kind(&cx, q).await));
        let set = cx.allocate_port_set(None).await.unwrap();
        push(
            &s,
            format!(
                "port_set -1: {}",
                code(cx.mod_refs(set, RightKind::PortSet, -1).await)
            ),
        );
        push(&s, format!("then {}", kind(&cx, set).await));
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send -1: invalid_right",
            "send_once -1: invalid_right",
            "port_set -1: invalid_right",
            "dead_name -1: invalid_right",
            "receive 1: invalid_value",
            "receive -1: success",
            "then invalid_name",
            "send -2 of 1: invalid_value",
            "then receive+send 1",
            "port_set -1: success",
            "then invalid_name"
        ]
    );
    assert!(k.inspect(|i| i.port("p")).is_none());
}

/// Reference §10 case 49.
#[test]
fn user_references_stop_at_65535() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        cx.mod_refs(p, RightKind::Send, 65533).await.unwrap();
        push(&s, kind(&cx, p).await);
        for _ in 0..2 {
            push(&s, code(cx.mod_refs(p, RightKind::Send, 1).await));
            push(&s, kind(&cx, p).await);
        }
        push(&s, format!("make_send: {}", code(cx.make_send(p).await)));
        push(&s, kind(&cx, p).await);
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "receive+send 65534",
            "success",
            "receive+send 65535",
            "urefs_overflow",
            "receive+send 65535",
            "make_send: urefs_overflow",
            "receive+send 65535"
        ]
    );
    assert_eq!(k.inspect(|i| i.port("p")).unwrap().make_send_count, 1);
}

/// Reference §10 case 50.
#[test]
fn insert_right_adds_a_send_right_under_the_receive_rights_name_and_refuses_sets_and_dead_names() {
    // Machsim's `insert_right` lets the kernel choose the name, so the
    // name-conflict results (`name_exists`, `right_exists`) are not reachable.
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        cx.destroy(cx.lookup("q").unwrap()).await.unwrap();
    });
    let s = seen.clone();
    k.spawn_at("a", 5, move |cx| async move {
        let me = cx.kernel_port();
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        let name = cx.insert_right(me, p, Disposition::MakeSend).await.unwrap();
        push(
            &s,
            format!("same name: {}, {}", name == p, kind(&cx, p).await),
        );
        let set = cx.allocate_port_set(None).await.unwrap();
        push(
            &s,
            format!(
                "set: {}",
                code(cx.insert_right(me, set, Disposition::MakeSend).await)
            ),
        );
        let dead = cx.lookup("q").unwrap();
        push(
            &s,
            format!(
                "dead name: {}",
                code(cx.insert_right(me, dead, Disposition::CopySend).await)
            ),
        );
        push(
            &s,
            format!(
                "not a task port: {}",
                code(cx.insert_right(p, p, Disposition::MakeSend).await)
            ),
        );
        park(&cx).await;
    });
    k.allocate_port("owner", "q", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "q").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "same name: true, receive+send 1",
            "set: invalid_right",
            "dead name: invalid_capability",
            "not a task port: invalid_argument"
        ]
    );
}

/// Reference §10 case 51 (Mach 3.0: a port set cannot be deallocated either).
#[test]
fn deallocate_refuses_receive_rights_and_sets_and_a_deallocated_send_once_right_notifies_its_port()
{
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let set = cx.allocate_port_set(None).await.unwrap();
        push(&s, format!("receive: {}", code(cx.deallocate(p).await)));
        push(&s, format!("set: {}", code(cx.deallocate(set).await)));
        push(&s, format!("unknown: {}", code(cx.deallocate(BOGUS).await)));
        let once = make_send_once(&cx, p).await;
        push(
            &s,
            format!("send-once: {}", code(cx.deallocate(once).await)),
        );
        push(&s, format!("then {}", kind(&cx, once).await));
        let note = poll(&cx, p).await.unwrap();
        push(
            &s,
            format!("p got {} via {:?}", note.id(), note.header.dest_disposition),
        );
        cx.make_send(p).await.unwrap();
        cx.make_send(p).await.unwrap();
        cx.deallocate(p).await.unwrap();
        push(&s, format!("send: {}", kind(&cx, p).await));
        cx.deallocate(p).await.unwrap();
        push(&s, format!("send: {}", kind(&cx, p).await));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "receive: invalid_right",
            "set: invalid_right",
            "unknown: invalid_name",
            "send-once: success",
            "then invalid_name",
            "p got 71 via Some(MoveSendOnce)",
            "send: receive+send 1",
            "send: receive"
        ]
    );
}

/// Reference §2.4 (rights for dead ports travel as `MACH_PORT_DEAD`).
#[test]
fn rights_for_dead_ports_travel_as_dead_names() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        cx.destroy(cx.lookup("d").unwrap()).await.unwrap();
        cx.sleep(5).await;
        cx.destroy(cx.lookup("q").unwrap()).await.unwrap();
    });
    let s = seen.clone();
    k.spawn_at("a", 1, move |cx| async move {
        let (d, q) = (cx.lookup("d").unwrap(), cx.lookup("q").unwrap());
        let inbox = cx.lookup("inbox").unwrap();
        let item = |name, disposition| Item::Port(PortItem { name, disposition });
        let m = Message::new(inbox, 1)
            .with(item(d, Disposition::MoveSend))
            .with(item(d, Disposition::CopySend))
            .with(item(q, Disposition::CopySend))
            .with(item(q, Disposition::MoveSend));
        let r = cx.send(m, SendPolicy::Block).await;
        push(
            &s,
            format!("a: {}", r.map_or_else(|e| e.code(), |s| s.code())),
        );
        push(
            &s,
            format!("a: d {}, q {}", kind(&cx, d).await, kind(&cx, q).await),
        );
    });
    let s = seen.clone();
    k.spawn_at("b", 10, move |cx| async move {
        let m = wait(&cx, cx.lookup("inbox").unwrap()).await;
        let dead: Vec<bool> = m
            .body
            .iter()
            .map(|i| matches!(i, Item::Port(p) if p.name == PortName::DEAD))
            .collect();
        push(
            &s,
            format!(
                "b: dead {dead:?}, holds {:?} {:?}",
                cx.lookup("d"),
                cx.lookup("q")
            ),
        );
    });
    k.allocate_port("owner", "d", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("owner", "q", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "d").unwrap();
    k.give_send_right("a", "d").unwrap();
    k.give_send_right("a", "q").unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "a: success",
            "a: d dead_name 1, q invalid_name",
            "b: dead [true, true, true, true], holds None None"
        ]
    );
}
