//! Kernel calls: the traps a task makes, and their dispatch (Hubris's `syscalls.rs`).

use crate::TaskFactory;
use crate::error::{ReceiveError, SendError, SendStatus, TaskExit};
use crate::kernel_port::KernelOp;
use crate::services::{ServiceError, ServiceReply};
use crate::state::KernelState;
use crate::task::{KernReply, ReceiveOptions, Reply, TaskState, Wait};
use crate::trace::Event;
use ports::{Message, PortName, ReceivePolicy, SendPolicy, TaskId};
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

/// What a call did at once: finished with its result, or left the task waiting,
/// its reply to come when the wait ends (another task's call, or a timer).
pub(crate) enum Now<T> {
    /// It finished, with its result (success or failure).
    Done(T),
    /// The task waits; it holds whatever the call still needs (a message to send).
    Blocked,
}

impl<T> Now<T> {
    /// The reply to park for a call that finished; `None` for one that waits.
    pub(crate) fn reply(self, wrap: impl FnOnce(T) -> Reply) -> Option<Reply> {
        match self {
            Now::Done(result) => Some(wrap(result)),
            Now::Blocked => None,
        }
    }
}

/// What a send did at once.
pub(crate) type SendNow = Now<Result<SendStatus, SendError>>;
/// What a receive did at once.
pub(crate) type ReceiveNow = Now<Result<Message, ReceiveError>>;
/// What a service call did at once.
pub(crate) type ServiceNow = Now<Result<ServiceReply, ServiceError>>;

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
    /// the task now waits (or ended). One function per call, each in the file of
    /// its concept (Hubris's `syscalls.rs`).
    pub(crate) fn execute(&mut self, task: TaskId, call: Call) -> Option<Reply> {
        // A step is a kernel call the trace shows (docs/stepping.md): a task's own
        // end is not one (the trace tells `exit` from a program's return no more
        // than Mach's `task_terminate` from falling off `main`), and `mach_msg`'s
        // combined send-and-receive is two, its send and its receive phase.
        if !matches!(call, Call::Exit(_)) {
            self.count_step(task);
        }
        self.ready.stepped(task);
        match call {
            Call::Send { message, policy } => {
                self.sys_send(task, message, policy).reply(Reply::Send)
            }
            Call::SendToTask {
                task: target,
                message,
                policy,
            } => self
                .sys_send_to_task(task, &target, message, policy)
                .reply(Reply::Send),
            Call::Receive {
                name,
                policy,
                options,
            } => self
                .sys_receive(task, name, policy, options)
                .reply(Reply::Receive),
            Call::ReceiveDirect {
                from,
                policy,
                options,
            } => self
                .sys_receive_from_task(task, from.as_deref(), policy, options)
                .reply(Reply::Receive),
            Call::SendReceive {
                message,
                policy,
                name,
                receive_policy,
                options,
            } => self.sys_send_receive(task, message, policy, name, receive_policy, options),
            Call::Kernel(op) => Some(Reply::Kern(self.sys_kernel(task, op))),
            Call::Service(op) => self.sys_service(task, op),
            Call::Sleep { ms } => self.sys_sleep(task, ms),
            Call::Yield => Some(self.sys_yield(task)),
            Call::Exit(exit) => {
                self.end_task(task, exit);
                None
            }
            Call::Spawn { name, factory } => {
                Some(Reply::Kern(self.spawn_child(task, &name, factory)))
            }
        }
    }

    /// `mach_msg` with `MACH_SEND_MSG | MACH_RCV_MSG`. A send that completes goes
    /// straight on to the receive, as `mach_msg` does; a send error returns
    /// without receiving; a send that waits answers when it goes in, and the task
    /// then makes the receive (`TaskContext::send_receive`).
    fn sys_send_receive(
        &mut self,
        task: TaskId,
        message: Message,
        policy: SendPolicy,
        name: PortName,
        receive_policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> Option<Reply> {
        match self.sys_send(task, message, policy) {
            Now::Done(Ok(_)) => {
                self.count_step(task);
                self.sys_receive(task, name, receive_policy, options)
                    .reply(Reply::Receive)
            }
            Now::Done(Err(e)) => Some(Reply::Send(Err(e))),
            Now::Blocked => None,
        }
    }

    /// Counts one step for `task` and for the run (the step limit reads it).
    fn count_step(&mut self, task: TaskId) {
        self.steps += 1;
        self.task_mut(task).steps += 1;
    }

    /// Sleeps `ms` of virtual time (`Wait::Sleep` until its timer); 0 only yields.
    fn sys_sleep(&mut self, task: TaskId, ms: u64) -> Option<Reply> {
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

    /// A yield is a sleep that ends now: one kernel step, shown as one.
    fn sys_yield(&mut self, task: TaskId) -> Reply {
        let now = self.now;
        self.record(Some(task), |_| Event::SleepStarted { until_ns: now });
        Reply::Kern(Ok(KernReply::Done))
    }
}
