//! Receiving: `NtReplyWaitReceivePort`'s receive half, and `NtListenPort`, which is
//! a receive that throws away whatever is not a connection request (reply.c,
//! listen.c).

use super::wait::LpcWait;
use super::{LpcNow, LpcOut};
use crate::state::KernelState;
use crate::syscall::Now;
use crate::trace::LpcDestroyReason;
use ports::lpc::LpcMessageType;
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtListenPort`: the first connection request on the handle's queue; every
    /// other message before it is taken and destroyed (`listen_discarded`).
    pub(super) fn nt_listen_port(&mut self, task: TaskId, handle: u32) -> LpcNow {
        match self.lpc_port_of(task, handle) {
            Ok(port) => self.lpc_receive(task, port, true, None),
            Err(status) => Now::Done(Err(status)),
        }
    }

    /// Takes the first message of the queue a receive through `port` reads (the
    /// connection port's for a server's handle, its own for a client port), or
    /// waits for one (at most `timeout_ms`; 0 does not wait: `timeout`).
    pub(super) fn lpc_receive(
        &mut self,
        task: TaskId,
        port: u32,
        listen: bool,
        timeout_ms: Option<u64>,
    ) -> LpcNow {
        let cause = Some(task);
        let queue = match self.lpc_receive_queue(port) {
            Ok(queue) => queue,
            Err(status) => return Now::Done(Err(status)),
        };
        while let Some(msg) = self.lpc_port_mut(queue).and_then(|p| p.queue.pop_front()) {
            if listen && msg.message.message_type != LpcMessageType::ConnectionRequest {
                self.lpc_destroy(cause, msg, LpcDestroyReason::ListenDiscarded);
                continue;
            }
            let received = self.lpc_take(cause, task, queue, msg);
            return Now::Done(Ok(LpcOut::Received(received)));
        }
        if timeout_ms == Some(0) {
            return Now::Done(Err(NtStatus::Timeout));
        }
        self.lpc_wait(task, LpcWait::Receive { queue, listen }, timeout_ms);
        Now::Blocked
    }
}
