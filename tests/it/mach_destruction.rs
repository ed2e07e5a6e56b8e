//! Destruction and death (reference §10 cases 62–67, §8).

use crate::mach_messages::support::{
    drain_ids, finish, finish_parked, kind, log, ms, park, poll, push, result, take, wait,
};
use bytes::Bytes;
use kernel::{
    Disposition, Item, Kernel, Message, NotificationKind, Ool, PortItem, QueueLimit, SendPolicy,
};

fn port(name: kernel::PortName, disposition: Disposition) -> Item {
    Item::Port(PortItem { name, disposition })
}

/// Reference §10 case 62.
#[test]
fn a_destroyed_port_destroys_its_queued_messages_and_releases_every_right_in_them() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let notify = cx.notify_port();
        let p = cx.lookup("p").unwrap();
        let r = cx
            .allocate_port(QueueLimit::DEFAULT, Some("r"))
            .await
            .unwrap();
        let q = cx
            .allocate_port(QueueLimit::DEFAULT, Some("q"))
            .await
            .unwrap();
        let t = cx
            .allocate_port(QueueLimit::DEFAULT, Some("t"))
            .await
            .unwrap();
        cx.make_send(q).await.unwrap();
        let m1 = Message::new(p, 1)
            .with_dest_disposition(Disposition::MakeSend)
            .with_reply(r, Disposition::MakeSendOnce);
        let m2 = Message::new(p, 2)
            .with_dest_disposition(Disposition::MakeSend)
            .with(port(q, Disposition::MoveReceive))
            .with(port(t, Disposition::MakeSend))
            .with(Item::Ool(Ool {
                data: Bytes::from(vec![1u8; 4096]),
            }));
        cx.send(m1, SendPolicy::Block).await.unwrap();
        cx.send(m2, SendPolicy::Block).await.unwrap();
        cx.request_notification(t, NotificationKind::NoSenders, notify, 1)
            .await
            .unwrap();
        cx.request_notification(q, NotificationKind::DeadName, notify, 0)
            .await
            .unwrap();
        push(&s, format!("before: {:?}", drain_ids(&cx, notify).await));
        cx.destroy(p).await.unwrap();
        push(&s, format!("reply port r: {:?}", drain_ids(&cx, r).await));
        let mut notes = drain_ids(&cx, notify).await;
        notes.sort_unstable();
        push(&s, format!("notify port: {notes:?}"));
        push(&s, format!("q is now {}", kind(&cx, q).await));
        park(&cx).await;
    });
    let c = log();
    let cl = c.clone();
    k.spawn_at("c", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx.send(Message::new(p, 3), SendPolicy::Block).await;
        push(&cl, result(&r));
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("c", "p").unwrap();
    let report = finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "before: []",
            "reply port r: [71]",
            "notify port: [70, 72]",
            "q is now dead_name 2"
        ]
    );
    assert_eq!(take(&c), ["send_invalid_dest"]);
    assert!(k.inspect(|i| i.port("q")).is_none());
    let t = k.inspect(|i| i.port("t")).unwrap();
    assert_eq!((t.send_rights, t.queued), (0, 0));
    assert_eq!(report.messages.destroyed, 2);
}

/// Reference §10 case 63.
#[test]
fn a_sender_blocked_on_a_port_that_dies_returns_success_and_its_rights_are_released() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let x = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.send(Message::new(p, 1), SendPolicy::Block)
            .await
            .unwrap();
        let m = Message::new(p, 2).with(port(x, Disposition::MakeSendOnce));
        let r = cx.send(m, SendPolicy::Block).await;
        push(&s, format!("{} at {}", result(&r), ms(&cx)));
        push(&s, format!("x got {:?}", drain_ids(&cx, x).await));
    });
    let s = seen.clone();
    k.spawn_at("timed", 1, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx.send(Message::new(p, 3), SendPolicy::Timeout(50)).await;
        push(&s, format!("timed: {} at {}", result(&r), ms(&cx)));
    });
    k.spawn_at("owner", 10, |cx| async move {
        cx.destroy(cx.lookup("p").unwrap()).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    k.give_send_right("a", "p").unwrap();
    k.give_send_right("timed", "p").unwrap();
    let report = finish(&mut k);
    let mut lines = take(&seen);
    lines.sort();
    assert_eq!(
        lines,
        ["success at 10", "timed: success at 10", "x got [71]"]
    );
    assert_eq!(report.messages.destroyed, 3);
}

/// Reference §10 case 64.
#[test]
fn messages_sent_while_the_receive_right_is_in_transit_wait_for_its_new_holder() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::Bounded(2), Some("p"))
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        let inbox = cx.lookup("inbox").unwrap();
        cx.send(
            Message::new(inbox, 9).with(port(p, Disposition::MoveReceive)),
            SendPolicy::Block,
        )
        .await
        .unwrap();
        for (id, policy) in [
            (1, SendPolicy::Block),
            (2, SendPolicy::Block),
            (3, SendPolicy::NoWait),
        ] {
            let r = cx.send(Message::new(p, id), policy).await;
            push(&s, format!("{id}: {}", result(&r)));
        }
    });
    let b = log();
    let bl = b.clone();
    k.spawn_at("b", 10, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let Some(Item::Port(p)) = wait(&cx, inbox).await.body.first().cloned() else {
            unreachable!("the receive right arrives")
        };
        let mut ids = Vec::new();
        while let Ok(m) = poll(&cx, p.name).await {
            ids.push(m.id());
        }
        push(&bl, format!("{ids:?}"));
    });
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["1: success", "2: success", "3: send_timed_out"]
    );
    assert_eq!(take(&b), ["[1, 2]"]);
}

/// Reference §10 case 65.
#[test]
fn a_receive_right_sent_to_its_own_port_is_collected_with_the_port() {
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
        let m = Message::new(p, 1).with(port(p, Disposition::MoveReceive));
        let r = cx.send(m, SendPolicy::Block).await;
        push(&s, result(&r));
        push(&s, kind(&cx, p).await);
        let r = cx.send(Message::new(p, 2), SendPolicy::Block).await;
        push(&s, result(&r));
    });
    let report = finish(&mut k);
    assert_eq!(take(&seen), ["success", "dead_name 2", "send_invalid_dest"]);
    assert_eq!(report.messages.destroyed, 1);
}

/// Reference §10 case 66.
#[test]
fn a_task_that_ends_releases_every_right_it_held_with_their_notifications() {
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        let p = cx.lookup("p").unwrap();
        let request = wait(&cx, p).await;
        assert!(request.header.reply.is_valid());
        let _set = cx.allocate_port_set(Some("set")).await.unwrap();
        cx.sleep(10).await;
        cx.exit(0).await;
    });
    let b = log();
    let bl = b.clone();
    k.spawn("b", move |cx| async move {
        let notify = cx.notify_port();
        let t = cx.lookup("t").unwrap();
        cx.request_notification(t, NotificationKind::NoSenders, notify, 1)
            .await
            .unwrap();
        let r = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let p = cx.lookup("p").unwrap();
        let request = Message::new(p, 1).with_reply(r, Disposition::MakeSendOnce);
        cx.send(request, SendPolicy::Block).await.unwrap();
        let reply = wait(&cx, r).await;
        push(&bl, format!("reply port: {} at {}", reply.id(), ms(&cx)));
        let note = wait(&cx, notify).await;
        push(&bl, format!("notify port: {} {:?}", note.id(), note.body));
    });
    let c = log();
    let cl = c.clone();
    k.spawn("c", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.request_notification(p, NotificationKind::DeadName, cx.notify_port(), 0)
            .await
            .unwrap();
        let note = wait(&cx, cx.notify_port()).await;
        push(
            &cl,
            format!("{} at {}, {}", note.id(), ms(&cx), kind(&cx, p).await),
        );
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("b", "t", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "t").unwrap();
    k.give_send_right("b", "p").unwrap();
    k.give_send_right("c", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&b),
        ["reply port: 71 at 10", "notify port: 70 [U32(1)]"]
    );
    assert_eq!(take(&c), ["72 at 10, dead_name 2"]);
    assert!(k.inspect(|i| i.space("a")).is_empty());
    assert!(k.inspect(|i| i.port("p")).is_none());
}

/// Reference §10 case 66 (port-destroyed variant); spec "destroy" on a task's end.
#[test]
fn a_killed_tasks_port_with_a_port_destroyed_request_goes_to_the_backup_with_its_queue() {
    let mut k = Kernel::builder().build();
    k.spawn("a", |cx| async move {
        let p = cx.lookup("p").unwrap();
        let n = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.request_notification(p, NotificationKind::PortDestroyed, n, 0)
            .await
            .unwrap();
        let inbox = cx.lookup("inbox").unwrap();
        cx.send(
            Message::new(inbox, 1).with(port(n, Disposition::MoveReceive)),
            SendPolicy::Block,
        )
        .await
        .unwrap();
        park(&cx).await;
    });
    k.spawn("c", |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.send(Message::new(p, 5), SendPolicy::Block)
            .await
            .unwrap();
        cx.sleep(20).await;
        cx.send(Message::new(p, 6), SendPolicy::Block)
            .await
            .unwrap();
    });
    let seen = log();
    let s = seen.clone();
    k.spawn_at("backup", 1, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let Some(Item::Port(n)) = wait(&cx, inbox).await.body.first().cloned() else {
            unreachable!("n's receive right arrives")
        };
        let note = wait(&cx, n.name).await;
        let Some(Item::Port(saved)) = note.body.first().cloned() else {
            unreachable!("the receive right arrives in the notification")
        };
        push(
            &s,
            format!("{} at {} {:?}", note.id(), ms(&cx), cx.label_of(saved.name)),
        );
        for _ in 0..2 {
            push(&s, format!("got {}", wait(&cx, saved.name).await.id()));
        }
    });
    k.allocate_port("a", "p", QueueLimit::DEFAULT).unwrap();
    k.allocate_port("backup", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("a", "inbox").unwrap();
    k.give_send_right("c", "p").unwrap();
    k.schedule_fault(10, Some("a"), None).unwrap();
    finish(&mut k);
    assert_eq!(take(&seen), ["69 at 10 Some(\"p\")", "got 5", "got 6"]);
    let tasks = k.inspect(|i| i.tasks());
    assert_eq!(tasks[0].state, "killed");
}

/// Reference §10 case 67 (server side).
#[test]
fn a_client_waiting_for_a_reply_gets_a_send_once_notification_when_the_server_dies() {
    let mut k = Kernel::builder().build();
    k.spawn("server", |cx| async move {
        let p = cx.lookup("requests").unwrap();
        let _request = wait(&cx, p).await;
        park(&cx).await;
    });
    let seen = log();
    let s = seen.clone();
    k.spawn("client", move |cx| async move {
        let requests = cx.lookup("requests").unwrap();
        let reply = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let m = Message::new(requests, 1).with_reply(reply, Disposition::MakeSendOnce);
        cx.send(m, SendPolicy::Block).await.unwrap();
        let answer = wait(&cx, reply).await;
        push(
            &s,
            format!(
                "{} at {} via {:?}",
                answer.id(),
                ms(&cx),
                answer.header.dest_disposition
            ),
        );
    });
    k.allocate_port("server", "requests", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("client", "requests").unwrap();
    k.schedule_fault(15, Some("server"), None).unwrap();
    finish(&mut k);
    assert_eq!(take(&seen), ["71 at 15 via Some(MoveSendOnce)"]);
}

/// Reference §10 case 67 (client side).
#[test]
fn a_reply_to_a_client_that_died_fails_with_send_invalid_dest() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("server", move |cx| async move {
        let p = cx.lookup("requests").unwrap();
        let request = wait(&cx, p).await;
        let reply = request.header.reply;
        push(&s, format!("holding {}", kind(&cx, reply).await));
        cx.sleep(10).await;
        let r = cx.send(Message::new(reply, 2), SendPolicy::Block).await;
        push(&s, result(&r));
        push(&s, kind(&cx, reply).await);
    });
    k.spawn("client", |cx| async move {
        let requests = cx.lookup("requests").unwrap();
        let reply = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let m = Message::new(requests, 1).with_reply(reply, Disposition::MakeSendOnce);
        cx.send(m, SendPolicy::Block).await.unwrap();
        cx.sleep(5).await;
    });
    k.allocate_port("server", "requests", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("client", "requests").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["holding send_once", "send_invalid_dest", "dead_name 1"]
    );
}
