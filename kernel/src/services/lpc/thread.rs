//! Each task's reply slot (NT keeps it per thread; a machsim task is one thread):
//! the message id it waits to be answered on, the message handed to it, the
//! reply chain it waits on, and the ports it registered for its end.

use super::message::LpcMsg;
use crate::state::KernelState;
use crate::trace::Event;
use ports::TaskId;
use ports::lpc::ClientId;

/// A task's LPC record (NT's `ETHREAD` LPC fields), made when it first meets LPC
/// and kept after it ends, so that its client id still resolves.
#[derive(Debug)]
pub(crate) struct LpcThread {
    pub(super) cid: ClientId,
    /// `LpcReplyMessageId`: the message id it waits to be answered on; 0 for none.
    pub(super) reply_message_id: u32,
    /// `LpcReplyMessage`: what is in its slot.
    pub(super) reply_message: Option<Slotted>,
    /// The port whose reply chain it is on.
    pub(super) chain: Option<u32>,
    /// The port it last sent or replied-and-waited through
    /// (`LpcpSetPortToThread`): who may answer it is checked against it.
    pub(super) port: Option<u32>,
    /// `NtRegisterThreadTerminatePort`'s list, newest first.
    pub(super) terminate_ports: Vec<u32>,
    /// `LpcExitThreadCalled`: the task has ended.
    pub(super) exited: bool,
}

/// What a task's reply slot holds.
#[derive(Debug)]
pub(crate) enum Slotted {
    /// Its own connection request, until the server accepts or refuses it (NT
    /// attaches the connection message to the connecting thread).
    ConnectionRequest {
        /// The client port the connect made.
        client_port: u32,
    },
    /// A message handed to it and not yet taken: an accept's answer, parked
    /// until the server completes the connection.
    Message(LpcMsg),
}

impl KernelState {
    /// `task`'s LPC record, made (with a new client id) the first time.
    pub(super) fn lpc_thread(&mut self, task: TaskId) -> &mut LpcThread {
        let lpc = &mut self.services.lpc;
        if !lpc.threads.contains_key(&task) {
            lpc.next_cid += 1;
            let n = lpc.next_cid;
            lpc.cids.insert(n, task);
            lpc.threads.insert(
                task,
                LpcThread {
                    cid: ClientId::of_task(n),
                    reply_message_id: 0,
                    reply_message: None,
                    chain: None,
                    port: None,
                    terminate_ports: Vec::new(),
                    exited: false,
                },
            );
        }
        lpc.threads
            .get_mut(&task)
            .expect("the record was just made if it was missing")
    }

    /// `task`'s LPC record, if it has met LPC.
    pub(super) fn lpc_thread_of(&self, task: TaskId) -> Option<&LpcThread> {
        self.services.lpc.threads.get(&task)
    }

    /// `task`'s client id.
    pub(super) fn lpc_cid(&mut self, task: TaskId) -> ClientId {
        self.lpc_thread(task).cid
    }

    /// The task a client id names (`PsLookupProcessThreadByCid`): one that ever
    /// had it, ended or not; `invalid_cid` for an id no task had.
    pub(super) fn lpc_task_of(&self, cid: ClientId) -> Result<TaskId, ports::NtStatus> {
        self.services
            .lpc
            .cids
            .get(&cid.thread)
            .copied()
            .filter(|_| cid.process == cid.thread)
            .ok_or(ports::NtStatus::InvalidCid)
    }

    /// Sets `task`'s reply slot to `message_id` and its place to `chain`'s reply
    /// chain (off any other), and traces the slot's new state when it changed.
    pub(super) fn lpc_set_slot(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        message_id: u32,
        chain: Option<u32>,
    ) {
        let thread = self.lpc_thread(task);
        let (old_id, old_chain) = (thread.reply_message_id, thread.chain);
        if (old_id, old_chain) == (message_id, chain) {
            return;
        }
        thread.reply_message_id = message_id;
        thread.chain = chain;
        if old_chain != chain {
            if let Some(old) = old_chain.and_then(|c| self.lpc_port_mut(c)) {
                old.reply_chain.retain(|t| *t != task);
            }
            if let Some(new) = chain.and_then(|c| self.lpc_port_mut(c)) {
                new.reply_chain.push(task);
            }
        }
        self.record(cause, |k| Event::LpcReplySlot {
            holder: k.task_label(task),
            message_id,
            chain: chain.map(|c| k.lpc_label(c)),
        });
    }

    /// Puts `msg` into `task`'s slot without waking it.
    pub(super) fn lpc_park(&mut self, cause: Option<TaskId>, task: TaskId, msg: LpcMsg) {
        let serial = msg.serial;
        self.lpc_thread(task).reply_message = Some(Slotted::Message(msg));
        self.record(cause, |k| Event::LpcMessageParked {
            msg: serial,
            holder: k.task_label(task),
        });
    }
}
