//! `echo_server` in a real kernel.

use super::{call, exit_of, lines, log, push, right, run_allowing_crashes, run_clean};
use crate::stock::EchoServer;
use kernel::{
    Disposition, Item, Kernel, Message, PortItem, QueueLimit, ReceiveOptions, ReceivePolicy,
    ScheduleKind, SendPolicy, TaskExit,
};

fn kernel_with_echo(server: EchoServer) -> Kernel {
    kernel_with_echo_in(Kernel::builder().build(), server)
}

fn kernel_with_echo_in(mut kernel: Kernel, server: EchoServer) -> Kernel {
    kernel.spawn("echo", |cx| server.run(cx));
    kernel
        .allocate_port("echo", "requests", QueueLimit::DEFAULT)
        .unwrap();
    kernel
}

#[test]
fn an_echo_round_trip_returns_the_body_under_the_reply_id() {
    let mut kernel = kernel_with_echo(EchoServer::default());
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let server = right(&cx, "requests")?;
        let request = Message::new(server, 7)
            .with(Item::Str("hello".into()))
            .with(Item::U32(3));
        let reply = call(&cx, request).await?;
        push(&s, format!("{} {:?}", reply.id(), reply.body));
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(lines(&seen), [r#"107 [Str("hello"), U32(3)]"#]);
    assert_eq!(exit_of(&kernel, "echo"), Some(TaskExit::Exited(0)));
}

#[test]
fn the_reply_offset_argument_sets_the_reply_id() {
    let server = EchoServer {
        reply_offset: 1,
        ..EchoServer::default()
    };
    let mut kernel = kernel_with_echo(server);
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let reply = call(&cx, Message::new(right(&cx, "requests")?, 7)).await?;
        push(&s, reply.id().to_string());
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    run_clean(&mut kernel);
    assert_eq!(lines(&seen), ["8"]);
}

#[test]
fn rights_in_a_request_travel_back_to_the_client_in_the_reply() {
    let mut kernel = kernel_with_echo(EchoServer::default());
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let mine = cx
            .allocate_port(QueueLimit::DEFAULT, Some("mine"))
            .await
            .map_err(|e| e.to_string())?;
        let request = Message::new(right(&cx, "requests")?, 1).with(Item::Port(PortItem {
            name: mine,
            disposition: Disposition::MakeSend,
        }));
        let reply = call(&cx, request).await?;
        let [Item::Port(back)] = reply.body.as_slice() else {
            return Err(format!("unexpected body {:?}", reply.body));
        };
        // A send right for one's own port merges into the receive right's name.
        push(&s, format!("same name: {}", back.name == mine));
        let (rights, urefs) = cx.port_type(mine).await.map_err(|e| e.to_string())?;
        push(&s, format!("{rights} {urefs}"));
        Ok(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    run_clean(&mut kernel);
    assert_eq!(lines(&seen), ["same name: true", "receive+send 1"]);
}

#[test]
fn without_count_it_answers_every_request_then_ends_when_no_client_is_left() {
    // Under many interleavings: the no-senders notification must never overtake a
    // request sent before the last send right went away.
    for seed in 0..24 {
        let kernel = Kernel::builder()
            .seed(seed)
            .schedule(ScheduleKind::Random)
            .build();
        answers_every_request_then_ends(kernel_with_echo_in(kernel, EchoServer::default()));
    }
}

fn answers_every_request_then_ends(mut kernel: Kernel) {
    let seen = log();
    for name in ["a", "b"] {
        let s = seen.clone();
        kernel.spawn(name, move |cx| async move {
            for id in 1..=3 {
                let reply = call(&cx, Message::new(right(&cx, "requests")?, id)).await?;
                push(&s, format!("{} got {}", cx.name(), reply.id()));
            }
            Ok::<(), String>(())
        });
        kernel.give_send_right(name, "requests").unwrap();
    }
    // A client that sends without waiting for replies and leaves at once: its
    // requests are still queued when its send right goes, and must be answered
    // (through a send right to another task's port, which outlives it).
    kernel.spawn("hasty", |cx| async move {
        let server = right(&cx, "requests")?;
        let answers = right(&cx, "answers")?;
        for id in 10..13 {
            let request = Message::new(server, id).with_reply(answers, Disposition::CopySend);
            cx.send(request, SendPolicy::Block)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    });
    let s = seen.clone();
    kernel.spawn("listener", move |cx| async move {
        let answers = right(&cx, "answers")?;
        for _ in 0..3 {
            let reply = cx
                .receive(answers, ReceivePolicy::Block, ReceiveOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            push(&s, format!("listener got {}", reply.id()));
        }
        Ok::<(), String>(())
    });
    kernel.give_send_right("hasty", "requests").unwrap();
    kernel
        .allocate_port("listener", "answers", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("hasty", "answers").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    let mut got = lines(&seen);
    got.sort();
    assert_eq!(
        got,
        [
            "a got 101",
            "a got 102",
            "a got 103",
            "b got 101",
            "b got 102",
            "b got 103",
            "listener got 110",
            "listener got 111",
            "listener got 112"
        ]
    );
    assert_eq!(exit_of(&kernel, "echo"), Some(TaskExit::Exited(0)));
}

#[test]
fn with_count_it_exits_after_that_many_requests() {
    let server = EchoServer {
        count: Some(2),
        ..EchoServer::default()
    };
    let mut kernel = kernel_with_echo(server);
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let server = right(&cx, "requests")?;
        for id in 1..=3 {
            match call(&cx, Message::new(server, id)).await {
                Ok(reply) => push(&s, reply.id().to_string()),
                Err(e) => push(&s, e),
            }
        }
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    run_clean(&mut kernel);
    // The third request goes to a dead port: the send is refused.
    assert_eq!(lines(&seen)[..2], ["101", "102"]);
    assert!(
        lines(&seen)[2].starts_with("send_invalid_dest"),
        "{:?}",
        lines(&seen)
    );
    assert_eq!(exit_of(&kernel, "echo"), Some(TaskExit::Exited(0)));
}

#[test]
fn it_exits_0_when_its_port_is_destroyed() {
    let mut kernel = kernel_with_echo(EchoServer::default());
    kernel.spawn("idle_client", |cx| async move { cx.sleep(100).await });
    kernel.give_send_right("idle_client", "requests").unwrap();
    kernel.schedule_fault(10, None, Some("requests")).unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(exit_of(&kernel, "echo"), Some(TaskExit::Exited(0)));
}

#[test]
fn a_request_without_a_reply_right_is_dropped_and_its_rights_destroyed() {
    let server = EchoServer {
        count: Some(1),
        ..EchoServer::default()
    };
    let mut kernel = kernel_with_echo(server);
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let mine = cx
            .allocate_port(QueueLimit::DEFAULT, Some("mine"))
            .await
            .map_err(|e| e.to_string())?;
        let request = Message::new(right(&cx, "requests")?, 1).with(Item::Port(PortItem {
            name: mine,
            disposition: Disposition::MakeSendOnce,
        }));
        cx.send(request, SendPolicy::Block)
            .await
            .map_err(|e| e.to_string())?;
        // The destroyed send-once right comes back as a send-once notification.
        let note = cx
            .receive(mine, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        push(&s, note.id().to_string());
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    run_clean(&mut kernel);
    assert_eq!(lines(&seen), ["71"]);
}

#[test]
fn the_delay_is_spent_in_virtual_time_before_each_reply() {
    let server = EchoServer {
        delay_ms: 20,
        ..EchoServer::default()
    };
    let mut kernel = kernel_with_echo(server);
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        call(&cx, Message::new(right(&cx, "requests")?, 1)).await?;
        push(&s, format!("{} ms", cx.now_ns() / 1_000_000));
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "requests").unwrap();
    run_clean(&mut kernel);
    assert_eq!(lines(&seen), ["20 ms"]);
}

#[test]
fn an_echo_server_without_its_receive_right_crashes_saying_why() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("echo", |cx| EchoServer::default().run(cx));
    kernel.spawn("owner", |cx| async move { cx.sleep(1).await });
    kernel
        .allocate_port("owner", "requests", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("echo", "requests").unwrap();
    run_allowing_crashes(&mut kernel);
    let Some(TaskExit::Crashed(reason)) = exit_of(&kernel, "echo") else {
        panic!("echo should have crashed");
    };
    assert_eq!(
        reason,
        "echo_server: this task holds `requests` as a send right, not a receive right"
    );

    let mut kernel = Kernel::builder().build();
    kernel.spawn("echo", |cx| EchoServer::default().run(cx));
    run_allowing_crashes(&mut kernel);
    let Some(TaskExit::Crashed(reason)) = exit_of(&kernel, "echo") else {
        panic!("echo should have crashed");
    };
    assert!(
        reason.contains("holds no right for the port `requests`"),
        "{reason}"
    );
}

#[test]
fn it_serves_a_port_set_named_by_its_label() {
    let server = EchoServer {
        port: "inbox".into(),
        count: Some(2),
        ..EchoServer::default()
    };
    let mut kernel = Kernel::builder().build();
    kernel.spawn("echo", |cx| server.run(cx));
    let seen = log();
    for (client, port) in [("a", "front"), ("b", "back")] {
        let s = seen.clone();
        kernel.spawn(client, move |cx| async move {
            let reply = call(&cx, Message::new(right(&cx, port)?, 1)).await?;
            push(&s, format!("{} got {}", cx.name(), reply.id()));
            Ok::<(), String>(())
        });
    }
    for port in ["front", "back"] {
        kernel
            .allocate_port("echo", port, QueueLimit::DEFAULT)
            .unwrap();
    }
    kernel
        .allocate_port_set("echo", "inbox", &["front", "back"])
        .unwrap();
    kernel.give_send_right("a", "front").unwrap();
    kernel.give_send_right("b", "back").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(lines(&seen), ["a got 101", "b got 101"]);
}
