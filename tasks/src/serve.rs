//! Helpers the stock programs share: a service port, the request/reply loop,
//! replies, message clean-up.
//!
//! They use only `TaskContext`'s public methods, as any user's program could.

use kernel::{
    Disposition, Item, Message, NotificationKind, PortName, ReceiveError, ReceiveOptions,
    ReceivePolicy, RightKind, SendPolicy, TaskContext,
};

/// What a service port gave the program.
pub(crate) enum Incoming {
    /// A message from a client.
    Request(Message),
    /// Every send right for the port is gone: no client can send again.
    NoSenders,
    /// The port died (destroyed by a fault, say) while the program waited.
    PortDied,
    /// The receive's timeout passed with nothing to receive.
    TimedOut,
}

/// The port (or port set) a program serves, found by label.
pub(crate) struct Service {
    name: PortName,
    /// True when a no-senders notification was requested to arrive on the port itself.
    watched: bool,
}

impl Service {
    /// Finds the receive right (or port set) labelled `label` and, for a port, asks
    /// for a no-senders notification on the port itself.
    ///
    /// The notification goes to the service port rather than to the notify port so
    /// that it queues behind every request sent before the last send right went
    /// away: when the server sees it, it has seen every request (a queue is FIFO).
    /// `sync = 1` means "after at least one send right was made", so a server whose
    /// clients have not yet got their rights does not stop at once.
    ///
    /// # Errors
    /// A crash reason, prefixed by `program`, if the task holds no such right.
    pub(crate) async fn open(
        cx: &TaskContext,
        program: &str,
        label: &str,
    ) -> Result<Service, String> {
        let name = cx.lookup(label).ok_or_else(|| {
            format!(
                "{program}: this task holds no right for the port `{label}`; \
                 make it the port's receiver"
            )
        })?;
        let (rights, _) = cx
            .port_type(name)
            .await
            .map_err(|e| format!("{program}: port `{label}`: {e}"))?;
        if rights.contains(RightKind::PortSet) {
            return Ok(Service {
                name,
                watched: false,
            });
        }
        if !rights.contains(RightKind::Receive) {
            return Err(format!(
                "{program}: this task holds `{label}` as a {rights} right, not a receive right"
            ));
        }
        cx.request_notification(name, NotificationKind::NoSenders, name, 1)
            .await
            .map_err(|e| format!("{program}: port `{label}`: {e}"))?;
        Ok(Service {
            name,
            watched: true,
        })
    }

    /// Receives the next message under `policy`.
    ///
    /// # Errors
    /// A receive error other than a timeout or the port's death (such as
    /// `rcv_in_set` for a port that was put into a set).
    pub(crate) async fn next(
        &self,
        cx: &TaskContext,
        policy: ReceivePolicy,
    ) -> Result<Incoming, ReceiveError> {
        match cx
            .receive(self.name, policy, ReceiveOptions::default())
            .await
        {
            Ok(message) if self.watched && is_no_senders(&message) => Ok(Incoming::NoSenders),
            Ok(message) => Ok(Incoming::Request(message)),
            Err(ReceiveError::TimedOut) => Ok(Incoming::TimedOut),
            // The name was a receive right when the service opened and the program
            // never moves it, so if it now names nothing the port was destroyed
            // (by a fault, say) while the program was busy rather than waiting.
            Err(ReceiveError::PortDied | ReceiveError::InvalidName) => Ok(Incoming::PortDied),
            Err(e) => Err(e),
        }
    }
}

/// A server's requests, one at a time, until it is done: after `count` requests
/// (if it has a count), when no client holds a send right any more, or when its
/// port dies. The receive-and-reply loop the request/reply servers share; each
/// request is answered with [`Requests::answer`].
pub(crate) struct Requests<'a> {
    program: &'a str,
    label: &'a str,
    count: Option<u64>,
    answered: u64,
    /// Opened on the first request, so a server with a count of 0 makes no call.
    service: Option<Service>,
}

impl<'a> Requests<'a> {
    /// The requests of the port (or port set) labelled `label`, served by
    /// `program` (named in crash reasons).
    pub(crate) fn new(program: &'a str, label: &'a str, count: Option<u64>) -> Requests<'a> {
        Requests {
            program,
            label,
            count,
            answered: 0,
            service: None,
        }
    }

    /// The next request, or `None` when the server is done.
    ///
    /// # Errors
    /// A crash reason, prefixed by the program: the port is not the task's to
    /// serve (see [`Service::open`]), or a receive failed otherwise.
    pub(crate) async fn next(&mut self, cx: &TaskContext) -> Result<Option<Message>, String> {
        if self.count.is_some_and(|count| self.answered >= count) {
            return Ok(None);
        }
        let service = match &self.service {
            Some(service) => service,
            None => self
                .service
                .insert(Service::open(cx, self.program, self.label).await?),
        };
        loop {
            let incoming = service
                .next(cx, ReceivePolicy::Block)
                .await
                .map_err(|e| format!("{}: receive on `{}`: {e}", self.program, self.label))?;
            match incoming {
                Incoming::Request(request) => return Ok(Some(request)),
                Incoming::NoSenders | Incoming::PortDied => return Ok(None),
                // A blocking receive has no timeout; nothing to do but wait again.
                Incoming::TimedOut => {}
            }
        }
    }

    /// Replies to `request` with `id` and `body` (see [`reply`]) and counts it
    /// answered.
    pub(crate) async fn answer(
        &mut self,
        cx: &TaskContext,
        request: &Message,
        id: i32,
        body: Vec<Item>,
    ) {
        reply(cx, request, id, body).await;
        self.answered += 1;
    }
}

/// True for the kernel's no-senders notification: id 70, sent through a send-once
/// right (a client's message comes through a send right), one `u32` item.
fn is_no_senders(message: &Message) -> bool {
    message.id() == NotificationKind::NoSenders.id()
        && message.header.dest_disposition == Some(Disposition::MoveSendOnce)
        && !message.header.reply.is_valid()
        && matches!(message.body.as_slice(), [Item::U32(_)])
}

/// Replies to `request` with `id` and `body`, through the reply right it carried.
///
/// The reply right is used as it arrived (moved: a send-once right is spent, a send
/// right's reference goes back). The send does not wait: a reply that cannot go at
/// once is destroyed, as Mach's `mach_msg_server` does, so one slow client cannot
/// stall the server. Without a reply right, the body's rights are destroyed.
/// Returns true if the reply was sent.
pub(crate) async fn reply(cx: &TaskContext, request: &Message, id: i32, body: Vec<Item>) -> bool {
    if !request.header.reply.is_valid() {
        destroy_items(cx, body).await;
        return false;
    }
    let mut message = Message::new(request.header.reply, id)
        .with_dest_disposition(request.header.reply_disposition);
    message.body = body;
    match cx.send(message, SendPolicy::NoWait).await {
        Ok(_) => true,
        Err(e) => {
            destroy_returned(cx, e.into_message()).await;
            false
        }
    }
}

/// Mach's `mach_msg_destroy` for a received message: releases its reply right and
/// every right its body carries (the destination is the receiver's own port).
pub(crate) async fn destroy_received(cx: &TaskContext, message: Message) {
    if message.header.reply.is_valid() {
        let _ = cx.deallocate(message.header.reply).await;
    }
    destroy_items(cx, message.body).await;
}

/// `mach_msg_destroy` for a message a failed send handed back: every right it holds
/// with a move disposition is the sender's again, the destination included.
pub(crate) async fn destroy_returned(cx: &TaskContext, message: Message) {
    let header = &message.header;
    if header.dest.is_valid()
        && matches!(
            header.dest_disposition,
            Some(Disposition::MoveSend | Disposition::MoveSendOnce)
        )
    {
        let _ = cx.deallocate(header.dest).await;
    }
    if header.reply.is_valid()
        && matches!(
            header.reply_disposition,
            Disposition::MoveSend | Disposition::MoveSendOnce
        )
    {
        let _ = cx.deallocate(header.reply).await;
    }
    destroy_items(cx, message.body).await;
}

/// Releases the rights body items carry: moved receive rights are destroyed, moved
/// send and send-once rights deallocated. Copies and makes were never owned.
pub(crate) async fn destroy_items(cx: &TaskContext, body: Vec<Item>) {
    for item in body {
        let Item::Port(port) = item else { continue };
        if !port.name.is_valid() {
            continue;
        }
        // Clean-up is best effort: a name that is already gone has nothing to free.
        match port.disposition {
            Disposition::MoveReceive => {
                let _ = cx.destroy(port.name).await;
            }
            Disposition::MoveSend | Disposition::MoveSendOnce => {
                let _ = cx.deallocate(port.name).await;
            }
            Disposition::CopySend | Disposition::MakeSend | Disposition::MakeSendOnce => {}
        }
    }
}
