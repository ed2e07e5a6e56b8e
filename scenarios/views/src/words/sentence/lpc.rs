//! The sentences of the LPC events, and of the bulk reads and writes of memory a
//! section's users make.

use super::{Sentence, other_than};
use trace::{CopyDirection, Event, LpcPortKind, LpcWaitKind, TraceRecord};

/// An LPC or bulk-memory event as a sentence (any other event by its kind alone:
/// [`super::sentence`] tells those).
pub(super) fn sentence(record: &TraceRecord) -> Sentence {
    let say = |predicate: String| Sentence::new(None, predicate);
    let about = |task: &trace::Label, predicate: String| Sentence::new(Some(task), predicate);
    match &record.event {
        Event::MemoryBytesRead {
            object,
            offset,
            data,
        } => say(format!(
            "reads {} bytes from {object}[{offset}..]",
            data.0.len()
        )),
        Event::MemoryBytesWritten {
            object,
            offset,
            data,
        } => say(format!(
            "writes {} bytes to {object}[{offset}..]",
            data.0.len()
        )),
        Event::LpcPortCreated {
            port,
            kind,
            holder,
            handle,
            max_message_length,
            ..
        } => Sentence::new(
            other_than(record, holder),
            match kind {
                LpcPortKind::Connection => format!(
                    "makes LPC connection port {port} (handle {handle}, messages up to {max_message_length} bytes)"
                ),
                LpcPortKind::Client | LpcPortKind::Communication => {
                    format!("holds LPC {kind} port {port} as handle {handle}")
                }
            },
        ),
        Event::LpcMessageSent {
            msg,
            message_type,
            message_id,
            callback_id,
            port,
            data_length,
            ..
        } => {
            let callback = if *callback_id == 0 {
                String::new()
            } else {
                format!(", callback {callback_id}")
            };
            say(format!(
                "sends {message_type} #{message_id} (m{msg}) through {port} ({data_length} bytes{callback})"
            ))
        }
        Event::LpcMessageQueued { msg, queue, depth } => {
            say(format!("m{msg} queued on {queue} (depth {depth})"))
        }
        Event::LpcMessageParked { msg, holder: task } => {
            say(format!("m{msg} parked in {task}'s reply slot"))
        }
        Event::LpcMessageReceived {
            msg,
            queue,
            receiver,
            context,
        } => match queue {
            Some(queue) => about(
                receiver,
                format!("receives m{msg} from {queue} (context {context:#x})"),
            ),
            None => about(receiver, format!("takes m{msg} out of its reply slot")),
        },
        Event::LpcMessageDestroyed { msg, reason } => say(format!("m{msg} destroyed ({reason})")),
        Event::LpcReplySlot {
            holder: task,
            message_id,
            chain,
        } => about(
            task,
            match (message_id, chain) {
                (0, None) => "has an empty reply slot".to_string(),
                (0, Some(chain)) => format!("has an empty reply slot, waiting on {chain}"),
                (id, Some(chain)) => format!("has #{id} in its reply slot, through {chain}"),
                (id, None) => format!("has #{id} in its reply slot"),
            },
        ),
        Event::LpcWaitStarted {
            kind,
            port,
            message_id,
            ..
        } => say(match kind {
            LpcWaitKind::Connect => format!("waits to connect to {port}"),
            LpcWaitKind::Reply => format!("waits for the reply to #{message_id} through {port}"),
            LpcWaitKind::Receive => format!("waits for a message on {port}"),
            LpcWaitKind::Listen => format!("listens for a connection on {port}"),
        }),
        Event::LpcConnectionAccepted {
            client,
            message_id,
            accepted,
            comm_port,
            context,
        } => say(match (accepted, comm_port) {
            (true, Some(comm)) => format!(
                "accepts {client}'s connection #{message_id} as {comm} (context {context:#x})"
            ),
            _ => format!("refuses {client}'s connection #{message_id}"),
        }),
        Event::LpcConnectionCompleted { comm_port, client } => {
            say(format!("completes {client}'s connection ({comm_port})"))
        }
        Event::LpcViewMapped {
            port,
            object,
            holder,
            mapping,
            size,
            view,
        } => Sentence::new(
            other_than(record, holder),
            format!(
                "maps {object} ({size} bytes) as the {view} view of {port} (mapping {mapping})"
            ),
        ),
        Event::LpcRequestDataCopied {
            direction,
            client,
            object,
            offset,
            data,
            ..
        } => {
            let n = data.0.len();
            say(match direction {
                CopyDirection::Read => {
                    format!("reads {n} bytes of {client}'s request data ({object}[{offset}..])")
                }
                CopyDirection::Write => {
                    format!("writes {n} bytes into {client}'s request data ({object}[{offset}..])")
                }
            })
        }
        Event::LpcPortDisconnected { port } => say(format!("{port} is disconnected")),
        Event::LpcNameDeleted { port, name } => say(format!("{port}: name {name} deleted")),
        Event::LpcPortClosed {
            port,
            holder,
            handle,
        } => Sentence::new(
            other_than(record, holder),
            format!("closes {port} (handle {handle})"),
        ),
        Event::LpcPortDeleted { port } => say(format!("LPC port {port} is deleted")),
        Event::LpcTerminatePortRegistered { port } => {
            say(format!("registers {port} to be told of its end"))
        }
        other => say(other.kind().to_string()),
    }
}
