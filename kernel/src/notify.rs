//! Notifications: messages the kernel sends when something happens to a port.
//!
//! As in Mach 3.0 they are sent only on request (except send-once notifications,
//! which every send-once right implies, and msg-accepted, which a forced send asks
//! for), each to the port the request named, through a send-once right, so they
//! never block and ignore queue limits.

use crate::envelope::{Body, Carried, Envelope, KItem, Origin};
use crate::services::hooks as services;
use crate::state::KernelState;
use crate::trace::{Event, MessageDestroyReason};
use ports::{MessageId, NotificationKind, PortId, RightKind};

impl KernelState {
    /// Sends a notification of `kind` to `target`, about `about`. If `target` is dead
    /// the notification is made and destroyed at once, with its reason in the trace.
    pub(crate) fn post_notification(
        &mut self,
        target: PortId,
        kind: NotificationKind,
        body: Vec<KItem>,
        about: Option<PortId>,
    ) {
        let body = Body::from(body);
        let size = body.message_size();
        let dest = Carried {
            port: target,
            kind: RightKind::SendOnce,
        };
        let envelope = Envelope::new(
            self.number_message(),
            Origin::Notification,
            MessageId(kind.id()),
            size,
            dest,
            None,
            body,
        );
        let serial = envelope.serial;
        self.record(None, |k| Event::NotificationSent {
            msg: serial.0,
            kind,
            about: about.map(|p| k.port_label(p)),
        });
        self.record_sent(None, &envelope);
        if self.port(target).is_none() {
            self.destroy_message(envelope, MessageDestroyReason::NotifyPortDead);
            return;
        }
        self.deliver_exempt(envelope);
    }

    /// A send right for `port` went away. At the last one a no-senders request fires.
    pub(crate) fn release_send(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else { return };
        p.srights = p.srights.saturating_sub(1);
        if p.srights == 0 {
            let object = match p.receiver {
                crate::port::Receiver::Object(object) => Some(object),
                _ => None,
            };
            self.check_no_senders(port, false);
            // A service object's last send right gone: the object may go too.
            if let Some(object) = object {
                services::on_no_senders(self, object);
            }
        }
    }

    /// Fires the no-senders request of `port` if there are no send rights (and, for
    /// the check made with the request, the make-send count has reached its `sync`).
    pub(crate) fn check_no_senders(&mut self, port: PortId, immediate: bool) {
        let Some(p) = self.port_mut(port) else { return };
        if p.srights != 0 {
            return;
        }
        let mscount = p.mscount;
        let Some(extra) = p.extra.as_mut() else {
            return;
        };
        let Some((notify, sync)) = extra.no_senders else {
            return;
        };
        // `sync` only matters when the request is made: it fires at once if there
        // are no send rights and the make-send count has reached it. Later, the
        // request fires whenever the last send right goes (Mach 3.0).
        if immediate && mscount < sync {
            return;
        }
        extra.no_senders = None;
        self.post_notification(
            notify,
            NotificationKind::NoSenders,
            vec![KItem::Data(ports::Item::U32(mscount))],
            Some(port),
        );
    }

    /// A send-once right for `port` was destroyed unused: the port gets a send-once
    /// notification ("send-once rights always result in a message").
    pub(crate) fn release_send_once(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else { return };
        p.sorights = p.sorights.saturating_sub(1);
        self.post_notification(port, NotificationKind::SendOnce, Vec::new(), Some(port));
    }
}
