//! `NtConnectPort`: a client's connect, which waits until the server accepts and
//! completes it, or refuses it (connect.c).

use super::LpcNow;
use super::api::PortView;
use super::thread::Slotted;
use super::wait::LpcWait;
use crate::state::KernelState;
use crate::syscall::Now;
use crate::trace::{Event, ViewSide};
use bytes::Bytes;
use ports::lpc::{LPC_MAX_CONNECTION_INFO_LENGTH, LpcMessageType, LpcPortKind, PortMessage};
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtConnectPort`: finds the connection port named `name` (none, or its name
    /// deleted: `object_name_not_found`), checks the view (§4's errors) and that
    /// `task` has room for its handles, then makes the client port (and maps the
    /// client's section into it), puts `task`'s slot on the connection request's
    /// message id and `task` on the connection port's reply chain, queues an
    /// `LPC_CONNECTION_REQUEST` carrying the connection information (cut to 260
    /// bytes), and waits.
    pub(super) fn nt_connect_port(
        &mut self,
        task: TaskId,
        name: &str,
        client_view: Option<PortView>,
        connection_info: &[u8],
    ) -> LpcNow {
        match self.lpc_connect(task, name, client_view, connection_info) {
            Ok(()) => Now::Blocked,
            Err(status) => Now::Done(Err(status)),
        }
    }

    fn lpc_connect(
        &mut self,
        task: TaskId,
        name: &str,
        client_view: Option<PortView>,
        connection_info: &[u8],
    ) -> Result<(), NtStatus> {
        let cause = Some(task);
        let connection = *self
            .services
            .lpc
            .names
            .get(name)
            .ok_or(NtStatus::ObjectNameNotFound)?;
        let section = client_view
            .map(|view| self.lpc_section(task, view))
            .transpose()?;
        if self.task(task).free_handles() < 1 + usize::from(section.is_some()) {
            return Err(NtStatus::InsufficientResources);
        }
        let (server, max_message_length) = self
            .lpc_port(connection)
            .map(|p| (p.server, p.max_message_length))
            .ok_or(NtStatus::ObjectNameNotFound)?;
        let wanted = format!("{}:{name}", self.task_label(task));
        let (client_port, handle) = self.new_lpc_port(
            &wanted,
            LpcPortKind::Client,
            task,
            server,
            max_message_length,
        );
        if let Some(p) = self.lpc_port_mut(client_port) {
            p.connection = Some(connection);
        }
        self.record(cause, |k| Event::LpcPortCreated {
            port: k.lpc_label(client_port),
            kind: LpcPortKind::Client,
            name: None,
            connection: k.lpc_label(connection),
            peer: None,
            holder: k.task_label(task),
            handle,
            context: 0,
            max_message_length,
        });
        let view_size = section.map_or(0, |object| {
            self.lpc_map_view(cause, client_port, task, object, ViewSide::Client)
                .size
        });
        let message_id = self.lpc_next_message_id();
        let client_id = self.lpc_cid(task);
        let thread = self.lpc_thread(task);
        thread.port = Some(client_port);
        thread.reply_message = Some(Slotted::ConnectionRequest { client_port });
        self.lpc_set_slot(cause, task, message_id, Some(connection));
        let mut request = PortMessage::new(truncated(connection_info));
        request.message_type = LpcMessageType::ConnectionRequest;
        request.client_id = client_id;
        request.message_id = message_id;
        request.client_view_size = view_size;
        let msg = self.lpc_copy_in(cause, connection, request, 0);
        self.lpc_wait(
            task,
            LpcWait::Connect {
                connection,
                client_port,
            },
            None,
        );
        self.lpc_enqueue(cause, connection, msg);
        Ok(())
    }
}

/// Connection information cut to NT's limit (`LPC_MAX_DATA_LENGTH`), as connect.c
/// and complete.c cut it whatever the port asked for.
pub(super) fn truncated(info: &[u8]) -> Bytes {
    let most = usize::from(LPC_MAX_CONNECTION_INFO_LENGTH);
    Bytes::copy_from_slice(&info[..info.len().min(most)])
}
