//! The kernel-cached message: Mach 3.0's `MACH_SEND_NOTIFY` and msg-accepted
//! (reference §10 cases 23–30, §4.3), with machsim's `notify_after` and capacity 0.

use crate::mach_messages::support::{
    body_u32, drain_ids, finish, finish_parked, full_port, kind, log, ms, park, poll, push, queued,
    result, take, wait,
};
use kernel::{
    Disposition, Item, Kernel, Message, NotificationKind, PortItem, QueueLimit, ReceiveOptions,
    ReceivePolicy, SendPolicy,
};

/// Reference §10 case 23.
#[test]
fn a_forced_send_on_a_full_queue_is_queued_beyond_the_limit_and_returns_will_notify() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 2, Some("p")).await;
        let r = cx.send(Message::new(p, 3), SendPolicy::Notify).await;
        push(&s, format!("{} at {}", result(&r), ms(&cx)));
        let r = cx.send(Message::new(p, 4), SendPolicy::NoWait).await;
        push(&s, format!("still full: {}", result(&r)));
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["send_will_notify at 0", "still full: send_timed_out"]
    );
    assert_eq!(queued(&k, "p"), 3);
}

/// Reference §10 case 24.
#[test]
fn a_second_forced_send_to_the_same_port_is_refused_and_handed_back_with_its_rights() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::Bounded(1), Some("p"))
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        let x = cx
            .allocate_port(QueueLimit::DEFAULT, Some("x"))
            .await
            .unwrap();
        cx.send(Message::new(p, 1), SendPolicy::Block)
            .await
            .unwrap();
        let r = cx.send(Message::new(p, 2), SendPolicy::Notify).await;
        push(&s, result(&r));
        let m = Message::new(p, 3).with(Item::Port(PortItem {
            name: x,
            disposition: Disposition::MoveReceive,
        }));
        let e = cx.send(m, SendPolicy::Notify).await.unwrap_err();
        let back = e.clone().into_message();
        let Some(Item::Port(item)) = back.body.first() else {
            unreachable!("the port item comes back")
        };
        push(
            &s,
            format!(
                "{}: message {} back, {:?} {}",
                e.code(),
                back.id(),
                cx.label_of(item.name),
                kind(&cx, item.name).await
            ),
        );
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send_will_notify",
            "send_notify_in_progress: message 3 back, Some(\"x\") receive"
        ]
    );
    assert_eq!(queued(&k, "p"), 2);
    assert_eq!(k.inspect(|i| i.port("x")).unwrap().receiver, "a");
}

/// Reference §10 case 24; spec "Capacity 0" (`notify` queues at once).
#[test]
fn each_task_and_each_destination_port_has_its_own_forced_message() {
    let mut k = Kernel::builder().build();
    let seen = log();
    for (name, at) in [("a", 0), ("b", 5)] {
        let s = seen.clone();
        k.spawn_at(name, at, move |cx| async move {
            for label in ["p", "q"] {
                let port = cx.lookup(label).unwrap();
                let r = cx.send(Message::new(port, 1), SendPolicy::Notify).await;
                push(&s, format!("{} -> {label}: {}", cx.name(), result(&r)));
            }
            park(&cx).await;
        });
    }
    k.spawn("owner", |cx| async move { park(&cx).await });
    k.allocate_port("owner", "p", QueueLimit::Bounded(0))
        .unwrap();
    k.allocate_port("owner", "q", QueueLimit::Bounded(0))
        .unwrap();
    for (task, label) in [("a", "p"), ("a", "q"), ("b", "p"), ("b", "q")] {
        k.give_send_right(task, label).unwrap();
    }
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "a -> p: send_will_notify",
            "a -> q: send_will_notify",
            "b -> p: send_will_notify",
            "b -> q: send_will_notify"
        ]
    );
    assert_eq!((queued(&k, "p"), queued(&k, "q")), (2, 2));
}

/// Reference §10 case 25.
#[test]
fn msg_accepted_arrives_only_when_the_forced_message_is_received() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 2, Some("p")).await;
        let notify = cx.notify_port();
        cx.send(Message::new(p, 3), SendPolicy::Notify)
            .await
            .unwrap();
        for _ in 0..3 {
            let got = poll(&cx, p).await.unwrap().id();
            push(
                &s,
                format!(
                    "got {got}, notifications {:?}",
                    drain_ids(&cx, notify).await
                ),
            );
            if got == 2 {
                break;
            }
        }
        let got = poll(&cx, p).await.unwrap().id();
        let note = poll(&cx, notify).await.unwrap();
        push(
            &s,
            format!(
                "got {got}, notification {} via {:?} naming p: {}",
                note.id(),
                note.header.dest_disposition,
                body_u32(&note) == Some(p.0)
            ),
        );
        push(&s, format!("then {:?}", drain_ids(&cx, notify).await));
        for id in 4..=5 {
            cx.send(Message::new(p, id), SendPolicy::Block)
                .await
                .unwrap();
        }
        let r = cx.send(Message::new(p, 6), SendPolicy::Notify).await;
        push(&s, format!("forcing again: {}", result(&r)));
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "got 1, notifications []",
            "got 2, notifications []",
            "got 3, notification 66 via Some(MoveSendOnce) naming p: true",
            "then []",
            "forcing again: send_will_notify"
        ]
    );
    assert_eq!(NotificationKind::MsgAccepted.id(), 66);
}

/// Reference §10 case 26.
#[test]
fn a_forced_send_on_a_queue_with_room_is_an_ordinary_send_and_never_notifies() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::Bounded(1), None)
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        let r = cx.send(Message::new(p, 1), SendPolicy::Notify).await;
        push(&s, result(&r));
        push(&s, format!("got {}", wait(&cx, p).await.id()));
        cx.sleep(10).await;
        push(&s, format!("{:?}", drain_ids(&cx, cx.notify_port()).await));
        let r = cx.send(Message::new(p, 2), SendPolicy::NoWait).await;
        push(&s, format!("no request left behind: {}", result(&r)));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["success", "got 1", "[]", "no request left behind: success"]
    );
}

/// Reference §10 case 27.
#[test]
fn a_forced_send_without_a_notify_port_fails_with_send_invalid_notify() {
    // Machsim's forced sends notify the sender's notify port; without it there is
    // nowhere to notify.
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 1, Some("p")).await;
        cx.destroy(cx.notify_port()).await.unwrap();
        let e = cx
            .send(Message::new(p, 2), SendPolicy::Notify)
            .await
            .unwrap_err();
        push(
            &s,
            format!("{}, message {} back", e.code(), e.into_message().id()),
        );
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["send_invalid_notify, message 2 back"]);
    assert_eq!(queued(&k, "p"), 1);
}

/// Sends message 1 to "p" (capacity 1, already full) with `notify_after = 40 ms`; the
/// owner takes a message at `owner_at` ms, and the rest at 100 ms.
fn notify_after_run(owner_at: u64) -> (Vec<String>, Vec<String>) {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("filler", |cx| async move {
        let p = cx.lookup("p").unwrap();
        cx.send(Message::new(p, 0), SendPolicy::Block)
            .await
            .unwrap();
    });
    k.spawn_at("a", 1, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx
            .send(Message::new(p, 1), SendPolicy::NotifyAfter(40))
            .await;
        push(&s, format!("{} at {}", result(&r), ms(&cx)));
        let note = cx
            .receive(
                cx.notify_port(),
                ReceivePolicy::Timeout(200),
                ReceiveOptions::default(),
            )
            .await;
        push(
            &s,
            match note {
                Ok(m) => format!("notification {} at {}", m.id(), ms(&cx)),
                Err(e) => e.code().to_string(),
            },
        );
    });
    let got = log();
    let g = got.clone();
    k.spawn_at("owner", owner_at, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        push(
            &g,
            format!("got {} at {}", wait(&cx, p).await.id(), ms(&cx)),
        );
        cx.sleep(100 - owner_at).await;
        while let Ok(m) = poll(&cx, p).await {
            push(&g, format!("got {} at {}", m.id(), ms(&cx)));
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(1))
        .unwrap();
    k.give_send_right("filler", "p").unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    (take(&seen), take(&got))
}

/// Reference §10 case 28 (machsim's `notify_after`: wait, then force).
#[test]
fn notify_after_waits_its_timeout_then_forces_the_message() {
    let (sender, owner) = notify_after_run(60);
    assert_eq!(sender, ["send_will_notify at 41", "notification 66 at 100"]);
    assert_eq!(owner, ["got 0 at 60", "got 1 at 100"]);
}

/// Reference §10 case 28 (a slot that frees within the wait makes it an ordinary send).
#[test]
fn notify_after_is_an_ordinary_send_if_a_slot_frees_in_time() {
    let (sender, owner) = notify_after_run(10);
    assert_eq!(sender, ["success at 10", "rcv_timed_out"]);
    assert_eq!(owner, ["got 0 at 10", "got 1 at 100"]);
}

/// Forces message 1 into "p" (capacity 0) from task "a", then runs `then` in "a";
/// the owner of "p" runs `owner` at 10 ms. Returns what "a"'s notify port got.
fn forced_then<F, Fut>(then: F, destroy: bool) -> Vec<String>
where
    F: FnOnce(kernel::TaskContext, kernel::PortName) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = kernel::TaskContext> + Send + 'static,
{
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let r = cx.send(Message::new(p, 1), SendPolicy::Notify).await;
        push(&s, result(&r));
        let cx = then(cx, p).await;
        let note = wait(&cx, cx.notify_port()).await;
        let about = match body_u32(&note) {
            Some(v) if v == p.0 => "naming p".to_string(),
            Some(0) => "naming null".to_string(),
            _ => format!("body {:?}", note.body),
        };
        push(
            &s,
            format!("notification {} at {} {about}", note.id(), ms(&cx)),
        );
    });
    k.spawn_at("owner", 10, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        if destroy {
            cx.destroy(p).await.unwrap();
        } else {
            assert_eq!(wait(&cx, p).await.id(), 1);
        }
    });
    k.allocate_port("owner", "p", QueueLimit::Bounded(0))
        .unwrap();
    k.give_send_right("a", "p").unwrap();
    finish(&mut k);
    take(&seen)
}

/// Reference §10 case 29.
#[test]
fn msg_accepted_names_null_when_the_send_right_was_deallocated_first() {
    let seen = forced_then(
        |cx, p| async move {
            cx.deallocate(p).await.unwrap();
            cx
        },
        false,
    );
    assert_eq!(
        seen,
        ["send_will_notify", "notification 66 at 10 naming null"]
    );
}

/// Reference §10 case 30 (machsim picks the documented send-once notification).
#[test]
fn a_port_destroyed_before_its_forced_message_is_received_sends_a_send_once_notification() {
    let seen = forced_then(|cx, _| async move { cx }, true);
    assert_eq!(seen, ["send_will_notify", "notification 71 at 10 body []"]);
}
