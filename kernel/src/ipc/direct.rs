//! Direct naming: messages addressed to a task by name rather than through a right.
//!
//! Not Mach (whose ports are the only addresses); the textbook's alternative, kept
//! to contrast with it. Each task has a direct mailbox, a port it holds no name
//! for, made on first use; a direct send reaches it through a send right the kernel
//! makes for the one message, and a direct receive may take only what one sender
//! sent (symmetric naming) or anything (asymmetric).

use crate::error::{ReceiveError, SendError};
use crate::port::Receiver;
use crate::state::KernelState;
use crate::syscall::{ReceiveNow, SendNow};
use crate::task::{ReceiveOptions, ReceiveSource};
use crate::trace::Event;
use ports::{Message, PortName, QueueLimit, ReceivePolicy, SendPolicy, TaskId};

impl KernelState {
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
    pub(crate) fn sys_send_to_task(
        &mut self,
        task: TaskId,
        target: &str,
        message: Message,
        policy: SendPolicy,
    ) -> SendNow {
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
            return SendNow::Done(Err(SendError::InvalidDest(message)));
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
            return SendNow::Done(Err(match code {
                ports::ReturnCode::SendTooLarge => SendError::TooLarge(message),
                ports::ReturnCode::SendInvalidReply => SendError::InvalidReply(message),
                _ => SendError::InvalidRight(message),
            }));
        }
        if let Some(p) = self.port_mut(mailbox) {
            p.srights += 1;
        }
        let envelope = self.copyin_message(task, message, mailbox, None, size);
        self.send_envelope(task, envelope, policy)
    }

    /// Direct naming: receives from `task`'s direct mailbox, only what the task
    /// named `from` sent, or anything.
    pub(crate) fn sys_receive_from_task(
        &mut self,
        task: TaskId,
        from: Option<&str>,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> ReceiveNow {
        let from = match from {
            None => None,
            Some(name) => match self.task_names.get(name) {
                Some(id) => Some(*id),
                None => {
                    self.record(Some(task), |_| Event::ReceiveFailed {
                        port: None,
                        code: ports::ReturnCode::RcvInvalidName,
                    });
                    return ReceiveNow::Done(Err(ReceiveError::InvalidName));
                }
            },
        };
        let mailbox = self.direct_mailbox(task);
        self.receive_from(
            task,
            ReceiveSource::Direct { mailbox, from },
            PortName::NULL,
            policy,
            options,
        )
    }
}
