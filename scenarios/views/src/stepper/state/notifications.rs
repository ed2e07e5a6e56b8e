//! Notification requests registered about ports, and the notifications the
//! kernel sends when one fires.

use super::State;
use ports::NotificationKind;
use serde::Serialize;
use trace::Label;

/// A registered notification request about a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    /// `dead_name`, `no_senders` or `port_destroyed`.
    pub kind: NotificationKind,
    /// The port the notification will be sent to.
    pub notify: Label,
    /// The task that asked.
    pub by: Option<Label>,
    /// The event that registered it.
    pub at: u64,
}

/// A notification the kernel generated: which, and the port it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Which notification.
    pub kind: NotificationKind,
    /// The port it is about, when it names one.
    pub about: Option<Label>,
}

/// A notification announced by `notification_sent`, whose `message_sent` follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Announced {
    pub(crate) msg: u64,
    pub(crate) notification: Notification,
}

impl State {
    pub(super) fn notification_requested(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        port: &Label,
        kind: NotificationKind,
        notify: &Label,
    ) {
        let request = Request {
            kind,
            notify: notify.clone(),
            by: actor.cloned(),
            at: seq,
        };
        if let Some(p) = self.port_mut(seq, port) {
            // A dead-name request is one per requester and notify port; the others
            // are one per port, a new one replacing the old.
            if kind == NotificationKind::DeadName {
                p.requests.retain(|r| {
                    !(r.kind == request.kind && r.notify == request.notify && r.by == request.by)
                });
            } else {
                p.requests.retain(|r| r.kind != request.kind);
            }
            p.requests.push(request);
        }
    }

    pub(super) fn notification_sent(
        &mut self,
        msg: u64,
        kind: NotificationKind,
        about: Option<&Label>,
    ) {
        self.announced = Some(Announced {
            msg,
            notification: Notification {
                kind,
                about: about.cloned(),
            },
        });
    }

    /// The `message_sent` of an announced notification: the request it fulfils is
    /// no longer pending. Returns the notification, for the message to keep.
    pub(super) fn fulfil_request(
        &mut self,
        seq: u64,
        msg: u64,
        target: &Label,
    ) -> Option<Notification> {
        let Some(announced) = self.announced.take().filter(|a| a.msg == msg) else {
            self.inconsistent(
                seq,
                format!("notification {msg} is sent without a notification_sent before it"),
            );
            return None;
        };
        let notification = announced.notification;
        let kind = notification.kind;
        let fulfils = |r: &Request| match kind {
            NotificationKind::NoSenders | NotificationKind::PortDestroyed => r.kind == kind,
            NotificationKind::DeadName | NotificationKind::PortDeleted => {
                r.kind == NotificationKind::DeadName && r.notify == *target
            }
            NotificationKind::MsgAccepted | NotificationKind::SendOnce => false,
        };
        if let Some(about) = &notification.about
            && let Some(at) = self
                .port(about)
                .and_then(|p| p.requests.iter().position(fulfils))
            && let Some(port) = self.ports.get_mut(about)
        {
            port.requests.remove(at);
        }
        Some(notification)
    }
}
