//! Ports in words: who receives from one, and the notifications asked about it.

use super::Form;
use crate::stepper::Request;
use trace::Receiver;

/// Who holds a port's receive right: `receiver server`, `receive right in
/// transit`; in the detail pane `receiver none` for the latter, as the trace
/// spells it; in brief `recv server`, `recv in transit`.
pub fn receiver(receiver: &Receiver, form: Form) -> String {
    match (receiver, form) {
        (Receiver::InTransit, Form::Brief) => "recv in transit".to_string(),
        (Receiver::InTransit, Form::Line) => "receive right in transit".to_string(),
        (holder, Form::Brief) => format!("recv {holder}"),
        (holder, Form::Line | Form::Detail) => format!("receiver {holder}"),
    }
}

/// A notification request pending on a port: `no_senders request to
/// logger.notify by logger at event 39`; in brief `asks no_senders ->
/// logger.notify by logger (event 39)`.
pub fn request(request: &Request, form: Form) -> String {
    let by = request
        .by
        .as_ref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let (kind, notify, at) = (request.kind, &request.notify, request.at);
    match form {
        Form::Brief => format!("asks {kind} -> {notify}{by} (event {at})"),
        Form::Line | Form::Detail => format!("{kind} request to {notify}{by} at event {at}"),
    }
}
