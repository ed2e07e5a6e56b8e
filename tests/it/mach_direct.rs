//! Direct naming, the textbook's alternative to ports, as the spec layers it on a
//! per-task direct mailbox of capacity 5.

use crate::mach_messages::support::{
    finish, finish_parked, kind, log, ms, park, push, result, take,
};
use kernel::{
    Disposition, Item, Kernel, Message, PortItem, PortName, QueueLimit, ReceiveError,
    ReceiveOptions, ReceivePolicy, SendPolicy,
};

fn outcome(r: &Result<Message, ReceiveError>) -> String {
    match r {
        Ok(m) => format!("got {}", m.id()),
        Err(e) => e.code().to_string(),
    }
}

/// Spawns a task that sends messages `ids` to task "b" by name at `at_ms`.
fn direct_sender(k: &mut Kernel, name: &str, at_ms: u64, ids: &'static [i32]) {
    k.spawn_at(name, at_ms, move |cx| async move {
        for id in ids {
            cx.send_to_task("b", Message::new(PortName::NULL, *id), SendPolicy::Block)
                .await
                .unwrap();
        }
    });
}

/// Spec "Direct naming": `send` to a task and `receive` from any.
#[test]
fn a_message_sent_to_a_task_by_name_arrives_in_its_direct_mailbox() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let x = cx
            .allocate_port(QueueLimit::DEFAULT, Some("x"))
            .await
            .unwrap();
        let m = Message::new(PortName::NULL, 7)
            .with(Item::Str("hi".into()))
            .with(Item::Port(PortItem {
                name: x,
                disposition: Disposition::MakeSend,
            }));
        let r = cx.send_to_task("b", m, SendPolicy::Block).await;
        push(&s, format!("a: {}", result(&r)));
        park(&cx).await;
    });
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let m = cx
            .receive_from_task(None, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .unwrap();
        let Some(Item::Port(x)) = m.body.get(1).cloned() else {
            unreachable!("the send right arrives")
        };
        push(
            &s,
            format!(
                "b: got {} {:?}, {:?} {}",
                m.id(),
                m.body[0],
                cx.label_of(x.name),
                kind(&cx, x.name).await
            ),
        );
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["a: success", "b: got 7 Str(\"hi\"), Some(\"x\") send 1"]
    );
}

/// Spec "Direct naming": `from = A` takes A's oldest, leaving others; `any` the oldest.
#[test]
fn receiving_from_a_named_task_takes_its_oldest_message_and_leaves_the_others_in_order() {
    let mut k = Kernel::builder().build();
    k.spawn("c", |cx| async move {
        for (id, pause) in [(10, 2), (11, 0)] {
            cx.send_to_task("b", Message::new(PortName::NULL, id), SendPolicy::Block)
                .await
                .unwrap();
            cx.sleep(pause).await;
        }
    });
    direct_sender(&mut k, "a", 1, &[1, 2]);
    let seen = log();
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let none = ReceiveOptions::default();
        for from in [Some("a"), None, None, Some("c"), None] {
            let r = cx
                .receive_from_task(from, ReceivePolicy::NoWait, none)
                .await;
            push(&s, format!("{from:?}: {}", outcome(&r)));
        }
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "Some(\"a\"): got 1",
            "None: got 10",
            "None: got 2",
            "Some(\"c\"): got 11",
            "None: rcv_timed_out"
        ]
    );
}

/// Spec "Direct naming": `from = A` waits as `on_empty` says while only others sent.
#[test]
fn receiving_from_a_named_task_waits_for_that_task_even_when_others_have_sent() {
    let mut k = Kernel::builder().build();
    direct_sender(&mut k, "c", 0, &[10]);
    direct_sender(&mut k, "a", 20, &[1]);
    let seen = log();
    let s = seen.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let none = ReceiveOptions::default();
        let r = cx
            .receive_from_task(Some("a"), ReceivePolicy::Timeout(5), none)
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        let r = cx
            .receive_from_task(Some("a"), ReceivePolicy::Block, none)
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
        let r = cx
            .receive_from_task(None, ReceivePolicy::NoWait, none)
            .await;
        push(&s, format!("{} at {}", outcome(&r), ms(&cx)));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        ["rcv_timed_out at 10", "got 1 at 20", "got 10 at 20"]
    );
}

/// Spec "Direct naming": a mailbox of capacity 5 under the sender's `on_full`.
#[test]
fn the_direct_mailbox_holds_five_messages_then_applies_the_senders_policy() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let mut results = Vec::new();
        for id in 0..6 {
            let r = cx
                .send_to_task("b", Message::new(PortName::NULL, id), SendPolicy::NoWait)
                .await;
            results.push(result(&r));
        }
        push(&s, results.join(" "));
        let r = cx
            .send_to_task("b", Message::new(PortName::NULL, 6), SendPolicy::Block)
            .await;
        push(&s, format!("blocked send: {} at {}", result(&r), ms(&cx)));
    });
    let got = log();
    let g = got.clone();
    k.spawn_at("b", 10, move |cx| async move {
        let mut ids = Vec::new();
        while let Ok(m) = cx
            .receive_from_task(None, ReceivePolicy::Timeout(1), ReceiveOptions::default())
            .await
        {
            ids.push(m.id());
        }
        push(&g, format!("{ids:?}"));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "success success success success success send_timed_out",
            "blocked send: success at 10"
        ]
    );
    assert_eq!(take(&got), ["[0, 1, 2, 3, 4, 6]"]);
}

/// Spec "Direct naming": no such task is a bad destination, or a bad name.
#[test]
fn direct_naming_an_unknown_or_ended_task_fails() {
    let mut k = Kernel::builder().build();
    k.spawn("gone", |_cx| async move {});
    let seen = log();
    let s = seen.clone();
    k.spawn_at("a", 5, move |cx| async move {
        for target in ["nobody", "gone"] {
            let r = cx
                .send_to_task(target, Message::new(PortName::NULL, 1), SendPolicy::Block)
                .await;
            push(&s, format!("send to {target}: {}", result(&r)));
        }
        let r = cx
            .receive_from_task(
                Some("nobody"),
                ReceivePolicy::NoWait,
                ReceiveOptions::default(),
            )
            .await;
        push(&s, format!("receive from nobody: {}", outcome(&r)));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send to nobody: send_invalid_dest",
            "send to gone: send_invalid_dest",
            "receive from nobody: rcv_invalid_name"
        ]
    );
}
