//! Windows NT's LPC: one test per behavioural case of the reference's A.9 (its
//! number in each test's comment), named as a sentence, each run under round
//! robin, eight random seeds and PCT, with the audit's LPC conservation and
//! reply-slot checks.
//!
//! Tasks are ordered by virtual time where a case needs an order (a client that
//! connects at 10 ms, a server that listens at 20 ms), so every schedule sees the
//! same outcome; what each task observed is logged and compared.

use harness::run_clean;
use kernel::trace::{Event, LpcDestroyReason, LpcWaitKind, TraceRecord, ViewSide};
use kernel::{
    AcceptConnect, DataEntry, Kernel, LpcError, LpcMessageType, NtStatus, Outcome, PortMessage,
    PortView, ScheduleKind, TaskContext,
};
use std::sync::{Arc, Mutex};
use views::stepper::{ServiceWait, State, TaskStatus};

/// What each task observed: (task, line), in the order it observed it.
type Log = Arc<Mutex<Vec<(String, String)>>>;

fn push(log: &Log, cx: &TaskContext, line: impl Into<String>) {
    log.lock()
        .unwrap()
        .push((cx.name().to_string(), line.into()));
}

/// A log as the cases compare it: `task: line`, grouped by task (in name
/// order), each task's lines in its own order. Within one task the order is its
/// program's; across tasks it may depend on the schedule, so it is not compared.
fn by_task(log: &Log) -> Vec<String> {
    let mut lines = log.lock().unwrap().clone();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines
        .into_iter()
        .map(|(task, line)| format!("{task}: {line}"))
        .collect()
}

/// The connection port every case's server owns.
const PORT: &str = "\\Windows\\ApiPort";

/// The data a section carries in case 15.
const TEN_KIB: u32 = 10 * 1024;

/// The client memory a server reads directly in case 16.
const MIB: u32 = 1 << 20;

/// Round robin, eight random seeds, and PCT with two seeds.
fn schedules() -> Vec<(ScheduleKind, u64)> {
    let mut all = vec![(ScheduleKind::RoundRobin, 0)];
    all.extend((0..8).map(|seed| (ScheduleKind::Random, seed)));
    all.extend((1..=2).map(|seed| (ScheduleKind::Pct { depth: 3 }, seed)));
    all
}

/// What the runs of a case left: what its tasks logged (the same under every
/// schedule), and each run's trace.
struct Runs {
    log: Vec<String>,
    traces: Vec<Vec<TraceRecord>>,
}

/// Runs `case` (which spawns its tasks into the kernel and logs into the log)
/// under every schedule, each run clean (the audit's LPC checks among its
/// checks), and asserts every schedule logged the same.
fn under_every_schedule(case: impl Fn(&mut Kernel, &Log)) -> Runs {
    let mut runs = Runs {
        log: Vec::new(),
        traces: Vec::new(),
    };
    for (schedule, seed) in schedules() {
        let mut k = Kernel::builder()
            .schedule(schedule)
            .seed(seed)
            .trace(true)
            .build();
        let log: Log = Arc::default();
        case(&mut k, &log);
        let report = run_clean(&mut k);
        assert_eq!(report.outcome, Outcome::Completed, "{schedule} seed {seed}");
        let log = by_task(&log);
        if runs.traces.is_empty() {
            runs.log = log;
        } else {
            assert_eq!(log, runs.log, "{schedule} seed {seed}");
        }
        runs.traces.push(k.trace());
    }
    runs
}

/// A task `server` that owns the connection port `\Windows\ApiPort` (its handle
/// labelled `api`), running `program`.
fn server<F, Fut>(k: &mut Kernel, program: F)
where
    F: FnOnce(TaskContext) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), kernel::Error>> + Send + 'static,
{
    k.spawn("server", program);
    k.create_lpc_port("server", PORT, "api", 260, 280)
        .expect("the port is made");
}

/// The server's handle on its connection port.
fn api(cx: &TaskContext) -> Result<u32, kernel::Error> {
    Ok(cx.handle("api").ok_or("no api handle")?)
}

/// A status as the logs spell it.
fn status<T>(result: &Result<T, LpcError>) -> String {
    match result {
        Ok(_) => "success".into(),
        Err(e) => e.status().to_string(),
    }
}

/// A message of one little-endian `u32`.
fn word(value: u32) -> PortMessage {
    PortMessage::new(value.to_le_bytes().to_vec())
}

/// The `u32` a message's data starts with.
fn word_of(message: &PortMessage) -> u32 {
    let mut bytes = [0u8; 4];
    let n = message.data.len().min(4);
    bytes[..n].copy_from_slice(&message.data[..n]);
    u32::from_le_bytes(bytes)
}

/// The server's side of one connection: listen, accept with `context`,
/// complete. Returns the communication port's handle and the connection request.
async fn accept_one(cx: &TaskContext, context: u64) -> Result<(u32, PortMessage), kernel::Error> {
    let request = cx.nt_listen_port(api(cx)?).await?;
    let comm = accept(cx, &request, AcceptConnect::accept().with_context(context)).await?;
    Ok((comm, request))
}

/// Accepts the connection request `request` as `how` says, and completes it;
/// returns the communication port's handle.
async fn accept(
    cx: &TaskContext,
    request: &PortMessage,
    how: AcceptConnect,
) -> Result<u32, kernel::Error> {
    let accepted = cx.nt_accept_connect_port(request, how).await?;
    let comm = accepted.port.ok_or("no communication port")?;
    cx.nt_complete_connect_port(comm).await?;
    Ok(comm)
}

/// A message as the logs show it: its type and its data as text.
fn seen(message: &PortMessage) -> String {
    format!(
        "{} {:?}",
        message.message_type,
        String::from_utf8_lossy(&message.data)
    )
}

/// A client's connect with no view; returns its client port's handle.
async fn connect(cx: &TaskContext) -> Result<u32, kernel::Error> {
    Ok(cx.nt_connect_port(PORT, None, b"hello").await?.port)
}

/// The trace's events of one kind, in order.
fn events(trace: &[TraceRecord], keep: impl Fn(&Event) -> bool) -> Vec<&Event> {
    trace.iter().map(|r| &r.event).filter(|e| keep(e)).collect()
}

// ----- creating and connecting ------------------------------------------------------

/// The tasks of [`creating_a_port_checks_its_limits_and_refuses_a_taken_name`].
fn creating_a_port_checks_its_limits_and_refuses_a_taken_name_tasks(k: &mut Kernel, log: &Log) {
    let log = log.clone();
    k.spawn("server", move |cx| async move {
        for (name, info, max) in [
            ("\\P", 256, 304),
            ("\\Q", 261, 280),
            ("\\Q", 256, 329),
            ("\\P", 256, 280),
            ("", 256, 280),
        ] {
            let result = cx.nt_create_port(name, info, max).await;
            push(
                &log,
                &cx,
                format!("{name:?} {info} {max}: {}", status(&result)),
            );
        }
    });
}

/// Case 1.
#[test]
fn creating_a_port_checks_its_limits_and_refuses_a_taken_name() {
    let run =
        under_every_schedule(creating_a_port_checks_its_limits_and_refuses_a_taken_name_tasks);
    assert_eq!(
        run.log,
        [
            r#"server: "\\P" 256 304: success"#,
            r#"server: "\\Q" 261 280: invalid_parameter_3"#,
            r#"server: "\\Q" 256 329: invalid_parameter_4"#,
            r#"server: "\\P" 256 280: object_name_collision"#,
            r#"server: "" 256 280: object_name_invalid"#,
        ]
    );
    for trace in &run.traces {
        let made = events(trace, |e| matches!(e, Event::LpcPortCreated { .. }));
        assert_eq!(made.len(), 1, "a failure makes no port");
    }
}

/// The tasks of [`connecting_to_a_missing_name_is_object_name_not_found`].
fn connecting_to_a_missing_name_is_object_name_not_found_tasks(k: &mut Kernel, log: &Log) {
    let log = log.clone();
    k.spawn("client", move |cx| async move {
        let result = cx.nt_connect_port("\\Nope", None, b"").await;
        push(&log, &cx, status(&result.map_err(LpcError::from)));
    });
}

/// Case 2 (a name of a port that is not a connection port cannot be modelled:
/// only connection ports have names).
#[test]
fn connecting_to_a_missing_name_is_object_name_not_found() {
    let run = under_every_schedule(connecting_to_a_missing_name_is_object_name_not_found_tasks);
    assert_eq!(run.log, ["client: object_name_not_found"]);
}

/// The tasks of [`a_connect_blocks_until_the_server_accepts_and_completes`].
fn a_connect_blocks_until_the_server_accepts_and_completes_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let request = cx.nt_listen_port(api(&cx)?).await?;
        push(
            &l,
            &cx,
            format!(
                "listen: {} data {} id nonzero {}",
                request.message_type,
                request.data_length,
                request.message_id != 0
            ),
        );
        let how = AcceptConnect::accept()
            .with_context(0x4321)
            .with_reply_info(b"welcome".to_vec());
        let accepted = cx.nt_accept_connect_port(&request, how).await?;
        let comm = accepted.port.ok_or("no port")?;
        cx.nt_complete_connect_port(comm).await?;
        let first = cx.nt_reply_wait_receive_port(api(&cx)?, None).await?;
        push(
            &l,
            &cx,
            format!(
                "same client id: {}",
                first.message.client_id == request.client_id
            ),
        );
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let connection = cx.nt_connect_port(PORT, None, b"8 bytes!").await?;
        push(
            &l,
            &cx,
            format!(
                "connected: max {} info {:?}",
                connection.max_message_length,
                String::from_utf8_lossy(&connection.connection_info)
            ),
        );
        cx.nt_request_port(connection.port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 3.
#[test]
fn a_connect_blocks_until_the_server_accepts_and_completes() {
    let run = under_every_schedule(a_connect_blocks_until_the_server_accepts_and_completes_tasks);
    assert_eq!(
        run.log,
        [
            r#"client: connected: max 280 info "welcome""#,
            "server: listen: connection_request data 8 id nonzero true",
            "server: same client id: true",
        ]
    );
    // The client waits in its connect after the listen and after the accept, in
    // the fold of the trace and in the kernel's own state, step by step.
    let mut k = Kernel::builder().trace(true).build();
    server(&mut k, |cx| async move {
        let (comm, _) = accept_one(&cx, 1).await?;
        cx.nt_close(comm).await?;
        Ok(())
    });
    k.spawn("client", |cx| async move {
        connect(&cx).await?;
        Ok::<(), kernel::Error>(())
    });
    let (mut after_listen, mut after_accept) = (false, false);
    while k.step() {
        let trace = k.trace();
        let happened = |what: fn(&Event) -> bool| trace.iter().any(|r| what(&r.event));
        let listened = happened(
            |e| matches!(e, Event::LpcMessageReceived { receiver, .. } if &**receiver == "server"),
        );
        let accepted = happened(|e| matches!(e, Event::LpcConnectionAccepted { .. }));
        let completed = happened(|e| matches!(e, Event::LpcConnectionCompleted { .. }));
        if listened && !completed {
            after_listen = true;
            after_accept |= accepted;
            let kernel_state = k.inspect(|i| i.tasks())[1].state.clone();
            assert_eq!(kernel_state, "blocked_service");
            let fold = State::from_records(&trace);
            let waits = matches!(
                fold.task("client").map(|t| &t.status),
                Some(TaskStatus::BlockedService {
                    wait: ServiceWait::Lpc {
                        kind: LpcWaitKind::Connect,
                        ..
                    },
                    ..
                })
            );
            assert!(waits, "the fold has the client still connecting");
        }
    }
    assert!(after_listen && after_accept);
    assert_eq!(run_clean(&mut k).outcome, Outcome::Completed);
}

/// The tasks of [`a_refused_client_gets_connection_refused_and_the_reply_info`].
fn a_refused_client_gets_connection_refused_and_the_reply_info_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let request = cx.nt_listen_port(api(&cx)?).await?;
        let how = AcceptConnect::refuse().with_reply_info(b"full".to_vec());
        let accepted = cx.nt_accept_connect_port(&request, how).await?;
        push(&l, &cx, format!("port {:?}", accepted.port));
        Ok(())
    });
    let l = log.clone();
    k.spawn_at("client", 1, move |cx| async move {
        let e = cx
            .nt_connect_port(PORT, None, b"let me in")
            .await
            .err()
            .ok_or("connected")?;
        push(
            &l,
            &cx,
            format!(
                "{} {:?}",
                e.status,
                String::from_utf8_lossy(&e.connection_info)
            ),
        );
        Ok::<(), kernel::Error>(())
    });
}

/// Case 4.
#[test]
fn a_refused_client_gets_connection_refused_and_the_reply_info() {
    let run =
        under_every_schedule(a_refused_client_gets_connection_refused_and_the_reply_info_tasks);
    assert_eq!(
        run.log,
        [
            r#"client: port_connection_refused "full""#,
            "server: port None",
        ]
    );
    // The client port went with the refusal, before the client's connect returned.
    for trace in &run.traces {
        let deleted = trace.iter().position(
            |r| matches!(&r.event, Event::LpcPortDeleted { port } if port.starts_with("client:")),
        );
        let refused = trace.iter().position(|r| {
            r.task.as_deref() == Some("client")
                && matches!(&r.event, Event::KernelCall { call, .. } if call.is_lpc())
        });
        assert!(
            deleted.is_some() && deleted < refused,
            "{deleted:?} {refused:?}"
        );
    }
}

/// The tasks of [`accepting_a_wrong_id_twice_or_from_another_task_is_a_mismatch`].
fn accepting_a_wrong_id_twice_or_from_another_task_is_a_mismatch_tasks(k: &mut Kernel, log: &Log) {
    let shared: Arc<Mutex<Option<PortMessage>>> = Arc::default();
    let (l, s) = (log.clone(), shared.clone());
    server(k, move |cx| async move {
        let request = cx.nt_listen_port(api(&cx)?).await?;
        *s.lock().unwrap() = Some(request.clone());
        cx.sleep(10).await;
        let mut forged = request.clone();
        forged.message_id += 1000;
        let result = cx
            .nt_accept_connect_port(&forged, AcceptConnect::accept())
            .await;
        push(&l, &cx, format!("forged id: {}", status(&result)));
        let mut nobody = request.clone();
        nobody.client_id = kernel::ClientId::of_task(999);
        let result = cx
            .nt_accept_connect_port(&nobody, AcceptConnect::accept())
            .await;
        push(&l, &cx, format!("no such client: {}", status(&result)));
        let accepted = cx
            .nt_accept_connect_port(&request, AcceptConnect::accept())
            .await?;
        push(&l, &cx, "accepted");
        let again = cx
            .nt_accept_connect_port(&request, AcceptConnect::accept())
            .await;
        push(&l, &cx, format!("second accept: {}", status(&again)));
        cx.nt_complete_connect_port(accepted.port.ok_or("no port")?)
            .await?;
        Ok(())
    });
    let (l, s) = (log.clone(), shared);
    k.spawn("stranger", move |cx| async move {
        cx.sleep(5).await;
        let request = s.lock().unwrap().clone().ok_or("no request yet")?;
        let result = cx
            .nt_accept_connect_port(&request, AcceptConnect::accept())
            .await;
        push(&l, &cx, status(&result));
        Ok::<(), kernel::Error>(())
    });
    k.spawn("client", |cx| async move {
        connect(&cx).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 5.
#[test]
fn accepting_a_wrong_id_twice_or_from_another_task_is_a_mismatch() {
    let run =
        under_every_schedule(accepting_a_wrong_id_twice_or_from_another_task_is_a_mismatch_tasks);
    assert_eq!(
        run.log,
        [
            "server: forged id: reply_message_mismatch",
            "server: no such client: invalid_cid",
            "server: accepted",
            "server: second accept: reply_message_mismatch",
            "stranger: reply_message_mismatch",
        ]
    );
}

/// The tasks of [`listen_discards_a_datagram_queued_before_a_connection_request`].
fn listen_discards_a_datagram_queued_before_a_connection_request_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 1).await?;
        cx.sleep(20).await;
        let request = cx.nt_listen_port(api(&cx)?).await?;
        push(&l, &cx, format!("listen: {}", request.message_type));
        accept(&cx, &request, AcceptConnect::accept()).await?;
        Ok(())
    });
    k.spawn("a", |cx| async move {
        let port = connect(&cx).await?;
        cx.nt_request_port(port, word(7)).await?;
        cx.sleep(100).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("b", 10, |cx| async move {
        connect(&cx).await?;
        cx.sleep(100).await;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 6.
#[test]
fn listen_discards_a_datagram_queued_before_a_connection_request() {
    let run =
        under_every_schedule(listen_discards_a_datagram_queued_before_a_connection_request_tasks);
    assert_eq!(run.log, ["server: listen: connection_request"]);
    for trace in &run.traces {
        let discarded = events(
            trace,
            |e| matches!(e, Event::LpcMessageDestroyed { reason, .. } if *reason == LpcDestroyReason::ListenDiscarded),
        );
        assert_eq!(discarded.len(), 1, "the datagram, taken and thrown away");
    }
}

// ----- datagrams, requests and replies ------------------------------------------------

/// The tasks of [`a_datagram_arrives_as_a_datagram_with_its_connections_context`].
fn a_datagram_arrives_as_a_datagram_with_its_connections_context_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 0x4321).await?;
        let received = cx.nt_reply_wait_receive_port(api(&cx)?, None).await?;
        push(
            &l,
            &cx,
            format!(
                "{} {:#x} {:?}",
                received.message.message_type,
                received.context,
                String::from_utf8_lossy(&received.message.data)
            ),
        );
        Ok(())
    });
    k.spawn("client", |cx| async move {
        let port = connect(&cx).await?;
        cx.nt_request_port(port, PortMessage::new(b"hi".to_vec()))
            .await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 7, the datagram's half.
#[test]
fn a_datagram_arrives_as_a_datagram_with_its_connections_context() {
    let run =
        under_every_schedule(a_datagram_arrives_as_a_datagram_with_its_connections_context_tasks);
    assert_eq!(run.log, [r#"server: datagram 0x4321 "hi""#]);
}

/// The tasks of [`a_task_cannot_send_a_typed_datagram`].
fn a_task_cannot_send_a_typed_datagram_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 1).await?;
        let received = cx.nt_reply_wait_receive_port(api(&cx)?, None).await?;
        push(
            &l,
            &cx,
            format!("first delivered: {}", word_of(&received.message)),
        );
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        for forged in [LpcMessageType::ClientDied, LpcMessageType::Request] {
            let result = cx.nt_request_port(port, word(1).with_type(forged)).await;
            push(&l, &cx, format!("{forged}: {}", status(&result)));
        }
        cx.nt_request_port(port, word(2)).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 7, the typed half (machsim follows the Windows oracle: a task cannot
/// send a typed datagram).
#[test]
fn a_task_cannot_send_a_typed_datagram() {
    let run = under_every_schedule(a_task_cannot_send_a_typed_datagram_tasks);
    assert_eq!(
        run.log,
        [
            "client: client_died: invalid_parameter",
            "client: request: invalid_parameter",
            "server: first delivered: 2",
        ]
    );
}

/// The tasks of [`a_request_and_its_reply_make_a_round_trip`].
fn a_request_and_its_reply_make_a_round_trip_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let (_, connect) = accept_one(&cx, 1).await?;
        let request = cx
            .nt_reply_wait_receive_port(api(&cx)?, None)
            .await?
            .message;
        push(
            &l,
            &cx,
            format!(
                "{} {:#x} from the connecting client: {}; id {}",
                request.message_type,
                word_of(&request),
                request.client_id == connect.client_id,
                request.message_id
            ),
        );
        cx.nt_reply_port(
            api(&cx)?,
            PortMessage::reply_to(&request, 0xBEEFu32.to_le_bytes().to_vec()),
        )
        .await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        let reply = cx
            .nt_request_wait_reply_port(port, word(0x1234_ABCD))
            .await?;
        push(
            &l,
            &cx,
            format!(
                "{} {:#x} data {} id {}",
                reply.message_type,
                word_of(&reply),
                reply.data_length,
                reply.message_id
            ),
        );
        Ok::<(), kernel::Error>(())
    });
}

/// Case 8.
#[test]
fn a_request_and_its_reply_make_a_round_trip() {
    let run = under_every_schedule(a_request_and_its_reply_make_a_round_trip_tasks);
    let id = |line: &str| line.rsplit(' ').next().map(str::to_string);
    assert_eq!(
        id(&run.log[0]),
        id(&run.log[1]),
        "one message id: {:?}",
        run.log
    );
    assert!(run.log[0].starts_with("client: reply 0xbeef data 4 id"));
    assert!(
        run.log[1].starts_with("server: request 0x1234abcd from the connecting client: true; id")
    );
}

/// Case 9 (a task that already waits cannot make a second request; the
/// `unsuccessful` half is a kernel unit test, since a running task's slot is
/// always empty).
#[test]
fn a_task_has_one_outstanding_request() {
    let mut k = Kernel::builder().trace(true).build();
    server(&mut k, |cx| async move {
        accept_one(&cx, 1).await?;
        let request = cx
            .nt_reply_wait_receive_port(api(&cx)?, None)
            .await?
            .message;
        cx.sleep(5).await;
        cx.nt_reply_port(api(&cx)?, PortMessage::reply_to(&request, Vec::new()))
            .await?;
        Ok(())
    });
    k.spawn("client", |cx| async move {
        let port = connect(&cx).await?;
        cx.nt_request_wait_reply_port(port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
    let mut waiting_steps = 0;
    while k.step() {
        let trace = k.trace();
        let fold = State::from_records(&trace);
        let slots = k.inspect(|i| i.lpc_slots());
        let kernel_slot = slots
            .iter()
            .find(|s| s.task == "client")
            .map_or(0, |s| s.message_id);
        let wait = match fold.task("client").map(|t| &t.status) {
            Some(TaskStatus::BlockedService {
                wait: ServiceWait::Lpc {
                    kind, message_id, ..
                },
                ..
            }) => Some((*kind, *message_id)),
            _ => None,
        };
        assert_eq!(
            kernel_slot,
            fold.reply_slot("client").message_id,
            "the fold's slot is the kernel's"
        );
        let waits_for_reply = matches!(wait, Some((LpcWaitKind::Reply, _)));
        if let Some((LpcWaitKind::Reply, message_id)) = wait {
            assert_eq!(kernel_slot, message_id, "the slot holds the request's id");
        }
        if wait.is_none() {
            assert_eq!(
                kernel_slot, 0,
                "a client that waits for nothing has an empty slot"
            );
        }
        waiting_steps += usize::from(waits_for_reply);
    }
    assert!(waiting_steps > 0);
    assert_eq!(run_clean(&mut k).outcome, Outcome::Completed);
}

/// The tasks of [`a_reply_with_id_zero_a_wrong_id_or_twice_fails`].
fn a_reply_with_id_zero_a_wrong_id_or_twice_fails_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 1).await?;
        let port = api(&cx)?;
        let request = cx.nt_reply_wait_receive_port(port, None).await?.message;
        let mut zero = PortMessage::reply_to(&request, Vec::new());
        zero.message_id = 0;
        let mut wrong = PortMessage::reply_to(&request, Vec::new());
        wrong.message_id += 1000;
        let right = PortMessage::reply_to(&request, Vec::new());
        for (what, reply) in [
            ("zero", zero),
            ("wrong", wrong),
            ("right", right.clone()),
            ("again", right),
        ] {
            let result = cx.nt_reply_port(port, reply).await;
            push(&l, &cx, format!("{what}: {}", status(&result)));
        }
        Ok(())
    });
    k.spawn("client", |cx| async move {
        let port = connect(&cx).await?;
        cx.nt_request_wait_reply_port(port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 10.
#[test]
fn a_reply_with_id_zero_a_wrong_id_or_twice_fails() {
    let run = under_every_schedule(a_reply_with_id_zero_a_wrong_id_or_twice_fails_tasks);
    assert_eq!(
        run.log,
        [
            "server: zero: invalid_parameter",
            "server: wrong: reply_message_mismatch",
            "server: right: success",
            "server: again: reply_message_mismatch",
        ]
    );
}

/// The tasks of [`a_reply_bypasses_datagrams_queued_for_the_client`].
fn a_reply_bypasses_datagrams_queued_for_the_client_tasks(k: &mut Kernel, log: &Log) {
    server(k, move |cx| async move {
        let (comm, _) = accept_one(&cx, 1).await?;
        for n in 1..=3 {
            cx.nt_request_port(comm, word(n)).await?;
        }
        let request = cx
            .nt_reply_wait_receive_port(api(&cx)?, None)
            .await?
            .message;
        cx.nt_reply_port(
            comm,
            PortMessage::reply_to(&request, 0xAAu32.to_le_bytes().to_vec()),
        )
        .await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        let reply = cx.nt_request_wait_reply_port(port, word(9)).await?;
        push(
            &l,
            &cx,
            format!("{} {:#x}", reply.message_type, word_of(&reply)),
        );
        loop {
            match cx.nt_reply_wait_receive_port_ex(port, None, Some(0)).await {
                Ok(r) => push(
                    &l,
                    &cx,
                    format!("{} {}", r.message.message_type, word_of(&r.message)),
                ),
                Err(e) => {
                    push(&l, &cx, e.status().to_string());
                    break;
                }
            }
        }
        Ok::<(), kernel::Error>(())
    });
}

/// Case 11.
#[test]
fn a_reply_bypasses_datagrams_queued_for_the_client() {
    let run = under_every_schedule(a_reply_bypasses_datagrams_queued_for_the_client_tasks);
    assert_eq!(
        run.log,
        [
            "client: reply 0xaa",
            "client: datagram 1",
            "client: datagram 2",
            "client: datagram 3",
            "client: timeout",
        ]
    );
}

/// The tasks of [`one_queue_serves_every_client_in_arrival_order`].
fn one_queue_serves_every_client_in_arrival_order_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let (comm_a, _) = accept_one(&cx, 0xA).await?;
        accept_one(&cx, 0xB).await?;
        cx.sleep(30).await;
        let mut requests = Vec::new();
        for _ in 0..2 {
            // Through A's communication port: the connection port's one queue.
            let received = cx.nt_reply_wait_receive_port(comm_a, None).await?;
            push(
                &l,
                &cx,
                format!("{:#x} {}", received.context, word_of(&received.message)),
            );
            requests.push(received.message);
        }
        // A reply to B must go through a port related to B's: the connection
        // port, or B's own communication port.
        for request in requests {
            cx.nt_reply_port(api(&cx)?, PortMessage::reply_to(&request, Vec::new()))
                .await?;
        }
        Ok(())
    });
    k.spawn("a", |cx| async move {
        let port = connect(&cx).await?;
        cx.sleep(10).await;
        cx.nt_request_wait_reply_port(port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("b", 1, |cx| async move {
        let port = connect(&cx).await?;
        cx.sleep(19).await;
        cx.nt_request_wait_reply_port(port, word(2)).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 12.
#[test]
fn one_queue_serves_every_client_in_arrival_order() {
    let run = under_every_schedule(one_queue_serves_every_client_in_arrival_order_tasks);
    assert_eq!(run.log, ["server: 0xa 1", "server: 0xb 2"]);
}

/// The tasks of [`an_lpc_queue_has_no_limit`].
fn an_lpc_queue_has_no_limit_tasks(k: &mut Kernel, log: &Log) {
    server(k, |cx| async move {
        accept_one(&cx, 1).await?;
        cx.sleep(1000).await;
        Ok(())
    });
    let l = log.clone();
    k.spawn("flooder", move |cx| async move {
        let port = connect(&cx).await?;
        let start = cx.now_ns();
        for n in 0..10_000 {
            cx.nt_request_port(port, word(n)).await?;
        }
        push(&l, &cx, format!("10000 sent in {} ns", cx.now_ns() - start));
        // Outlive the server, whose end disconnects this port: its close
        // then sends no `port_closed` to count in the queue.
        cx.sleep(2000).await;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 13 (`no_memory` cannot be modelled: machsim has no pool, and a send
/// never fails for room).
#[test]
fn an_lpc_queue_has_no_limit() {
    let run = under_every_schedule(an_lpc_queue_has_no_limit_tasks);
    assert_eq!(run.log, ["flooder: 10000 sent in 0 ns"]);
    for trace in &run.traces {
        let deepest = trace
            .iter()
            .filter_map(|r| match r.event {
                Event::LpcMessageQueued { depth, .. } => Some(depth),
                _ => None,
            })
            .max();
        assert_eq!(deepest, Some(10_000));
        let flooder_waits = trace.iter().any(|r| {
            r.task.as_deref() == Some("flooder")
                && matches!(
                    r.event,
                    Event::LpcWaitStarted {
                        kind: LpcWaitKind::Reply,
                        ..
                    }
                )
        });
        assert!(!flooder_waits, "no send ever waited");
    }
}

/// Messages that break NT's length rules, for a port whose limit is 280.
fn bad() -> [(&'static str, PortMessage); 3] {
    [
        (
            "total = max + 1",
            PortMessage::new(vec![0u8; 8]).with_lengths(8, 281),
        ),
        (
            "total == data",
            PortMessage::new(vec![0u8; 8]).with_lengths(0xFFFF, 0xFFFF),
        ),
        (
            "data + 24 > total",
            PortMessage::new(vec![0u8; 8]).with_lengths(8, 31),
        ),
    ]
}

/// The tasks of [`message_lengths_are_checked_as_nt_checks_them`].
fn message_lengths_are_checked_as_nt_checks_them_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 1).await?;
        let port = api(&cx)?;
        let request = cx.nt_reply_wait_receive_port(port, None).await?.message;
        for (what, forged) in bad() {
            let mut reply = forged;
            reply.client_id = request.client_id;
            reply.message_id = request.message_id;
            let result = cx.nt_reply_port(port, reply).await;
            push(&l, &cx, format!("reply, {what}: {}", status(&result)));
        }
        cx.nt_reply_port(port, PortMessage::reply_to(&request, Vec::new()))
            .await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        for (what, message) in bad() {
            let result = cx.nt_request_port(port, message).await;
            push(&l, &cx, format!("datagram, {what}: {}", status(&result)));
        }
        for (what, message) in bad() {
            let result = cx.nt_request_wait_reply_port(port, message).await;
            push(&l, &cx, format!("request, {what}: {}", status(&result)));
        }
        cx.nt_request_wait_reply_port(port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 14.
#[test]
fn message_lengths_are_checked_as_nt_checks_them() {
    let run = under_every_schedule(message_lengths_are_checked_as_nt_checks_them_tasks);
    let mut expected = Vec::new();
    for call in ["datagram", "request", "reply"] {
        let who = if call == "reply" { "server" } else { "client" };
        expected.push(format!(
            "{who}: {call}, total = max + 1: port_message_too_long"
        ));
        expected.push(format!(
            "{who}: {call}, total == data: port_message_too_long"
        ));
        expected.push(format!(
            "{who}: {call}, data + 24 > total: invalid_parameter"
        ));
    }
    assert_eq!(run.log, expected);
}

// ----- the three data paths ---------------------------------------------------------

/// The tasks of [`a_section_view_carries_large_data_without_copies`].
fn a_section_view_carries_large_data_without_copies_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let request = cx.nt_listen_port(api(&cx)?).await?;
        push(&l, &cx, format!("view size {}", request.client_view_size));
        let accepted = cx
            .nt_accept_connect_port(&request, AcceptConnect::accept())
            .await?;
        let comm = accepted.port.ok_or("no port")?;
        let view = accepted.client_view.ok_or("no view")?;
        cx.nt_complete_connect_port(comm).await?;
        let request = cx.nt_reply_wait_receive_port(comm, None).await?.message;
        let offset = word_of(&request);
        let length = u32::from_le_bytes(request.data[4..8].try_into().map_err(|_| "short")?);
        let data = cx.memory_read_bytes(view.mapping, offset, length).await?;
        push(
            &l,
            &cx,
            format!(
                "read {} bytes, all 0x5a: {}",
                data.len(),
                data.iter().all(|b| *b == 0x5a)
            ),
        );
        cx.memory_write_bytes(view.mapping, 0, b"done").await?;
        let reply = PortMessage::reply_to(&request, request.data.clone());
        cx.nt_reply_port(comm, reply).await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let semaphore = cx.semaphore_create(0, None).await?;
        let as_view = PortView { section: semaphore };
        let e = cx
            .nt_connect_port(PORT, Some(as_view), b"")
            .await
            .err()
            .ok_or("connected")?;
        push(&l, &cx, format!("semaphore as a view: {}", e.status));
        cx.semaphore_destroy(semaphore).await?;
        let e = cx
            .nt_connect_port(PORT, Some(as_view), b"")
            .await
            .err()
            .ok_or("connected")?;
        push(&l, &cx, format!("dead name as a view: {}", e.status));
        let section = cx.memory_create(64 * 1024, Some("section")).await?;
        let connection = cx
            .nt_connect_port(PORT, Some(PortView { section }), b"")
            .await?;
        let mapping = connection.client_view.ok_or("no view")?;
        cx.memory_write_bytes(mapping, 4096, &vec![0x5a; TEN_KIB as usize])
            .await?;
        let mut naming = 4096u32.to_le_bytes().to_vec();
        naming.extend_from_slice(&TEN_KIB.to_le_bytes());
        let reply = cx
            .nt_request_wait_reply_port(connection.port, PortMessage::new(naming))
            .await?;
        let answer = cx.memory_read_bytes(mapping, 0, 4).await?;
        push(
            &l,
            &cx,
            format!(
                "reply of {} bytes, then {:?} in the view",
                reply.data_length,
                String::from_utf8_lossy(&answer)
            ),
        );
        Ok::<(), kernel::Error>(())
    });
}

/// Case 15 (a wrong `PORT_VIEW.Length` cannot be modelled: a typed view has no
/// length; in its place, a view naming a semaphore and one naming a dead port).
#[test]
fn a_section_view_carries_large_data_without_copies() {
    let run = under_every_schedule(a_section_view_carries_large_data_without_copies_tasks);
    assert_eq!(
        run.log,
        [
            "client: semaphore as a view: object_type_mismatch",
            "client: dead name as a view: invalid_handle",
            r#"client: reply of 8 bytes, then "done" in the view"#,
            "server: view size 65536",
            "server: read 10240 bytes, all 0x5a: true",
        ]
    );
    // Both views map the same object, and the request and the reply that name the
    // data are 24 + 8 bytes each, copied twice: 128 bytes in all.
    for trace in &run.traces {
        let views: Vec<(&str, ViewSide)> = trace
            .iter()
            .filter_map(|r| match &r.event {
                Event::LpcViewMapped { object, view, .. } => Some((&**object, *view)),
                _ => None,
            })
            .collect();
        assert_eq!(
            views,
            [("section", ViewSide::Client), ("section", ViewSide::Client)]
        );
        let copied: u32 = trace
            .iter()
            .filter_map(|r| match &r.event {
                Event::LpcMessageSent {
                    message_type: LpcMessageType::Request | LpcMessageType::Reply,
                    data_length,
                    port,
                    ..
                } if &**port != PORT => {
                    Some(2 * (24 + u32::from(*data_length).next_multiple_of(4)))
                }
                _ => None,
            })
            .sum();
        assert_eq!(copied, 128);
    }
}

/// The tasks of [`the_server_reads_a_waiting_clients_memory_directly`].
fn the_server_reads_a_waiting_clients_memory_directly_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        accept_one(&cx, 1).await?;
        let port = api(&cx)?;
        let request = cx.nt_reply_wait_receive_port(port, None).await?.message;
        let data = cx.nt_read_request_data(port, &request, 0, MIB).await?;
        push(
            &l,
            &cx,
            format!(
                "read {} bytes, pattern kept: {}",
                data.len(),
                data.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8)
            ),
        );
        for (what, index, length) in [("index 1", 1, 4), ("one byte too many", 0, MIB + 1)] {
            let result = cx.nt_read_request_data(port, &request, index, length).await;
            push(&l, &cx, format!("{what}: {}", status(&result)));
        }
        let written = cx.nt_write_request_data(port, &request, 0, b"ok!!").await?;
        push(&l, &cx, format!("wrote {written}"));
        cx.nt_reply_port(port, PortMessage::reply_to(&request, Vec::new()))
            .await?;
        let late = cx.nt_read_request_data(port, &request, 0, 4).await;
        push(&l, &cx, format!("after the reply: {}", status(&late)));
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        let object = cx.memory_create(MIB, None).await?;
        let mapping = cx.memory_map(object).await?;
        let pattern: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();
        cx.memory_write_bytes(mapping, 0, &pattern).await?;
        let entry = DataEntry {
            mapping,
            offset: 0,
            length: MIB,
        };
        let request = word(3).with_data_entries(vec![entry]);
        cx.nt_request_wait_reply_port(port, request).await?;
        let first = cx.memory_read_bytes(mapping, 0, 4).await?;
        push(
            &l,
            &cx,
            format!("sees {:?}", String::from_utf8_lossy(&first)),
        );
        Ok::<(), kernel::Error>(())
    });
}

/// Case 16.
#[test]
fn the_server_reads_a_waiting_clients_memory_directly() {
    let run = under_every_schedule(the_server_reads_a_waiting_clients_memory_directly_tasks);
    assert_eq!(
        run.log,
        [
            r#"client: sees "ok!!""#,
            "server: read 1048576 bytes, pattern kept: true",
            "server: index 1: invalid_parameter",
            "server: one byte too many: invalid_parameter",
            "server: wrote 4",
            "server: after the reply: reply_message_mismatch",
        ]
    );
}

// ----- callbacks ----------------------------------------------------------------

/// The tasks of [`a_callback_reaches_the_waiting_client_and_nests`].
fn a_callback_reaches_the_waiting_client_and_nests_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let (comm, _) = accept_one(&cx, 1).await?;
        let request = cx.nt_reply_wait_receive_port(comm, None).await?.message;
        // Level 1: the server calls the waiting client back.
        let back = cx
            .nt_request_wait_reply_port(comm, PortMessage::callback_to(&request, b"cb1".to_vec()))
            .await?;
        push(&l, &cx, format!("got {}", seen(&back)));
        // Level 2 arrived in that wait: the client called back in turn.
        let answer = cx
            .nt_reply_wait_reply_port(comm, PortMessage::reply_to(&back, b"r2".to_vec()))
            .await?;
        push(&l, &cx, format!("got {}", seen(&answer)));
        cx.nt_reply_port(comm, PortMessage::reply_to(&request, b"final".to_vec()))
            .await?;
        let late = cx
            .nt_request_wait_reply_port(comm, PortMessage::callback_to(&request, Vec::new()))
            .await;
        push(
            &l,
            &cx,
            format!("a callback to a task not waiting: {}", status(&late)),
        );
        // The second request: its client answers the callback with a plain
        // reply, and goes away; the final reply then finds nobody waiting.
        let request = cx.nt_reply_wait_receive_port(comm, None).await?.message;
        cx.nt_request_wait_reply_port(comm, PortMessage::callback_to(&request, b"cb".to_vec()))
            .await?;
        let last = cx
            .nt_reply_port(comm, PortMessage::reply_to(&request, b"final".to_vec()))
            .await;
        push(
            &l,
            &cx,
            format!("final after a plain reply: {}", status(&last)),
        );
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        let callback = cx.nt_request_wait_reply_port(port, word(1)).await?;
        push(
            &l,
            &cx,
            format!(
                "got {} {:?}, callback id nonzero: {}",
                callback.message_type,
                String::from_utf8_lossy(&callback.data),
                callback.callback_id != 0
            ),
        );
        let reply = cx
            .nt_request_wait_reply_port(port, PortMessage::callback_to(&callback, b"cb2".to_vec()))
            .await?;
        push(&l, &cx, format!("got {}", seen(&reply)));
        let last = cx
            .nt_reply_wait_reply_port(port, PortMessage::reply_to(&callback, b"r1".to_vec()))
            .await?;
        push(&l, &cx, format!("got {}", seen(&last)));
        let callback = cx.nt_request_wait_reply_port(port, word(2)).await?;
        cx.nt_reply_port(port, PortMessage::reply_to(&callback, Vec::new()))
            .await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 17 (machsim follows the code: a client answers a callback with
/// `NtReplyWaitReplyPort`, which puts its slot back on the message id).
#[test]
fn a_callback_reaches_the_waiting_client_and_nests() {
    let run = under_every_schedule(a_callback_reaches_the_waiting_client_and_nests_tasks);
    assert_eq!(
        run.log,
        [
            r#"client: got request "cb1", callback id nonzero: true"#,
            r#"client: got reply "r2""#,
            r#"client: got reply "final""#,
            r#"server: got request "cb2""#,
            r#"server: got reply "r1""#,
            "server: a callback to a task not waiting: reply_message_mismatch",
            "server: final after a plain reply: reply_message_mismatch",
        ]
    );
}

// ----- closing and death ---------------------------------------------------------

/// The tasks of [`closing_the_client_port_sends_port_closed`].
fn closing_the_client_port_sends_port_closed_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let (comm, _) = accept_one(&cx, 7).await?;
        let closed = cx.nt_reply_wait_receive_port(api(&cx)?, None).await?;
        push(
            &l,
            &cx,
            format!(
                "{} context {} data {}",
                closed.message.message_type, closed.context, closed.message.data_length
            ),
        );
        let send = cx.nt_request_port(comm, word(1)).await;
        push(&l, &cx, format!("send: {}", status(&send)));
        let receive = cx.nt_reply_wait_receive_port(comm, None).await;
        push(&l, &cx, format!("receive: {}", status(&receive)));
        Ok(())
    });
    k.spawn("client", |cx| async move {
        let port = connect(&cx).await?;
        cx.nt_close(port).await?;
        Ok::<(), kernel::Error>(())
    });
}

/// Case 18.
#[test]
fn closing_the_client_port_sends_port_closed() {
    let run = under_every_schedule(closing_the_client_port_sends_port_closed_tasks);
    assert_eq!(
        run.log,
        [
            "server: port_closed context 7 data 8",
            "server: send: port_disconnected",
            "server: receive: port_disconnected",
        ]
    );
}

/// The tasks of [`closing_the_communication_port_loses_the_waiting_clients_reply`].
fn closing_the_communication_port_loses_the_waiting_clients_reply_tasks(k: &mut Kernel, log: &Log) {
    server(k, |cx| async move {
        let (comm, _) = accept_one(&cx, 1).await?;
        cx.nt_reply_wait_receive_port(comm, None).await?;
        cx.nt_close(comm).await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("client", move |cx| async move {
        let port = connect(&cx).await?;
        let lost = cx.nt_request_wait_reply_port(port, word(1)).await;
        push(&l, &cx, format!("request: {}", status(&lost)));
        let next = cx.nt_request_wait_reply_port(port, word(2)).await;
        push(&l, &cx, format!("next request: {}", status(&next)));
        let nothing = cx.nt_reply_wait_receive_port_ex(port, None, Some(0)).await;
        push(&l, &cx, format!("its own queue: {}", status(&nothing)));
        Ok::<(), kernel::Error>(())
    });
}

/// Case 19.
#[test]
fn closing_the_communication_port_loses_the_waiting_clients_reply() {
    let run =
        under_every_schedule(closing_the_communication_port_loses_the_waiting_clients_reply_tasks);
    assert_eq!(
        run.log,
        [
            "client: request: lpc_reply_lost",
            "client: next request: port_disconnected",
            "client: its own queue: timeout",
        ]
    );
}

/// The tasks of [`closing_the_connection_port_refuses_waiting_connects_and_removes_the_name`].
fn closing_the_connection_port_refuses_waiting_connects_and_removes_the_name_tasks(
    k: &mut Kernel,
    log: &Log,
) {
    server(k, |cx| async move {
        let (comm, _) = accept_one(&cx, 1).await?;
        cx.sleep(10).await;
        cx.nt_close(api(&cx)?).await?;
        let request = cx.nt_reply_wait_receive_port(comm, None).await?.message;
        cx.nt_reply_port(
            comm,
            PortMessage::reply_to(&request, b"still here".to_vec()),
        )
        .await?;
        Ok(())
    });
    let l = log.clone();
    k.spawn("a", move |cx| async move {
        let port = connect(&cx).await?;
        cx.sleep(30).await;
        let reply = cx.nt_request_wait_reply_port(port, word(1)).await?;
        push(
            &l,
            &cx,
            format!("{:?}", String::from_utf8_lossy(&reply.data)),
        );
        Ok::<(), kernel::Error>(())
    });
    let l = log.clone();
    k.spawn_at("d", 5, move |cx| async move {
        let e = cx
            .nt_connect_port(PORT, None, b"")
            .await
            .err()
            .ok_or("connected")?;
        push(&l, &cx, e.status.to_string());
        Ok::<(), kernel::Error>(())
    });
    let l = log.clone();
    k.spawn_at("e", 20, move |cx| async move {
        let e = cx
            .nt_connect_port(PORT, None, b"")
            .await
            .err()
            .ok_or("connected")?;
        push(&l, &cx, e.status.to_string());
        Ok::<(), kernel::Error>(())
    });
}

/// Case 20 (machsim follows ReactOS: an established connection keeps working
/// after the connection port's name is gone; a request through the connection
/// port itself is a kernel unit test, since its one handle is the one closed).
#[test]
fn closing_the_connection_port_refuses_waiting_connects_and_removes_the_name() {
    let run = under_every_schedule(
        closing_the_connection_port_refuses_waiting_connects_and_removes_the_name_tasks,
    );
    assert_eq!(
        run.log,
        [
            r#"a: "still here""#,
            "d: port_connection_refused",
            "e: object_name_not_found",
        ]
    );
}

/// The tasks of [`a_client_that_dies_mid_request_is_reported_and_its_reply_fails`],
/// the client killed at `kill_ms`: a server that serves whatever comes, and a
/// client that connects at 0 ms (served at 2), registers its port for its end at
/// 3 ms, and waits for a reply from 5 ms.
fn dying_client_tasks(k: &mut Kernel, log: &Log, kill_ms: u64) {
    let l = log.clone();
    server(k, move |cx| async move {
        cx.sleep(2).await;
        let port = api(&cx)?;
        loop {
            let received = match cx.nt_reply_wait_receive_port_ex(port, None, Some(50)).await {
                Ok(received) => received.message,
                Err(e) => {
                    push(&l, &cx, e.status().to_string());
                    return Ok(());
                }
            };
            match received.message_type {
                LpcMessageType::ConnectionRequest => {
                    accept(&cx, &received, AcceptConnect::accept()).await?;
                }
                LpcMessageType::Request => {
                    push(&l, &cx, "request");
                    cx.sleep(30).await;
                    let reply = cx
                        .nt_reply_port(port, PortMessage::reply_to(&received, Vec::new()))
                        .await;
                    push(&l, &cx, format!("reply: {}", status(&reply)));
                }
                LpcMessageType::ClientDied => push(
                    &l,
                    &cx,
                    format!(
                        "client_died data {} = creation time {}",
                        received.data_length,
                        u64::from_le_bytes(received.data[..8].try_into().map_err(|_| "short")?)
                    ),
                ),
                other => push(&l, &cx, other.to_string()),
            }
        }
    });
    k.spawn("client", |cx| async move {
        let port = connect(&cx).await?;
        cx.sleep(1).await;
        cx.nt_register_thread_terminate_port(port).await?;
        cx.sleep(2).await;
        cx.nt_request_wait_reply_port(port, word(1)).await?;
        Ok::<(), kernel::Error>(())
    });
    k.schedule_fault(kill_ms, Some("client"), None).unwrap();
}

/// Case 21: the client is killed at 1, 3, 5 or 7 ms, that is, while it
/// connects, after it connected, after it registered its port for its end, and
/// while it waits for a reply.
#[test]
fn a_client_that_dies_mid_request_is_reported_and_its_reply_fails() {
    let expected: [(u64, &[&str]); 4] = [
        (1, &["server: timeout"]),
        (3, &["server: port_closed", "server: timeout"]),
        (
            5,
            &[
                "server: client_died data 8 = creation time 0",
                "server: port_closed",
                "server: timeout",
            ],
        ),
        (
            7,
            &[
                "server: request",
                "server: reply: reply_message_mismatch",
                "server: client_died data 8 = creation time 0",
                "server: port_closed",
                "server: timeout",
            ],
        ),
    ];
    for (kill_ms, log) in expected {
        let run = under_every_schedule(|k, log| dying_client_tasks(k, log, kill_ms));
        assert_eq!(run.log, log, "killed at {kill_ms} ms");
    }
}

/// The tasks of [`message_ids_are_global_increasing_and_never_zero`].
fn message_ids_are_global_increasing_and_never_zero_tasks(k: &mut Kernel, log: &Log) {
    let l = log.clone();
    server(k, move |cx| async move {
        let port = api(&cx)?;
        let mut pending = None;
        let mut ids = Vec::new();
        while ids.len() < 10 {
            let received = cx.nt_reply_wait_receive_port(port, pending.take()).await?;
            match received.message.message_type {
                // One loop serves both: a listen would throw away the requests
                // of a client already connected.
                LpcMessageType::ConnectionRequest => {
                    accept(&cx, &received.message, AcceptConnect::accept()).await?;
                }
                LpcMessageType::Request => {
                    ids.push(received.message.message_id);
                    pending = Some(PortMessage::reply_to(&received.message, Vec::new()));
                }
                // A client that is done closes its port: nothing to answer.
                _ => {}
            }
        }
        if let Some(last) = pending {
            cx.nt_reply_port(port, last).await?;
        }
        let increasing = ids.windows(2).all(|w| w[0] < w[1]) && !ids.contains(&0);
        push(&l, &cx, format!("ids increase: {increasing}"));
        Ok(())
    });
    for name in ["a", "b"] {
        k.spawn(name, |cx| async move {
            let port = connect(&cx).await?;
            for n in 0..5 {
                cx.nt_request_wait_reply_port(port, word(n)).await?;
            }
            Ok::<(), kernel::Error>(())
        });
    }
}

/// Case 22 (the wrap of the id counter past `u32::MAX` to 1 is a kernel unit
/// test).
#[test]
fn message_ids_are_global_increasing_and_never_zero() {
    let run = under_every_schedule(message_ids_are_global_increasing_and_never_zero_tasks);
    assert_eq!(run.log, ["server: ids increase: true"]);
    for trace in &run.traces {
        let ids: Vec<u32> = trace
            .iter()
            .filter_map(|r| match &r.event {
                Event::LpcMessageSent {
                    message_type,
                    message_id,
                    ..
                } if *message_type != LpcMessageType::Reply => Some(*message_id),
                _ => None,
            })
            .collect();
        assert!(ids.iter().all(|id| *id != 0));
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }
}

/// Every case's tasks in a traced kernel (round robin, and two random seeds for
/// the cases whose interleavings vary most), for the lockstep test of the fold;
/// all but the 10 000 datagrams of case 13, which would make it quadratic.
pub(crate) fn workloads() -> Vec<(String, Kernel)> {
    type Tasks = fn(&mut Kernel, &Log);
    let cases: [(&str, Tasks); 20] = [
        (
            "create",
            creating_a_port_checks_its_limits_and_refuses_a_taken_name_tasks,
        ),
        (
            "missing name",
            connecting_to_a_missing_name_is_object_name_not_found_tasks,
        ),
        (
            "handshake",
            a_connect_blocks_until_the_server_accepts_and_completes_tasks,
        ),
        (
            "refused",
            a_refused_client_gets_connection_refused_and_the_reply_info_tasks,
        ),
        (
            "accept mismatch",
            accepting_a_wrong_id_twice_or_from_another_task_is_a_mismatch_tasks,
        ),
        (
            "listen discards",
            listen_discards_a_datagram_queued_before_a_connection_request_tasks,
        ),
        (
            "datagram",
            a_datagram_arrives_as_a_datagram_with_its_connections_context_tasks,
        ),
        ("typed datagram", a_task_cannot_send_a_typed_datagram_tasks),
        (
            "round trip",
            a_request_and_its_reply_make_a_round_trip_tasks,
        ),
        (
            "reply errors",
            a_reply_with_id_zero_a_wrong_id_or_twice_fails_tasks,
        ),
        (
            "reply bypasses",
            a_reply_bypasses_datagrams_queued_for_the_client_tasks,
        ),
        (
            "one queue",
            one_queue_serves_every_client_in_arrival_order_tasks,
        ),
        (
            "lengths",
            message_lengths_are_checked_as_nt_checks_them_tasks,
        ),
        (
            "section",
            a_section_view_carries_large_data_without_copies_tasks,
        ),
        (
            "request data",
            the_server_reads_a_waiting_clients_memory_directly_tasks,
        ),
        (
            "callbacks",
            a_callback_reaches_the_waiting_client_and_nests_tasks,
        ),
        (
            "client closes",
            closing_the_client_port_sends_port_closed_tasks,
        ),
        (
            "server closes",
            closing_the_communication_port_loses_the_waiting_clients_reply_tasks,
        ),
        (
            "connection port closes",
            closing_the_connection_port_refuses_waiting_connects_and_removes_the_name_tasks,
        ),
        (
            "ids",
            message_ids_are_global_increasing_and_never_zero_tasks,
        ),
    ];
    let traced = |schedule, seed| {
        Kernel::builder()
            .schedule(schedule)
            .seed(seed)
            .trace(true)
            .build()
    };
    let mut workloads = Vec::new();
    for (name, tasks) in cases {
        let mut k = traced(ScheduleKind::RoundRobin, 0);
        tasks(&mut k, &Log::default());
        workloads.push((format!("LPC {name}"), k));
    }
    for seed in 0..2 {
        let mut k = traced(ScheduleKind::Random, seed);
        a_callback_reaches_the_waiting_client_and_nests_tasks(&mut k, &Log::default());
        workloads.push((format!("LPC callbacks, seed {seed}"), k));
        let mut k = traced(ScheduleKind::Random, seed);
        message_ids_are_global_increasing_and_never_zero_tasks(&mut k, &Log::default());
        workloads.push((format!("LPC ids, seed {seed}"), k));
    }
    for kill_ms in [1, 3, 5, 7] {
        let mut k = traced(ScheduleKind::RoundRobin, 0);
        dying_client_tasks(&mut k, &Log::default(), kill_ms);
        workloads.push((format!("LPC client killed at {kill_ms} ms"), k));
    }
    for seed in 0..6 {
        let mut k = traced(ScheduleKind::Random, seed);
        messy_tasks(&mut k, seed);
        workloads.push((format!("LPC messy workload, seed {seed}"), k));
    }
    workloads
}

// ----- beyond A.9: a messy workload -----------------------------------------------

/// A small deterministic generator (a linear congruential one), so a task can make
/// choices from a seed without the kernel's scheduler seeing them.
struct Choices(u64);

impl Choices {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// A server that accepts most connects and refuses some, replies to most requests
/// and closes the communication port of some instead, closes its connection port
/// after a while, and stops when nothing comes for 30 ms; clients that connect,
/// register their port for their end, send requests and datagrams, close their
/// port and connect again; and one of them killed at a time the seed picks. No
/// program fails on an LPC error: every outcome is one the rules allow.
fn messy_tasks(k: &mut Kernel, seed: u64) {
    server(k, move |cx| async move {
        let mut choose = Choices(seed);
        let port = api(&cx)?;
        let mut served = 0;
        loop {
            let Ok(received) = cx.nt_reply_wait_receive_port_ex(port, None, Some(30)).await else {
                return Ok(());
            };
            let message = received.message;
            match message.message_type {
                LpcMessageType::ConnectionRequest => {
                    let how = if choose.below(4) == 0 {
                        AcceptConnect::refuse()
                    } else {
                        AcceptConnect::accept()
                    };
                    if let Ok(accepted) = cx.nt_accept_connect_port(&message, how).await
                        && let Some(comm) = accepted.port
                    {
                        let _ = cx.nt_complete_connect_port(comm).await;
                    }
                }
                LpcMessageType::Request if choose.below(5) == 0 => {
                    // The context is the communication port's handle.
                    let _ = cx.nt_close(received.context as u32).await;
                }
                LpcMessageType::Request => {
                    let reply = PortMessage::reply_to(&message, message.data.clone());
                    let _ = cx.nt_reply_port(port, reply).await;
                }
                _ => {}
            }
            served += 1;
            if served == 12 {
                let _ = cx.nt_close(port).await;
                return Ok(());
            }
        }
    });
    for (n, name) in ["a", "b", "c"].into_iter().enumerate() {
        k.spawn_at(name, n as u64, move |cx| async move {
            let mut choose = Choices(seed * 31 + n as u64);
            let mut port = None;
            for step in 0..8 {
                let Some(p) = port else {
                    if let Ok(connection) = cx.nt_connect_port(PORT, None, b"hi").await {
                        port = Some(connection.port);
                        if choose.below(2) == 0 {
                            let _ = cx.nt_register_thread_terminate_port(connection.port).await;
                        }
                    }
                    continue;
                };
                match choose.below(4) {
                    0 => {
                        let _ = cx.nt_request_port(p, word(step)).await;
                    }
                    1 => {
                        let _ = cx.nt_close(p).await;
                        port = None;
                    }
                    _ => {
                        if let Err(e) = cx.nt_request_wait_reply_port(p, word(step)).await
                            && e.status() != NtStatus::LpcReplyLost
                        {
                            port = None;
                        }
                    }
                }
                cx.sleep(choose.below(3)).await;
            }
            Ok::<(), kernel::Error>(())
        });
    }
    let victim = ["a", "b", "c"][(seed % 3) as usize];
    k.schedule_fault(seed % 7, Some(victim), None).unwrap();
}

#[test]
fn a_messy_workload_accounts_for_every_message_and_slot_under_any_schedule() {
    for seed in 0..24 {
        let schedule = if seed % 3 == 0 {
            ScheduleKind::Pct { depth: 3 }
        } else {
            ScheduleKind::Random
        };
        let mut k = Kernel::builder().schedule(schedule).seed(seed).build();
        messy_tasks(&mut k, seed);
        // Clean: the audit's LPC conservation and reply slots hold, no task
        // crashed; a client may be left waiting for good (a deadlock is allowed).
        run_clean(&mut k);
    }
}
