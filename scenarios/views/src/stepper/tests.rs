//! The fold on small hand-built traces, the stepper on bundled scenarios and on a
//! million-event run, and snapshots of `--at`'s text and JSON.

use super::*;
use harness::run_bundled;
use ports::{ReturnCode, RightKind};
use trace::{
    CallName, CarriedRight, Event, FaultKind, Label, MessageOrigin, NotificationKind,
    PortDestroyReason, PortType, Receiver, ScheduleKind, Trace, TraceHeader, TraceItem,
    TraceRecord, WakeReason,
};

/// Builds a trace event by event.
#[derive(Default)]
struct Events {
    records: Vec<TraceRecord>,
    t_ns: u64,
}

fn label(text: &str) -> Label {
    Label::from(text)
}

impl Events {
    fn at(&mut self, t_ns: u64) -> &mut Self {
        self.t_ns = t_ns;
        self
    }

    fn by(&mut self, task: Option<&str>, event: Event) -> &mut Self {
        self.records.push(TraceRecord {
            seq: self.records.len() as u64 + 1,
            t_ns: self.t_ns,
            task: task.map(label),
            event,
        });
        self
    }

    fn kernel(&mut self, event: Event) -> &mut Self {
        self.by(None, event)
    }

    /// A task as the kernel creates one: its kernel and notify ports, their names
    /// (0x101 and 0x201), and its start.
    fn task(&mut self, name: &str) -> &mut Self {
        let kernel_port = format!("{name}.kernel");
        let notify_port = format!("{name}.notify");
        self.kernel(Event::TaskCreated {
            name: label(name),
            parent: None,
            kernel_port: label(&kernel_port),
            notify_port: label(&notify_port),
            start_ns: Some(0),
        })
        .port(None, &kernel_port, "kernel", "unbounded")
        .port(None, &notify_port, name, "5")
        .right(None, name, 0x101, &kernel_port, "send", 1)
        .right(None, name, 0x201, &notify_port, "receive", 0)
        .kernel(Event::TaskStarted {
            name: label(name),
            by: None,
        })
    }

    fn port(&mut self, by: Option<&str>, port: &str, receiver: &str, capacity: &str) -> &mut Self {
        self.by(
            by,
            Event::PortAllocated {
                port: label(port),
                receiver: trace::Receiver::from_text(receiver),
                capacity: capacity.parse().expect("a queue limit"),
            },
        )
    }

    fn right(
        &mut self,
        by: Option<&str>,
        holder: &str,
        name: u32,
        port: &str,
        right: &str,
        urefs: u32,
    ) -> &mut Self {
        self.by(
            by,
            Event::RightChanged {
                holder: label(holder),
                name,
                port: label(port),
                right: PortType::from_name(right).expect("a port type"),
                urefs,
            },
        )
    }

    fn send(&mut self, by: &str, msg: u64, port: &str, body: Vec<TraceItem>) -> &mut Self {
        self.by(
            Some(by),
            Event::MessageSent {
                msg,
                port: label(port),
                id: 7,
                size: 32,
                dest_right: RightKind::Send,
                reply: None,
                body,
                kind: None,
            },
        )
    }

    fn queued(&mut self, by: &str, msg: u64, port: &str, depth: u32) -> &mut Self {
        self.by(
            Some(by),
            Event::MessageQueued {
                msg,
                port: label(port),
                depth,
            },
        )
    }

    fn received(&mut self, by: &str, msg: u64, port: &str) -> &mut Self {
        self.by(
            Some(by),
            Event::MessageReceived {
                msg,
                port: label(port),
                receiver: trace::Receiver::Task(label(by)),
                seqno: 0,
                pseudo: false,
            },
        )
    }

    fn state(&self) -> State {
        State::from_records(&self.records)
    }
}

/// Two tasks, `client` and `server`, and the port `requests` (capacity 1) that
/// `server` receives from and `client` holds a send right to (name 0x301 in both).
fn client_server() -> Events {
    let mut events = Events::default();
    events
        .task("client")
        .task("server")
        .port(None, "requests", "server", "1")
        .right(None, "server", 0x301, "requests", "receive", 0)
        .right(None, "client", 0x301, "requests", "send", 1);
    events
}

fn problems(state: &State) -> Vec<String> {
    state
        .inconsistencies()
        .map(|p| format!("event {}: {}", p.seq, p.problem))
        .collect()
}

#[test]
fn a_created_task_is_ready_with_its_kernel_and_notify_ports_and_their_names() {
    let state = client_server().state();
    let client = state.task("client").expect("client exists");
    assert_eq!(client.status, TaskStatus::Ready);
    assert_eq!(&*client.kernel_port, "client.kernel");
    assert_eq!(&*client.notify_port, "client.notify");
    assert_eq!(
        state.port("client.kernel").map(|p| p.receiver.clone()),
        Some(Receiver::Kernel)
    );
    let names: Vec<(u32, String, String)> = state
        .space("client")
        .into_iter()
        .map(|e| (e.name, e.object.to_string(), e.rights.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            (0x101, "client.kernel".into(), "send".into()),
            (0x201, "client.notify".into(), "receive".into()),
            (0x301, "requests".into(), "send".into()),
        ]
    );
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_queued_message_is_in_its_ports_queue_with_its_header_and_body() {
    let mut events = client_server();
    events
        .send("client", 1, "requests", vec![TraceItem::U32(42)])
        .queued("client", 1, "requests", 1);
    let state = events.state();
    let queue = state.queue("requests");
    assert_eq!(queue.len(), 1);
    let m = queue[0];
    assert_eq!((m.msg, m.id, m.size), (1, 7, 32));
    assert_eq!(m.sender.as_deref(), Some("client"));
    assert_eq!(&*m.body, &[TraceItem::U32(42)]);
    assert_eq!(
        m.place,
        Place::Queued {
            port: label("requests"),
            forced: false
        }
    );
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_received_message_leaves_the_queue_and_the_kernel() {
    let mut events = client_server();
    events
        .send("client", 1, "requests", Vec::new())
        .queued("client", 1, "requests", 1)
        .received("server", 1, "requests");
    let state = events.state();
    assert!(state.port("requests").is_some_and(|p| p.queue.is_empty()));
    assert!(state.message(1).is_none());
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_blocked_sender_holds_its_message_until_a_slot_frees() {
    let mut events = client_server();
    events
        .send("client", 1, "requests", Vec::new())
        .queued("client", 1, "requests", 1)
        .send("client", 2, "requests", Vec::new())
        .by(
            Some("client"),
            Event::SendBlocked {
                msg: 2,
                port: label("requests"),
                until_ns: None,
            },
        );
    let blocked = events.state();
    assert_eq!(
        blocked.task("client").map(|t| t.status.class()),
        Some("blocked_send")
    );
    let port = blocked.port("requests").expect("requests is alive");
    assert_eq!(
        port.blocked_senders,
        [BlockedSender {
            task: label("client"),
            msg: 2
        }]
    );
    assert!(matches!(
        blocked.message(2).map(|m| &m.place),
        Some(Place::HeldBySender { .. })
    ));

    events
        .at(3_000_000)
        .received("server", 1, "requests")
        .queued("client", 2, "requests", 1)
        .kernel(Event::TaskWoken {
            name: label("client"),
            reason: WakeReason::Slot,
        });
    let freed = events.state();
    let port = freed.port("requests").expect("requests is alive");
    assert!(port.blocked_senders.is_empty());
    assert_eq!(port.queue, [2]);
    let client = freed.task("client").expect("client exists");
    assert_eq!(client.status, TaskStatus::Ready);
    assert_eq!(client.blocked_ns, 3_000_000);
    assert!(problems(&freed).is_empty(), "{:?}", problems(&freed));
}

#[test]
fn a_sleeping_task_counts_its_wait_as_blocked_time_so_far_and_once_woken() {
    let mut events = client_server();
    events.by(
        Some("client"),
        Event::SleepStarted {
            until_ns: 10_000_000,
        },
    );
    events
        .at(4_000_000)
        .send("server", 1, "requests", Vec::new());
    let asleep = events.state();
    let client = asleep.task("client").expect("client exists");
    assert_eq!(client.status.class(), "sleeping");
    assert_eq!(client.blocked_ns, 0);
    assert_eq!(client.blocked_ns_at(asleep.t_ns()), 4_000_000);

    events.at(10_000_000).kernel(Event::TaskWoken {
        name: label("client"),
        reason: WakeReason::Timeout,
    });
    let awake = events.state();
    assert_eq!(awake.task("client").map(|t| t.blocked_ns), Some(10_000_000));
}

#[test]
fn a_send_right_to_a_dead_port_shows_as_a_dead_name_before_the_kernel_converts_it() {
    let mut events = client_server();
    events
        .right(Some("server"), "server", 0x301, "requests", "none", 0)
        .by(
            Some("server"),
            Event::PortDestroyed {
                port: label("requests"),
                reason: PortDestroyReason::Destroyed,
            },
        );
    let state = events.state();
    let entry = state
        .space("client")
        .into_iter()
        .find(|e| e.name == 0x301)
        .expect("client still has the name");
    assert_eq!(entry.rights.as_str(), "dead_name");
    assert_eq!(entry.urefs, 1);
    assert!(entry.converted);
    let dead = state
        .dead_port("requests")
        .expect("requests is listed as dead");
    assert_eq!(dead.reason.as_str(), "destroyed");
    assert_eq!(dead.receiver, Receiver::Task(label("server")));
    assert!(state.port("requests").is_none());
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_message_received_that_was_never_sent_is_an_inconsistency_not_a_panic() {
    let mut events = client_server();
    events.received("server", 99, "requests");
    let state = events.state();
    assert_eq!(
        problems(&state),
        [format!(
            "event {}: message 99 is received but it is not in the kernel (never sent, or already gone)",
            events.records.len()
        )]
    );
}

#[test]
fn events_about_tasks_ports_and_messages_that_do_not_exist_are_kept_as_inconsistencies() {
    let mut events = client_server();
    events
        .right(None, "ghost", 0x301, "requests", "send", 1)
        .queued("client", 5, "requests", 1)
        .kernel(Event::PortDestroyed {
            port: label("nowhere"),
            reason: PortDestroyReason::Destroyed,
        })
        .kernel(Event::TaskWoken {
            name: label("client"),
            reason: WakeReason::Message,
        })
        .by(
            None,
            Event::SendBlocked {
                msg: 1,
                port: label("requests"),
                until_ns: None,
            },
        );
    let state = events.state();
    assert_eq!(state.inconsistency_count(), 5, "{:?}", problems(&state));
    // The state is still usable.
    assert_eq!(
        state.task("client").map(|t| t.status.class()),
        Some("ready")
    );
}

#[test]
fn events_out_of_order_are_an_inconsistency() {
    let mut records = client_server().records;
    records.swap(0, 1);
    let state = State::from_records(&records);
    assert!(
        problems(&state)
            .iter()
            .any(|p| p.contains("event 2 follows event 0")),
        "{:?}",
        problems(&state)
    );
}

#[test]
fn a_port_set_lists_its_members_until_they_leave_and_it_is_destroyed() {
    let mut events = client_server();
    events
        .kernel(Event::PortSetAllocated {
            set: label("inbox"),
            holder: label("server"),
        })
        .right(None, "server", 0x401, "inbox", "port_set", 0)
        .kernel(Event::MemberAdded {
            port: label("requests"),
            set: label("inbox"),
        })
        .by(
            Some("server"),
            Event::ReceiveBlocked {
                port: label("inbox"),
                until_ns: None,
            },
        );
    let state = events.state();
    assert_eq!(
        state.set("inbox").map(|s| s.members.clone()),
        Some(vec![label("requests")])
    );
    assert_eq!(
        state.port("requests").and_then(|p| p.set.clone()),
        Some(label("inbox"))
    );
    assert_eq!(
        state.task("server").map(|t| t.status.clone()),
        Some(TaskStatus::BlockedReceive {
            on: label("inbox"),
            since_ns: 0
        })
    );
    events
        .by(
            Some("server"),
            Event::MemberRemoved {
                port: label("requests"),
                set: label("inbox"),
            },
        )
        .right(Some("server"), "server", 0x401, "inbox", "none", 0)
        .by(
            Some("server"),
            Event::PortSetDestroyed {
                set: label("inbox"),
            },
        );
    let state = events.state();
    assert!(state.set("inbox").is_none());
    assert!(state.port("requests").is_some_and(|p| p.set.is_none()));
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_notification_request_is_pending_until_its_notification_is_sent() {
    let mut events = client_server();
    events.by(
        Some("server"),
        Event::NotificationRequested {
            port: label("requests"),
            kind: NotificationKind::NoSenders,
            notify: label("server.notify"),
            name: 0,
            sync: 0,
        },
    );
    let pending = events.state();
    let requests = &pending.port("requests").expect("alive").requests;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].kind.as_str(), "no_senders");
    assert_eq!(requests[0].by.as_deref(), Some("server"));

    events
        .right(Some("client"), "client", 0x301, "requests", "none", 0)
        .kernel(Event::NotificationSent {
            msg: 1,
            kind: NotificationKind::NoSenders,
            about: Some(label("requests")),
        })
        .by(
            None,
            Event::MessageSent {
                msg: 1,
                port: label("server.notify"),
                id: 70,
                size: 32,
                dest_right: RightKind::SendOnce,
                reply: None,
                body: vec![TraceItem::U32(1)],
                kind: Some(MessageOrigin::Notification),
            },
        )
        .kernel(Event::MessageQueued {
            msg: 1,
            port: label("server.notify"),
            depth: 1,
        });
    let fired = events.state();
    assert!(
        fired
            .port("requests")
            .is_some_and(|p| p.requests.is_empty())
    );
    let note = fired.message(1).expect("the notification is queued");
    assert_eq!(note.sender, None);
    assert_eq!(fired.task("server").map(|t| t.steps), Some(0));
    assert!(problems(&fired).is_empty(), "{:?}", problems(&fired));
}

#[test]
fn a_receive_right_in_a_message_has_no_receiver_until_it_is_received() {
    let mut events = client_server();
    events
        .right(Some("server"), "server", 0x301, "requests", "none", 0)
        .by(
            Some("server"),
            Event::ReceiverChanged {
                port: label("requests"),
                receiver: None,
            },
        )
        .send(
            "server",
            1,
            "client.notify",
            vec![TraceItem::Port(CarriedRight {
                port: Some(label("requests")),
                right: RightKind::Receive,
            })],
        )
        .queued("server", 1, "client.notify", 1);
    let state = events.state();
    assert_eq!(
        state
            .port("requests")
            .map(|p| p.receiver.as_str().to_string()),
        Some("none".to_string())
    );
    events
        .received("client", 1, "client.notify")
        .by(
            Some("client"),
            Event::ReceiverChanged {
                port: label("requests"),
                receiver: Some(label("client")),
            },
        )
        .right(
            Some("client"),
            "client",
            0x301,
            "requests",
            "receive+send",
            1,
        );
    let state = events.state();
    assert_eq!(
        state.port("requests").map(|p| p.receiver.clone()),
        Some(Receiver::Task(label("client")))
    );
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn steps_count_each_send_receive_sleep_and_kernel_call_once() {
    let mut events = client_server();
    events
        // A kernel call: request, received by the kernel, result.
        .send("client", 1, "client.kernel", vec![TraceItem::U32(0x301)])
        .by(
            Some("client"),
            Event::MessageReceived {
                msg: 1,
                port: label("client.kernel"),
                receiver: trace::Receiver::Kernel,
                seqno: 0,
                pseudo: false,
            },
        )
        .by(
            Some("client"),
            Event::KernelCall {
                call: CallName::PortType,
                code: ReturnCode::Success.into(),
            },
        )
        // A send that times out at once: one call, message handed back.
        .send("client", 2, "requests", Vec::new())
        .queued("client", 2, "requests", 1)
        .send("client", 3, "requests", Vec::new())
        .by(
            Some("client"),
            Event::SendFailed {
                port: Some(label("requests")),
                code: ReturnCode::SendTimedOut,
            },
        )
        .by(
            Some("client"),
            Event::MessageReceived {
                msg: 3,
                port: label("requests"),
                receiver: trace::Receiver::Task(label("client")),
                seqno: 0,
                pseudo: true,
            },
        )
        // A send refused before its message entered.
        .by(
            Some("client"),
            Event::SendFailed {
                port: None,
                code: ReturnCode::SendInvalidDest,
            },
        )
        // A receive that blocks, then is handed a message: one call.
        .by(
            Some("client"),
            Event::ReceiveBlocked {
                port: label("client.notify"),
                until_ns: None,
            },
        )
        .send("server", 4, "client.notify", Vec::new())
        .received("client", 4, "client.notify")
        .kernel(Event::TaskWoken {
            name: label("client"),
            reason: WakeReason::Message,
        })
        .by(Some("client"), Event::SleepStarted { until_ns: 0 });
    let state = events.state();
    let client = state.task("client").expect("client exists");
    assert_eq!(client.steps, 6);
    assert_eq!(
        client.last_failure.as_ref().map(|f| f.code),
        Some(ReturnCode::SendInvalidDest.into())
    );
    assert_eq!(state.task("server").map(|t| t.steps), Some(1));
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_spawn_is_the_parents_call_and_names_the_parent() {
    let mut events = client_server();
    events
        .kernel(Event::TaskCreated {
            name: label("child"),
            parent: None,
            kernel_port: label("child.kernel"),
            notify_port: label("child.notify"),
            start_ns: None,
        })
        .port(None, "child.kernel", "kernel", "unbounded")
        .port(None, "child.notify", "child", "5")
        .right(None, "child", 0x101, "child.kernel", "send", 1)
        .right(None, "child", 0x201, "child.notify", "receive", 0);
    assert_eq!(
        events.state().task("child").map(|t| t.status.class()),
        Some("not_started")
    );
    // The spawn: the child starts, told under its parent (`by`), then the parent
    // gets a send right to the child's kernel port.
    events
        .by(
            Some("client"),
            Event::TaskStarted {
                name: label("child"),
                by: Some(label("client")),
            },
        )
        .right(Some("client"), "client", 0x401, "child.kernel", "send", 1);
    let state = events.state();
    assert_eq!(
        state.task("child").and_then(|t| t.parent.clone()),
        Some(label("client"))
    );
    assert_eq!(state.task("client").map(|t| t.steps), Some(1));
    // A refused spawn is a call too, shown by its `kernel_call` alone.
    events.by(
        Some("client"),
        Event::KernelCall {
            call: CallName::Spawn,
            code: ReturnCode::InvalidArgument.into(),
        },
    );
    let state = events.state();
    assert_eq!(state.task("client").map(|t| t.steps), Some(2));
    assert_eq!(state.steps(), 2);
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_destroy_fault_that_misses_is_no_inconsistency_unless_the_port_lives() {
    let mut events = client_server();
    events.kernel(Event::FaultApplied {
        kind: FaultKind::DestroyMissed,
        target: label("gone"),
    });
    assert!(problems(&events.state()).is_empty());
    events.kernel(Event::FaultApplied {
        kind: FaultKind::DestroyMissed,
        target: label("requests"),
    });
    let found = problems(&events.state());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a live port has that label"), "{found:?}");
}

#[test]
fn a_named_pipes_streams_are_linked_by_the_named_field_not_by_their_labels() {
    let mut events = client_server();
    events
        .by(
            Some("server"),
            Event::NamedPipeCreated {
                path: label("/tmp/q"),
                mode: ports::service::PipeMode::Fifo,
                capacity: 64,
            },
        )
        .kernel(Event::PipeCreated {
            pipe: label("stream"),
            capacity: 64,
            named: Some(label("/tmp/q")),
        })
        // Shaped like a stream's label, but an ordinary pipe.
        .by(
            Some("client"),
            Event::PipeCreated {
                pipe: label("/tmp/q#9"),
                capacity: 64,
                named: None,
            },
        );
    let state = events.state();
    let named = state.named_pipe("/tmp/q").expect("the named pipe");
    assert_eq!(named.streams, [label("stream")]);
    assert_eq!(state.pipe("/tmp/q#9").and_then(|p| p.named.clone()), None);
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));
}

#[test]
fn a_direct_mailbox_is_known_by_its_use_and_is_its_tasks_own_port() {
    let mut events = client_server();
    events.port(None, "server.direct", "server", "5").by(
        Some("client"),
        Event::MessageSent {
            msg: 1,
            port: label("server.direct"),
            id: 1,
            size: 24,
            dest_right: RightKind::Send,
            reply: None,
            body: Vec::new(),
            kind: Some(MessageOrigin::Direct),
        },
    );
    let state = events.state();
    assert_eq!(state.owner_of("server.direct"), Some(&label("server")));
    assert_eq!(state.owner_of("server.notify"), Some(&label("server")));
    assert!(state.is_kernel_port("server.kernel"));
    assert_eq!(state.owner_of("requests"), None);
    // A receive on a port its task holds no name for shows a mailbox too.
    let mut events = client_server();
    events.port(None, "client.direct", "client", "5").by(
        Some("client"),
        Event::ReceiveBlocked {
            port: label("client.direct"),
            until_ns: None,
        },
    );
    assert_eq!(
        events.state().owner_of("client.direct"),
        Some(&label("client"))
    );
}

#[test]
fn a_task_started_by_its_start_time_has_no_parent_whatever_rights_follow() {
    let mut events = client_server();
    events
        .kernel(Event::TaskCreated {
            name: label("late"),
            parent: None,
            kernel_port: label("late.kernel"),
            notify_port: label("late.notify"),
            start_ns: Some(0),
        })
        .port(None, "late.kernel", "kernel", "unbounded")
        .kernel(Event::TaskStarted {
            name: label("late"),
            by: None,
        })
        // A right to its kernel port right after its start is not a spawn.
        .right(Some("client"), "client", 0x401, "late.kernel", "send", 1);
    let state = events.state();
    assert_eq!(state.task("late").and_then(|t| t.parent.clone()), None);
    assert_eq!(state.task("client").map(|t| t.steps), Some(0));
}

#[test]
fn an_ended_task_keeps_its_blocked_time_and_its_end() {
    let mut events = client_server();
    events
        .by(
            Some("server"),
            Event::ReceiveBlocked {
                port: label("requests"),
                until_ns: None,
            },
        )
        .at(2_000_000)
        .by(
            Some("server"),
            Event::TaskCrashed {
                name: label("server"),
                reason: "a bug".into(),
            },
        );
    let state = events.state();
    let server = state.task("server").expect("server exists");
    assert_eq!(
        server.status,
        TaskStatus::Crashed {
            reason: "a bug".into()
        }
    );
    assert_eq!(server.blocked_ns, 2_000_000);
}

// ----- the stepper on real runs ------------------------------------------------------

#[test]
fn a_trace_with_an_event_missing_doubled_or_out_of_order_never_panics_the_fold() {
    let records = run_bundled("crash-cleanup.toml").records;
    let mut flagged = 0;
    for k in 0..records.len() {
        let mut missing = records.clone();
        missing.remove(k);
        flagged += usize::from(State::from_records(&missing).inconsistency_count() > 0);
        let mut doubled = records.clone();
        doubled.insert(k, records[k].clone());
        assert!(State::from_records(&doubled).inconsistency_count() > 0);
    }
    // Every missing event but the last at least breaks the numbering.
    assert_eq!(flagged, records.len() - 1);
    let mut reversed = records.clone();
    reversed.reverse();
    assert!(State::from_records(&reversed).inconsistency_count() > 0);
    // A stepper over a broken trace still answers for every event.
    let mut broken = records;
    broken.retain(|r| r.seq % 3 != 0);
    let stepper = Stepper::with_spacing(
        Trace {
            header: TraceHeader::new("broken", 0, ScheduleKind::RoundRobin),
            records: broken,
        },
        5,
    );
    let mut cursor = stepper.cursor_at(stepper.last_seq()).expect("in range");
    while cursor.backward() {}
    assert_eq!(cursor.position(), 0);
    for k in 0..=stepper.last_seq() {
        assert!(stepper.state_at(k).is_ok());
    }
}

#[test]
fn random_sequences_of_real_events_never_panic_the_fold_or_the_rendering() {
    let mut pool: Vec<TraceRecord> = Vec::new();
    for file in [
        "port-set.toml",
        "port-destroyed.toml",
        "policy-kernel-cache.toml",
    ] {
        pool.extend(run_bundled(file).records);
    }
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..200 {
        let len = 1 + next() % 200;
        let records: Vec<TraceRecord> = (1..=len)
            .map(|seq| {
                let mut record = pool[(next() % pool.len() as u64) as usize].clone();
                record.seq = seq;
                record
            })
            .collect();
        let state = State::from_records(&records);
        let header = TraceHeader::new("random", 0, ScheduleKind::RoundRobin);
        let _ = text(&header, &state, records.last(), len, true);
        let _ = json(&header, &state, records.last(), len);
    }
}

#[test]
fn every_bundled_scenario_folds_without_an_inconsistency() {
    let dir = harness::lessons_dir();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the scenarios folder exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml") && n != "Cargo.toml")
        .collect();
    files.sort();
    assert!(files.len() >= 16, "found only {files:?}");
    for file in files {
        let trace = run_bundled(&file);
        let state = State::from_records(&trace.records);
        assert!(
            problems(&state).is_empty(),
            "{file}: {:?}",
            problems(&state)
        );
        // Every message ends, or is still in the kernel at the end.
        let stepper = Stepper::new(trace);
        for msg in 1..=stepper.last_seq() {
            if stepper.message_events(msg).is_empty() {
                continue;
            }
            let status = stepper.message_status_at(msg, stepper.last_seq());
            if let MessageStatus::InKernel { .. } = status {
                assert!(
                    stepper.final_state().message(msg).is_some(),
                    "{file}: msg {msg} is {status:?} but not in the final state"
                );
            }
        }
    }
}

#[test]
fn the_state_at_every_event_is_the_fold_of_the_events_before_it_whatever_the_spacing() {
    let trace = run_bundled("full-queue-policies.toml");
    let spaced = Stepper::with_spacing(trace.clone(), 7);
    let single = Stepper::with_spacing(trace.clone(), 4096);
    assert!(spaced.checkpoints().len() > 10);
    for k in 0..=spaced.last_seq() {
        let expected = State::from_records(&trace.records[..k as usize]);
        let got = spaced.state_at(k).expect("k is in range");
        assert!(got == expected, "event {k}: the checkpointed state differs");
        assert!(single.state_at(k).expect("k is in range") == expected);
    }
    assert_eq!(
        spaced.state_at(spaced.last_seq() + 1).err(),
        Some(BeyondEnd {
            asked: spaced.last_seq() + 1,
            last: spaced.last_seq()
        })
    );
}

#[test]
fn a_cursor_steps_forward_and_backward_through_the_same_states() {
    let trace = run_bundled("port-set.toml");
    let stepper = Stepper::with_spacing(trace, 16);
    let mut cursor = stepper.cursor();
    assert_eq!(cursor.position(), 0);
    assert!(cursor.event().is_none());
    assert!(!cursor.backward());
    let mut forward = vec![cursor.state().clone()];
    while cursor.forward() {
        assert_eq!(cursor.event().map(|r| r.seq), Some(cursor.position()));
        forward.push(cursor.state().clone());
    }
    assert_eq!(cursor.position(), stepper.last_seq());
    assert!(cursor.state() == stepper.final_state());
    while cursor.backward() {
        assert!(
            cursor.state() == &forward[cursor.position() as usize],
            "event {}",
            cursor.position()
        );
    }
    assert_eq!(cursor.position(), 0);
    cursor.seek(20).expect("in range");
    assert!(cursor.state() == &forward[20]);
    cursor.seek(25).expect("in range");
    assert!(cursor.state() == &forward[25]);
    assert!(cursor.seek(stepper.last_seq() + 5).is_err());
    assert_eq!(cursor.position(), 25);
    cursor.to_end();
    assert_eq!(cursor.position(), stepper.last_seq());
    cursor.to_start();
    assert_eq!(cursor.position(), 0);
}

#[test]
fn navigation_finds_a_tasks_ports_and_messages_events() {
    let trace = run_bundled("moving-a-receive-right.toml");
    let stepper = Stepper::new(trace);
    assert_eq!(
        stepper
            .task_names()
            .iter()
            .map(|n| &**n)
            .collect::<Vec<_>>(),
        ["carol", "alice", "bob"]
    );
    // The mailbox: allocated at 18, its receive right carried in msg 4 at 37.
    let mailbox = stepper.port_events("mailbox");
    assert_eq!(mailbox.first(), Some(&18));
    assert!(mailbox.contains(&37));
    assert_eq!(
        stepper.next_port_event("mailbox", 18),
        mailbox.get(1).copied()
    );
    assert_eq!(stepper.prev_port_event("mailbox", 19), Some(18));
    assert_eq!(stepper.prev_port_event("mailbox", 18), None);
    // msg 4 is sent at 37 and received by bob at 38.
    assert_eq!(stepper.message_events(4), [37, 38]);
    assert_eq!(stepper.message_status_at(4, 36), MessageStatus::NotSent);
    assert_eq!(
        stepper.message_status_at(4, 37),
        MessageStatus::InKernel {
            place: Place::Entering
        }
    );
    assert_eq!(
        stepper.message_status_at(4, 38),
        MessageStatus::Received {
            by: trace::Receiver::Task(label("bob")),
            port: label("handoff"),
            seqno: 0,
            at: 38
        }
    );
    assert_eq!(stepper.next_message_event(4, 37), Some(38));
    assert_eq!(stepper.prev_message_event(4, 38), Some(37));
    let alice = stepper.task_events("alice");
    assert_eq!(stepper.next_task_event("alice", 0), alice.first().copied());
    assert_eq!(
        stepper.prev_task_event("alice", u64::MAX),
        alice.last().copied()
    );
    let exit = stepper.find_next(0, |r| matches!(r.event, Event::TaskExited { .. }));
    assert_eq!(exit, Some(51));
    assert_eq!(
        stepper.find_prev(51, |r| matches!(r.event, Event::ReceiveFailed { .. })),
        Some(49)
    );
}

/// A long run: one task sends to its own port and receives, over and over, while a
/// second one allocates and destroys a port each round (so dead ports pile up).
fn long_run(rounds: u32) -> Trace {
    use kernel::{Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy};
    let mut kernel = Kernel::builder()
        .trace(true)
        .step_limit(u64::MAX)
        .time_limit_ms(u64::MAX / 2_000_000)
        .build();
    kernel.spawn("echo", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, Some("inbox")).await?;
        cx.make_send(port).await?;
        for i in 0..rounds {
            let mut message = Message::new(port, 1);
            message.push(ports::Item::U32(i));
            cx.send(message, SendPolicy::Block).await?;
            cx.receive(port, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
        }
        Ok::<(), kernel::Error>(())
    });
    kernel.spawn("churn", move |cx| async move {
        for _ in 0..rounds / 16 {
            let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
            cx.destroy(port).await?;
        }
        Ok::<(), kernel::Error>(())
    });
    ran_clean(&mut kernel);
    Trace {
        header: TraceHeader::new("long run", 0, ScheduleKind::RoundRobin),
        records: kernel.take_trace(),
    }
}

#[test]
fn a_million_event_trace_is_reachable_at_both_ends_and_backward_from_the_end() {
    let trace = long_run(334_000);
    let events = trace.records.len() as u64;
    assert!(events >= 1_000_000, "only {events} events");
    let stepper = Stepper::new(trace);
    let spacing = stepper.checkpoints().spacing();
    assert_eq!(spacing, 4096);
    assert!(stepper.checkpoints().len() as u64 > events / spacing);

    // Near the end: step backward from the last event; each state is the one the
    // cursor reached going forward from a checkpoint.
    let mut cursor = stepper.cursor_at(events).expect("in range");
    for _ in 0..5 {
        assert!(cursor.backward());
        let k = cursor.position();
        let (from, checkpoint) = stepper.checkpoints().at_or_before(k - 1);
        let mut expected = checkpoint.clone();
        for record in &stepper.records()[from as usize..k as usize] {
            expected.apply(record);
        }
        assert!(cursor.state() == &expected, "event {k}");
        assert_eq!(cursor.state().seq(), k);
    }
    let end = stepper.state_at(events).expect("in range");
    assert_eq!(end.inconsistency_count(), 0);
    assert!(end.task("echo").is_some_and(|t| t.status.is_ended()));
    assert!(end.dead_port_count() > 20_000);

    // Near the beginning: the state equals the fold of the first events.
    for k in [0, 1, 10, 4095, 4096, 4097, 9000] {
        let state = stepper.state_at(k).expect("in range");
        assert!(
            state == State::from_records(&stepper.records()[..k as usize]),
            "event {k}"
        );
    }
    // In the middle, across a checkpoint: the same by either route.
    let middle = events / 2 - events / 2 % spacing;
    let mut cursor = stepper.cursor_at(middle - 3).expect("in range");
    for _ in 0..6 {
        assert!(cursor.forward());
    }
    assert!(cursor.state() == &stepper.state_at(middle + 3).expect("in range"));
    let queued = stepper
        .state_at(middle + 3)
        .expect("in range")
        .port("inbox")
        .map_or(usize::MAX, |p| p.queue.len());
    assert!(queued <= 1);
}

// ----- rendering ---------------------------------------------------------------------

#[test]
fn the_text_at_an_event_shows_tasks_ports_queues_blocked_senders_and_name_spaces() {
    let trace = run_bundled("bounded-buffer.toml");
    let stepper = Stepper::new(trace);
    let state = stepper.state_at(59).expect("in range");
    let text = text(
        stepper.header(),
        &state,
        stepper.record(59),
        stepper.last_seq(),
        false,
    );
    insta::assert_snapshot!("bounded_buffer_at_59_text", text);
}

#[test]
fn the_text_amid_a_crash_shows_requests_dead_ports_dead_names_and_stranded_messages() {
    // The worker crashed holding the receive right of `jobs`: the port died (63)
    // and its messages are being destroyed one event at a time (64 is the first).
    let trace = run_bundled("crash-cleanup.toml");
    let stepper = Stepper::new(trace);
    let state = stepper.state_at(64).expect("in range");
    let text = text(
        stepper.header(),
        &state,
        stepper.record(64),
        stepper.last_seq(),
        false,
    );
    insta::assert_snapshot!("crash_cleanup_at_64_text", text);
}

#[test]
fn the_json_at_an_event_is_one_document_of_the_same_state() {
    let trace = run_bundled("bounded-buffer.toml");
    let stepper = Stepper::new(trace);
    let state = stepper.state_at(59).expect("in range");
    let document = json(
        stepper.header(),
        &state,
        stepper.record(59),
        stepper.last_seq(),
    );
    assert_eq!(document["seq"], 59);
    assert_eq!(document["event"]["event"], "task_woken");
    insta::assert_snapshot!(
        "bounded_buffer_at_59_json",
        serde_json::to_string_pretty(&document).expect("JSON")
    );
}

#[test]
fn the_state_before_any_event_renders_empty() {
    let stepper = Stepper::new(run_bundled("deadlock.toml"));
    let state = stepper.state_at(0).expect("0 is always in range");
    let text = text(stepper.header(), &state, None, stepper.last_seq(), false);
    assert!(text.contains("state after event 0 of 20"), "{text}");
    assert!(text.contains("before the first event"), "{text}");
    let document = json(stepper.header(), &state, None, stepper.last_seq());
    assert_eq!(document["event"], serde_json::Value::Null);
    assert_eq!(document["tasks"], serde_json::json!([]));
}

#[test]
fn the_json_lines_and_binary_forms_of_one_run_render_identically() {
    use trace::{read_trace, write_binary, write_jsonl};
    let trace = run_bundled("send-once-replies.toml");
    let mut jsonl = Vec::new();
    write_jsonl(&mut jsonl, &trace.header, &trace.records).expect("memory");
    let mut binary = Vec::new();
    write_binary(&mut binary, &trace.header, &trace.records).expect("memory");
    let a = Stepper::new(read_trace(&jsonl).expect("reads"));
    let b = Stepper::new(read_trace(&binary).expect("reads"));
    assert_eq!(a.last_seq(), b.last_seq());
    for k in 0..=a.last_seq() {
        let (sa, sb) = (
            a.state_at(k).expect("in range"),
            b.state_at(k).expect("in range"),
        );
        assert_eq!(
            text(a.header(), &sa, a.record(k), a.last_seq(), false),
            text(b.header(), &sb, b.record(k), b.last_seq(), false),
            "text at {k}"
        );
        assert_eq!(
            json(a.header(), &sa, a.record(k), a.last_seq()),
            json(b.header(), &sb, b.record(k), b.last_seq()),
            "JSON at {k}"
        );
    }
}

#[test]
fn every_event_kind_has_a_line() {
    let trace = run_bundled("full-queue-policies.toml");
    for record in &trace.records {
        let line = describe(record);
        assert!(
            line.starts_with(&format!("event {} at ", record.seq)),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }
}

// ----- the services ------------------------------------------------------------------

/// A run that leaves every service in a telling state at 5 ms, then undoes it all
/// by 10 ms: a memory object two tasks map (one written), another made from an
/// out-of-line region (its bytes unknown to the trace but where written), a
/// semaphore with a waiter, a pipe with bytes buffered and a writer waiting for
/// room, a child holding inherited pipe ends, a FIFO with a reader waiting to open
/// it, a duplex named pipe with a server waiting to accept.
pub(crate) fn services_tour() -> Trace {
    use kernel::{
        Access, Disposition, Item, Kernel, Message, Ool, PipeMode, PortItem, QueueLimit,
        ReceiveOptions, ReceivePolicy, SendPolicy, Width,
    };
    let mut k = Kernel::builder().trace(true).build();
    k.spawn("maker", |cx| async move {
        let board = cx.memory_create(32, Some("board")).await?;
        let mapping = cx.memory_map(board).await?;
        cx.memory_write(mapping, 4, Width::U32, 0xc0ff_ee00).await?;
        let turn = cx.semaphore_create(0, Some("turn")).await?;
        let inbox = cx.lookup("waiter.in").ok_or("no inbox")?;
        for right in [board, turn] {
            let message = Message::new(inbox, 1).with(Item::Port(PortItem {
                name: right,
                disposition: Disposition::CopySend,
            }));
            cx.send(message, SendPolicy::Block).await?;
        }
        let region = Ool {
            data: bytes::Bytes::from(vec![0xab; 40]),
        };
        let to = cx.lookup("copier.in").ok_or("no inbox")?;
        cx.send(
            Message::new(to, 2).with(Item::Ool(region)),
            SendPolicy::Block,
        )
        .await?;
        let (read, write) = cx.pipe(Some(8)).await?;
        cx.spawn("child", move |cx| async move {
            cx.sleep(10).await;
            let _ = cx.pipe_read(read, 64, false).await?;
            let _ = cx.pipe_read(read, 64, false).await?;
            Ok::<(), kernel::Error>(())
        })
        .await?;
        cx.pipe_write(write, bytes::Bytes::from_static(b"hello, world"), false)
            .await?;
        cx.semaphore_signal(turn).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("waiter", |cx| async move {
        let inbox = cx.lookup("waiter.in").ok_or("no inbox")?;
        let mut rights = Vec::new();
        for _ in 0..2 {
            let message = cx
                .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
            if let Some(Item::Port(item)) = message.body.first() {
                rights.push(item.name);
            }
        }
        let mapping = cx.memory_map(rights[0]).await?;
        let _ = cx.memory_read(mapping, 4, Width::U16).await?;
        cx.semaphore_wait(rights[1]).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("copier", |cx| async move {
        let inbox = cx.lookup("copier.in").ok_or("no inbox")?;
        let message = cx
            .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
            .await?;
        let Some(Item::Ool(region)) = message.body.first() else {
            return Err("no region".into());
        };
        let copy = cx.memory_from_ool(region, Some("copy")).await?;
        let mapping = cx.memory_map(copy).await?;
        cx.memory_write(mapping, 16, Width::U8, 7).await?;
        cx.sleep(10).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("host", |cx| async move {
        cx.named_pipe_create("/tmp/fifo", PipeMode::Fifo, None)
            .await?;
        cx.named_pipe_create("svc", PipeMode::Duplex, Some(64))
            .await?;
        let end = cx.named_pipe_accept("svc", false).await?;
        let _ = cx.pipe_read(end, 64, false).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("reader", |cx| async move {
        let _ = cx.named_pipe_open("/tmp/fifo", Access::Read, false).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("closer", 10, |cx| async move {
        cx.named_pipe_unlink("/tmp/fifo").await?;
        let end = cx.named_pipe_open("svc", Access::ReadWrite, false).await?;
        cx.pipe_write(end, bytes::Bytes::from_static(b"hi"), false)
            .await?;
        Ok::<(), kernel::Error>(())
    });
    k.allocate_port("waiter", "waiter.in", QueueLimit::DEFAULT)
        .expect("a port");
    k.give_send_right("maker", "waiter.in").expect("a right");
    k.allocate_port("copier", "copier.in", QueueLimit::DEFAULT)
        .expect("a port");
    k.give_send_right("maker", "copier.in").expect("a right");
    ran_clean(&mut k);
    Trace {
        header: TraceHeader::new("services tour", 0, ScheduleKind::RoundRobin),
        records: k.take_trace(),
    }
}

/// The last event before virtual time reaches `t_ns`.
fn last_before(trace: &Trace, t_ns: u64) -> u64 {
    trace
        .records
        .iter()
        .take_while(|r| r.t_ns < t_ns)
        .last()
        .map_or(0, |r| r.seq)
}

#[test]
fn the_fold_of_the_services_shows_objects_waiters_handles_and_known_bytes() {
    let trace = services_tour();
    let stepper = Stepper::new(trace.clone());
    assert_eq!(
        stepper.final_state().inconsistency_count(),
        0,
        "{:?}",
        problems(stepper.final_state())
    );
    let state = stepper
        .state_at(last_before(&trace, 10_000_000))
        .expect("in range");
    assert!(problems(&state).is_empty(), "{:?}", problems(&state));

    let board = state.memory_object("board").expect("board is alive");
    let mapped: Vec<&str> = board.mappings.iter().map(|m| &*m.holder).collect();
    assert_eq!(mapped, ["maker", "waiter"]);
    assert_eq!(
        board.contents.known().map(|b| b[4..8].to_vec()),
        Some(vec![0x00, 0xee, 0xff, 0xc0])
    );
    let copy = state.memory_object("copy").expect("copy is alive");
    assert_eq!(
        copy.contents.unknown_count(),
        39,
        "only the written byte is known"
    );
    assert_eq!(copy.contents.byte(16), Some(7));

    let turn = state.semaphore("turn").expect("turn is alive");
    assert_eq!(
        (turn.value, turn.waiters.clone()),
        (0, vec![label("waiter")])
    );
    assert!(matches!(
        &state.task("waiter").expect("waiter").status,
        TaskStatus::BlockedService { wait: ServiceWait::Semaphore { semaphore, timeout_ms: None }, .. } if &**semaphore == "turn"
    ));

    let pipe = state.pipes().next().expect("a pipe");
    assert_eq!(
        pipe.buffered.iter().copied().collect::<Vec<u8>>(),
        b"hello, w"
    );
    assert_eq!((pipe.readers(), pipe.writers()), (2, 2));
    assert_eq!(pipe.waiting_writers, [label("maker")]);
    assert!(matches!(
        &state.task("maker").expect("maker").status,
        TaskStatus::BlockedService {
            wait: ServiceWait::PipeWrite {
                written: 8,
                total: Some(12),
                ..
            },
            ..
        }
    ));
    let child: Vec<String> = state
        .task("child")
        .expect("child")
        .handles()
        .iter()
        .map(|h| format!("{} {}", h.handle, h.what.describe()))
        .collect();
    assert_eq!(
        child,
        [
            format!("4 read {}", pipe.label),
            format!("5 write {}", pipe.label)
        ]
    );

    let fifo = state.named_pipe("/tmp/fifo").expect("the fifo");
    assert_eq!(
        fifo.openers
            .iter()
            .map(|o| (&*o.task, o.access.as_str()))
            .collect::<Vec<_>>(),
        [("reader", "read")]
    );
    let svc = state.named_pipe("svc").expect("the duplex pipe");
    assert_eq!(svc.acceptors, [label("host")]);
    assert_eq!(
        state.task("host").map(|t| t.status.class()),
        Some("blocked_service")
    );

    // At the end, everything is gone: the objects with their last right or
    // mapping, the pipes with their last end, the FIFO unlinked; `svc` is still
    // linked.
    let end = stepper.final_state();
    assert_eq!(end.memory_objects().count(), 0);
    assert_eq!(end.semaphores().count(), 0);
    assert_eq!(end.pipes().count(), 0);
    let named: Vec<&str> = end.named_pipes().map(|n| &*n.path).collect();
    assert_eq!(named, ["svc"]);
    assert!(end.tasks().all(|t| t.handles().is_empty()));
}

#[test]
fn the_text_and_json_amid_the_services_show_them_all() {
    let trace = services_tour();
    let stepper = Stepper::new(trace.clone());
    let k = last_before(&trace, 10_000_000);
    let state = stepper.state_at(k).expect("in range");
    let text = text(
        stepper.header(),
        &state,
        stepper.record(k),
        stepper.last_seq(),
        false,
    );
    insta::assert_snapshot!("services_tour_before_10ms_text", text);
    let document = json(
        stepper.header(),
        &state,
        stepper.record(k),
        stepper.last_seq(),
    );
    insta::assert_snapshot!(
        "services_tour_before_10ms_json",
        serde_json::to_string_pretty(&document).expect("JSON")
    );
}

#[test]
fn every_service_event_has_a_line_and_names_its_objects_for_navigation() {
    let trace = services_tour();
    for record in &trace.records {
        let line = describe(record);
        assert!(
            line.starts_with(&format!("event {} at ", record.seq)),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }
    let stepper = Stepper::new(trace);
    // Memory objects and semaphores are ports; pipes and named pipes have their own
    // index.
    assert!(!stepper.port_events("board").is_empty());
    assert!(!stepper.port_events("turn").is_empty());
    assert!(!stepper.pipe_events("/tmp/fifo").is_empty());
    let pipe = stepper
        .pipe_labels()
        .iter()
        .find(|l| l.starts_with("pipe"))
        .expect("an ordinary pipe")
        .clone();
    assert!(stepper.pipe_events(&pipe).len() > 4);
    assert!(stepper.task_events("child").len() > 2);
}

#[test]
fn random_sequences_of_service_events_never_panic_the_fold_or_the_rendering() {
    let pool = services_tour().records;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..200 {
        let len = 1 + next() % 200;
        let records: Vec<TraceRecord> = (1..=len)
            .map(|seq| {
                let mut record = pool[(next() % pool.len() as u64) as usize].clone();
                record.seq = seq;
                record
            })
            .collect();
        let state = State::from_records(&records);
        let header = TraceHeader::new("random", 0, ScheduleKind::RoundRobin);
        let _ = text(&header, &state, records.last(), len, true);
        let _ = json(&header, &state, records.last(), len);
    }
}

/// Runs a workload to its end: every task ended, none crashed (a failed `?` in a
/// task would quietly change the trace the fold tests read), and the audit is clean.
fn ran_clean(kernel: &mut kernel::Kernel) {
    let report = kernel.run();
    assert_eq!(report.outcome.as_str(), "completed");
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let crashed: Vec<_> = kernel
        .inspect(|i| i.tasks())
        .into_iter()
        .filter(|t| matches!(t.exit, Some(kernel::TaskExit::Crashed(_))))
        .map(|t| t.name)
        .collect();
    assert!(crashed.is_empty(), "tasks crashed: {crashed:?}");
}
