//! Windows NT's local procedure call: the `Nt*Port` calls, in NT's own names.
//!
//! Ports are task-local handles (like mappings and pipe ends); messages are NT's
//! [`PortMessage`]s; every failure is NT's status, in an [`LpcError`] (or, for a
//! connect, a [`ConnectError`] that also carries the server's answer).

use super::TaskContext;
use super::reply::Written;
use crate::error::{ConnectError, LpcError};
use crate::services::{AcceptConnect, Accepted, Connection, LpcOp, PortView, Received, ServiceOp};
use crate::syscall::Call;
use bytes::Bytes;
use ports::lpc::PortMessage;

impl TaskContext {
    fn lpc<T>(&self, op: LpcOp) -> super::call::Trap<'_, T>
    where
        T: super::call::FromReply,
    {
        self.call(Call::Service(ServiceOp::Lpc(op)))
    }

    /// `NtCreatePort`: a connection port named `name`, this task its server;
    /// returns its handle. `max_message_length` is the longest message, header
    /// included (280 gives the textbook's 256 bytes of data; NT's largest is 328).
    ///
    /// # Errors
    /// `invalid_parameter_3` (connection information over 260), `invalid_parameter_4`
    /// (a limit over 328), `object_name_invalid` (an empty name),
    /// `object_name_collision`, `insufficient_resources` (no room for the handle).
    pub async fn nt_create_port(
        &self,
        name: &str,
        max_connection_info_length: u32,
        max_message_length: u32,
    ) -> Result<u32, LpcError> {
        self.lpc(LpcOp::CreatePort {
            name: name.to_string(),
            max_connection_info_length,
            max_message_length,
        })
        .await
    }

    /// `NtConnectPort`: connects to the connection port `name`, offering
    /// `client_view` (a section mapped into both tasks) and `connection_info`
    /// (cut to 260 bytes); waits until the server accepts and completes, or refuses.
    ///
    /// # Errors
    /// `object_name_not_found`; a view's `invalid_handle` or `object_type_mismatch`;
    /// `insufficient_resources`; `port_connection_refused` (refused, with the
    /// server's answer, or the connection port closed meanwhile).
    pub async fn nt_connect_port(
        &self,
        name: &str,
        client_view: Option<PortView>,
        connection_info: &[u8],
    ) -> Result<Connection, ConnectError> {
        self.lpc(LpcOp::ConnectPort {
            name: name.to_string(),
            client_view,
            connection_info: Bytes::copy_from_slice(connection_info),
        })
        .await
    }

    /// `NtListenPort`: waits for a connection request on the port's queue,
    /// throwing away every other message before it.
    ///
    /// # Errors
    /// `invalid_handle`, `object_type_mismatch`, `port_disconnected`.
    pub async fn nt_listen_port(&self, port: u32) -> Result<PortMessage, LpcError> {
        let received: Result<Received, LpcError> = self.lpc(LpcOp::ListenPort { port }).await;
        received.map(|r| r.message)
    }

    /// `NtAcceptConnectPort`: answers the connection request `request` (as
    /// received); accepted, returns the communication port's handle, and the
    /// client waits on until [`TaskContext::nt_complete_connect_port`].
    ///
    /// # Errors
    /// `invalid_cid`, `reply_message_mismatch` (not that client's pending request,
    /// a second accept, or a task that is not the port's server), a view's errors,
    /// `insufficient_resources`.
    pub async fn nt_accept_connect_port(
        &self,
        request: &PortMessage,
        how: AcceptConnect,
    ) -> Result<Accepted, LpcError> {
        self.lpc(LpcOp::AcceptConnectPort {
            client_id: request.client_id,
            message_id: request.message_id,
            how,
        })
        .await
    }

    /// `NtCompleteConnectPort`: lets the accepted client's connect return.
    ///
    /// # Errors
    /// `invalid_port_handle` (not a communication port), `invalid_parameter` (no
    /// client left to complete).
    pub async fn nt_complete_connect_port(&self, port: u32) -> Result<(), LpcError> {
        self.lpc(LpcOp::CompleteConnectPort { port }).await
    }

    /// `NtRequestPort`: a datagram; never waits (an LPC queue has no limit).
    ///
    /// # Errors
    /// `invalid_parameter` (a typed message, data information, lengths),
    /// `port_message_too_long`, `port_disconnected`, the handle's errors.
    pub async fn nt_request_port(&self, port: u32, message: PortMessage) -> Result<(), LpcError> {
        self.lpc(LpcOp::RequestPort { port, message }).await
    }

    /// `NtRequestWaitReplyPort`: sends a request and waits for its reply, which
    /// comes straight into this task's reply slot. A `request` built with
    /// [`PortMessage::callback_to`] is a callback on a message whose sender waits;
    /// the answer is then that task's reply to it.
    ///
    /// The wait may also return a callback (a `request`) from the task being
    /// waited on: answer it with [`TaskContext::nt_reply_wait_reply_port`].
    ///
    /// # Errors
    /// `invalid_parameter`, `port_message_too_long`, `unsuccessful` (a request
    /// already outstanding), `port_disconnected`, `lpc_reply_lost` (the port went
    /// before anyone replied); a callback's `invalid_cid`, `reply_message_mismatch`.
    pub async fn nt_request_wait_reply_port(
        &self,
        port: u32,
        request: PortMessage,
    ) -> Result<PortMessage, LpcError> {
        self.lpc(LpcOp::RequestWaitReplyPort { port, request })
            .await
    }

    /// `NtReplyPort`: the reply `reply` names (by client id and message id, as
    /// [`PortMessage::reply_to`] fills them in) goes straight into that task's
    /// slot; never waits.
    ///
    /// # Errors
    /// `invalid_parameter` (message id 0, lengths), `port_message_too_long`,
    /// `invalid_cid`, `reply_message_mismatch` (that task is not waiting on that id
    /// through a related port: it was answered, or it ended).
    pub async fn nt_reply_port(&self, port: u32, reply: PortMessage) -> Result<(), LpcError> {
        self.lpc(LpcOp::ReplyPort { port, reply }).await
    }

    /// `NtReplyWaitReceivePort`: replies (if `reply` is given), then waits for the
    /// next message on the port's queue (a server's handle reads its connection
    /// port's queue, shared by every client).
    ///
    /// # Errors
    /// The reply's errors; `port_disconnected` (a communication port whose
    /// connection is gone); the handle's errors.
    pub async fn nt_reply_wait_receive_port(
        &self,
        port: u32,
        reply: Option<PortMessage>,
    ) -> Result<Received, LpcError> {
        self.nt_reply_wait_receive_port_ex(port, reply, None).await
    }

    /// `NtReplyWaitReceivePortEx`: as [`TaskContext::nt_reply_wait_receive_port`],
    /// waiting at most `timeout_ms` (0: not at all).
    ///
    /// # Errors
    /// As `nt_reply_wait_receive_port`, and `timeout`.
    pub async fn nt_reply_wait_receive_port_ex(
        &self,
        port: u32,
        reply: Option<PortMessage>,
        timeout_ms: Option<u64>,
    ) -> Result<Received, LpcError> {
        self.lpc(LpcOp::ReplyWaitReceivePort {
            port,
            reply,
            timeout_ms,
        })
        .await
    }

    /// `NtReplyWaitReplyPort`: replies, then waits for the reply to the same
    /// message id: how a client answers a callback and goes on waiting for the
    /// server's final reply.
    ///
    /// # Errors
    /// The reply's errors; `port_disconnected` (no peer to wait through; the reply
    /// went); `lpc_reply_lost`.
    pub async fn nt_reply_wait_reply_port(
        &self,
        port: u32,
        reply: PortMessage,
    ) -> Result<PortMessage, LpcError> {
        self.lpc(LpcOp::ReplyWaitReplyPort { port, reply }).await
    }

    /// `NtReadRequestData`: reads `length` bytes of entry `index` of a waiting
    /// client's request data (its memory, directly: one copy).
    ///
    /// # Errors
    /// `invalid_parameter` (no data information, a bad index or length),
    /// `invalid_cid`, `reply_message_mismatch` (the client no longer waits on it),
    /// `access_violation` (the entry names no memory of the client's).
    pub async fn nt_read_request_data(
        &self,
        port: u32,
        request: &PortMessage,
        index: u32,
        length: u32,
    ) -> Result<Bytes, LpcError> {
        self.lpc(LpcOp::ReadRequestData {
            port,
            request: request.clone(),
            index,
            length,
        })
        .await
    }

    /// `NtWriteRequestData`: writes `data` into entry `index` of a waiting
    /// client's request data; returns the bytes written.
    ///
    /// # Errors
    /// As [`TaskContext::nt_read_request_data`].
    pub async fn nt_write_request_data(
        &self,
        port: u32,
        request: &PortMessage,
        index: u32,
        data: &[u8],
    ) -> Result<u32, LpcError> {
        let written: Result<Written, LpcError> = self
            .lpc(LpcOp::WriteRequestData {
                port,
                request: request.clone(),
                index,
                data: Bytes::copy_from_slice(data),
            })
            .await;
        written.map(|Written(n)| n)
    }

    /// `NtRegisterThreadTerminatePort`: when this task ends, `client_died` goes
    /// through the port (newest registration first); the registration keeps the
    /// port until then.
    ///
    /// # Errors
    /// The handle's errors.
    pub async fn nt_register_thread_terminate_port(&self, port: u32) -> Result<(), LpcError> {
        self.lpc(LpcOp::RegisterThreadTerminatePort { port }).await
    }

    /// `NtClose` of an LPC port's handle: a connected client port sends
    /// `port_closed` to its server; a communication port's waiting client gets
    /// `lpc_reply_lost`; a connection port's name goes and its waiting connects
    /// are refused.
    ///
    /// # Errors
    /// `invalid_handle`; `object_type_mismatch` (a mapping or a pipe end).
    pub async fn nt_close(&self, handle: u32) -> Result<(), LpcError> {
        self.lpc(LpcOp::Close { handle }).await
    }
}
