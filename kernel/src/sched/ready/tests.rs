//! The ready queue behaves exactly as the `VecDeque` it replaced: same members,
//! same order, same k-th member, whatever mix of operations.

use super::ReadyQueue;
use ports::TaskId;
use proptest::prelude::*;
use std::collections::VecDeque;

#[derive(Clone, Debug)]
enum Op {
    PushBack(u32),
    Remove(u32),
    PopNth(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..40).prop_map(Op::PushBack),
        2 => (0u32..40).prop_map(Op::Remove),
        3 => (0usize..50).prop_map(Op::PopNth),
    ]
}

/// Task ids with a generation that changes with the index, so a stale id (same
/// index, other generation) is told apart.
fn task(n: u32) -> TaskId {
    TaskId::new(n % 20, n / 20)
}

fn check(ranked: bool, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut queue = ReadyQueue::new(ranked);
    let mut model: VecDeque<TaskId> = VecDeque::new();
    for op in ops {
        match *op {
            // A task id is queued at most once, and only one generation of an index
            // is alive at a time, as in the kernel.
            Op::PushBack(n) if model.iter().any(|t| t.index == task(n).index) => {}
            Op::PushBack(n) => {
                queue.push_back(task(n));
                model.push_back(task(n));
            }
            Op::Remove(n) => {
                let was = model.iter().position(|t| *t == task(n));
                if let Some(at) = was {
                    model.remove(at);
                }
                prop_assert_eq!(queue.remove(task(n)).is_some(), was.is_some());
            }
            Op::PopNth(k) if model.is_empty() => prop_assert_eq!(queue.nth(k), None),
            Op::PopNth(k) => {
                let k = k % model.len();
                let expected = model.remove(k);
                prop_assert_eq!(queue.nth(k), expected);
                if let Some(t) = expected {
                    prop_assert!(queue.remove(t).is_some());
                }
            }
        }
        prop_assert_eq!(queue.len(), model.len());
        prop_assert_eq!(queue.front(), model.front().copied());
        prop_assert_eq!(queue.iter().collect::<Vec<_>>(), Vec::from(model.clone()));
        for t in &model {
            prop_assert!(queue.contains(*t));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn a_ranked_queue_keeps_the_order_of_a_vecdeque(ops in prop::collection::vec(op(), 0..300)) {
        check(true, &ops)?;
    }

    #[test]
    fn an_unranked_queue_keeps_the_order_of_a_vecdeque(ops in prop::collection::vec(op(), 0..300)) {
        check(false, &ops)?;
    }
}

#[test]
fn stamps_follow_queue_order() {
    let mut queue = ReadyQueue::new(false);
    let a = queue.push_back(task(1));
    let b = queue.push_back(task(2));
    assert!(a < b);
    assert_eq!(queue.remove(task(1)), Some(a));
    assert_eq!(queue.remove(task(1)), None);
}

#[test]
fn a_queue_that_keeps_emptying_stays_small() {
    let mut queue = ReadyQueue::new(true);
    for round in 0..10_000 {
        queue.push_back(task(round % 2));
        assert_eq!(queue.nth(0), Some(task(round % 2)));
        queue.remove(task(round % 2));
    }
    assert!(queue.slots.len() <= 16, "{} slots", queue.slots.len());
}
