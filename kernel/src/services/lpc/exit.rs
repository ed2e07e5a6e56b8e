//! A task's end, as LPC sees it (kill.c `PspExitThread`, close.c `LpcExitThread`),
//! in NT's order, within the one atomic step of the task's clean-up:
//!
//! 1. it leaves its LPC wait (a connection request not yet taken is destroyed);
//! 2. `LPC_CLIENT_DIED` goes through each port it registered, newest first;
//! 3. its slot empties (a message parked in it is destroyed) and it is marked
//!    ended (its client id still resolves: a late reply is a mismatch);
//! 4. its handles close in handle order, running the port rules (`close.rs`);
//! 5. its registrations go, deleting the ports only they kept.

use super::thread::Slotted;
use super::wait::LpcWait;
use crate::state::KernelState;
use crate::trace::LpcDestroyReason;
use ports::TaskId;
use ports::lpc::LpcMessageType;

impl KernelState {
    /// Step 1: `task` ended while blocked in `wait`.
    pub(crate) fn lpc_wait_abandoned(&mut self, task: TaskId, wait: &LpcWait) {
        match *wait {
            LpcWait::Receive { queue, .. } => {
                if let Some(port) = self.lpc_port_mut(queue) {
                    port.receivers.retain(|t| *t != task);
                }
            }
            LpcWait::Connect { connection, .. } => {
                let queued = self.lpc_port_mut(connection).and_then(|p| {
                    let at = p.queue.iter().position(|m| {
                        m.sender == Some(task)
                            && m.message.message_type == LpcMessageType::ConnectionRequest
                    })?;
                    p.queue.remove(at)
                });
                if let Some(msg) = queued {
                    self.lpc_destroy(None, msg, LpcDestroyReason::SenderEnded);
                }
            }
            LpcWait::Reply { .. } => {}
        }
    }

    /// Steps 2 and 3, before `task`'s handles close.
    pub(crate) fn lpc_thread_ending(&mut self, cause: Option<TaskId>, task: TaskId) {
        let Some(thread) = self.lpc_thread_of(task) else {
            return;
        };
        for port in thread.terminate_ports.clone() {
            self.lpc_kernel_datagram(cause, port, LpcMessageType::ClientDied, task);
        }
        let thread = self.lpc_thread(task);
        let parked = thread.reply_message.take();
        thread.port = None;
        thread.exited = true;
        if let Some(Slotted::Message(msg)) = parked {
            self.lpc_destroy(cause, msg, LpcDestroyReason::ReceiverEnded);
        }
        self.lpc_set_slot(cause, task, 0, None);
    }

    /// Step 5, after `task`'s handles closed.
    pub(crate) fn lpc_thread_ended(&mut self, cause: Option<TaskId>, task: TaskId) {
        let Some(thread) = self.services.lpc.threads.get_mut(&task) else {
            return;
        };
        for port in std::mem::take(&mut thread.terminate_ports) {
            self.lpc_delete_if_unreferenced(cause, port);
        }
    }
}
