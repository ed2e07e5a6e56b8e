//! `NtAcceptConnectPort` and `NtCompleteConnectPort`: a server answers a
//! connection request, then lets the accepted client go on (complete.c).

use super::api::{AcceptConnect, Accepted, Connection};
use super::connect::truncated;
use super::thread::Slotted;
use super::wait::LpcWait;
use super::{LpcAnswer, LpcOut};
use crate::state::KernelState;
use crate::trace::{Event, ViewSide, WakeReason};
use ports::lpc::{ClientId, LpcMessageType, LpcPortKind, PortMessage};
use ports::{NtStatus, TaskId};

/// The connecting client an accept answers.
struct Pending {
    client: TaskId,
    client_port: u32,
    connection: u32,
}

impl KernelState {
    /// `NtAcceptConnectPort`: answers the connection request `message_id` of the
    /// task `client_id` names.
    ///
    /// In NT's order: no task ever had the id is `invalid_cid`; an id of 0, a
    /// client not waiting on that id with its connection request in its slot (a
    /// second accept among them), or a caller that is not the connection port's
    /// server is `reply_message_mismatch`; then the views' errors and room for
    /// the handles. The client's slot is emptied (no second accept). Refused, the
    /// client wakes with `port_connection_refused` and the server's answer, and its
    /// client port goes; accepted, the communication port is made and linked to
    /// the client's, the views are mapped, and the answer is parked in the
    /// client's slot: the client waits on until the server completes.
    pub(super) fn nt_accept_connect_port(
        &mut self,
        task: TaskId,
        client_id: ClientId,
        message_id: u32,
        how: AcceptConnect,
    ) -> Result<LpcOut, NtStatus> {
        let pending = self.lpc_pending_connect(task, client_id, message_id)?;
        let server_section = match how.server_view.filter(|_| how.accept) {
            Some(view) => Some(self.lpc_section(task, view)?),
            None => None,
        };
        let client_section = self
            .lpc_port(pending.client_port)
            .and_then(|p| p.views.iter().find(|v| v.side == ViewSide::Client))
            .map(|v| v.object);
        let server_handles =
            1 + usize::from(client_section.is_some()) + usize::from(server_section.is_some());
        let client_handles = usize::from(server_section.is_some());
        if how.accept
            && (self.task(task).free_handles() < server_handles
                || self.task(pending.client).free_handles() < client_handles)
        {
            return Err(NtStatus::InsufficientResources);
        }
        self.lpc_thread(pending.client).reply_message = None;
        if how.accept {
            Ok(self.lpc_accept(
                task,
                &pending,
                message_id,
                &how,
                client_section,
                server_section,
            ))
        } else {
            self.lpc_refuse(task, &pending, message_id, &how);
            Ok(LpcOut::Accepted(Accepted {
                port: None,
                client_view: None,
                server_view: None,
            }))
        }
    }

    /// The client a connection request names, if `server` may answer it now.
    fn lpc_pending_connect(
        &mut self,
        server: TaskId,
        client_id: ClientId,
        message_id: u32,
    ) -> Result<Pending, NtStatus> {
        let client = self.lpc_task_of(client_id)?;
        let client_port = self
            .lpc_thread_of(client)
            .filter(|t| message_id != 0 && t.reply_message_id == message_id)
            .and_then(|t| match t.reply_message {
                Some(Slotted::ConnectionRequest { client_port }) => Some(client_port),
                _ => None,
            })
            .ok_or(NtStatus::ReplyMessageMismatch)?;
        let connection = self
            .lpc_port(client_port)
            .and_then(|p| p.connection)
            .filter(|c| self.lpc_port(*c).is_some_and(|p| p.server == server))
            .ok_or(NtStatus::ReplyMessageMismatch)?;
        Ok(Pending {
            client,
            client_port,
            connection,
        })
    }

    /// The server's answer to a connect, as a message entering the kernel.
    fn lpc_answer(
        &mut self,
        server: TaskId,
        connection: u32,
        message_id: u32,
        info: &[u8],
        context: u64,
    ) -> super::message::LpcMsg {
        let mut answer = PortMessage::new(truncated(info));
        answer.message_type = LpcMessageType::Reply;
        answer.client_id = self.lpc_cid(server);
        answer.message_id = message_id;
        self.lpc_copy_in(Some(server), connection, answer, context)
    }

    fn lpc_refuse(
        &mut self,
        server: TaskId,
        pending: &Pending,
        message_id: u32,
        how: &AcceptConnect,
    ) {
        let cause = Some(server);
        let msg = self.lpc_answer(server, pending.connection, message_id, &how.reply_info, 0);
        self.record(cause, |k| Event::LpcConnectionAccepted {
            client: k.task_label(pending.client),
            message_id,
            accepted: false,
            comm_port: None,
            context: 0,
        });
        self.lpc_set_slot(cause, pending.client, 0, None);
        self.lpc_close_task_handle(cause, pending.client, pending.client_port);
        self.lpc_hand_over(
            cause,
            pending.client,
            msg,
            |m| LpcAnswer {
                status: NtStatus::PortConnectionRefused,
                out: LpcOut::ConnectionInfo(m.data),
            },
            WakeReason::Refused,
        );
    }

    fn lpc_accept(
        &mut self,
        server: TaskId,
        pending: &Pending,
        message_id: u32,
        how: &AcceptConnect,
        client_section: Option<u32>,
        server_section: Option<u32>,
    ) -> LpcOut {
        let cause = Some(server);
        let Pending {
            client,
            client_port,
            connection,
        } = *pending;
        let (name, max_message_length) = self
            .lpc_port(connection)
            .map(|p| (p.label.clone(), p.max_message_length))
            .unwrap_or_default();
        let wanted = format!("{name}:{}", self.task_label(client));
        let (comm, handle) = self.new_lpc_port(
            &wanted,
            LpcPortKind::Communication,
            server,
            server,
            max_message_length,
        );
        let context = how.context.unwrap_or(u64::from(handle));
        if let Some(p) = self.lpc_port_mut(comm) {
            p.connection = Some(connection);
            p.connected = Some(client_port);
            p.context = context;
            p.client_thread = Some(client);
        }
        if let Some(p) = self.lpc_port_mut(client_port) {
            p.connected = Some(comm);
        }
        self.record(cause, |k| Event::LpcPortCreated {
            port: k.lpc_label(comm),
            kind: LpcPortKind::Communication,
            name: None,
            connection: k.lpc_label(connection),
            peer: Some(k.lpc_label(client_port)),
            holder: k.task_label(server),
            handle,
            context,
            max_message_length,
        });
        let client_view = client_section
            .map(|object| self.lpc_map_view(cause, comm, server, object, ViewSide::Client));
        let server_view = server_section.map(|object| {
            self.lpc_map_view(cause, client_port, client, object, ViewSide::Server);
            self.lpc_map_view(cause, comm, server, object, ViewSide::Server)
                .mapping
        });
        let msg = self.lpc_answer(server, connection, message_id, &how.reply_info, context);
        self.record(cause, |k| Event::LpcConnectionAccepted {
            client: k.task_label(client),
            message_id,
            accepted: true,
            comm_port: Some(k.lpc_label(comm)),
            context,
        });
        self.lpc_set_slot(cause, client, 0, Some(connection));
        self.lpc_park(cause, client, msg);
        LpcOut::Accepted(Accepted {
            port: Some(handle),
            client_view,
            server_view,
        })
    }

    /// `NtCompleteConnectPort`: a handle that is not a communication port is
    /// `invalid_port_handle`, one with no client left to complete (a second
    /// complete) `invalid_parameter`. A client that is no longer waiting (it
    /// ended, or the connection port closed under it) is not woken, and the call
    /// still succeeds; otherwise the client's connect returns its connection.
    pub(super) fn nt_complete_connect_port(
        &mut self,
        task: TaskId,
        handle: u32,
    ) -> Result<LpcOut, NtStatus> {
        let cause = Some(task);
        let comm = self.lpc_port_of(task, handle)?;
        let port = self
            .lpc_port_mut(comm)
            .filter(|p| p.kind == LpcPortKind::Communication)
            .ok_or(NtStatus::InvalidPortHandle)?;
        let client = port
            .client_thread
            .take()
            .ok_or(NtStatus::InvalidParameter)?;
        let (connection, client_port) = (port.connection, port.connected);
        self.record(cause, |k| Event::LpcConnectionCompleted {
            comm_port: k.lpc_label(comm),
            client: k.task_label(client),
        });
        let client_port = client_port.filter(|p| self.lpc_port(*p).is_some());
        let waiting = matches!(self.lpc_waiting(client), Some(LpcWait::Connect { .. }))
            && self.lpc_thread_of(client).is_some_and(|t| {
                t.chain == connection && matches!(t.reply_message, Some(Slotted::Message(_)))
            });
        let (true, Some(client_port)) = (waiting, client_port) else {
            return Ok(LpcOut::Nothing);
        };
        let Some(Slotted::Message(parked)) = self.lpc_thread(client).reply_message.take() else {
            return Ok(LpcOut::Nothing);
        };
        let connection = Connection {
            port: self
                .lpc_port(client_port)
                .and_then(|p| p.handle)
                .unwrap_or_default(),
            max_message_length: self
                .lpc_port(client_port)
                .map_or(0, |p| p.max_message_length),
            connection_info: bytes::Bytes::new(),
            client_view: self
                .lpc_view(client_port, ViewSide::Client)
                .map(|v| v.mapping),
            server_view: self.lpc_view(client_port, ViewSide::Server),
        };
        self.lpc_set_slot(cause, client, 0, None);
        self.lpc_hand_over(
            cause,
            client,
            parked,
            |m| LpcAnswer {
                status: NtStatus::Success,
                out: LpcOut::Connection(Connection {
                    connection_info: m.data,
                    ..connection
                }),
            },
            WakeReason::Connected,
        );
        Ok(LpcOut::Nothing)
    }
}
