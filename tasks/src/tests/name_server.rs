//! `name_server` in a real kernel: the register / look-up / unregister protocol.

use super::{call, exit_of, lines, log, push, right, run_clean};
use crate::stock::NameServer;
use crate::stock::name_server::{
    BAD_ARGUMENTS, BAD_ID, LOOK_UP, NAME_IN_USE, REGISTER, SUCCESS, UNKNOWN_NAME, UNREGISTER,
};
use kernel::{
    Disposition, Item, Kernel, Message, PortItem, PortName, QueueLimit, ReceiveOptions,
    ReceivePolicy, SendPolicy, TaskContext, TaskExit,
};

/// A kernel with a name server receiving on the port "names".
fn kernel_with_name_server() -> Kernel {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("name_server", |cx| NameServer::default().run(cx));
    kernel
        .allocate_port("name_server", "names", QueueLimit::DEFAULT)
        .unwrap();
    kernel
}

fn register(names: PortName, name: &str, right: PortName, disposition: Disposition) -> Message {
    Message::new(names, REGISTER)
        .with(Item::Str(name.into()))
        .with(Item::Port(PortItem {
            name: right,
            disposition,
        }))
}

fn by_name(names: PortName, id: i32, name: &str) -> Message {
    Message::new(names, id).with(Item::Str(name.into()))
}

/// The reply's id and body, with port names replaced by "port" (names are local).
fn describe(reply: &Message) -> String {
    let items: Vec<String> = reply
        .body
        .iter()
        .map(|item| match item {
            Item::I32(code) => code.to_string(),
            Item::Port(_) => "port".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    format!("{} [{}]", reply.id(), items.join(", "))
}

async fn ask(cx: &TaskContext, request: Message) -> Result<String, String> {
    Ok(describe(&call(cx, request).await?))
}

#[test]
fn a_registered_right_is_found_by_name_and_reaches_its_port() {
    let mut kernel = kernel_with_name_server();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("printer", move |cx| async move {
        let names = right(&cx, "names")?;
        let mine = cx
            .allocate_port(QueueLimit::DEFAULT, Some("printer"))
            .await
            .map_err(|e| e.to_string())?;
        let reply = ask(&cx, register(names, "printer", mine, Disposition::MakeSend)).await?;
        push(&s, format!("register: {reply}"));
        let job = cx
            .receive(mine, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        push(&s, format!("printer got {}", job.id()));
        Ok::<(), String>(())
    });
    let s = seen.clone();
    kernel.spawn_at("client", 1, move |cx| async move {
        let names = right(&cx, "names")?;
        let reply = call(&cx, by_name(names, LOOK_UP, "printer")).await?;
        push(&s, format!("look up: {}", describe(&reply)));
        let [Item::I32(SUCCESS), Item::Port(printer)] = reply.body.as_slice() else {
            return Err("no right in the reply".to_string());
        };
        push(&s, format!("label {:?}", cx.label_of(printer.name)));
        cx.send(Message::new(printer.name, 9), SendPolicy::Block)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    });
    kernel.give_send_right("printer", "names").unwrap();
    kernel.give_send_right("client", "names").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(
        lines(&seen),
        [
            "register: 101 [0]",
            "look up: 102 [0, port]",
            "label Some(\"printer\")",
            "printer got 9"
        ]
    );
    assert_eq!(exit_of(&kernel, "name_server"), Some(TaskExit::Exited(0)));
}

#[test]
fn looking_up_or_unregistering_an_unknown_name_answers_unknown_name() {
    let mut kernel = kernel_with_name_server();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let names = right(&cx, "names")?;
        push(&s, ask(&cx, by_name(names, LOOK_UP, "nobody")).await?);
        push(&s, ask(&cx, by_name(names, UNREGISTER, "nobody")).await?);
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "names").unwrap();
    run_clean(&mut kernel);
    assert_eq!(
        lines(&seen),
        [
            format!("102 [{UNKNOWN_NAME}]"),
            format!("103 [{UNKNOWN_NAME}]")
        ]
    );
}

#[test]
fn a_taken_name_answers_name_in_use_and_the_offered_right_is_released() {
    let mut kernel = kernel_with_name_server();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let names = right(&cx, "names")?;
        let first = cx
            .allocate_port(QueueLimit::DEFAULT, Some("first"))
            .await
            .map_err(|e| e.to_string())?;
        let second = cx
            .allocate_port(QueueLimit::DEFAULT, Some("second"))
            .await
            .map_err(|e| e.to_string())?;
        push(
            &s,
            ask(&cx, register(names, "svc", first, Disposition::MakeSend)).await?,
        );
        push(
            &s,
            ask(&cx, register(names, "svc", second, Disposition::MakeSend)).await?,
        );
        // The refused right is gone: the port has no senders, and says so.
        cx.request_notification(second, kernel::NotificationKind::NoSenders, second, 1)
            .await
            .map_err(|e| e.to_string())?;
        let note = cx
            .receive(second, ReceivePolicy::NoWait, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        push(&s, format!("second: notification {}", note.id()));
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "names").unwrap();
    run_clean(&mut kernel);
    assert_eq!(
        lines(&seen),
        [
            "101 [0]".to_string(),
            format!("101 [{NAME_IN_USE}]"),
            "second: notification 70".to_string()
        ]
    );
}

#[test]
fn a_name_whose_port_died_is_unknown_and_can_be_registered_again() {
    let mut kernel = kernel_with_name_server();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let names = right(&cx, "names")?;
        let old = cx
            .allocate_port(QueueLimit::DEFAULT, Some("old"))
            .await
            .map_err(|e| e.to_string())?;
        push(
            &s,
            ask(&cx, register(names, "svc", old, Disposition::MakeSend)).await?,
        );
        cx.destroy(old).await.map_err(|e| e.to_string())?;
        push(&s, ask(&cx, by_name(names, LOOK_UP, "svc")).await?);
        let old = cx
            .allocate_port(QueueLimit::DEFAULT, Some("old"))
            .await
            .map_err(|e| e.to_string())?;
        push(
            &s,
            ask(&cx, register(names, "svc", old, Disposition::MakeSend)).await?,
        );
        cx.destroy(old).await.map_err(|e| e.to_string())?;
        let new = cx
            .allocate_port(QueueLimit::DEFAULT, Some("new"))
            .await
            .map_err(|e| e.to_string())?;
        push(
            &s,
            ask(&cx, register(names, "svc", new, Disposition::MakeSend)).await?,
        );
        push(&s, ask(&cx, by_name(names, UNREGISTER, "svc")).await?);
        push(&s, ask(&cx, by_name(names, LOOK_UP, "svc")).await?);
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "names").unwrap();
    run_clean(&mut kernel);
    assert_eq!(
        lines(&seen),
        [
            "101 [0]".to_string(),
            format!("102 [{UNKNOWN_NAME}]"),
            "101 [0]".to_string(),
            "101 [0]".to_string(),
            "103 [0]".to_string(),
            format!("102 [{UNKNOWN_NAME}]"),
        ]
    );
}

#[test]
fn a_malformed_request_answers_bad_arguments_and_an_unknown_id_bad_id() {
    let mut kernel = kernel_with_name_server();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("client", move |cx| async move {
        let names = right(&cx, "names")?;
        let mine = cx
            .allocate_port(QueueLimit::DEFAULT, Some("mine"))
            .await
            .map_err(|e| e.to_string())?;
        // No right at all, a send-once right, an integer for a name, an unknown id.
        push(&s, ask(&cx, by_name(names, REGISTER, "svc")).await?);
        push(
            &s,
            ask(&cx, register(names, "svc", mine, Disposition::MakeSendOnce)).await?,
        );
        push(
            &s,
            ask(&cx, Message::new(names, LOOK_UP).with(Item::U32(1))).await?,
        );
        push(&s, ask(&cx, by_name(names, 77, "svc")).await?);
        // The refused send-once right was destroyed: its notification arrives.
        let note = cx
            .receive(mine, ReceivePolicy::NoWait, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        push(&s, format!("mine: notification {}", note.id()));
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "names").unwrap();
    run_clean(&mut kernel);
    assert_eq!(
        lines(&seen),
        [
            format!("101 [{BAD_ARGUMENTS}]"),
            format!("101 [{BAD_ARGUMENTS}]"),
            format!("102 [{BAD_ARGUMENTS}]"),
            format!("177 [{BAD_ID}]"),
            "mine: notification 71".to_string(),
        ]
    );
}

#[test]
fn with_count_it_exits_after_that_many_requests() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("name_server", |cx| {
        NameServer {
            count: Some(1),
            ..NameServer::default()
        }
        .run(cx)
    });
    kernel
        .allocate_port("name_server", "names", QueueLimit::DEFAULT)
        .unwrap();
    kernel.spawn("client", |cx| async move {
        let names = right(&cx, "names")?;
        ask(&cx, by_name(names, LOOK_UP, "x")).await?;
        cx.sleep(5).await;
        Ok::<(), String>(())
    });
    kernel.give_send_right("client", "names").unwrap();
    run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "name_server"), Some(TaskExit::Exited(0)));
    assert_eq!(exit_of(&kernel, "client"), Some(TaskExit::Exited(0)));
}
