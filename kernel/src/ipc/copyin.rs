//! Copy-in: checking a message's rights against the sender's space, then moving them.
//!
//! Mach processes header rights atomically and body rights one by one. Machsim checks
//! the header and the whole body before changing anything, so a refused send leaves
//! the space exactly as it was (stricter than Mach, which destroys a partly copied-in
//! body; documented in `docs/messages.md`).

use crate::envelope::Carried;
use crate::state::KernelState;
use crate::trace::{Event, WakeReason};
use ports::{
    Disposition, EntryObject, Item, Message, PortId, PortName, ReturnCode, RightKind, TaskId,
};

/// How many user references of a send right a message's moves will take, and which
/// single-use rights it uses, per name: the state a check accumulates. A message
/// names few rights, so the first few live inline (no allocation on the send path)
/// and only a large body spills into a vector.
#[derive(Default)]
struct Uses {
    inline: [(PortName, u32, bool); 4],
    len: usize,
    spill: Vec<(PortName, u32, bool)>,
}

impl Uses {
    fn slot(&mut self, name: PortName) -> &mut (PortName, u32, bool) {
        if let Some(at) = self.inline[..self.len].iter().position(|e| e.0 == name) {
            return &mut self.inline[at];
        }
        if let Some(at) = self.spill.iter().position(|e| e.0 == name) {
            return &mut self.spill[at];
        }
        if self.len < self.inline.len() {
            self.inline[self.len] = (name, 0, false);
            self.len += 1;
            return &mut self.inline[self.len - 1];
        }
        self.spill.push((name, 0, false));
        let last = self.spill.len() - 1;
        &mut self.spill[last]
    }

    /// Counts one more move of `name`'s send right; returns the moves so far.
    fn add_move(&mut self, name: PortName) -> u32 {
        let slot = self.slot(name);
        slot.1 += 1;
        slot.1
    }

    /// The moves of `name`'s send right counted so far.
    fn moves(&self, name: PortName) -> u32 {
        self.find(name).map_or(0, |e| e.1)
    }

    /// True if `name`'s single-use right (send-once or receive) was already used.
    fn used_once(&self, name: PortName) -> bool {
        self.find(name).is_some_and(|e| e.2)
    }

    fn find(&self, name: PortName) -> Option<&(PortName, u32, bool)> {
        self.inline[..self.len]
            .iter()
            .chain(self.spill.iter())
            .find(|e| e.0 == name)
    }

    /// Records a single use of `name`; false if it was already used.
    fn use_once(&mut self, name: PortName) -> bool {
        let slot = self.slot(name);
        !std::mem::replace(&mut slot.2, true)
    }
}

impl KernelState {
    /// If `name` denotes a send or send-once right whose port has died, turns it into
    /// the dead name it has become (Mach converts lazily, when the name is next used).
    pub(crate) fn refresh_name(&mut self, task: TaskId, name: PortName) {
        let Some(entry) = self.task(task).space.get(name) else {
            return;
        };
        let Some(port) = entry.port() else { return };
        let holds =
            entry.rights.contains(RightKind::Send) || entry.rights.contains(RightKind::SendOnce);
        if holds && self.port(port).is_none() {
            let _ = self.task_mut(task).space.convert_to_dead_name(name);
            self.record_name(Some(task), task, name, EntryObject::Port(port));
        }
    }

    /// Checks one right use; returns the port it names (or `None` for a dead name
    /// used as a send right, which travels as `MACH_PORT_DEAD`).
    fn check_use(
        &self,
        task: TaskId,
        name: PortName,
        disposition: Disposition,
        uses: &mut Uses,
    ) -> Result<Option<PortId>, ()> {
        if name == PortName::NULL || name == PortName::DEAD {
            return Ok(None);
        }
        let entry = self.task(task).space.get(name).ok_or(())?;
        let port = entry.port().ok_or(())?;
        let rights = entry.rights;
        match disposition {
            Disposition::CopySend | Disposition::MoveSend
                if rights.contains(RightKind::DeadName) =>
            {
                if disposition == Disposition::MoveSend && uses.add_move(name) > entry.urefs {
                    return Err(());
                }
                Ok(None)
            }
            // A copy needs a reference left after the moves counted so far (rights
            // are taken in order: a copy after the last reference moved fails).
            Disposition::CopySend => (rights.contains(RightKind::Send)
                && uses.moves(name) < entry.urefs)
                .then_some(Some(port))
                .ok_or(()),
            Disposition::MoveSend => {
                if !rights.contains(RightKind::Send) {
                    return Err(());
                }
                if uses.add_move(name) > entry.urefs {
                    return Err(());
                }
                Ok(Some(port))
            }
            Disposition::MoveSendOnce => {
                if !rights.contains(RightKind::SendOnce) || !uses.use_once(name) {
                    return Err(());
                }
                Ok(Some(port))
            }
            // Making a right needs the receive right still in hand.
            Disposition::MakeSend | Disposition::MakeSendOnce => {
                (rights.contains(RightKind::Receive) && !uses.used_once(name))
                    .then_some(Some(port))
                    .ok_or(())
            }
            Disposition::MoveReceive => {
                if !rights.contains(RightKind::Receive) || !uses.use_once(name) {
                    return Err(());
                }
                Ok(Some(port))
            }
        }
    }

    /// Checks every right a message uses. Returns the destination port and the
    /// disposition its right is used with, or the code of the first problem.
    pub(crate) fn check_message(
        &mut self,
        task: TaskId,
        message: &Message,
    ) -> Result<(PortId, Disposition), ReturnCode> {
        let dest_name = message.header.dest;
        self.refresh_name(task, dest_name);
        if message.header.reply.is_valid() {
            self.refresh_name(task, message.header.reply);
        }
        for item in &message.body {
            if let Item::Port(p) = item {
                self.refresh_name(task, p.name);
            }
        }
        let entry = self.task(task).space.get(dest_name).copied();
        let Some(entry) = entry else {
            return Err(ReturnCode::SendInvalidDest);
        };
        let disposition = match message.header.dest_disposition {
            Some(d) => d,
            None if entry.rights.contains(RightKind::Send) => Disposition::CopySend,
            None if entry.rights.contains(RightKind::SendOnce) => Disposition::MoveSendOnce,
            None => return Err(ReturnCode::SendInvalidDest),
        };
        if !disposition.is_send_type() {
            return Err(ReturnCode::SendInvalidDest);
        }
        let mut uses = Uses::default();
        // Copies are taken before moves (Mach: a `move_send` destination with a
        // `copy_send` reply of the same one-reference right succeeds), so the reply
        // is checked first when it only copies.
        let reply = message.header.reply;
        let reply_copies = !matches!(
            message.header.reply_disposition,
            Disposition::MoveSend | Disposition::MoveSendOnce
        );
        if reply.is_valid() && reply_copies {
            self.check_use(task, reply, message.header.reply_disposition, &mut uses)
                .map_err(|()| ReturnCode::SendInvalidReply)?;
        }
        let dest = match self.check_use(task, dest_name, disposition, &mut uses) {
            Ok(Some(port)) => port,
            _ => return Err(ReturnCode::SendInvalidDest),
        };
        if reply.is_valid() && !reply_copies {
            self.check_use(task, reply, message.header.reply_disposition, &mut uses)
                .map_err(|()| ReturnCode::SendInvalidReply)?;
        }
        if reply.is_valid() && !message.header.reply_disposition.is_send_type() {
            return Err(ReturnCode::SendInvalidReply);
        }
        for item in &message.body {
            if let Item::Port(p) = item {
                self.check_use(task, p.name, p.disposition, &mut uses)
                    .map_err(|()| ReturnCode::SendInvalidRight)?;
            }
        }
        Ok((dest, disposition))
    }

    /// Checks and copies in the header rights of the commonest sends with one
    /// look-up per name: an RPC request (a send right copied, a reply right made
    /// from a receive right held under another name) and its reply (a send-once
    /// right moved, no reply right). The caller has seen that the body carries no
    /// right. Any other shape, or a name whose port has died (which the general
    /// path turns into a dead name first), returns `None` having changed nothing,
    /// and `check_message` and `copyin_message` take the message; what this does
    /// is exactly what they would do.
    pub(crate) fn copyin_common(
        &mut self,
        task: TaskId,
        header: &ports::Header,
    ) -> Option<(Carried, Option<Carried>)> {
        let space = &self.task(task).space;
        let dest = space.get(header.dest)?;
        let dest_port = dest.port()?;
        let disposition = match header.dest_disposition {
            Some(d) => d,
            None if dest.rights.contains(RightKind::Send) => Disposition::CopySend,
            None => Disposition::MoveSendOnce,
        };
        let usable = match disposition {
            Disposition::CopySend => dest.rights.contains(RightKind::Send),
            Disposition::MoveSendOnce => dest.rights.contains(RightKind::SendOnce),
            _ => false,
        };
        if !usable || dest.rights.contains(RightKind::DeadName) {
            return None;
        }
        self.port(dest_port)?;
        let makes_reply = header.reply.is_valid();
        if makes_reply {
            let entry = space.get(header.reply)?;
            let made = matches!(
                header.reply_disposition,
                Disposition::MakeSendOnce | Disposition::MakeSend
            );
            if !made || header.reply == header.dest || !entry.rights.contains(RightKind::Receive) {
                return None;
            }
            self.port(entry.port()?)?;
        }
        // Checked, so every step below succeeds. The moves, in `copyin_message`'s
        // order: the reply right is made before the destination right is used.
        let reply = if makes_reply {
            self.copyin_right(task, header.reply, header.reply_disposition)
        } else {
            None
        };
        let dest = match disposition {
            Disposition::CopySend => {
                self.port_mut(dest_port)?.srights += 1;
                Carried {
                    port: dest_port,
                    kind: RightKind::Send,
                }
            }
            _ => self.copyin_right(task, header.dest, disposition)?,
        };
        Some((dest, reply))
    }

    /// Moves one checked right out of the sender's space into the message, keeping
    /// the port's send-right and send-once-right counts.
    pub(crate) fn copyin_right(
        &mut self,
        task: TaskId,
        name: PortName,
        disposition: Disposition,
    ) -> Option<Carried> {
        if name == PortName::NULL || name == PortName::DEAD {
            return None;
        }
        let entry = *self.task(task).space.get(name)?;
        let port = entry.port()?;
        if entry.rights.contains(RightKind::DeadName) {
            if disposition == Disposition::MoveSend {
                let _ = self
                    .task_mut(task)
                    .space
                    .remove_right(name, RightKind::DeadName);
                self.record_name(Some(task), task, name, entry.object);
            }
            return None;
        }
        let carried = match disposition {
            Disposition::CopySend => {
                self.port_mut(port)?.srights += 1;
                Carried {
                    port,
                    kind: RightKind::Send,
                }
            }
            Disposition::MakeSend => {
                let p = self.port_mut(port)?;
                p.srights += 1;
                p.mscount += 1;
                Carried {
                    port,
                    kind: RightKind::Send,
                }
            }
            Disposition::MakeSendOnce => {
                self.port_mut(port)?.sorights += 1;
                Carried {
                    port,
                    kind: RightKind::SendOnce,
                }
            }
            Disposition::MoveSend => {
                let (_, freed) = self
                    .task_mut(task)
                    .space
                    .remove_right(name, RightKind::Send)
                    .ok()?;
                let still_holds = self
                    .task(task)
                    .space
                    .get(name)
                    .is_some_and(|e| e.rights.contains(RightKind::Send));
                if still_holds {
                    self.port_mut(port)?.srights += 1;
                }
                self.record_name(Some(task), task, name, entry.object);
                if freed {
                    self.name_freed(task, name, port, entry.dead_name_request);
                }
                Carried {
                    port,
                    kind: RightKind::Send,
                }
            }
            Disposition::MoveSendOnce => {
                let _ = self
                    .task_mut(task)
                    .space
                    .remove_right(name, RightKind::SendOnce);
                self.record_name(Some(task), task, name, entry.object);
                self.name_freed(task, name, port, entry.dead_name_request);
                Carried {
                    port,
                    kind: RightKind::SendOnce,
                }
            }
            Disposition::MoveReceive => {
                let (_, freed) = self
                    .task_mut(task)
                    .space
                    .remove_right(name, RightKind::Receive)
                    .ok()?;
                self.record_name(Some(task), task, name, entry.object);
                self.receive_right_leaves(port, Some(task));
                if freed {
                    self.name_freed(task, name, port, entry.dead_name_request);
                }
                Carried {
                    port,
                    kind: RightKind::Receive,
                }
            }
        };
        Some(carried)
    }

    /// A port's receive right left its holder (moved into a message or a
    /// notification): it leaves its set, and a task waiting on it gets `rcv_port_died`.
    pub(crate) fn receive_right_leaves(&mut self, port: PortId, cause: Option<TaskId>) {
        if let Some(set) = self.port(port).and_then(|p| p.set) {
            self.remove_member(cause, port, set);
        }
        let waiting = self.port_mut(port).and_then(|p| p.waiting_receiver.take());
        if let Some(p) = self.port_mut(port) {
            p.receiver = crate::port::Receiver::InTransit;
        }
        self.record(cause, |k| Event::ReceiverChanged {
            port: k.port_label(port),
            receiver: None,
        });
        if let Some(waiter) = waiting {
            self.record_receive_failed(waiter, port, ports::ReturnCode::RcvPortDied);
            self.wake(
                waiter,
                crate::task::Reply::Receive(Err(crate::error::ReceiveError::PortDied)),
                WakeReason::PortDied,
            );
        }
    }

    /// A name was freed while a dead-name request was registered on it: the request
    /// can no longer fire, so it becomes a port-deleted notification (Mach 3.0).
    pub(crate) fn name_freed(
        &mut self,
        task: TaskId,
        name: PortName,
        port: PortId,
        had_request: bool,
    ) {
        if !had_request {
            return;
        }
        let request = self.port_mut(port).and_then(|p| {
            let extra = p.extra.as_mut()?;
            let at = extra
                .dead_name
                .iter()
                .position(|r| r.holder == task && r.name == name)?;
            Some(extra.dead_name.remove(at))
        });
        if let Some(request) = request {
            self.post_notification(
                request.notify,
                ports::NotificationKind::PortDeleted,
                vec![crate::envelope::KItem::Data(Item::U32(name.0))],
                Some(port),
            );
        }
    }
}

impl KernelState {
    /// Checks the reply and body rights of a message whose destination the kernel
    /// supplies (direct naming).
    pub(crate) fn check_body_only(
        &mut self,
        task: TaskId,
        message: &Message,
    ) -> Result<(), ReturnCode> {
        let mut uses = Uses::default();
        let reply = message.header.reply;
        if reply.is_valid() && !message.header.reply_disposition.is_send_type() {
            return Err(ReturnCode::SendInvalidReply);
        }
        if reply.is_valid() {
            self.refresh_name(task, reply);
            self.check_use(task, reply, message.header.reply_disposition, &mut uses)
                .map_err(|()| ReturnCode::SendInvalidReply)?;
        }
        for item in &message.body {
            if let Item::Port(p) = item {
                self.check_use(task, p.name, p.disposition, &mut uses)
                    .map_err(|()| ReturnCode::SendInvalidRight)?;
            }
        }
        Ok(())
    }
}
