//! Messages and basic delivery (reference §10 cases 1–12, 75), and the helpers the
//! other `mach_*` suites share.

use self::support::{
    finish, finish_parked, full_port, kind, log, make_send_once, ms, park, poll, push, take, wait,
};
use bytes::Bytes;
use kernel::{
    Disposition, Item, Kernel, Message, Ool, PortItem, PortName, QueueLimit, SendError, SendPolicy,
    SendStatus,
};

/// Helpers shared by the `mach_*` suites.
pub(crate) mod support {
    use harness::run_clean;
    use kernel::{
        Disposition, Kernel, Message, PortName, QueueLimit, ReceiveError, ReceiveOptions,
        ReceivePolicy, RightKind, RunReport, SendError, SendPolicy, SendStatus, TaskContext,
    };
    use std::sync::{Arc, Mutex};

    /// What the tasks of a test observed, in order.
    pub(crate) type Log = Arc<Mutex<Vec<String>>>;

    pub(crate) fn log() -> Log {
        Arc::new(Mutex::new(Vec::new()))
    }

    pub(crate) fn push(log: &Log, line: impl Into<String>) {
        log.lock().unwrap().push(line.into());
    }

    pub(crate) fn take(log: &Log) -> Vec<String> {
        log.lock().unwrap().clone()
    }

    /// Virtual time in milliseconds.
    pub(crate) fn ms(cx: &TaskContext) -> u64 {
        cx.now_ns() / 1_000_000
    }

    /// Receives without waiting.
    pub(crate) async fn poll(cx: &TaskContext, name: PortName) -> Result<Message, ReceiveError> {
        cx.receive(name, ReceivePolicy::NoWait, ReceiveOptions::default())
            .await
    }

    /// Receives, waiting as long as it takes.
    pub(crate) async fn wait(cx: &TaskContext, name: PortName) -> Message {
        cx.receive(name, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .expect("a blocking receive succeeds")
    }

    /// What a name denotes: `"send 2"`, `"dead_name 3"`, `"receive"`, `"send_once"`,
    /// or the error code (`"invalid_name"`). User references are shown for send rights
    /// and dead names, the rights that have more than one.
    pub(crate) async fn kind(cx: &TaskContext, name: PortName) -> String {
        match cx.port_type(name).await {
            Ok((rights, urefs))
                if rights.contains(RightKind::Send) || rights.contains(RightKind::DeadName) =>
            {
                format!("{rights} {urefs}")
            }
            Ok((rights, _)) => rights.to_string(),
            Err(e) => e.code().to_string(),
        }
    }

    /// A send-once right for the port whose receive right `port` names, in the
    /// caller's own space (`mach_port_insert_right` with `MAKE_SEND_ONCE`).
    pub(crate) async fn make_send_once(cx: &TaskContext, port: PortName) -> PortName {
        cx.insert_right(cx.kernel_port(), port, Disposition::MakeSendOnce)
            .await
            .expect("the receive right makes a send-once right")
    }

    /// Blocks the task for good on a port nobody can send to, so that its rights
    /// outlive the run and can be inspected afterwards.
    pub(crate) async fn park(cx: &TaskContext) {
        let port = cx
            .allocate_port(QueueLimit::DEFAULT, Some("parking"))
            .await
            .expect("a parking port");
        let _ = cx
            .receive(port, ReceivePolicy::Block, ReceiveOptions::default())
            .await;
        unreachable!("nobody sends to a parking port");
    }

    /// Runs to the end: the audit is clean, no task crashed, every task ended.
    pub(crate) fn finish(k: &mut Kernel) -> RunReport {
        let report = run_clean(k);
        assert_eq!(report.outcome.as_str(), "completed", "{:?}", report.outcome);
        report
    }

    /// Runs until only parked (or otherwise blocked) tasks remain: the audit is
    /// clean and no task crashed.
    pub(crate) fn finish_parked(k: &mut Kernel) -> RunReport {
        let report = run_clean(k);
        assert_eq!(report.outcome.as_str(), "deadlock", "{:?}", report.outcome);
        report
    }

    /// Messages queued on the live port labelled `label`.
    pub(crate) fn queued(k: &Kernel, label: &str) -> usize {
        k.inspect(|i| i.port(label).map(|p| p.queued))
            .unwrap_or_else(|| panic!("port {label} is alive"))
    }

    /// The ids of the messages queued on `name`, taken without waiting, in order.
    pub(crate) async fn drain_ids(cx: &TaskContext, name: PortName) -> Vec<i32> {
        let mut ids = Vec::new();
        while let Ok(m) = poll(cx, name).await {
            ids.push(m.id());
        }
        ids
    }

    /// The first body item as a `u32` (a notification's name or count).
    pub(crate) fn body_u32(message: &Message) -> Option<u32> {
        match message.body.first() {
            Some(kernel::Item::U32(v)) => Some(*v),
            _ => None,
        }
    }

    /// A send's result as its return code's name.
    pub(crate) fn result(r: &Result<SendStatus, SendError>) -> String {
        match r {
            Ok(status) => status.code().to_string(),
            Err(e) => e.code().to_string(),
        }
    }

    /// A port labelled `label` whose queue holds `limit` messages, already full of
    /// messages 1 to `limit` that this task sent through a send right it made.
    pub(crate) async fn full_port(cx: &TaskContext, limit: u32, label: Option<&str>) -> PortName {
        let p = cx
            .allocate_port(QueueLimit::Bounded(limit), label)
            .await
            .unwrap();
        cx.make_send(p).await.unwrap();
        for id in 1..=limit {
            cx.send(Message::new(p, id as i32), SendPolicy::Block)
                .await
                .unwrap();
        }
        p
    }

    /// A name that denotes nothing in any test task (a large index).
    pub(crate) const BOGUS: PortName = PortName::new(0x7000, 1);
}

/// Reference §10 case 1.
#[test]
fn a_new_port_has_limit_five_an_empty_queue_and_only_its_receive_right() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        push(&s, format!("port {}", kind(&cx, p).await));
        let set = cx.allocate_port_set(Some("ps")).await.unwrap();
        push(&s, format!("set {}", kind(&cx, set).await));
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(take(&seen), ["port receive", "set port_set"]);
    let p = k.inspect(|i| i.port("p")).unwrap();
    assert_eq!(p.receiver, "a");
    assert_eq!(p.limit, QueueLimit::Bounded(5));
    assert_eq!(
        (
            p.queued,
            p.seqno,
            p.make_send_count,
            p.send_rights,
            p.send_once_rights
        ),
        (0, 0, 0, 0, 0)
    );
}

/// Reference §10 case 2.
#[test]
fn a_received_message_names_its_port_and_carries_a_new_send_once_reply_right() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        let r = cx
            .allocate_port(QueueLimit::DEFAULT, Some("r"))
            .await
            .unwrap();
        let sent = Message::new(p, 123)
            .with_dest_disposition(Disposition::MakeSend)
            .with_reply(r, Disposition::MakeSendOnce)
            .with(Item::Str("hello".into()));
        let size = sent.size();
        push(&s, format!("{:?}", cx.send(sent, SendPolicy::Block).await));
        let got = wait(&cx, p).await;
        push(
            &s,
            format!(
                "local is p: {}, via {:?}",
                got.header.dest == p,
                got.header.dest_disposition
            ),
        );
        let reply = got.header.reply;
        push(
            &s,
            format!(
                "reply: new name {}, {}, for {:?}, as {:?}",
                reply.is_valid() && reply != r && reply != p,
                kind(&cx, reply).await,
                cx.label_of(reply),
                got.header.reply_disposition
            ),
        );
        push(
            &s,
            format!(
                "id {} size {} (sent {size}) body {:?}",
                got.id(),
                got.header.size,
                got.body
            ),
        );
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "Ok(Sent)",
            "local is p: true, via Some(MoveSend)",
            "reply: new name true, send_once, for Some(\"r\"), as MoveSendOnce",
            "id 123 size 36 (sent 36) body [Str(\"hello\")]",
        ]
    );
}

/// Reference §10 case 3.
#[test]
fn the_kernel_sets_the_message_size_whatever_the_sender_wrote() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        cx.make_send(p).await.unwrap();
        for claimed in [0, 4096] {
            let mut m = Message::new(p, 1).with(Item::U32(7)).with(Item::U8(1));
            m.header.size = claimed;
            cx.send(m, SendPolicy::Block).await.unwrap();
            push(
                &s,
                format!("{claimed} -> {}", wait(&cx, p).await.header.size),
            );
        }
    });
    finish(&mut k);
    assert_eq!(take(&seen), ["0 -> 40", "4096 -> 40"]);
}

/// Reference §10 case 6.
#[test]
fn a_null_or_unknown_destination_fails_with_send_invalid_dest_and_changes_nothing() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx
            .allocate_port(QueueLimit::DEFAULT, Some("p"))
            .await
            .unwrap();
        for dest in [PortName::NULL, support::BOGUS] {
            let m = Message::new(dest, 5)
                .with_reply(p, Disposition::MakeSendOnce)
                .with(Item::Port(PortItem {
                    name: p,
                    disposition: Disposition::MakeSend,
                }));
            match cx.send(m.clone(), SendPolicy::Block).await {
                Err(e @ SendError::InvalidDest(_)) => {
                    push(
                        &s,
                        format!("{} handed back: {}", e.code(), e.into_message() == m),
                    );
                }
                other => push(&s, format!("{other:?}")),
            }
        }
        push(&s, kind(&cx, p).await);
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send_invalid_dest handed back: true",
            "send_invalid_dest handed back: true",
            "receive"
        ]
    );
    let p = k.inspect(|i| i.port("p")).unwrap();
    assert_eq!((p.queued, p.send_rights, p.send_once_rights), (0, 0, 0));
}

/// Reference §10 case 7.
#[test]
fn a_receive_right_cannot_be_sent_to_with_a_send_disposition() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let attempts = [
            None,
            Some(Disposition::CopySend),
            Some(Disposition::MoveSend),
            Some(Disposition::MoveSendOnce),
            Some(Disposition::MakeSend),
        ];
        for d in attempts {
            let mut m = Message::new(p, 1);
            m.header.dest_disposition = d;
            let r = cx.send(m, SendPolicy::NoWait).await;
            push(
                &s,
                format!("{d:?}: {}", r.map_or_else(|e| e.code(), SendStatus::code)),
            );
        }
        push(&s, kind(&cx, p).await);
        push(&s, format!("got {}", wait(&cx, p).await.id()));
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "None: send_invalid_dest",
            "Some(CopySend): send_invalid_dest",
            "Some(MoveSend): send_invalid_dest",
            "Some(MoveSendOnce): send_invalid_dest",
            "Some(MakeSend): success",
            "receive",
            "got 1"
        ]
    );
}

/// Reference §10 case 8.
#[test]
fn a_send_to_a_dead_name_fails_and_leaves_its_user_references() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("owner", |cx| async move {
        cx.destroy(cx.lookup("q").unwrap()).await.unwrap();
    });
    k.spawn_at("a", 5, move |cx| async move {
        let q = cx.lookup("q").unwrap();
        let m = Message::new(q, 1).with_dest_disposition(Disposition::CopySend);
        let r = cx.send(m, SendPolicy::Block).await;
        push(&s, r.unwrap_err().code().to_string());
        push(&s, kind(&cx, q).await);
    });
    k.allocate_port("owner", "q", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "q").unwrap();
    k.give_send_right("a", "q").unwrap();
    finish(&mut k);
    assert_eq!(take(&seen), ["send_invalid_dest", "dead_name 2"]);
}

/// Reference §10 case 9.
#[test]
fn a_send_once_right_is_used_up_by_its_one_message() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = cx.allocate_port(QueueLimit::DEFAULT, None).await.unwrap();
        let once = make_send_once(&cx, p).await;
        push(&s, kind(&cx, once).await);
        let first = cx.send(Message::new(once, 1), SendPolicy::Block).await;
        push(&s, format!("{first:?}"));
        push(&s, kind(&cx, once).await);
        let second = cx.send(Message::new(once, 2), SendPolicy::Block).await;
        push(&s, second.unwrap_err().code().to_string());
        let got = wait(&cx, p).await;
        push(
            &s,
            format!("got {} via {:?}", got.id(), got.header.dest_disposition),
        );
        push(&s, poll(&cx, p).await.unwrap_err().code().to_string());
    });
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "send_once",
            "Ok(Sent)",
            "invalid_name",
            "send_invalid_dest",
            "got 1 via Some(MoveSendOnce)",
            "rcv_timed_out"
        ]
    );
}

/// Reference §10 case 10.
#[test]
fn a_one_reference_send_right_may_be_moved_and_copied_in_one_header_but_not_moved_twice() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("client", move |cx| async move {
        let right = cx.lookup("p").unwrap();
        let twice = Message::new(right, 1)
            .with_dest_disposition(Disposition::MoveSend)
            .with_reply(right, Disposition::MoveSend);
        let code = cx.send(twice, SendPolicy::Block).await.unwrap_err().code();
        push(
            &s,
            format!(
                "moved twice refused: {}",
                matches!(code.as_str(), "send_invalid_dest" | "send_invalid_reply")
            ),
        );
        push(&s, kind(&cx, right).await);
        let move_and_copy = Message::new(right, 2)
            .with_dest_disposition(Disposition::MoveSend)
            .with_reply(right, Disposition::CopySend);
        push(
            &s,
            format!("{:?}", cx.send(move_and_copy, SendPolicy::Block).await),
        );
        push(&s, kind(&cx, right).await);
    });
    let s = seen.clone();
    k.spawn_at("server", 5, move |cx| async move {
        let p = cx.lookup("p").unwrap();
        let got = wait(&cx, p).await;
        push(
            &s,
            format!(
                "server got {}; reply under its own name: {}, {:?}, {}",
                got.id(),
                got.header.reply == p,
                got.header.reply_disposition,
                kind(&cx, p).await
            ),
        );
        push(&s, poll(&cx, p).await.unwrap_err().code().to_string());
    });
    k.allocate_port("server", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("client", "p").unwrap();
    finish(&mut k);
    assert_eq!(
        take(&seen),
        [
            "moved twice refused: true",
            "send 1",
            "Ok(Sent)",
            "invalid_name",
            "server got 2; reply under its own name: true, MoveSend, receive+send 1",
            "rcv_timed_out"
        ]
    );
}

/// Reference §10 case 11.
#[test]
fn a_body_right_the_sender_does_not_hold_fails_with_send_invalid_right() {
    // Machsim checks the whole body before moving any right, so the refused
    // message comes back whole (Mach destroys what it had copied in).
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("client", move |cx| async move {
        let right = cx.lookup("p").unwrap();
        let m = Message::new(right, 1)
            .with_dest_disposition(Disposition::MoveSend)
            .with(Item::Port(PortItem {
                name: support::BOGUS,
                disposition: Disposition::MoveSend,
            }));
        let e = cx.send(m.clone(), SendPolicy::Block).await.unwrap_err();
        push(
            &s,
            format!("{} handed back: {}", e.code(), e.into_message() == m),
        );
        push(&s, kind(&cx, right).await);
    });
    k.spawn_at("server", 5, |cx| async move {
        park(&cx).await;
    });
    k.allocate_port("server", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("client", "p").unwrap();
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["send_invalid_right handed back: true", "send 1"]
    );
    assert_eq!(support::queued(&k, "p"), 0);
}

/// Reference §10 case 12.
#[test]
fn a_port_name_sent_as_plain_data_grants_no_right() {
    // Machsim's equivalent of the COMPLEX gate: only a port item carries a right;
    // a name sent as data is a number.
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let secret = cx
            .allocate_port(QueueLimit::DEFAULT, Some("secret"))
            .await
            .unwrap();
        cx.make_send(secret).await.unwrap();
        let inbox = cx.lookup("inbox").unwrap();
        let m = Message::new(inbox, 1).with(Item::U32(secret.0));
        cx.send(m, SendPolicy::Block).await.unwrap();
        park(&cx).await;
    });
    let s2 = s.clone();
    k.spawn_at("b", 5, move |cx| async move {
        let inbox = cx.lookup("inbox").unwrap();
        let got = wait(&cx, inbox).await;
        push(&s2, format!("body {:?}", got.body));
        push(&s2, format!("holds secret: {:?}", cx.lookup("secret")));
        park(&cx).await;
    });
    k.allocate_port("b", "inbox", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("a", "inbox").unwrap();
    finish_parked(&mut k);
    let lines = take(&seen);
    assert!(lines[0].starts_with("body [U32("), "{lines:?}");
    assert_eq!(lines[1], "holds secret: None");
    let b_space = k.inspect(|i| i.space("b"));
    assert!(b_space.iter().all(|(_, label, _, _)| label != "secret"));
    let secret = k.inspect(|i| i.port("secret")).unwrap();
    assert_eq!((secret.send_rights, secret.make_send_count), (1, 1));
}

/// Reference §10 case 75 (and case 14's pseudo-receive for memory).
#[test]
fn a_timed_out_send_hands_back_its_out_of_line_memory() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("a", move |cx| async move {
        let p = full_port(&cx, 1, Some("p")).await;
        let region = Bytes::from((0..65536u32).map(|i| i as u8).collect::<Vec<_>>());
        let m = Message::new(p, 2).with(Item::Ool(Ool {
            data: region.clone(),
        }));
        let e = cx.send(m, SendPolicy::NoWait).await.unwrap_err();
        push(&s, format!("{} at {} ms", e.code(), ms(&cx)));
        let back = e.into_message();
        push(
            &s,
            format!(
                "region back intact: {}",
                back.body == [Item::Ool(Ool { data: region })]
            ),
        );
        park(&cx).await;
    });
    finish_parked(&mut k);
    assert_eq!(
        take(&seen),
        ["send_timed_out at 0 ms", "region back intact: true"]
    );
    assert_eq!(support::queued(&k, "p"), 1);
}
