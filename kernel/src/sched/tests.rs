//! Asking a scheduler what it would pick with a task back in the queue gives
//! what putting the task back and picking gives: the same task, and the same
//! random numbers drawn, for every scheduler.

use super::{RunQueue, for_config};
use crate::config::Config;
use ports::{ScheduleKind, TaskId};
use proptest::prelude::*;

fn queue(schedule: ScheduleKind, seed: u64, tasks: u32) -> RunQueue {
    let config = Config {
        schedule,
        seed,
        ..Config::default()
    };
    let mut queue = RunQueue::new(for_config(&config));
    for index in 0..tasks {
        queue.task_created(TaskId::new(index, 0));
    }
    queue
}

fn schedule() -> impl Strategy<Value = ScheduleKind> {
    prop_oneof![
        Just(ScheduleKind::RoundRobin),
        Just(ScheduleKind::Random),
        (1u32..5).prop_map(|depth| ScheduleKind::Pct { depth }),
    ]
}

proptest! {
    #[test]
    fn picking_with_a_task_joined_is_picking_after_it_joins(
        schedule in schedule(),
        seed in any::<u64>(),
        // Each round: how many tasks to queue before the pick, and which task
        // made the call.
        rounds in prop::collection::vec((1u32..6, 0u32..8), 1..40),
    ) {
        let mut asked = queue(schedule, seed, 8);
        let mut pushed = queue(schedule, seed, 8);
        for (queued, caller) in rounds {
            let caller = TaskId::new(caller, 0);
            // The caller is running, so not queued.
            asked.remove(caller);
            pushed.remove(caller);
            for index in (0..8).filter(|i| *i != caller.index).take(queued as usize) {
                let task = TaskId::new(index, 0);
                if !asked.ready.contains(task) {
                    asked.push_back(task);
                    pushed.push_back(task);
                }
            }
            asked.stepped(caller);
            pushed.stepped(caller);
            let joined = asked.pick_joined(caller);
            pushed.push_back(caller);
            let picked = pushed.pick_next();
            prop_assert_eq!(Some(joined), picked);
            // Both go on from the same queue: the picked task off it, the caller
            // back at the end unless it was picked.
            if joined != caller {
                asked.remove(joined);
                asked.push_back(caller);
            }
            prop_assert_eq!(asked.ready.iter().collect::<Vec<_>>(), pushed.ready.iter().collect::<Vec<_>>());
        }
    }
}
