//! Notifications: dead-name, no-senders, send-once on task death.

use crate::mach_messages::support::wait;
use harness::{run_allowing_crashes, run_clean};
use kernel::{Kernel, Message, NotificationKind, QueueLimit, SendPolicy};
use std::sync::{Arc, Mutex};

#[test]
fn a_dead_name_notification_arrives_and_adds_a_user_reference() {
    let mut k = Kernel::builder().build();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    k.spawn("watcher", move |cx| async move {
        let port = cx.lookup("p").unwrap();
        cx.request_notification(port, NotificationKind::DeadName, cx.notify_port(), 0)
            .await
            .unwrap();
        let note = wait(&cx, cx.notify_port()).await;
        let (rights, urefs) = cx.port_type(port).await.unwrap();
        s.lock()
            .unwrap()
            .push(format!("{} {} {}", note.id(), rights, urefs));
    });
    k.spawn_at("owner", 1, |cx| async move {
        cx.destroy(cx.lookup("p").unwrap()).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("watcher", "p").unwrap();
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["72 dead_name 2"]);
}

#[test]
fn no_senders_fires_when_the_last_send_right_goes() {
    let mut k = Kernel::builder().build();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    k.spawn("owner", move |cx| async move {
        let port = cx.lookup("p").unwrap();
        cx.request_notification(port, NotificationKind::NoSenders, cx.notify_port(), 1)
            .await
            .unwrap();
        let note = wait(&cx, cx.notify_port()).await;
        s.lock()
            .unwrap()
            .push(format!("{} {:?}", note.id(), note.body));
    });
    k.spawn_at("client", 1, |cx| async move {
        cx.deallocate(cx.lookup("p").unwrap()).await.unwrap();
    });
    k.allocate_port("owner", "p", QueueLimit::DEFAULT).unwrap();
    k.give_send_right("client", "p").unwrap();
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["70 [U32(1)]"]);
}

#[test]
fn a_server_that_dies_mid_request_leaves_the_client_a_send_once_notification() {
    let mut k = Kernel::builder().build();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    k.spawn("client", move |cx| async move {
        let server = cx.lookup("requests").unwrap();
        let reply = cx
            .allocate_port(QueueLimit::DEFAULT, Some("reply"))
            .await
            .unwrap();
        let request = Message::new(server, 1).with_reply(reply, kernel::Disposition::MakeSendOnce);
        cx.send(request, SendPolicy::Block).await.unwrap();
        let answer = wait(&cx, reply).await;
        s.lock().unwrap().push(answer.id());
    });
    k.spawn("server", |cx| async move {
        let port = cx.lookup("requests").unwrap();
        let _request = wait(&cx, port).await;
        cx.crash("failed mid-request").await;
    });
    k.allocate_port("server", "requests", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("client", "requests").unwrap();
    run_allowing_crashes(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec![71]);
    let server = k.inspect(|i| i.tasks().into_iter().find(|t| t.name == "server"));
    assert_eq!(server.map(|t| t.state), Some("crashed".to_string()));
}
