//! Virtual time and the timers that move it.
//!
//! There is no wall clock in the simulated path. Time is a count of nanoseconds that
//! moves only when no task can run, and then jumps to the earliest pending timer.

use ports::TaskId;
use std::collections::BTreeMap;

/// Virtual time in nanoseconds since the run began.
pub type Ticks = u64;

/// Nanoseconds in one millisecond of virtual time.
pub const NS_PER_MS: Ticks = 1_000_000;

/// Converts milliseconds to ticks, saturating.
pub(crate) fn ms(ms: u64) -> Ticks {
    ms.saturating_mul(NS_PER_MS)
}

/// What happens when a timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// A task's timed wait (send, receive or sleep) ends; `token` must still match.
    WaitEnds { task: TaskId, token: u64 },
    /// A task reaches its start time.
    Start { task: TaskId },
    /// An outside fault is applied.
    Fault { index: usize },
}

/// A key that orders timers by deadline, then by the order they were set, so two
/// timers due at the same instant fire in a fixed order.
pub(crate) type TimerKey = (Ticks, u64);

/// The pending timers, earliest first.
///
/// A `BTreeMap` keyed by `(deadline, sequence)` gives the earliest timer in
/// `O(log n)` and removal of a cancelled one by key, with a deterministic order.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    pending: BTreeMap<TimerKey, TimerKind>,
    next_sequence: u64,
}

impl Timers {
    pub(crate) fn set(&mut self, deadline: Ticks, kind: TimerKind) -> TimerKey {
        let key = (deadline, self.next_sequence);
        self.next_sequence += 1;
        self.pending.insert(key, kind);
        key
    }

    pub(crate) fn cancel(&mut self, key: TimerKey) {
        self.pending.remove(&key);
    }

    pub(crate) fn earliest(&self) -> Option<(TimerKey, TimerKind)> {
        self.pending.first_key_value().map(|(k, v)| (*k, *v))
    }

    /// Removes and returns the earliest timer if it is due at or before `now`,
    /// faults first among those due at the same instant.
    pub(crate) fn pop_due(&mut self, now: Ticks) -> Option<TimerKind> {
        // Nothing due (the common case, checked on every step): no range to scan.
        if self.pending.first_key_value()?.0.0 > now {
            return None;
        }
        let fault = self
            .pending
            .range(..=(now, u64::MAX))
            .find(|(_, kind)| matches!(kind, TimerKind::Fault { .. }))
            .map(|(key, _)| *key);
        let key = match fault {
            Some(key) => key,
            None => {
                let (key, _) = self.pending.first_key_value()?;
                if key.0 > now {
                    return None;
                }
                *key
            }
        };
        self.pending.remove(&key)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
