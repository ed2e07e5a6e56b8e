//! Kernel services: shared memory, semaphores, pipes and named pipes, each rule
//! as a test named for it.

use bytes::Bytes;
use harness::run_clean;
use kernel::{
    Access, Disposition, Item, Kernel, Message, Ool, PipeMode, PortItem, QueueLimit,
    ReceiveOptions, ReceivePolicy, ScheduleKind, SendPolicy, ServiceError, Width,
};
use std::sync::{Arc, Mutex};

use crate::workloads::{self, share, take_right, with_inboxes};

type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn push(log: &Log, s: impl Into<String>) {
    log.lock().unwrap().push(s.into());
}

// ----- shared memory ------------------------------------------------------------

#[test]
fn a_memory_object_sent_as_a_right_is_shared_by_every_task_that_maps_it() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("maker", |cx| async move {
        let object = cx.memory_create(64, Some("shared")).await?;
        let mapping = cx.memory_map(object).await?;
        cx.memory_write(mapping, 8, Width::U32, 0xdead_beef).await?;
        let to = cx.lookup("inbox").ok_or("no inbox")?;
        let message = Message::new(to, 1).with(Item::Port(PortItem {
            name: object,
            disposition: Disposition::CopySend,
        }));
        cx.send(message, SendPolicy::Block).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("user", move |cx| async move {
        let inbox = cx.lookup("inbox").ok_or("no inbox")?;
        let message = cx
            .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
            .await?;
        let Item::Port(object) = message.body[0] else {
            return Err("no right".into());
        };
        let mapping = cx.memory_map(object.name).await?;
        let value = cx.memory_read(mapping, 8, Width::U32).await?;
        push(&s, format!("{value:#x}"));
        let e = cx.memory_read(mapping, 62, Width::U32).await.unwrap_err();
        push(&s, e.code().to_string());
        Ok::<(), kernel::Error>(())
    });
    k.allocate_port("user", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("maker", "inbox").unwrap();
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["0xdeadbeef", "invalid_address"]);
}

#[test]
fn a_memory_object_is_freed_once_nothing_maps_or_names_it() {
    let mut k = Kernel::builder().trace(true).build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let object = cx.memory_create(16, None).await?;
        let mapping = cx.memory_map(object).await?;
        cx.deallocate(object).await?;
        push(&s, "named no more, still mapped");
        cx.memory_write(mapping, 0, Width::U8, 7).await?;
        cx.memory_unmap(mapping).await?;
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    let freed = k
        .trace()
        .iter()
        .position(|r| matches!(r.event, kernel::trace::Event::MemoryFreed { .. }));
    let unmapped = k
        .trace()
        .iter()
        .position(|r| matches!(r.event, kernel::trace::Event::MemoryUnmapped { .. }));
    assert!(
        freed.is_some() && unmapped < freed,
        "freed after the last unmap"
    );
    assert!(k.inspect(|i| i.memory_objects()).is_empty());
}

#[test]
fn memory_bytes_move_in_one_call_and_are_checked_against_the_object() {
    let mut k = Kernel::builder().trace(true).build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let object = cx.memory_create(4096, Some("section")).await?;
        let mapping = cx.memory_map(object).await?;
        cx.memory_write_bytes(mapping, 100, b"hello").await?;
        let back = cx.memory_read_bytes(mapping, 98, 9).await?;
        push(&s, format!("{back:?}"));
        let value = cx.memory_read(mapping, 100, Width::U8).await?;
        push(&s, value.to_string());
        for result in [
            cx.memory_write_bytes(mapping, 4094, b"abc").await,
            cx.memory_read_bytes(mapping, 4096, 1).await.map(drop),
            cx.memory_read_bytes(mapping + 1, 0, 1).await.map(drop),
        ] {
            push(
                &s,
                result.map_or_else(|e| e.code().to_string(), |()| "success".into()),
            );
        }
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            r#"b"\0\0hello\0\0""#,
            "104",
            "invalid_address",
            "invalid_address",
            "bad_handle",
        ]
    );
    // One call and one event each way: the bytes are in the trace.
    let bulk: Vec<String> = k
        .trace()
        .iter()
        .filter_map(|r| match &r.event {
            kernel::trace::Event::MemoryBytesWritten {
                object,
                offset,
                data,
            }
            | kernel::trace::Event::MemoryBytesRead {
                object,
                offset,
                data,
            } => Some(format!("{object}[{offset}] {} bytes", data.0.len())),
            _ => None,
        })
        .collect();
    assert_eq!(bulk, ["section[100] 5 bytes", "section[98] 9 bytes"]);
    let memory = k.inspect(|i| i.memory_objects());
    assert!(memory.is_empty(), "freed with its task");
}

#[test]
fn memory_sizes_are_checked() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        for size in [0, 64 << 20, (64 << 20) + 1] {
            let result = cx.memory_create(size, None).await.map(drop);
            push(
                &s,
                result.map_or_else(|e| e.code().to_string(), |()| "success".into()),
            );
        }
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["invalid_value", "success", "invalid_value"]
    );
}

#[test]
fn out_of_line_memory_is_a_virtual_copy_each_side_sees_its_own_after_a_write() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    let original = Bytes::from(vec![1u8; 4096]);
    let kept = original.clone();
    k.spawn("sender", move |cx| async move {
        let to = cx.lookup("inbox").ok_or("no inbox")?;
        cx.send(
            Message::new(to, 1).with(Item::Ool(Ool { data: original })),
            SendPolicy::Block,
        )
        .await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("receiver", move |cx| async move {
        let inbox = cx.lookup("inbox").ok_or("no inbox")?;
        let message = cx
            .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
            .await?;
        let Item::Ool(region) = &message.body[0] else {
            return Err("no region".into());
        };
        let object = cx.memory_from_ool(region, None).await?;
        let mapping = cx.memory_map(object).await?;
        cx.memory_write(mapping, 0, Width::U8, 9).await?;
        push(
            &s,
            format!(
                "{} {}",
                cx.memory_read(mapping, 0, Width::U8).await?,
                region.data[0]
            ),
        );
        Ok::<(), kernel::Error>(())
    });
    k.allocate_port("receiver", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    k.give_send_right("sender", "inbox").unwrap();
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["9 1"],
        "the receiver's write is its own"
    );
    assert_eq!(kept[0], 1, "the sender's region is unchanged");
}

// ----- semaphores -----------------------------------------------------------------

#[test]
fn a_semaphore_wait_blocks_until_a_signal_and_waiters_are_served_in_order() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, Some("gate")).await?;
        share(&cx, gate, "w1.in").await?;
        share(&cx, gate, "w2.in").await?;
        cx.sleep(10).await;
        cx.semaphore_signal(gate).await?;
        cx.sleep(10).await;
        cx.semaphore_signal(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    for name in ["w1", "w2"] {
        let s = seen.clone();
        k.spawn(name, move |cx| async move {
            let gate = take_right(&cx, &format!("{}.in", cx.name())).await?;
            cx.semaphore_wait(gate).await?;
            push(&s, format!("{} at {}", cx.name(), cx.now_ns() / 1_000_000));
            Ok::<(), kernel::Error>(())
        });
    }
    with_inboxes(&mut k, "owner", &["w1", "w2"]);
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["w1 at 10", "w2 at 20"]);
}

#[test]
fn a_timed_semaphore_wait_runs_out_in_virtual_time() {
    let mut k = Kernel::builder().trace(true).build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let gate = cx.semaphore_create(1, None).await?;
        cx.semaphore_timed_wait(gate, 5).await?;
        let e = cx.semaphore_timed_wait(gate, 5).await.unwrap_err();
        push(&s, format!("{} at {}", e.code(), cx.now_ns() / 1_000_000));
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["operation_timed_out at 5"]);
    // The timed-out wait ends like any service wait: woken, then its one
    // `kernel_call` with the result.
    let ends: Vec<String> = k
        .trace()
        .iter()
        .filter_map(|r| match &r.event {
            kernel::trace::Event::TaskWoken { reason, .. } => Some(format!("woken {reason}")),
            kernel::trace::Event::KernelCall { call, code }
                if *call == kernel::trace::CallName::SemaphoreWait =>
            {
                Some(format!("{call} {code}"))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        ends,
        [
            "semaphore_wait success",
            "woken timeout",
            "semaphore_wait operation_timed_out"
        ]
    );
}

#[test]
fn waiters_of_a_destroyed_semaphore_are_terminated_and_its_rights_become_dead_names() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, None).await?;
        share(&cx, gate, "w.in").await?;
        cx.sleep(5).await;
        cx.semaphore_destroy(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    let s = seen.clone();
    k.spawn("w", move |cx| async move {
        let gate = take_right(&cx, "w.in").await?;
        let e = cx.semaphore_wait(gate).await.unwrap_err();
        push(&s, format!("{} at {}", e.code(), cx.now_ns() / 1_000_000));
        let (rights, _) = cx.port_type(gate).await?;
        push(&s, rights.to_string());
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "owner", &["w"]);
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["terminated at 5", "dead_name"]);
}

// ----- the textbook's producer and consumer over shared memory ------------------------

/// Runs the textbook's producer and consumer ([`workloads::producer_consumer`])
/// under a random schedule; returns the items the consumer got.
fn producer_consumer(items: u64, synchronised: bool, seed: u64) -> Vec<u64> {
    let mut k = Kernel::builder()
        .seed(seed)
        .schedule(ScheduleKind::Random)
        .step_limit(100_000)
        .build();
    let got = workloads::producer_consumer(&mut k, items, synchronised);
    run_clean(&mut k);
    got.lock().unwrap().clone()
}

#[test]
fn producer_and_consumer_with_semaphores_pass_every_item_once_in_order_under_any_seed() {
    for seed in 0..20 {
        assert_eq!(
            producer_consumer(12, true, seed),
            (1..=12).collect::<Vec<_>>(),
            "seed {seed}"
        );
    }
}

#[test]
fn producer_and_consumer_without_synchronisation_follow_the_textbooks_protocol_correctly() {
    // The textbook's bounded buffer with `in`/`out` and one free slot is correct for
    // one producer and one consumer as long as each index is written after its
    // slot: every seed still gives every item once.
    for seed in 0..20 {
        assert_eq!(
            producer_consumer(12, false, seed),
            (1..=12).collect::<Vec<_>>(),
            "seed {seed}"
        );
    }
}

// ----- pipes ----------------------------------------------------------------------------

#[test]
fn a_child_spawned_after_the_pipe_reads_what_the_parent_writes_then_end_of_file() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("parent", move |cx| async move {
        let (read, write) = cx.pipe(None).await?;
        let s2 = s.clone();
        cx.spawn("child", move |cx| async move {
            // The child closes its copy of the write end, or it would never see EOF.
            cx.pipe_close(write).await?;
            let mut got = Vec::new();
            loop {
                match cx.pipe_read(read, 3, false).await {
                    Ok(data) => got.extend_from_slice(&data),
                    Err(ServiceError::Eof) => break,
                    Err(e) => return Err(e.into()),
                }
            }
            push(&s2, String::from_utf8_lossy(&got).to_string());
            Ok::<(), kernel::Error>(())
        })
        .await?;
        cx.pipe_close(read).await?;
        cx.pipe_write(write, Bytes::from_static(b"hello, pipe"), false)
            .await?;
        cx.pipe_close(write).await?;
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["hello, pipe"]);
    assert!(
        k.inspect(|i| i.pipes()).is_empty(),
        "the pipe is gone once no task holds an end"
    );
}

#[test]
fn a_write_blocks_while_full_and_a_read_returns_what_is_there_up_to_its_size() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let (read, write) = cx.pipe(Some(8)).await?;
        let s2 = s.clone();
        cx.spawn("reader", move |cx| async move {
            cx.sleep(10).await;
            let a = cx.pipe_read(read, 5, false).await?;
            let b = cx.pipe_read(read, 100, false).await?;
            push(
                &s2,
                format!(
                    "read {} then {} at {}",
                    a.len(),
                    b.len(),
                    cx.now_ns() / 1_000_000
                ),
            );
            Ok::<(), kernel::Error>(())
        })
        .await?;
        let n = cx
            .pipe_write(write, Bytes::from_static(&[7; 12]), false)
            .await?;
        push(&s, format!("wrote {n} at {}", cx.now_ns() / 1_000_000));
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["wrote 12 at 10", "read 5 then 7 at 10"]
    );
}

#[test]
fn writes_of_up_to_512_bytes_are_atomic_and_larger_ones_go_in_as_room_allows() {
    let mut k = Kernel::builder().trace(true).build();
    k.spawn("t", |cx| async move {
        let (read, write) = cx.pipe(Some(1000)).await?;
        cx.pipe_write(write, Bytes::from(vec![1; 600]), false)
            .await?;
        // 400 bytes free: a 500-byte write is atomic, so nothing goes in.
        let e = cx
            .pipe_write(write, Bytes::from(vec![2; 500]), true)
            .await
            .unwrap_err();
        assert_eq!(e, ServiceError::WouldBlock);
        // A 700-byte write is not: 400 go in at once.
        let n = cx
            .pipe_write(write, Bytes::from(vec![3; 700]), true)
            .await?;
        assert_eq!(n, 400);
        let _ = read;
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
}

#[test]
fn writing_with_no_read_end_open_is_broken_pipe() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        let (read, write) = cx.pipe(None).await?;
        cx.pipe_close(read).await?;
        let e = cx
            .pipe_write(write, Bytes::from_static(b"x"), false)
            .await
            .unwrap_err();
        push(&s, e.code().to_string());
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["broken_pipe"]);
}

#[test]
fn pipe_ends_are_bad_handles_to_unrelated_tasks_and_to_children_spawned_before_the_pipe() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("parent", move |cx| async move {
        let s_early = s.clone();
        cx.spawn("early", move |cx| async move {
            cx.sleep(1).await;
            let e = cx.pipe_read(3, 1, true).await.unwrap_err();
            push(&s_early, format!("early child: {}", e.code()));
            Ok::<(), kernel::Error>(())
        })
        .await?;
        let (read, _write) = cx.pipe(None).await?;
        assert_eq!(read, 3);
        cx.sleep(2).await;
        Ok::<(), kernel::Error>(())
    });
    let s = seen.clone();
    k.spawn("stranger", move |cx| async move {
        cx.sleep(1).await;
        let e = cx.pipe_read(3, 1, true).await.unwrap_err();
        push(&s, format!("stranger: {}", e.code()));
    });
    run_clean(&mut k);
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, vec!["early child: bad_handle", "stranger: bad_handle"]);
}

// ----- named pipes ------------------------------------------------------------------------

#[test]
fn a_fifo_joins_unrelated_tasks_and_outlives_its_creator_until_unlinked() {
    let mut k = Kernel::builder().build();
    let seen = log();
    k.spawn("creator", |cx| async move {
        cx.named_pipe_create("/tmp/fifo", PipeMode::Fifo, None)
            .await?;
        Ok::<(), kernel::Error>(())
    });
    let s = seen.clone();
    k.spawn_at("reader", 5, move |cx| async move {
        // Opening for reading waits for a writer.
        let read = cx.named_pipe_open("/tmp/fifo", Access::Read, false).await?;
        push(&s, format!("reader opened at {}", cx.now_ns() / 1_000_000));
        let data = cx.pipe_read(read, 64, false).await?;
        push(&s, String::from_utf8_lossy(&data).to_string());
        assert_eq!(cx.pipe_read(read, 64, false).await, Err(ServiceError::Eof));
        Ok::<(), kernel::Error>(())
    });
    let s = seen.clone();
    k.spawn_at("writer", 10, move |cx| async move {
        let write = cx
            .named_pipe_open("/tmp/fifo", Access::Write, false)
            .await?;
        // Unlinking removes the name; the open ends keep working.
        cx.named_pipe_unlink("/tmp/fifo").await?;
        cx.pipe_write(write, Bytes::from_static(b"over the fifo"), false)
            .await?;
        cx.pipe_close(write).await?;
        let e = cx
            .named_pipe_open("/tmp/fifo", Access::Write, true)
            .await
            .unwrap_err();
        push(&s, e.code().to_string());
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["reader opened at 10", "over the fifo", "no_such_path"]
    );
}

#[test]
fn a_no_wait_fifo_open_for_writing_without_a_reader_would_block_and_for_reading_succeeds() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("t", move |cx| async move {
        cx.named_pipe_create("p", PipeMode::Fifo, None).await?;
        let e = cx
            .named_pipe_open("p", Access::Write, true)
            .await
            .unwrap_err();
        push(&s, e.code().to_string());
        let read = cx.named_pipe_open("p", Access::Read, true).await?;
        push(&s, format!("read end {read}"));
        let write = cx.named_pipe_open("p", Access::Write, true).await?;
        push(&s, format!("write end {write}"));
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["would_block", "read end 3", "write end 4"]
    );
}

#[test]
fn each_client_of_a_duplex_named_pipe_gets_its_own_two_way_instance() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("server", move |cx| async move {
        cx.named_pipe_create(r"\.\pipe\svc", PipeMode::Duplex, None)
            .await?;
        for _ in 0..2 {
            let end = cx.named_pipe_accept(r"\.\pipe\svc", false).await?;
            let request = cx.pipe_read(end, 64, false).await?;
            let mut reply = b"hi ".to_vec();
            reply.extend_from_slice(&request);
            cx.pipe_write(end, Bytes::from(reply), false).await?;
        }
        Ok::<(), kernel::Error>(())
    });
    for name in ["ann", "bob"] {
        let s = s.clone();
        k.spawn_at(name, 1, move |cx| async move {
            let end = cx
                .named_pipe_open(r"\.\pipe\svc", Access::ReadWrite, false)
                .await?;
            cx.pipe_write(end, Bytes::from(cx.name().to_string()), false)
                .await?;
            let reply = cx.pipe_read(end, 64, false).await?;
            push(&s, String::from_utf8_lossy(&reply).to_string());
            Ok::<(), kernel::Error>(())
        });
    }
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["hi ann", "hi bob"]);
}

#[test]
fn a_large_write_cut_short_by_the_last_reader_closing_reports_what_went_in() {
    let mut k = Kernel::builder().build();
    let seen = log();
    let s = seen.clone();
    k.spawn("writer", move |cx| async move {
        let (read, write) = cx.pipe(Some(1024)).await?;
        cx.spawn("reader", move |cx| async move {
            cx.pipe_close(write).await?;
            cx.sleep(1).await;
            cx.pipe_read(read, 100, false).await?;
            Ok::<(), kernel::Error>(())
        })
        .await?;
        cx.pipe_close(read).await?;
        let result = cx
            .pipe_write(write, Bytes::from(vec![0; 2000]), false)
            .await;
        push(&s, format!("{result:?}"));
        Ok::<(), kernel::Error>(())
    });
    run_clean(&mut k);
    assert_eq!(*seen.lock().unwrap(), vec!["Ok(1124)"]);
}
