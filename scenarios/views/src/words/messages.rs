//! Messages in words: where one is, what became of it, and the labels a chart
//! draws for it.

use super::Form;
use super::values::time;
use crate::stepper::{MessageStatus, Notification, Place, State};
use trace::{Event, Label, MessageDestroyReason};

/// Where a message still in the kernel is: `queued on jobs, which died`, `held by
/// producer, blocked sending to jobs`.
pub fn place(place: &Place, state: &State, form: Form) -> String {
    match place {
        Place::Entering if form == Form::Detail => "just sent, entering the kernel".to_string(),
        Place::Entering => "just sent".to_string(),
        Place::Queued { port, forced } => {
            let alive = if state.is_port_alive(port) {
                ""
            } else {
                ", which died"
            };
            let how = match (forced, form) {
                (false, _) => "queued",
                (true, Form::Detail) => "cached beyond the limit",
                (true, Form::Line | Form::Brief) => "cached",
            };
            format!("{how} on {port}{alive}")
        }
        Place::HeldBySender { task, port } => format!("held by {task}, blocked sending to {port}"),
    }
}

/// What became of a message by some event.
pub fn status(status: &MessageStatus, state: &State) -> String {
    match status {
        MessageStatus::NotSent => "not sent yet".to_string(),
        MessageStatus::InKernel { place: p } => {
            format!("in the kernel: {}", place(p, state, Form::Detail))
        }
        MessageStatus::Received {
            by,
            port,
            seqno,
            at,
        } => format!("received by {by} from {port} at event {at} (seqno {seqno})"),
        MessageStatus::HandedBack { to, at } => format!("handed back to {to} at event {at}"),
        MessageStatus::Destroyed { port, reason, at } => {
            format!("destroyed unread at event {at} ({reason}, port {port})")
        }
    }
}

/// How a message ended, as a chart draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// A task received it.
    Received,
    /// A failed send handed it back to its sender (Mach's pseudo-receive).
    HandedBack,
    /// It was destroyed unread, for this reason.
    Destroyed(MessageDestroyReason),
    /// It was still queued on its port when the run stopped.
    StillQueued,
    /// Its sender was still blocked holding it when the run stopped.
    StillHeld,
}

/// The short tag a chart writes on a message: `m3 id 1`.
pub fn tag(msg: u64, id: i32) -> String {
    format!("m{msg} id {id}")
}

/// What became of a message, written beside (MSC) or after the tag (Mermaid) of
/// the arrow drawn where it ended at `t_ns`: it was sent at `sent_ns` to `port`,
/// and is the `notification` when the kernel made it.
pub fn arrow(
    end: &End,
    notification: Option<&Notification>,
    port: &Label,
    sent_ns: u64,
    t_ns: u64,
) -> String {
    let sent = if sent_ns < t_ns {
        format!(", sent at {}", time(sent_ns))
    } else {
        String::new()
    };
    match (end, notification) {
        (End::Received, Some(n)) => match &n.about {
            Some(about) => format!("{} notification about {about}", n.kind),
            None => format!("{} notification", n.kind),
        },
        (End::Received, None) => format!("received on {port}{sent}"),
        (End::HandedBack, _) => format!("to {port}, handed back{sent}"),
        (End::Destroyed(reason), Some(n)) => {
            format!("{} notification to {port} destroyed ({reason})", n.kind)
        }
        (End::Destroyed(reason), None) => format!("to {port} destroyed ({reason}){sent}"),
        (End::StillQueued, _) => format!("still queued on {port} at the end{sent}"),
        (End::StillHeld, _) => {
            format!("to {port} still held by its blocked sender at the end{sent}")
        }
    }
}

/// The name of a message's event on a timeline (a Chrome instant): `send m3 id 1 to
/// jobs`, `receive m3 id 1 from jobs`, `m3 id 1 destroyed (port_destroyed)`; `tag`
/// is the message's [`tag`]. `None` for an event about no message.
pub fn instant(event: &Event, tag: &str) -> Option<String> {
    Some(match event {
        Event::MessageSent { port, .. } => format!("send {tag} to {port}"),
        Event::MessageCached { msg, port, .. } => format!("m{msg} cached on {port}"),
        Event::MessageReceived { pseudo: true, .. } => format!("{tag} handed back"),
        Event::MessageReceived { port, .. } => format!("receive {tag} from {port}"),
        Event::MessageDestroyed { reason, .. } => format!("{tag} destroyed ({reason})"),
        Event::NotificationSent { msg, kind, about } => match about {
            Some(about) => format!("{kind} notification m{msg} about {about}"),
            None => format!("{kind} notification m{msg}"),
        },
        _ => return None,
    })
}
