//! Kernel calls: the traps a task makes, and their dispatch (Hubris's `syscalls.rs`).

use crate::TaskFactory;
use crate::error::{ReceiveError, SendError, TaskExit};
use crate::ipc::receive::ReceiveNow;
use crate::ipc::send::SendNow;
use crate::kernel_port::KernelOp;
use crate::port::Receiver;
use crate::state::KernelState;
use crate::task::{KernReply, ReceiveOptions, ReceiveSource, Reply, TaskState, Wait};
use crate::trace::Event;
use ports::{Message, PortName, QueueLimit, ReceivePolicy, SendPolicy, TaskId};
use std::task::Poll;

/// One trap into the kernel.
pub(crate) enum Call {
    Send {
        message: Message,
        policy: SendPolicy,
    },
    SendToTask {
        task: String,
        message: Message,
        policy: SendPolicy,
    },
    Receive {
        name: PortName,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    },
    ReceiveDirect {
        from: Option<String>,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    },
    /// `mach_msg` with `MACH_SEND_MSG | MACH_RCV_MSG`: send, then receive, in one trap.
    SendReceive {
        message: Message,
        policy: SendPolicy,
        name: PortName,
        receive_policy: ReceivePolicy,
        options: ReceiveOptions,
    },
    Kernel(KernelOp),
    Service(crate::services::ServiceOp),
    Sleep {
        ms: u64,
    },
    Yield,
    Exit(TaskExit),
    Spawn {
        name: String,
        factory: Option<TaskFactory>,
    },
}

impl KernelState {
    /// The kernel's entry point for a task's trap (Hubris's `safe_syscall_entry`):
    /// polled with the call the first time, and with `None` while the task waits,
    /// until its reply is parked. A call that finishes at once returns its reply
    /// straight away when the scheduler would let the task go on anyway.
    pub(crate) fn trap(&mut self, me: TaskId, call: Option<Call>) -> Poll<Reply> {
        let Some(call) = call else {
            return match self.task_mut(me).reply.take() {
                Some(reply) => Poll::Ready(reply),
                None => Poll::Pending,
            };
        };
        if self.halted.is_some() {
            return Poll::Pending;
        }
        // A call while another is still pending (a future polled once and dropped,
        // or two calls raced with `join!`) breaks the one-call-at-a-time contract:
        // the task is ended as crashed, and the pending call's message is not lost
        // (the clean-up destroys it with a reason).
        if matches!(self.task(me).state, TaskState::Waiting(_)) || self.task(me).reply.is_some() {
            self.end_task(
                me,
                TaskExit::Crashed("a kernel call while another was still pending".into()),
            );
            return Poll::Pending;
        }
        if self.steps >= self.config.step_limit {
            self.halted = Some(crate::state::Halt::StepLimit);
            return Poll::Pending;
        }
        match self.execute(me, call) {
            Some(reply) => {
                if self.continue_inline(me) {
                    Poll::Ready(reply)
                } else {
                    self.task_mut(me).reply = Some(reply);
                    self.make_ready(me);
                    Poll::Pending
                }
            }
            None => Poll::Pending,
        }
    }

    /// Runs one call for `task`: `Some(reply)` when it finished at once, `None` when
    /// the task now waits (or ended).
    pub(crate) fn execute(&mut self, task: TaskId, call: Call) -> Option<Reply> {
        self.steps += 1;
        self.task_mut(task).steps += 1;
        self.scheduler.stepped(task);
        match call {
            Call::Send { message, policy } => match self.sys_send(task, message, policy) {
                SendNow::Done(result) => Some(Reply::Send(result)),
                SendNow::Blocked => None,
            },
            Call::SendToTask {
                task: target,
                message,
                policy,
            } => Some(Reply::Send(
                self.send_direct(task, &target, message, policy)?,
            )),
            Call::Receive {
                name,
                policy,
                options,
            } => match self.sys_receive(task, name, policy, options) {
                ReceiveNow::Done(result) => Some(Reply::Receive(result)),
                ReceiveNow::Blocked => None,
            },
            Call::ReceiveDirect {
                from,
                policy,
                options,
            } => {
                let from = match from {
                    None => None,
                    Some(name) => match self.task_names.get(name.as_str()) {
                        Some(id) => Some(*id),
                        None => {
                            self.record(Some(task), |_| Event::ReceiveFailed {
                                port: None,
                                code: ports::ReturnCode::RcvInvalidName,
                            });
                            return Some(Reply::Receive(Err(ReceiveError::InvalidName)));
                        }
                    },
                };
                let mailbox = self.direct_mailbox(task);
                match self.receive_from(
                    task,
                    ReceiveSource::Direct { mailbox, from },
                    policy,
                    options,
                ) {
                    ReceiveNow::Done(result) => Some(Reply::Receive(result)),
                    ReceiveNow::Blocked => None,
                }
            }
            Call::SendReceive {
                message,
                policy,
                name,
                receive_policy,
                options,
            } => {
                match self.sys_send(task, message, policy) {
                    // A send that completes goes straight on to the receive, as
                    // `mach_msg` does; a send error returns without receiving.
                    SendNow::Done(Ok(_)) => {
                        match self.sys_receive(task, name, receive_policy, options) {
                            ReceiveNow::Done(result) => Some(Reply::Receive(result)),
                            ReceiveNow::Blocked => None,
                        }
                    }
                    SendNow::Done(Err(e)) => Some(Reply::Send(Err(e))),
                    SendNow::Blocked => None,
                }
            }
            Call::Kernel(op) => Some(Reply::Kern(self.sys_kernel(task, op))),
            Call::Service(op) => self.sys_service(task, op).map(Reply::Service),
            Call::Sleep { ms } => {
                let until = self.now.saturating_add(crate::clock::ms(ms));
                self.record(Some(task), |_| Event::SleepStarted { until_ns: until });
                if ms == 0 {
                    return Some(Reply::Kern(Ok(KernReply::Done)));
                }
                self.begin_wait(task, Some(ms), |timer| Wait::Sleep {
                    timer: timer.expect("a sleep has a timer"),
                });
                None
            }
            Call::Yield => {
                // A yield is a sleep that ends now: one kernel step, shown as one.
                let now = self.now;
                self.record(Some(task), |_| Event::SleepStarted { until_ns: now });
                Some(Reply::Kern(Ok(KernReply::Done)))
            }
            Call::Exit(exit) => {
                self.end_task(task, exit);
                None
            }
            Call::Spawn { name, factory } => {
                Some(Reply::Kern(self.spawn_child(task, &name, factory)))
            }
        }
    }

    /// The task's direct mailbox, made on first use: a port of capacity 5 that the
    /// task holds no name for, which only direct sends reach.
    pub(crate) fn direct_mailbox(&mut self, task: TaskId) -> ports::PortId {
        if let Some(mailbox) = self.task(task).direct_mailbox
            && self.port(mailbox).is_some()
        {
            return mailbox;
        }
        let label = format!("{}.direct", self.task(task).name);
        let mailbox = self.create_port(None, &label, QueueLimit::DEFAULT, Receiver::Task(task));
        self.task_mut(task).direct_mailbox = Some(mailbox);
        mailbox
    }

    /// Direct naming: a send to a task by name, into its direct mailbox.
    fn send_direct(
        &mut self,
        task: TaskId,
        target: &str,
        message: Message,
        policy: SendPolicy,
    ) -> Option<Result<crate::error::SendStatus, SendError>> {
        let receiver = self
            .task_names
            .get(target)
            .copied()
            .filter(|r| !self.task(*r).is_ended());
        let Some(receiver) = receiver else {
            self.record(Some(task), |_| Event::SendFailed {
                port: None,
                code: ports::ReturnCode::SendInvalidDest,
            });
            return Some(Err(SendError::InvalidDest(message)));
        };
        let mailbox = self.direct_mailbox(receiver);
        // The body's rights are checked as for any send; the destination is the
        // mailbox, reached through a send right the kernel makes for this message.
        for item in &message.body {
            if let ports::Item::Port(p) = item {
                self.refresh_name(task, p.name);
            }
        }
        let size = message.size();
        let refused = if size > self.config.max_message_bytes {
            Some(ports::ReturnCode::SendTooLarge)
        } else {
            self.check_body_only(task, &message).err()
        };
        if let Some(code) = refused {
            self.record(Some(task), |k| Event::SendFailed {
                port: Some(k.port_label(mailbox)),
                code,
            });
            return Some(Err(match code {
                ports::ReturnCode::SendTooLarge => SendError::TooLarge(message),
                ports::ReturnCode::SendInvalidReply => SendError::InvalidReply(message),
                _ => SendError::InvalidRight(message),
            }));
        }
        if let Some(p) = self.port_mut(mailbox) {
            p.srights += 1;
        }
        let envelope = self.copyin_message_with_dest(task, message, mailbox, size);
        match self.send_envelope(task, envelope, policy) {
            SendNow::Done(result) => Some(result),
            SendNow::Blocked => None,
        }
    }
}
