//! `producer` and `consumer` over a bounded port, under each full-queue policy.

use super::{exit_of, lines, log, push, right, run_allowing_crashes, run_clean};
use crate::stock::{Consumer, Producer};
use kernel::{
    Item, Kernel, Message, QueueLimit, ReceiveError, ReceiveOptions, ReceivePolicy, ScheduleKind,
    SendPolicy, TaskExit,
};

fn producer(count: u32, policy: SendPolicy) -> Producer {
    Producer {
        count,
        policy,
        ..Producer::default()
    }
}

/// A kernel where `producers` send to "buffer" (limit `limit`) and `consumer`
/// receives from it.
fn pipeline(kernel: &mut Kernel, producers: &[(&str, Producer)], consumer: Consumer, limit: u32) {
    for (name, p) in producers {
        let p = p.clone();
        kernel.spawn(name, |cx| p.run(cx));
    }
    kernel.spawn("consumer", |cx| consumer.run(cx));
    kernel
        .allocate_port("consumer", "buffer", QueueLimit::Bounded(limit))
        .unwrap();
    for (name, _) in producers {
        kernel.give_send_right(name, "buffer").unwrap();
    }
}

/// A receiver that starts at `start_ms` and takes whatever is queued on "buffer".
fn late_drain(kernel: &mut Kernel, start_ms: u64, limit: u32) -> super::Log {
    let seen = log();
    let s = seen.clone();
    kernel.spawn_at("drain", start_ms, move |cx| async move {
        let buffer = right(&cx, "buffer")?;
        loop {
            match cx
                .receive(buffer, ReceivePolicy::NoWait, ReceiveOptions::default())
                .await
            {
                Ok(m) => push(&s, m.id().to_string()),
                Err(ReceiveError::TimedOut) => return Ok(()),
                Err(e) => return Err(e.to_string()),
            }
        }
    });
    kernel
        .allocate_port("drain", "buffer", QueueLimit::Bounded(limit))
        .unwrap();
    seen
}

#[test]
fn blocking_producers_deliver_everything_in_order_under_every_schedule() {
    let schedules = [
        ScheduleKind::RoundRobin,
        ScheduleKind::Random,
        ScheduleKind::Pct { depth: 3 },
    ];
    for schedule in schedules {
        for seed in 0..8 {
            let mut kernel = Kernel::builder().seed(seed).schedule(schedule).build();
            let p = producer(12, SendPolicy::Block);
            let consumer = Consumer {
                count: Some(24),
                ..Consumer::default()
            };
            pipeline(&mut kernel, &[("a", p.clone()), ("b", p)], consumer, 2);
            let report = run_clean(&mut kernel);
            assert_eq!(report.outcome.as_str(), "completed", "{schedule} {seed}");
            for task in ["a", "b", "consumer"] {
                assert_eq!(
                    exit_of(&kernel, task),
                    Some(TaskExit::Exited(0)),
                    "{task} under {schedule} seed {seed}"
                );
            }
        }
    }
}

#[test]
fn without_count_the_consumer_ends_when_the_producers_are_gone() {
    let mut kernel = Kernel::builder().build();
    let p = Producer {
        delay_ms: 3,
        ..producer(4, SendPolicy::Block)
    };
    pipeline(
        &mut kernel,
        &[("a", p.clone()), ("b", p)],
        Consumer::default(),
        1,
    );
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
    assert_eq!(report.end_ns, 9_000_000);
}

#[test]
fn no_wait_drops_what_does_not_fit_and_the_exit_code_counts_it() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("producer", |cx| producer(5, SendPolicy::NoWait).run(cx));
    let seen = late_drain(&mut kernel, 10, 2);
    kernel.give_send_right("producer", "buffer").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(lines(&seen), ["1", "2"]);
    assert_eq!(exit_of(&kernel, "producer"), Some(TaskExit::Exited(3)));
}

#[test]
fn a_send_timeout_waits_in_virtual_time_then_drops_the_message() {
    let mut kernel = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("producer", move |cx| async move {
        let exit = producer(4, SendPolicy::Timeout(5)).run(cx).await;
        push(&s, format!("{exit}"));
        exit
    });
    let drained = late_drain(&mut kernel, 100, 2);
    kernel.give_send_right("producer", "buffer").unwrap();
    run_clean(&mut kernel);
    assert_eq!(lines(&drained), ["1", "2"]);
    assert_eq!(exit_of(&kernel, "producer"), Some(TaskExit::Exited(2)));
    // The producer's own clock is not observable after it ends; the drain starts
    // at 100 ms, long after both 5 ms waits ran out.
    assert_eq!(lines(&seen), ["exited with code 2"]);
}

#[test]
fn the_policy_argument_reaches_the_kernel_as_a_send_timeout() {
    let mut kernel = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    let p = Producer::from_args(
        &crate::Args::new()
            .with("count", 3)
            .with("policy", "timeout:7"),
    )
    .unwrap();
    kernel.spawn("producer", move |cx| async move {
        let exit = p.run(cx).await;
        push(&s, format!("{exit}"));
        exit
    });
    let s = seen.clone();
    kernel.spawn("watch", move |cx| async move {
        cx.sleep(50).await;
        push(&s, "50 ms".to_string());
    });
    late_drain(&mut kernel, 100, 1);
    kernel.give_send_right("producer", "buffer").unwrap();
    run_clean(&mut kernel);
    // Two sends time out, 7 ms each, long before 50 ms.
    assert_eq!(lines(&seen), ["exited with code 2", "50 ms"]);
}

#[test]
fn the_kernel_cache_delivers_everything_even_to_a_full_queue() {
    for policy in [SendPolicy::Notify, SendPolicy::NotifyAfter(2)] {
        let mut kernel = Kernel::builder().build();
        let consumer = Consumer {
            count: Some(6),
            delay_ms: 5,
            ..Consumer::default()
        };
        pipeline(
            &mut kernel,
            &[("producer", producer(6, policy))],
            consumer,
            1,
        );
        let report = run_clean(&mut kernel);
        assert_eq!(report.outcome.as_str(), "completed", "{policy:?}");
        assert_eq!(exit_of(&kernel, "producer"), Some(TaskExit::Exited(0)));
        assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
    }
}

#[test]
fn a_strict_consumer_crashes_on_a_gap_and_a_lenient_one_accepts_it() {
    for (allow_gaps, expected) in [
        (
            false,
            TaskExit::Crashed(
                "consumer: gap: from `producer`, expected sequence 2, got 4".to_string(),
            ),
        ),
        (true, TaskExit::Exited(0)),
    ] {
        let mut kernel = Kernel::builder().build();
        kernel.spawn("producer", |cx| async move {
            let buffer = right(&cx, "buffer")?;
            for seq in [1_u64, 4, 5] {
                let message = Message::new(buffer, 0)
                    .with(Item::U64(seq))
                    .with(Item::Str("producer".into()));
                cx.send(message, SendPolicy::Block)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        });
        let consumer = Consumer {
            allow_gaps,
            ..Consumer::default()
        };
        pipeline(&mut kernel, &[], consumer, 5);
        kernel.give_send_right("producer", "buffer").unwrap();
        run_allowing_crashes(&mut kernel);
        assert_eq!(exit_of(&kernel, "consumer"), Some(expected));
    }
}

#[test]
fn a_repeated_number_is_out_of_order_even_when_gaps_are_allowed() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("sender", |cx| async move {
        let buffer = right(&cx, "buffer")?;
        for seq in [1_u64, 2, 2] {
            let message = Message::new(buffer, 0).with(Item::U64(seq));
            cx.send(message, SendPolicy::Block)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    });
    let consumer = Consumer {
        allow_gaps: true,
        ..Consumer::default()
    };
    pipeline(&mut kernel, &[], consumer, 5);
    kernel.give_send_right("sender", "buffer").unwrap();
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "consumer"),
        Some(TaskExit::Crashed(
            "consumer: out of order: from an unnamed sender, sequence 2 arrived after 2"
                .to_string()
        ))
    );
}

#[test]
fn a_consumer_with_a_count_crashes_when_its_producers_stop_early() {
    let mut kernel = Kernel::builder().build();
    let consumer = Consumer {
        count: Some(5),
        ..Consumer::default()
    };
    pipeline(
        &mut kernel,
        &[("producer", producer(3, SendPolicy::Block))],
        consumer,
        5,
    );
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "consumer"),
        Some(TaskExit::Crashed(
            "consumer: received 3 of 5 messages: no sender is left".to_string()
        ))
    );
}

#[test]
fn a_receive_timeout_ends_a_consumer_without_count() {
    let mut kernel = Kernel::builder().build();
    let consumer = Consumer {
        timeout_ms: Some(20),
        ..Consumer::default()
    };
    pipeline(&mut kernel, &[], consumer, 5);
    kernel.spawn("holder", |cx| async move { cx.sleep(1000).await });
    kernel.give_send_right("holder", "buffer").unwrap();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("watch", move |cx| async move {
        cx.sleep(21).await;
        push(&s, "21 ms".to_string());
    });
    run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
    assert_eq!(lines(&seen), ["21 ms"]);
}

#[test]
fn when_the_port_dies_the_producer_exits_with_the_messages_left_unsent() {
    let mut kernel = Kernel::builder().build();
    let p = Producer {
        delay_ms: 2,
        ..producer(10, SendPolicy::Block)
    };
    let consumer = Consumer {
        delay_ms: 100,
        ..Consumer::default()
    };
    pipeline(&mut kernel, &[("producer", p)], consumer, 5);
    kernel.schedule_fault(5, None, Some("buffer")).unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    // Sent at 0, 2 and 4 ms; the fourth send, at 6 ms, finds a dead name.
    assert_eq!(exit_of(&kernel, "producer"), Some(TaskExit::Exited(7)));
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
}

#[test]
fn the_size_argument_makes_each_message_larger() {
    let mut kernel = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    kernel.spawn("producer", |cx| {
        Producer {
            size: 100,
            ..producer(1, SendPolicy::Block)
        }
        .run(cx)
    });
    kernel.spawn("receiver", move |cx| async move {
        let buffer = right(&cx, "buffer")?;
        let m = cx
            .receive(buffer, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        push(&s, format!("{} bytes", m.header.size));
        Ok::<(), String>(())
    });
    kernel
        .allocate_port("receiver", "buffer", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("producer", "buffer").unwrap();
    run_clean(&mut kernel);
    // Header 24, u64 4 + 8, "producer" 4 + 12, 100 bytes 4 + 100.
    assert_eq!(lines(&seen), ["156 bytes"]);
}

#[test]
fn a_producer_without_a_send_right_crashes_saying_why() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("producer", |cx| Producer::default().run(cx));
    run_allowing_crashes(&mut kernel);
    let Some(TaskExit::Crashed(reason)) = exit_of(&kernel, "producer") else {
        panic!("the producer should have crashed");
    };
    assert!(reason.starts_with("producer: this task holds no right for the port `buffer`"));
}
