//! Kernel semaphores: Mach's `semaphore_create`, `wait`, `timedwait` and `signal`.
//!
//! A semaphore is named by a port the kernel receives from (as in XNU), so a send
//! right to it travels in messages; it is destroyed when the last send right goes,
//! and tasks still waiting on it get `terminated`. Waiters are woken first come,
//! first served.

use super::{ObjectRef, ServiceError, ServiceReply, ServiceWait};
use crate::state::KernelState;
use crate::syscall::ServiceNow;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{Event, Label, PortDestroyReason, WakeReason};
use ports::{PortId, PortName, TaskId};
use std::collections::VecDeque;

/// A counting semaphore.
#[derive(Debug)]
pub(crate) struct Semaphore {
    pub(crate) label: Label,
    pub(crate) port: PortId,
    pub(crate) value: u32,
    pub(crate) waiters: VecDeque<TaskId>,
}

impl KernelState {
    /// `semaphore_create`: a semaphore with count `value`, and a send right naming
    /// it for `task`; `cause` is the task whose call made it, or `None` for the
    /// kernel (a semaphore a scenario declares before the run).
    pub(crate) fn semaphore_create(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        value: u32,
        label: Option<&str>,
    ) -> Result<PortName, ServiceError> {
        let (id, port, label) = self.object_port(cause, task, ObjectRef::Semaphore, label)?;
        self.services.semaphores.insert(
            id,
            Semaphore {
                label: label.clone(),
                port,
                value,
                waiters: VecDeque::new(),
            },
        );
        self.record(cause, |_| Event::SemaphoreCreated {
            semaphore: label.clone(),
            value,
        });
        self.give_object_send_right(cause, task, port)
    }

    fn semaphore_of(&mut self, task: TaskId, name: PortName) -> Result<u32, ServiceError> {
        match self.object_of(task, name)? {
            ObjectRef::Semaphore(id) => Ok(id),
            ObjectRef::Memory(_) => Err(ServiceError::InvalidRight),
        }
    }

    pub(crate) fn semaphore_wait(
        &mut self,
        task: TaskId,
        name: PortName,
        timeout_ms: Option<u64>,
    ) -> ServiceNow {
        let id = match self.semaphore_of(task, name) {
            Ok(id) => id,
            Err(e) => return ServiceNow::Done(Err(e)),
        };
        let Some(semaphore) = self.services.semaphores.get_mut(&id) else {
            return ServiceNow::Done(Err(ServiceError::InvalidRight));
        };
        let label = semaphore.label.clone();
        if semaphore.value > 0 {
            semaphore.value -= 1;
            let value = semaphore.value;
            self.record(Some(task), |_| Event::SemaphoreAcquired {
                semaphore: label.clone(),
                value,
            });
            return ServiceNow::Done(Ok(ServiceReply::Done));
        }
        if timeout_ms == Some(0) {
            return ServiceNow::Done(Err(ServiceError::OperationTimedOut));
        }
        semaphore.waiters.push_back(task);
        self.record(Some(task), |_| Event::SemaphoreBlocked {
            semaphore: label.clone(),
        });
        self.begin_wait(task, timeout_ms, |timer| Wait::Service {
            wait: ServiceWait::Semaphore { semaphore: id },
            timer,
        });
        ServiceNow::Blocked
    }

    pub(crate) fn semaphore_signal(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<ServiceReply, ServiceError> {
        let id = self.semaphore_of(task, name)?;
        let semaphore = self
            .services
            .semaphores
            .get_mut(&id)
            .ok_or(ServiceError::InvalidRight)?;
        let label = semaphore.label.clone();
        match semaphore.waiters.pop_front() {
            // The count passes straight to the first waiter.
            Some(waiter) => {
                let value = semaphore.value;
                self.record(Some(task), |_| Event::SemaphoreSignalled {
                    semaphore: label.clone(),
                    value,
                });
                self.record(Some(waiter), |_| Event::SemaphoreAcquired {
                    semaphore: label.clone(),
                    value,
                });
                self.wake(
                    waiter,
                    Reply::Service(Ok(ServiceReply::Done)),
                    WakeReason::Signalled,
                );
            }
            None => {
                semaphore.value = semaphore.value.saturating_add(1);
                let value = semaphore.value;
                self.record(Some(task), |_| Event::SemaphoreSignalled {
                    semaphore: label.clone(),
                    value,
                });
            }
        }
        Ok(ServiceReply::Done)
    }

    /// `semaphore_destroy`.
    pub(crate) fn semaphore_destroy(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<ServiceReply, ServiceError> {
        let id = self.semaphore_of(task, name)?;
        self.destroy_semaphore(id, Some(task));
        Ok(ServiceReply::Done)
    }

    /// A timed semaphore wait ran out.
    pub(super) fn semaphore_wait_expired(&mut self, task: TaskId, id: u32) {
        if let Some(semaphore) = self.services.semaphores.get_mut(&id) {
            semaphore.waiters.retain(|t| *t != task);
        }
        // `wake` records the wait's `kernel_call` with its result, as for every
        // service wait; the fired timer is already gone, so it cancels nothing.
        self.wake(
            task,
            Reply::Service(Err(ServiceError::OperationTimedOut)),
            WakeReason::Timeout,
        );
    }

    /// A semaphore is destroyed (explicitly, by `cause`'s `semaphore_destroy`, or by
    /// the kernel when its last send right went or its port died): its waiters get
    /// `terminated` and its port dies, so other rights to it become dead names.
    pub(super) fn destroy_semaphore(&mut self, id: u32, cause: Option<TaskId>) {
        let Some(semaphore) = self.services.semaphores.remove(&id) else {
            return;
        };
        let label = semaphore.label.clone();
        self.record(cause, |_| Event::SemaphoreDestroyed {
            semaphore: label.clone(),
        });
        for waiter in semaphore.waiters {
            if matches!(self.task(waiter).state, TaskState::Waiting(_)) {
                self.wake(
                    waiter,
                    Reply::Service(Err(ServiceError::Terminated)),
                    WakeReason::Terminated,
                );
            }
        }
        if self.port(semaphore.port).is_some() {
            self.destroy_port(semaphore.port, PortDestroyReason::ObjectFreed, None);
        }
    }
}
