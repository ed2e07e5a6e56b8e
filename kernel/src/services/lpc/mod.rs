//! Windows NT's local procedure call (LPC), as a kernel service: connection
//! ports, port pairs, messages copied through the kernel or left in a shared
//! section, replies handed to the waiting task, callbacks, and the clean-up when a
//! port or a task goes.
//!
//! The model is NT 5.x's (the textbook's "Windows XP"), as ReactOS's clean-room
//! `ntoskrnl/lpc` implements it; the files mirror ReactOS's, one concept each:
//! the ports and their routing (`port.rs`), the messages (`message.rs`), each
//! task's reply slot (`thread.rs`), `NtCreatePort` (`create.rs`), `NtConnectPort`
//! (`connect.rs`), accept and complete (`complete.rs`), receiving and listening
//! (`receive.rs`), the requests (`send.rs`), the replies (`reply.rs`), a waiting
//! client's memory read and written directly (`request_data.rs`), port views
//! (`view.rs`), closing and deleting ports (`close.rs`), a task's end
//! (`exit.rs`), the waits (`wait.rs`) and the audit's checks (`audit.rs`).
//!
//! What makes LPC unlike Mach: a server's one named connection port queues every
//! client's messages; a reply goes to a *task*, named by its client id and the
//! message id, straight into that task's one reply slot, never through a queue;
//! queues have no limit (each client has at most one request outstanding); and
//! large data lives in a section mapped into both tasks once, at connect time.
//!
//! A task reaches the service as it reaches every service, by a request to its
//! kernel port (ids 5401–5414), and every call ends with a `kernel_call` whose
//! code is an NT status.

mod api;
mod audit;
mod close;
mod complete;
mod connect;
mod create;
mod exit;
mod info;
mod message;
mod op;
mod port;
mod receive;
mod reply;
mod request_data;
mod send;
#[cfg(test)]
mod tests;
mod thread;
mod view;
mod wait;

pub use api::{AcceptConnect, Accepted, Connection, PortView, Received, RemotePortView};
pub use op::LpcOp;
pub(crate) use wait::LpcWait;

use crate::state::KernelState;
use crate::syscall::Now;
use crate::task::Reply;
use crate::trace::Event;
use bytes::Bytes;
use message::DataInfoRecord;
use port::LpcPort;
use ports::NtStatus;
use ports::TaskId;
use ports::lpc::PortMessage;
use std::collections::BTreeMap;
use thread::LpcThread;

/// The LPC service's tables, kept in the kernel state.
#[derive(Debug, Default)]
pub(crate) struct Lpc {
    /// Every live port, by its id.
    ports: BTreeMap<u32, LpcPort>,
    /// Connection ports by name, until their names are deleted.
    names: BTreeMap<String, u32>,
    /// Each task's reply slot and registrations, made when it first meets LPC;
    /// kept after it ends (its client id still resolves).
    threads: BTreeMap<TaskId, LpcThread>,
    /// Client ids to tasks.
    cids: BTreeMap<u32, TaskId>,
    /// Received requests that carry data information, kept until replied to
    /// (NT's `LpcDataInfoChainHead`).
    data_info: Vec<DataInfoRecord>,
    next_port: u32,
    /// NT's `LpcpNextMessageId`: starts at 1, never 0.
    next_message_id: u32,
    /// NT's `LpcpNextCallbackId`: starts at 1, never 0.
    next_callback_id: u32,
    next_cid: u32,
    /// Messages made, received and destroyed, for the audit's conservation.
    counts: LpcCounts,
}

/// LPC messages that entered the kernel, and how they left it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LpcCounts {
    sent: u64,
    received: u64,
    destroyed: u64,
}

/// What an LPC call answers: NT's status, and what the call writes back (NT's
/// out-parameters, which a refused connect fills in too).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LpcAnswer {
    pub(crate) status: NtStatus,
    pub(crate) out: LpcOut,
}

/// What an LPC call writes back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LpcOut {
    /// Nothing.
    Nothing,
    /// A new port's handle.
    Handle(u32),
    /// A completed connection (`NtConnectPort`).
    Connection(Connection),
    /// The server's answer to a refused connect.
    ConnectionInfo(Bytes),
    /// A message out of the task's reply slot: a reply, or a callback.
    Message(PortMessage),
    /// A message out of a queue, with its connection's context.
    Received(Received),
    /// What an accept made.
    Accepted(Accepted),
    /// Bytes read from a waiting client's memory.
    Data(Bytes),
    /// How many bytes were written into a waiting client's memory.
    Count(u32),
}

impl LpcAnswer {
    /// A call that failed: its status, nothing written back.
    pub(crate) fn failed(status: NtStatus) -> LpcAnswer {
        LpcAnswer {
            status,
            out: LpcOut::Nothing,
        }
    }

    fn of(result: Result<LpcOut, NtStatus>) -> LpcAnswer {
        match result {
            Ok(out) => LpcAnswer {
                status: NtStatus::Success,
                out,
            },
            Err(status) => LpcAnswer::failed(status),
        }
    }
}

/// What an LPC call did at once: finished (with its out-parameters or its
/// failure), or left the task waiting.
pub(super) type LpcNow = Now<Result<LpcOut, NtStatus>>;

impl KernelState {
    /// Serves one LPC call for `task` (its request already traced): the reply to
    /// park when it finished at once (its `kernel_call` recorded), `None` when the
    /// task now waits.
    pub(crate) fn sys_lpc(&mut self, task: TaskId, op: LpcOp) -> Option<Reply> {
        let call = op.name();
        let answer = match self.serve_lpc(task, op) {
            Now::Done(result) => LpcAnswer::of(result),
            Now::Blocked => return None,
        };
        self.record(Some(task), |_| Event::KernelCall {
            call,
            code: answer.status.into(),
        });
        Some(Reply::Lpc(answer))
    }

    /// One function per call, each in the file of its concept.
    fn serve_lpc(&mut self, task: TaskId, op: LpcOp) -> LpcNow {
        let done = Now::Done;
        match op {
            LpcOp::CreatePort {
                name,
                max_connection_info_length,
                max_message_length,
            } => done(
                self.nt_create_port(
                    Some(task),
                    task,
                    &name,
                    max_connection_info_length,
                    max_message_length,
                )
                .map(LpcOut::Handle),
            ),
            LpcOp::ConnectPort {
                name,
                client_view,
                connection_info,
            } => self.nt_connect_port(task, &name, client_view, &connection_info),
            LpcOp::ListenPort { port } => self.nt_listen_port(task, port),
            LpcOp::AcceptConnectPort {
                client_id,
                message_id,
                how,
            } => done(self.nt_accept_connect_port(task, client_id, message_id, how)),
            LpcOp::CompleteConnectPort { port } => done(self.nt_complete_connect_port(task, port)),
            LpcOp::RequestPort { port, message } => {
                done(self.nt_request_port(task, port, &message))
            }
            LpcOp::RequestWaitReplyPort { port, request } => {
                self.nt_request_wait_reply_port(task, port, &request)
            }
            LpcOp::ReplyPort { port, reply } => done(self.nt_reply_port(task, port, &reply)),
            LpcOp::ReplyWaitReceivePort {
                port,
                reply,
                timeout_ms,
            } => self.nt_reply_wait_receive_port(task, port, reply.as_ref(), timeout_ms),
            LpcOp::ReplyWaitReplyPort { port, reply } => {
                self.nt_reply_wait_reply_port(task, port, &reply)
            }
            LpcOp::ReadRequestData {
                port,
                request,
                index,
                length,
            } => done(self.nt_read_request_data(task, port, &request, index, length)),
            LpcOp::WriteRequestData {
                port,
                request,
                index,
                data,
            } => done(self.nt_write_request_data(task, port, &request, index, data)),
            LpcOp::RegisterThreadTerminatePort { port } => {
                done(self.nt_register_thread_terminate_port(task, port))
            }
            LpcOp::Close { handle } => done(self.nt_close(task, handle)),
        }
    }
}
