//! `shm_producer` and `shm_consumer` over a buffer in shared memory: with and
//! without semaphores, one pair and several, bounded and unbounded.

use super::{exit_of, run_allowing_crashes, run_clean};
use crate::stock::shm_buffer::{BufferArgs, BufferKind, Synchronisation};
use crate::stock::{ShmConsumer, ShmProducer};
use crate::{ArgValue, Args, Registry};
use kernel::{Kernel, RunReport, ScheduleKind, TaskExit};

const SCHEDULES: [ScheduleKind; 3] = [
    ScheduleKind::RoundRobin,
    ScheduleKind::Random,
    ScheduleKind::Pct { depth: 3 },
];

fn unsynchronised() -> BufferArgs {
    BufferArgs {
        sync: Synchronisation::None,
        patience: 50,
        ..BufferArgs::default()
    }
}

fn with_mutex(buffer: BufferArgs) -> BufferArgs {
    BufferArgs {
        mutex: Some("mutex".to_string()),
        ..buffer
    }
}

fn producer(buffer: &BufferArgs, first: u64, count: u64) -> ShmProducer {
    ShmProducer {
        buffer: buffer.clone(),
        count,
        first,
    }
}

fn consumer(buffer: &BufferArgs, ranges: &[(u64, u64)]) -> ShmConsumer {
    ShmConsumer {
        buffer: buffer.clone(),
        ..ShmConsumer::expecting_ranges(ranges)
    }
}

/// Runs `producers` and `consumers` over "buffer" (sized for `buffer.kind`, or
/// `unbounded_bytes`), with "empty" = `empty`, "full" = 0 and "mutex" = 1 given to
/// every task.
fn run(
    seed: u64,
    schedule: ScheduleKind,
    buffer: &BufferArgs,
    producers: &[(&str, ShmProducer)],
    consumers: &[(&str, ShmConsumer)],
    empty: u32,
) -> (Kernel, RunReport) {
    let mut kernel = Kernel::builder()
        .seed(seed)
        .schedule(schedule)
        .step_limit(200_000)
        .build();
    let mut names = Vec::new();
    for (name, p) in producers {
        let p = p.clone();
        kernel.spawn(name, |cx| p.run(cx));
        names.push(*name);
    }
    for (name, c) in consumers {
        let c = c.clone();
        kernel.spawn(name, |cx| c.run(cx));
        names.push(*name);
    }
    let bytes = buffer.kind.bytes_needed().unwrap_or(16 + 8 * 64);
    kernel
        .create_memory_object("buffer", bytes, &names)
        .unwrap();
    kernel.create_semaphore("empty", empty, &names).unwrap();
    kernel.create_semaphore("full", 0, &names).unwrap();
    kernel.create_semaphore("mutex", 1, &names).unwrap();
    let report = run_clean(&mut kernel);
    (kernel, report)
}

#[test]
fn one_pair_with_semaphores_passes_every_item_once_under_every_schedule() {
    for kind in [BufferKind::Bounded(4), BufferKind::Unbounded] {
        let buffer = BufferArgs {
            kind,
            ..BufferArgs::default()
        };
        for schedule in SCHEDULES {
            for seed in 0..6 {
                let (kernel, report) = run(
                    seed,
                    schedule,
                    &buffer,
                    &[("producer", producer(&buffer, 1, 12))],
                    &[("consumer", consumer(&buffer, &[(1, 12)]))],
                    4,
                );
                let at = format!("{kind:?} {schedule} seed {seed}");
                assert_eq!(report.outcome.as_str(), "completed", "{at}");
                assert_eq!(
                    exit_of(&kernel, "producer"),
                    Some(TaskExit::Exited(0)),
                    "{at}"
                );
                assert_eq!(
                    exit_of(&kernel, "consumer"),
                    Some(TaskExit::Exited(0)),
                    "{at}"
                );
            }
        }
    }
}

#[test]
fn with_semaphores_empty_decides_how_many_slots_are_used() {
    // A consumer that starts late: the producer fills what `empty` allows, then waits.
    for (empty, filled) in [(4, 4), (3, 3)] {
        let buffer = BufferArgs::default();
        let mut kernel = Kernel::builder().trace(true).build();
        let p = producer(&buffer, 1, 6);
        kernel.spawn("producer", |cx| p.run(cx));
        let c = consumer(&buffer, &[(1, 6)]);
        kernel.spawn_at("consumer", 10, |cx| c.run(cx));
        kernel
            .create_memory_object("buffer", 48, &["producer", "consumer"])
            .unwrap();
        kernel
            .create_semaphore("empty", empty, &["producer", "consumer"])
            .unwrap();
        kernel
            .create_semaphore("full", 0, &["producer", "consumer"])
            .unwrap();
        run_clean(&mut kernel);
        let before_consumer = kernel
            .trace()
            .iter()
            .take_while(|r| r.t_ns == 0)
            .filter(|r| {
                matches!(&r.event, kernel::trace::Event::MemoryWritten { offset, .. } if *offset >= 16)
            })
            .count();
        assert_eq!(before_consumer, filled, "empty = {empty}");
        assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
    }
}

#[test]
fn one_pair_without_synchronisation_is_still_correct_lamports_ring_buffer() {
    for kind in [BufferKind::Bounded(3), BufferKind::Unbounded] {
        // A poll that fails sleeps 1 ms: under PCT, a task busy-waiting at a higher
        // priority would otherwise starve the other until its patience ran out.
        let buffer = BufferArgs {
            kind,
            poll_ms: 1,
            ..unsynchronised()
        };
        for schedule in SCHEDULES {
            for seed in 0..8 {
                let (kernel, _) = run(
                    seed,
                    schedule,
                    &buffer,
                    &[("producer", producer(&buffer, 1, 10))],
                    &[("consumer", consumer(&buffer, &[(1, 10)]))],
                    0,
                );
                let at = format!("{kind:?} {schedule} seed {seed}");
                assert_eq!(
                    exit_of(&kernel, "producer"),
                    Some(TaskExit::Exited(0)),
                    "{at}"
                );
                assert_eq!(
                    exit_of(&kernel, "consumer"),
                    Some(TaskExit::Exited(0)),
                    "{at}"
                );
            }
        }
    }
}

#[test]
fn two_unsynchronised_producers_in_lockstep_lose_the_first_item() {
    let buffer = unsynchronised();
    let (kernel, _) = run(
        0,
        ScheduleKind::RoundRobin,
        &buffer,
        &[
            ("p1", producer(&buffer, 1, 3)),
            ("p2", producer(&buffer, 101, 3)),
        ],
        &[("consumer", consumer(&buffer, &[(1, 3), (101, 3)]))],
        0,
    );
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(1)));
    // The producers cannot tell: each put all of its items.
    assert_eq!(exit_of(&kernel, "p1"), Some(TaskExit::Exited(0)));
    assert_eq!(exit_of(&kernel, "p2"), Some(TaskExit::Exited(0)));
}

/// The consumer's exit code for two producers under each of `seeds` (random).
fn two_producers(buffer: &BufferArgs, seeds: std::ops::Range<u64>) -> Vec<i32> {
    seeds
        .map(|seed| {
            let (kernel, _) = run(
                seed,
                ScheduleKind::Random,
                buffer,
                &[
                    ("p1", producer(buffer, 1, 4)),
                    ("p2", producer(buffer, 101, 4)),
                ],
                &[("consumer", consumer(buffer, &[(1, 4), (101, 4)]))],
                4,
            );
            match exit_of(&kernel, "consumer") {
                Some(TaskExit::Exited(code)) => code,
                other => panic!("seed {seed}: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn two_producers_race_without_a_mutex_under_some_seeds_and_never_with_one() {
    for sync in [unsynchronised(), BufferArgs::default()] {
        let racy = two_producers(&sync, 0..20);
        assert!(
            racy.iter().any(|code| *code != 0),
            "no seed showed the race with {:?}: {racy:?}",
            sync.sync
        );
        let safe = two_producers(&with_mutex(sync.clone()), 0..20);
        assert!(
            safe.iter().all(|code| *code == 0),
            "{:?}: {safe:?}",
            sync.sync
        );
    }
}

#[test]
fn two_unsynchronised_consumers_take_one_item_twice_under_some_seed() {
    let buffer = BufferArgs {
        patience: 20,
        ..unsynchronised()
    };
    let shared = |buffer: &BufferArgs| ShmConsumer {
        check: false,
        count: 8,
        ..consumer(buffer, &[(1, 8)])
    };
    let taken = |buffer: &BufferArgs, seed| {
        let (kernel, _) = run(
            seed,
            ScheduleKind::Random,
            buffer,
            &[("producer", producer(buffer, 1, 8))],
            &[("c1", shared(buffer)), ("c2", shared(buffer))],
            0,
        );
        ["c1", "c2"]
            .iter()
            .map(|c| match exit_of(&kernel, c) {
                Some(TaskExit::Exited(n)) => n,
                other => panic!("{c}: {other:?}"),
            })
            .sum::<i32>()
    };
    let totals: Vec<i32> = (0..20).map(|seed| taken(&buffer, seed)).collect();
    assert!(totals.iter().any(|t| *t > 8), "{totals:?}");
    let locked = with_mutex(buffer);
    let totals: Vec<i32> = (0..20).map(|seed| taken(&locked, seed)).collect();
    assert!(totals.iter().all(|t| *t == 8), "{totals:?}");
}

#[test]
fn an_unbounded_producer_never_waits_for_a_late_consumer() {
    let buffer = BufferArgs {
        kind: BufferKind::Unbounded,
        ..BufferArgs::default()
    };
    let mut kernel = Kernel::builder().build();
    let p = producer(&buffer, 1, 20);
    kernel.spawn("producer", |cx| p.run(cx));
    let c = consumer(&buffer, &[(1, 20)]);
    kernel.spawn_at("consumer", 5, |cx| c.run(cx));
    kernel
        .create_memory_object("buffer", 16 + 8 * 20, &["producer", "consumer"])
        .unwrap();
    kernel
        .create_semaphore("full", 0, &["producer", "consumer"])
        .unwrap();
    run_clean(&mut kernel);
    let producer_blocked = kernel.inspect(|k| {
        k.tasks()
            .into_iter()
            .find(|t| t.name == "producer")
            .map(|t| t.blocked_ns)
    });
    assert_eq!(producer_blocked, Some(0));
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(0)));
}

#[test]
fn an_unbounded_buffer_that_runs_out_of_object_crashes_its_producer() {
    let buffer = BufferArgs {
        kind: BufferKind::Unbounded,
        ..BufferArgs::default()
    };
    let mut kernel = Kernel::builder().build();
    let p = producer(&buffer, 1, 3);
    kernel.spawn("producer", |cx| p.run(cx));
    kernel
        .create_memory_object("buffer", 16 + 8 * 2, &["producer"])
        .unwrap();
    kernel.create_semaphore("full", 0, &["producer"]).unwrap();
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "producer"),
        Some(TaskExit::Crashed(
            "shm_producer: writing a slot at offset 32 is outside `buffer`: the unbounded \
             buffer ran out of memory object (make it larger)"
                .to_string()
        ))
    );
}

#[test]
fn a_bounded_buffer_too_small_for_its_slots_is_named_with_the_size_it_needs() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("producer", |cx| ShmProducer::default().run(cx));
    kernel
        .create_memory_object("buffer", 16, &["producer"])
        .unwrap();
    kernel.create_semaphore("empty", 4, &["producer"]).unwrap();
    kernel.create_semaphore("full", 0, &["producer"]).unwrap();
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "producer"),
        Some(TaskExit::Crashed(
            "shm_producer: writing a slot at offset 16 is outside `buffer`: a bounded buffer \
             of 4 slots needs 48 bytes"
                .to_string()
        ))
    );
}

#[test]
fn an_unsynchronised_consumer_gives_up_after_its_patience_and_names_the_missing_item() {
    let buffer = BufferArgs {
        patience: 5,
        poll_ms: 2,
        ..unsynchronised()
    };
    let mut kernel = Kernel::builder().build();
    let p = producer(&buffer, 7, 2);
    kernel.spawn("producer", |cx| p.run(cx));
    let c = consumer(&buffer, &[(7, 3)]);
    kernel.spawn_at("consumer", 1, |cx| c.run(cx));
    kernel
        .create_memory_object("buffer", 48, &["producer", "consumer"])
        .unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(9)));
    // From 1 ms: items 7 and 8, then five failed polls, 2 ms apart after each of
    // the first four.
    assert_eq!(report.end_ns, 9_000_000);
}

#[test]
fn an_unsynchronised_producer_gives_up_on_a_full_buffer_and_counts_what_it_kept() {
    let buffer = BufferArgs {
        patience: 3,
        ..unsynchronised()
    };
    let mut kernel = Kernel::builder().build();
    let p = producer(&buffer, 1, 5);
    kernel.spawn("producer", |cx| p.run(cx));
    kernel
        .create_memory_object("buffer", 48, &["producer"])
        .unwrap();
    run_clean(&mut kernel);
    // 4 slots, 3 usable: two items are not put.
    assert_eq!(exit_of(&kernel, "producer"), Some(TaskExit::Exited(2)));
}

#[test]
fn a_semaphore_timeout_ends_the_wait_for_items_that_never_come() {
    let buffer = BufferArgs {
        timeout_ms: Some(5),
        ..BufferArgs::default()
    };
    let mut kernel = Kernel::builder().build();
    let c = consumer(&buffer, &[(1, 2)]);
    kernel.spawn("consumer", |cx| c.run(cx));
    kernel
        .create_memory_object("buffer", 48, &["consumer"])
        .unwrap();
    kernel.create_semaphore("empty", 4, &["consumer"]).unwrap();
    kernel.create_semaphore("full", 0, &["consumer"]).unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "consumer"), Some(TaskExit::Exited(1)));
    assert_eq!(report.end_ns, 5_000_000);
}

#[test]
fn a_missing_right_is_a_crash_naming_the_section_that_gives_it() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("consumer", |cx| ShmConsumer::default().run(cx));
    kernel
        .create_memory_object("buffer", 48, &["consumer"])
        .unwrap();
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "consumer"),
        Some(TaskExit::Crashed(
            "shm_consumer: this task holds no right for the semaphore `empty`; name it among \
             the holders of its [[semaphore]]"
                .to_string()
        ))
    );
}

#[test]
fn the_verdict_names_the_smallest_missing_item_then_the_first_repeat() {
    let check = crate::stock::shm_consumer::verdict;
    assert_eq!(check(&[(1, 3)], &[1, 2, 3]), 0);
    assert_eq!(check(&[(1, 3)], &[3, 1, 2]), 0);
    assert_eq!(check(&[(1, 2), (101, 2)], &[101, 2, 102, 0]), 1);
    assert_eq!(check(&[(1, 2), (101, 2)], &[1, 101, 2, 102, 101]), -101);
    assert_eq!(check(&[(1, 2)], &[2, 2, 1, 1]), -2);
    assert_eq!(check(&[(5, 0)], &[]), 0);
}

#[test]
fn arguments_are_read_and_checked_by_name() {
    let registry = Registry::stock();
    let c = ShmConsumer::from_args(
        &Args::new()
            .with("kind", "unbounded")
            .with("sync", "none")
            .with("mutex", "m")
            .with(
                "items",
                vec![
                    ArgValue::Table(Args::new().with("first", 1).with("count", 4)),
                    ArgValue::Table(Args::new().with("first", 101).with("count", 4)),
                ],
            ),
    )
    .unwrap();
    assert_eq!(c.count, 8);
    assert_eq!(c.items, [(1, 4), (101, 4)]);
    assert_eq!(c.buffer.kind, BufferKind::Unbounded);
    assert_eq!(c.buffer.sync, Synchronisation::None);
    assert_eq!(c.buffer.mutex.as_deref(), Some("m"));
    let p = ShmProducer::from_args(&Args::new().with("slots", 8).with("first", 11)).unwrap();
    assert_eq!(p.buffer.kind, BufferKind::Bounded(8));
    assert_eq!((p.first, p.count), (11, 10));
    let error =
        |program: &str, args: Args| registry.validate(program, &args).unwrap_err().to_string();
    for (program, args, message) in [
        (
            "shm_producer",
            Args::new().with("kind", "circular"),
            "`kind`",
        ),
        ("shm_producer", Args::new().with("sync", "locks"), "`sync`"),
        ("shm_producer", Args::new().with("slots", 1), "from 2"),
        (
            "shm_producer",
            Args::new().with("first", 0),
            "numbered from 1",
        ),
        (
            "shm_producer",
            Args::new()
                .with("first", i64::from(i32::MAX))
                .with("count", 2),
            "at most 2147483647",
        ),
        (
            "shm_producer",
            Args::new().with("kind", "unbounded").with("slots", 4),
            "is for a bounded buffer",
        ),
        (
            "shm_producer",
            Args::new().with("kind", "unbounded").with("empty", "e"),
            "an unbounded one is never full",
        ),
        (
            "shm_consumer",
            Args::new().with("sync", "none").with("full", "f"),
            "is for sync = \"semaphores\"",
        ),
        (
            "shm_consumer",
            Args::new().with("items", vec![ArgValue::Int(3)]),
            "each entry is a table",
        ),
        (
            "shm_consumer",
            Args::new().with(
                "items",
                vec![ArgValue::Table(Args::new().with("first", 1).with("n", 2))],
            ),
            "unknown key `n`",
        ),
        (
            "shm_consumer",
            Args::new()
                .with("first", 1)
                .with("items", Vec::<ArgValue>::new()),
            "either `first` or `items`",
        ),
    ] {
        let text = error(program, args);
        assert!(text.contains(message), "{program}: {text}");
    }
}
