//! The receive path: take a message from a port, a port set or the direct mailbox.

use crate::envelope::Envelope;
use crate::error::{ReceiveError, SendStatus};
use crate::state::KernelState;
use crate::syscall::ReceiveNow;
use crate::task::{ReceiveOptions, ReceiveSource, Reply, Wait};
use crate::trace::{Event, MessageDestroyReason, WakeReason};
use ports::{EntryObject, Message, PortId, PortName, ReceivePolicy, ReturnCode, RightKind, TaskId};

impl KernelState {
    /// `mach_msg` with `MACH_RCV_MSG` on `name` (a receive right or a port set).
    pub(crate) fn sys_receive(
        &mut self,
        task: TaskId,
        name: PortName,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> ReceiveNow {
        let entry = self.task(task).space.get(name).copied();
        let source = match entry {
            Some(e) if e.rights.contains(RightKind::Receive) => {
                let EntryObject::Port(port) = e.object else {
                    unreachable!("a receive right names a port")
                };
                if self.port(port).and_then(|p| p.set).is_some() {
                    self.record_receive_failed(task, port, ReturnCode::RcvInSet);
                    return ReceiveNow::Done(Err(ReceiveError::InSet));
                }
                ReceiveSource::Port(port)
            }
            Some(e) if e.rights.contains(RightKind::PortSet) => {
                let EntryObject::PortSet(set) = e.object else {
                    unreachable!("a port-set right names a set")
                };
                ReceiveSource::Set(set)
            }
            _ => {
                self.record(Some(task), |_| Event::ReceiveFailed {
                    port: None,
                    code: ReturnCode::RcvInvalidName,
                });
                return ReceiveNow::Done(Err(ReceiveError::InvalidName));
            }
        };
        self.receive_from(task, source, name, policy, options)
    }

    /// Takes a message from `source` now, or waits as `policy` says; `name` is
    /// the task's name for the port it receives on (`NULL` if none).
    pub(crate) fn receive_from(
        &mut self,
        task: TaskId,
        source: ReceiveSource,
        name: PortName,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> ReceiveNow {
        if let Some(result) = self.try_take(task, source, name, options) {
            return ReceiveNow::Done(result);
        }
        if policy.wait_ms() == Some(0) {
            self.record(Some(task), |k| Event::ReceiveFailed {
                port: Some(k.source_label(source)),
                code: ReturnCode::RcvTimedOut,
            });
            return ReceiveNow::Done(Err(ReceiveError::TimedOut));
        }
        match source {
            ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => {
                if let Some(port) = self.port_mut(p) {
                    port.waiting_receiver = Some(task);
                }
            }
            ReceiveSource::Set(s) => {
                if let Some(set) = self.set_mut(s) {
                    set.waiting_receiver = Some(task);
                }
            }
        }
        let until_ns = policy
            .wait_ms()
            .map(|ms| self.now.saturating_add(crate::clock::ms(ms)));
        self.record(Some(task), |k| Event::ReceiveBlocked {
            port: k.source_label(source),
            until_ns,
        });
        self.begin_wait(task, policy.wait_ms(), |timer| Wait::Receive {
            source,
            name,
            options,
            timer,
        });
        ReceiveNow::Blocked
    }

    /// The label of the port or set a receive takes from, for the trace.
    fn source_label(&self, source: ReceiveSource) -> crate::trace::Label {
        match source {
            ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => self.port_label(p),
            ReceiveSource::Set(s) => self.set_label(s),
        }
    }

    /// The oldest acceptable message of `source`, taken and copied out, or a
    /// too-large error; `None` when there is nothing to take.
    fn try_take(
        &mut self,
        task: TaskId,
        source: ReceiveSource,
        name: PortName,
        options: ReceiveOptions,
    ) -> Option<Result<Message, ReceiveError>> {
        let (port, from) = match source {
            ReceiveSource::Port(port) => (port, None),
            ReceiveSource::Direct { mailbox, from } => (mailbox, from),
            ReceiveSource::Set(set) => {
                let members = &self.set(set)?.members;
                // Mach 3.0 keeps one queue per set: the message that arrived first.
                let oldest = members
                    .iter()
                    .filter_map(|m| {
                        self.port(*m)
                            .and_then(|p| p.queue.front())
                            .map(|e| (e.arrival, *m))
                    })
                    .min()
                    .map(|(_, m)| m);
                let port = oldest.or_else(|| {
                    members.iter().copied().find(|m| {
                        self.port(*m).is_some_and(|p| {
                            p.queue.limit().is_rendezvous() && p.has_blocked_senders()
                        })
                    })
                })?;
                (port, None)
            }
        };
        let p = self.port(port)?;
        let front_size = match from {
            None => p.queue.front().map(|e| e.size),
            Some(sender) => p.queue.find(|e| e.sender() == Some(sender)).map(|e| e.size),
        };
        match front_size {
            Some(size) => {
                if let Some(error) = self.too_large(task, port, size, options) {
                    if let ReceiveError::TooLarge {
                        destroyed: true, ..
                    } = error
                    {
                        let envelope = self.dequeue(port, from)?;
                        self.destroy_too_large(port, envelope);
                        self.admit_blocked_senders(port);
                    }
                    return Some(Err(error));
                }
                let envelope = self.dequeue(port, from)?;
                let message = self.take_delivered(task, envelope, name);
                self.admit_blocked_senders(port);
                Some(Ok(message))
            }
            None if p.queue.limit().is_rendezvous()
                && p.has_blocked_senders()
                && from.is_none() =>
            {
                // A zero-capacity link: take the first blocked sender's message.
                let sender = *p.extra.as_ref()?.blocked_senders.front()?;
                let size = match &self.task(sender).state {
                    crate::task::TaskState::Waiting(Wait::Send { envelope, .. }) => envelope.size,
                    _ => return None,
                };
                if let Some(error) = self.too_large(task, port, size, options) {
                    if let ReceiveError::TooLarge {
                        destroyed: true, ..
                    } = error
                    {
                        self.pop_blocked_sender(port);
                        let envelope = self.take_blocked_envelope(sender)?;
                        self.destroy_too_large(port, envelope);
                        self.wake(sender, Reply::Send(Ok(SendStatus::Sent)), WakeReason::Taken);
                    }
                    return Some(Err(error));
                }
                self.pop_blocked_sender(port);
                let envelope = self.take_blocked_envelope(sender)?;
                self.wake(sender, Reply::Send(Ok(SendStatus::Sent)), WakeReason::Taken);
                Some(Ok(self.take_delivered(task, envelope, name)))
            }
            None => None,
        }
    }

    fn pop_blocked_sender(&mut self, port: PortId) {
        if let Some(p) = self.port_mut(port)
            && let Some(extra) = p.extra.as_mut()
        {
            extra.blocked_senders.pop_front();
        }
    }

    fn dequeue(&mut self, port: PortId, from: Option<TaskId>) -> Option<Envelope> {
        let p = self.port_mut(port)?;
        match from {
            None => p.queue.pop(),
            Some(sender) => p.queue.take_first(|e| e.sender() == Some(sender)),
        }
    }

    /// Destroys a message too large for its receiver (who did not ask for
    /// `large`). It was dequeued, so it uses up a sequence number as a received
    /// message would.
    pub(crate) fn destroy_too_large(&mut self, port: PortId, envelope: Envelope) {
        if let Some(p) = self.port_mut(port) {
            p.seqno = p.seqno.wrapping_add(1);
        }
        self.destroy_message(envelope, MessageDestroyReason::TooLarge);
    }

    /// Mach's `MACH_RCV_TOO_LARGE` check: `None` if a message of `size` bytes fits
    /// the receive; otherwise records the failure and says whether the message is
    /// destroyed (no `large`) or stays for a larger receive.
    pub(crate) fn too_large(
        &mut self,
        task: TaskId,
        port: PortId,
        size: u32,
        options: ReceiveOptions,
    ) -> Option<ReceiveError> {
        let max = options.max_bytes?;
        if size <= max {
            return None;
        }
        self.record_receive_failed(task, port, ReturnCode::RcvTooLarge);
        Some(ReceiveError::TooLarge {
            size,
            destroyed: !options.large,
        })
    }

    /// A waiting receive ran out of time.
    pub(crate) fn receive_wait_expired(&mut self, task: TaskId) {
        let source = match &self.task(task).state {
            crate::task::TaskState::Waiting(Wait::Receive { source, .. }) => *source,
            _ => return,
        };
        self.clear_waiting_receiver(task, source);
        self.record(Some(task), |k| Event::ReceiveFailed {
            port: Some(k.source_label(source)),
            code: ReturnCode::RcvTimedOut,
        });
        self.wake(
            task,
            Reply::Receive(Err(ReceiveError::TimedOut)),
            WakeReason::Timeout,
        );
    }
}
