//! What a task blocked in an LPC call waits for, its start, its timeout, and how
//! the run and deadlock reports describe it.

use crate::services::ServiceWait;
use crate::state::KernelState;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{CallName, Event, LpcWaitKind, WakeReason};
use ports::{NtStatus, TaskId};

/// What a task blocked in an LPC call waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LpcWait {
    /// `NtConnectPort`: the server's answer to its connection request (its
    /// slot), then the completion.
    Connect {
        /// The connection port.
        connection: u32,
        /// The client port the connect made.
        client_port: u32,
    },
    /// `NtRequestWaitReplyPort`, `NtReplyWaitReplyPort`: a reply (or a callback)
    /// in its slot, on `chain`'s reply chain.
    Reply {
        /// The message id it waits to be answered on.
        message_id: u32,
        /// The port whose reply chain it is on.
        chain: u32,
        /// Which call waits.
        call: CallName,
    },
    /// `NtReplyWaitReceivePort`, `NtListenPort`: a message in `queue`.
    Receive {
        /// The port whose queue it waits on.
        queue: u32,
        /// Only a connection request will do (`NtListenPort`).
        listen: bool,
    },
}

impl LpcWait {
    /// The call a task waiting here is inside, for its `kernel_call`.
    pub(crate) fn call(&self) -> CallName {
        match self {
            LpcWait::Connect { .. } => CallName::NtConnectPort,
            LpcWait::Reply { call, .. } => *call,
            LpcWait::Receive { listen: true, .. } => CallName::NtListenPort,
            LpcWait::Receive { listen: false, .. } => CallName::NtReplyWaitReceivePort,
        }
    }

    fn kind(&self) -> LpcWaitKind {
        match self {
            LpcWait::Connect { .. } => LpcWaitKind::Connect,
            LpcWait::Reply { .. } => LpcWaitKind::Reply,
            LpcWait::Receive { listen: true, .. } => LpcWaitKind::Listen,
            LpcWait::Receive { listen: false, .. } => LpcWaitKind::Receive,
        }
    }

    /// The port it waits on.
    fn port(&self) -> u32 {
        match self {
            LpcWait::Connect { connection, .. } => *connection,
            LpcWait::Reply { chain, .. } => *chain,
            LpcWait::Receive { queue, .. } => *queue,
        }
    }
}

impl KernelState {
    /// `task` blocks in `wait` (for at most `timeout_ms`, a bounded receive); a
    /// receiver joins its queue's waiters.
    pub(super) fn lpc_wait(&mut self, task: TaskId, wait: LpcWait, timeout_ms: Option<u64>) {
        let until_ns = timeout_ms.map(|ms| self.now.saturating_add(crate::clock::ms(ms)));
        let message_id = match wait {
            LpcWait::Connect { .. } => self.lpc_thread_of(task).map_or(0, |t| t.reply_message_id),
            LpcWait::Reply { message_id, .. } => message_id,
            LpcWait::Receive { .. } => 0,
        };
        self.record(Some(task), |k| Event::LpcWaitStarted {
            kind: wait.kind(),
            port: k.lpc_label(wait.port()),
            message_id,
            until_ns,
        });
        if let LpcWait::Receive { queue, .. } = wait
            && let Some(port) = self.lpc_port_mut(queue)
        {
            port.receivers.push_back(task);
        }
        self.begin_wait(task, timeout_ms, |timer| Wait::Service {
            wait: ServiceWait::Lpc(wait),
            timer,
        });
    }

    /// `task` waits, in `call`, for the reply to `message_id`, sent or answered
    /// through `port` (who may answer it is checked against that port), on
    /// `chain`'s reply chain: its slot holds the id meanwhile.
    pub(super) fn lpc_await_reply(
        &mut self,
        task: TaskId,
        port: u32,
        message_id: u32,
        chain: u32,
        call: CallName,
    ) {
        self.lpc_thread(task).port = Some(port);
        self.lpc_set_slot(Some(task), task, message_id, Some(chain));
        let wait = LpcWait::Reply {
            message_id,
            chain,
            call,
        };
        self.lpc_wait(task, wait, None);
    }

    /// The LPC wait `task` is blocked in, if any.
    pub(super) fn lpc_waiting(&self, task: TaskId) -> Option<LpcWait> {
        match &self.task(task).state {
            TaskState::Waiting(Wait::Service {
                wait: ServiceWait::Lpc(wait),
                ..
            }) => Some(*wait),
            _ => None,
        }
    }

    /// A bounded receive ran out (`NtReplyWaitReceivePortEx`): `timeout`.
    pub(crate) fn lpc_wait_expired(&mut self, task: TaskId) {
        if let Some(LpcWait::Receive { queue, .. }) = self.lpc_waiting(task) {
            if let Some(port) = self.lpc_port_mut(queue) {
                port.receivers.retain(|t| *t != task);
            }
            let answer = super::LpcAnswer::failed(NtStatus::Timeout);
            self.wake(task, Reply::Lpc(answer), WakeReason::Timeout);
        }
    }

    /// What `waiter`'s LPC wait is, in words, and the tasks that could end it: a
    /// connect waits for the server; a reply for the holder of the port whose
    /// chain it is on (the server for a communication port, the client for a
    /// client port); a receive for the tasks that can send to its queue.
    pub(crate) fn lpc_wait_for(&self, waiter: TaskId, wait: &LpcWait) -> (String, Vec<TaskId>) {
        let label = |port: u32| self.lpc_label(port);
        let owner = |port: u32| {
            self.lpc_port(port)
                .filter(|p| p.handle.is_some())
                .map(|p| p.owner)
        };
        let alive = |t: &TaskId| *t != waiter && !self.task(*t).is_ended();
        let (text, tasks): (String, Vec<TaskId>) = match *wait {
            LpcWait::Connect { connection, .. } => (
                format!("connecting to {}", label(connection)),
                self.lpc_port(connection)
                    .map(|p| p.server)
                    .into_iter()
                    .collect(),
            ),
            LpcWait::Reply {
                message_id, chain, ..
            } => (
                format!(
                    "waiting for the reply to #{message_id} through {}",
                    label(chain)
                ),
                owner(chain).into_iter().collect(),
            ),
            LpcWait::Receive { queue, listen } => {
                let senders = self
                    .services
                    .lpc
                    .ports
                    .values()
                    .filter(|p| p.connection == Some(queue) || p.connected == Some(queue))
                    .filter(|p| p.handle.is_some())
                    .map(|p| p.owner)
                    .collect();
                let what = if listen { "listening" } else { "receiving" };
                (format!("{what} on {}", label(queue)), senders)
            }
        };
        (text, tasks.into_iter().filter(alive).collect())
    }
}
