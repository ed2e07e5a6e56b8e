//! Semaphores: their counts and the tasks waiting on them.

use super::super::State;
use super::ServiceWait;
use serde::Serialize;
use trace::{Event, EventKind, Label, TraceItem};

/// A live semaphore (its port is a live port whose receiver is the kernel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Semaphore {
    /// Its label (its port's).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its count.
    pub value: u32,
    /// Tasks waiting, first come first served.
    pub waiters: Vec<Label>,
}

impl State {
    fn semaphore_mut(&mut self, seq: u64, label: &str) -> Option<&mut Semaphore> {
        self.semaphores
            .expect_mut(label, seq, &mut self.inconsistencies, || {
                format!("semaphore {label} is not alive")
            })
    }

    pub(in crate::stepper::state) fn apply_semaphore(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::SemaphoreCreated { semaphore, value } => {
                self.expect_object_port(seq, "semaphore", semaphore);
                self.semaphores.insert_new(
                    semaphore.clone(),
                    seq,
                    Semaphore {
                        label: semaphore.clone(),
                        created_at: seq,
                        value: *value,
                        waiters: Vec::new(),
                    },
                    &mut self.inconsistencies,
                    || format!("semaphore {semaphore} is made a second time"),
                );
            }
            Event::SemaphoreAcquired { semaphore, value } => {
                let task = self.actor(seq, actor, EventKind::SemaphoreAcquired);
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.value = *value;
                    // A waiter handed the unit by a signal is no longer waiting.
                    if let Some(task) = &task {
                        s.waiters.retain(|w| w != task);
                    }
                }
            }
            Event::SemaphoreBlocked { semaphore } => {
                let Some(task) = self.actor(seq, actor, EventKind::SemaphoreBlocked) else {
                    return;
                };
                let timeout_ms = self.call_of(&task).and_then(|c| match c.body.get(1) {
                    Some(TraceItem::U64(ms)) if *ms != u64::MAX => Some(*ms),
                    _ => None,
                });
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.waiters.push(task.clone());
                }
                let wait = ServiceWait::Semaphore {
                    semaphore: semaphore.clone(),
                    timeout_ms,
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a semaphore");
            }
            Event::SemaphoreSignalled { semaphore, value } => {
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.value = *value;
                }
            }
            // Its waiters are woken (`terminated`) by the events that follow.
            Event::SemaphoreDestroyed { semaphore } => {
                let destroyed = self.semaphores.remove(semaphore);
                if destroyed.is_none() {
                    let problem = format!("semaphore {semaphore} is destroyed but it is not alive");
                    self.inconsistent(seq, problem);
                }
            }
            _ => {}
        }
    }
}
