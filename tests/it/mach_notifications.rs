//! Notifications on request (reference §10 cases 53–61, §5).

use crate::mach_messages::support::{
    body_u32, drain_ids, finish, finish_parked, kind, log, park, poll, push, take, wait,
};
use kernel::{
    Disposition, Item, KernError, Kernel, Message, NotificationKind, PortItem, PortName,
    QueueLimit, RightKind, SendPolicy,
};

fn code(r: Result<impl Sized, KernError>) -> String {
    r.map_or_else(|e| e.code().to_string(), |_| "success".to_string())
}

/// A notification as `"<id> via <disposition> <body>"`, with a name in the body shown
/// as `name_of` says.
fn describe(m: &Message, name: PortName) -> String {
    let body = match body_u32(m) {
        Some(v) if v == name.0 => "naming it".to_string(),
        _ => format!("{:?}", m.body),
    };
    format!("{} via {:?} {body}", m.id(), m.header.dest_disposition)
}

/// Reference §10 case 53.
#[test]
fn no_senders_fires_once_when_the_last_send_right_goes_and_the_request_is_used_up() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let n = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.insert_right(cx.kernel_port(), p, Disposition::MakeSend)
            .await
            .unwrap();
        cx.request_notification(p, NotificationKind::NoSenders, n, 1)
            .await
            .unwrap();
        push(&s, format!("at once: {:?}", drain_ids(&cx, n).await));
        cx.deallocate(p).await.unwrap();
        push(&s, describe(&poll(&cx, n).await.unwrap(), PortName::NULL));
        cx.make_send(p).await.unwrap();
        cx.deallocate(p).await.unwrap();
        push(&s, format!("again: {:?}", drain_ids(&cx, n).await));
        push(
            &s,
            format!("notify port: {:?}", drain_ids(&cx, cx.notify_port()).await),
        );
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "at once: []",
            "70 via Some(MoveSendOnce) [U32(1)]",
            "again: []",
            "notify port: []"
        ]
    );
}

/// Reference §10 case 54 (and the make-send count a request waits for).
#[test]
fn no_senders_fires_at_once_when_there_are_no_send_rights_and_the_make_send_count_is_reached() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let notify = cx.notify_port();
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.request_notification(p, NotificationKind::NoSenders, notify, 0)
            .await
            .unwrap();
        push(
            &s,
            format!("sync 0: {}", describe(&poll(&cx, notify).await.unwrap(), p)),
        );
        let q = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.request_notification(q, NotificationKind::NoSenders, notify, 1)
            .await
            .unwrap();
        push(&s, format!("sync 1: {:?}", drain_ids(&cx, notify).await));
        cx.make_send(q).await.unwrap();
        cx.deallocate(q).await.unwrap();
        push(
            &s,
            format!(
                "after one make_send: {}",
                describe(&poll(&cx, notify).await.unwrap(), q)
            ),
        );
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "sync 0: 70 via Some(MoveSendOnce) [U32(0)]",
            "sync 1: []",
            "after one make_send: 70 via Some(MoveSendOnce) [U32(1)]"
        ]
    );
}

/// Reference §10 case 55.
#[test]
fn a_send_right_in_transit_counts_until_its_message_is_destroyed() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let q = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let n = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let m = Message::new(q, 1)
            .with_dest_disposition(Disposition::MakeSend)
            .with(Item::Port(PortItem {
                name: p,
                disposition: Disposition::MakeSend,
            }));
        cx.send(m, SendPolicy::Block).await.unwrap();
        cx.request_notification(p, NotificationKind::NoSenders, n, 0)
            .await
            .unwrap();
        push(
            &s,
            format!("while in transit: {:?}", drain_ids(&cx, n).await),
        );
        cx.destroy(q).await.unwrap();
        push(&s, describe(&poll(&cx, n).await.unwrap(), PortName::NULL));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["while in transit: []", "70 via Some(MoveSendOnce) [U32(1)]"]
    );
}

/// Reference §10 case 56.
#[test]
fn a_no_senders_request_on_a_port_that_dies_becomes_a_send_once_notification() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let n = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.request_notification(p, NotificationKind::NoSenders, n, 0)
            .await
            .unwrap();
        cx.destroy(p).await.unwrap();
        push(&s, format!("{:?}", drain_ids(&cx, n).await));
    });
    k.spawn("client", |cx| async move { park(&cx).await });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("client", "p").unwrap();
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["[71]"]);
}

/// Reference §10 case 57.
#[test]
fn a_dead_name_notification_names_the_right_and_adds_a_user_reference() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("b", move |cx| async move {
        let right = cx.lookup("p").unwrap();
        cx.request_notification(right, NotificationKind::DeadName, cx.notify_port(), 0)
            .await
            .unwrap();
        push(&s, format!("before: {}", kind(&cx, right).await));
        let note = wait(&cx, cx.notify_port()).await;
        push(&s, describe(&note, right));
        push(&s, format!("after: {}", kind(&cx, right).await));
    });
    k.spawn_at("owner", 5, |cx| async move {
        cx.destroy(cx.lookup("p").unwrap()).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("b", "p").unwrap();
    k.give_send_right("b", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "before: send 2",
            "72 via Some(MoveSendOnce) naming it",
            "after: dead_name 3"
        ]
    );
}

/// Reference §10 case 58.
#[test]
fn freeing_a_watched_name_sends_port_deleted() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("b", move |cx| async move {
        let notify = cx.notify_port();
        let (p1, p2) = (cx.lookup("p1").unwrap(), cx.lookup("p2").unwrap());
        let (p4, p5) = (cx.lookup("p4").unwrap(), cx.lookup("p5").unwrap());
        for name in [p1, p2, p4, p5] {
            cx.request_notification(name, NotificationKind::DeadName, notify, 0)
                .await
                .unwrap();
        }
        cx.deallocate(p1).await.unwrap();
        push(
            &s,
            format!(
                "deallocate: {}",
                describe(&poll(&cx, notify).await.unwrap(), p1)
            ),
        );
        push(&s, kind(&cx, p1).await);
        cx.destroy(p2).await.unwrap();
        push(
            &s,
            format!(
                "destroy: {}",
                describe(&poll(&cx, notify).await.unwrap(), p2)
            ),
        );
        cx.mod_refs(p5, RightKind::Send, -1).await.unwrap();
        push(
            &s,
            format!(
                "mod_refs: {}",
                describe(&poll(&cx, notify).await.unwrap(), p5)
            ),
        );
        let inbox = cx.lookup("inbox").unwrap();
        let carrier = wait(&cx, inbox).await;
        let moving = Message::new(inbox, 2)
            .with_dest_disposition(Disposition::MakeSend)
            .with(Item::Port(PortItem {
                name: p4,
                disposition: Disposition::MoveSend,
            }));
        cx.send(moving, SendPolicy::Block).await.unwrap();
        push(
            &s,
            format!(
                "moved away: {}",
                describe(&poll(&cx, notify).await.unwrap(), p4)
            ),
        );
        let Some(Item::Port(once)) = carrier.body.first().cloned() else {
            unreachable!("a send-once right arrives")
        };
        cx.request_notification(once.name, NotificationKind::DeadName, notify, 0)
            .await
            .unwrap();
        cx.send(Message::new(once.name, 7), SendPolicy::Block)
            .await
            .unwrap();
        push(
            &s,
            format!(
                "send-once used: {}",
                describe(&poll(&cx, notify).await.unwrap(), once.name)
            ),
        );
        push(&s, format!("then {:?}", drain_ids(&cx, notify).await));
    });
    k.spawn("owner", |cx| async move {
        let (p3, inbox) = (cx.lookup("p3").unwrap(), cx.lookup("inbox").unwrap());
        let m = Message::new(inbox, 1).with(Item::Port(PortItem {
            name: p3,
            disposition: Disposition::MakeSendOnce,
        }));
        cx.send(m, SendPolicy::Block).await.unwrap();
        park(&cx).await;
    });
    for label in ["p1", "p2", "p3", "p4", "p5"] {
        k.allocate_port("owner", label, QueueLimit::DEFAULT)
            .unwrap();
    }
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("b", "p1").unwrap();
    k.give_send_right("b", "p2").unwrap();
    k.give_send_right("b", "p4").unwrap();
    k.give_send_right("b", "p5").unwrap();
    k.give_send_right("owner", "inbox").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "deallocate: 65 via Some(MoveSendOnce) naming it",
            "invalid_name",
            "destroy: 65 via Some(MoveSendOnce) naming it",
            "mod_refs: 65 via Some(MoveSendOnce) naming it",
            "moved away: 65 via Some(MoveSendOnce) naming it",
            "send-once used: 65 via Some(MoveSendOnce) naming it",
            "then []"
        ]
    );
}

/// Reference §10 case 59.
#[test]
fn a_dead_name_request_on_a_dead_name_fires_at_once_only_with_sync() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        cx.destroy(cx.lookup("p").unwrap()).await.unwrap();
    });
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let notify = cx.notify_port();
        let right = cx.lookup("p").unwrap();
        push(&s, kind(&cx, right).await);
        let r = cx
            .request_notification(right, NotificationKind::DeadName, notify, 0)
            .await;
        push(&s, format!("sync 0: {}", code(r)));
        let r = cx
            .request_notification(right, NotificationKind::DeadName, notify, 1)
            .await;
        push(&s, format!("sync 1: {}", code(r)));
        push(&s, describe(&poll(&cx, notify).await.unwrap(), right));
        push(&s, kind(&cx, right).await);
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("b", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "dead_name 1",
            "sync 0: invalid_argument",
            "sync 1: success",
            "72 via Some(MoveSendOnce) naming it",
            "dead_name 2"
        ]
    );
}

/// Reference §10 case 60; spec "destroy" (a port-destroyed request saves the port).
#[test]
fn port_destroyed_hands_the_receive_right_to_the_backup_with_queue_and_send_rights_intact() {
    let mut k = Kernel::builder().build();
    let owner_log = log();
    let o = owner_log.clone();
    k.spawn("owner", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let n = cx
            .allocate_port(QueueLimit::DEFAULT, Some("n"))
            .await
            .unwrap();
        let r = cx
            .request_notification(p, NotificationKind::PortDestroyed, n, 1)
            .await;
        push(&o, format!("sync 1: {}", code(r)));
        let r = cx
            .request_notification(p, NotificationKind::PortDestroyed, n, 0)
            .await;
        push(&o, format!("sync 0: {}", code(r)));
        let inbox = cx.lookup("inbox").unwrap();
        let m = Message::new(inbox, 1).with(Item::Port(PortItem {
            name: n,
            disposition: Disposition::MoveReceive,
        }));
        cx.send(m, SendPolicy::Block).await.unwrap();
        cx.sleep(10).await;
        push(&o, format!("destroy: {}", code(cx.destroy(p).await)));
        push(&o, kind(&cx, p).await);
    });
    k.spawn("client", |cx| async move {
        let p = cx.lookup("p").unwrap();
        for id in 1..=2 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
        }
        cx.sleep(30).await;
        cx.send(Message::new(p, 3), SendPolicy::Block)
            .await
            .unwrap();
    });
    let backup_log = log();
    let b = backup_log.clone();
    k.spawn_at("backup", 20, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let Some(Item::Port(n)) = wait(&cx, inbox).await.body.first().cloned() else {
            unreachable!("n's receive right arrives")
        };
        let note = wait(&cx, n.name).await;
        let Some(Item::Port(saved)) = note.body.first().cloned() else {
            unreachable!("the notification carries the receive right")
        };
        push(
            &b,
            format!(
                "{} carrying {:?} {:?} {}",
                note.id(),
                saved.disposition,
                cx.label_of(saved.name),
                kind(&cx, saved.name).await
            ),
        );
        for _ in 0..3 {
            let m = wait(&cx, saved.name).await;
            push(&b, format!("got {}/{}", m.id(), m.header.seqno));
        }
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("backup", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("client", "p").unwrap();
    k.give_send_right("owner", "inbox").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&owner_log),
        [
            "sync 1: invalid_value",
            "sync 0: success",
            "destroy: success",
            "invalid_name"
        ]
    );
    assert_eq!(
        take(&backup_log),
        [
            "69 carrying MoveReceive Some(\"p\") receive",
            "got 1/0",
            "got 2/1",
            "got 3/2"
        ]
    );
}

/// Reference §10 case 61.
#[test]
fn a_second_dead_name_request_replaces_the_first() {
    // Machsim's request call does not return the previous right; the replacement
    // is what shows.
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("b", move |cx| async move {
        let right = cx.lookup("p").unwrap();
        let n1 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let n2 = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        for n in [n1, n2] {
            cx.request_notification(right, NotificationKind::DeadName, n, 0)
                .await
                .unwrap();
        }
        cx.sleep(10).await;
        push(&s, format!("n1 {:?}", drain_ids(&cx, n1).await));
        push(&s, format!("n2 {:?}", drain_ids(&cx, n2).await));
        push(&s, kind(&cx, right).await);
    });
    k.spawn_at("owner", 5, |cx| async move {
        cx.destroy(cx.lookup("p").unwrap()).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("b", "p").unwrap();
    finish(&mut k);
    assert_eq!(take(&seen), ["n1 []", "n2 [72]", "dead_name 2"]);
}
