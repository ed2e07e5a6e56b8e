//! LPC ports: the one object NT has for all three kinds, the handle that names
//! each, and the routing of a message sent through one (send.c, port.c).

use super::message::LpcMsg;
use super::view::View;
use crate::services::Handle;
use crate::state::KernelState;
use crate::trace::Label;
use ports::lpc::LpcPortKind;
use ports::{NtStatus, TaskId};
use std::collections::VecDeque;

/// An LPC port (NT's `LPCP_PORT_OBJECT`, with the fields the model uses).
#[derive(Debug)]
pub(crate) struct LpcPort {
    pub(super) label: Label,
    pub(super) kind: LpcPortKind,
    /// A connection port's name (it leaves the name table when deleted).
    pub(super) name: Option<Label>,
    /// `ConnectionPort`: itself for a connection port; the connection port for
    /// the others, until the connection is broken (a reference to it).
    pub(super) connection: Option<u32>,
    /// `ConnectedPort`: the other end (communication ↔ client).
    pub(super) connected: Option<u32>,
    /// `MsgQueue`: only a connection port's and a client port's are used.
    pub(super) queue: VecDeque<LpcMsg>,
    /// Tasks blocked receiving on the queue, first come first served.
    pub(super) receivers: VecDeque<TaskId>,
    /// `LpcReplyChainHead`: tasks waiting for a reply through this port, woken
    /// with no message when it goes.
    pub(super) reply_chain: Vec<TaskId>,
    /// `PortContext` (a communication port's).
    pub(super) context: u64,
    /// `ClientThread` (a communication port's, until completed).
    pub(super) client_thread: Option<TaskId>,
    /// `ServerProcess`: the connection port's creator, the only task that may
    /// accept its connections.
    pub(super) server: TaskId,
    /// The task whose handle names it (it keeps the name after the handle goes).
    pub(super) owner: TaskId,
    /// The handle, until it is closed.
    pub(super) handle: Option<u32>,
    /// `MaxMessageLength`, header included.
    pub(super) max_message_length: u16,
    /// The view mappings it owns, unmapped when it is deleted.
    pub(super) views: Vec<View>,
    /// `LPCP_NAME_DELETED`.
    pub(super) name_deleted: bool,
}

/// Where a message sent through a port goes (send.c): the queue it joins, the
/// port whose reply chain a requester waits on, and the context it carries.
#[derive(Clone, Copy, Debug)]
pub(super) struct Route {
    pub(super) queue: u32,
    pub(super) chain: u32,
    pub(super) context: u64,
}

impl KernelState {
    pub(super) fn lpc_port(&self, id: u32) -> Option<&LpcPort> {
        self.services.lpc.ports.get(&id)
    }

    pub(super) fn lpc_port_mut(&mut self, id: u32) -> Option<&mut LpcPort> {
        self.services.lpc.ports.get_mut(&id)
    }

    /// A port's label (empty once deleted: callers ask for live ports).
    pub(super) fn lpc_label(&self, id: u32) -> Label {
        self.lpc_port(id)
            .map_or_else(|| Label::from(""), |p| p.label.clone())
    }

    /// The LPC port `task`'s handle names (`ObReferenceObjectByHandle` with the
    /// port type): no such handle is `invalid_handle`; a mapping or a pipe end is
    /// `object_type_mismatch`.
    pub(super) fn lpc_port_of(&self, task: TaskId, handle: u32) -> Result<u32, NtStatus> {
        match self.task(task).handles.get(&handle) {
            Some(Handle::LpcPort(port)) => Ok(*port),
            Some(_) => Err(NtStatus::ObjectTypeMismatch),
            None => Err(NtStatus::InvalidHandle),
        }
    }

    /// Makes a port, the handle `holder` names it by included; the caller has
    /// checked there is room for the handle.
    pub(super) fn new_lpc_port(
        &mut self,
        wanted_label: &str,
        kind: LpcPortKind,
        holder: TaskId,
        server: TaskId,
        max_message_length: u16,
    ) -> (u32, u32) {
        let lpc = &mut self.services.lpc;
        lpc.next_port += 1;
        let id = lpc.next_port;
        let label = self.unique_label(wanted_label);
        let handle = self
            .task_mut(holder)
            .new_handle(Handle::LpcPort(id))
            .unwrap_or_default();
        self.services.lpc.ports.insert(
            id,
            LpcPort {
                label,
                kind,
                name: None,
                connection: None,
                connected: None,
                queue: VecDeque::new(),
                receivers: VecDeque::new(),
                reply_chain: Vec::new(),
                context: 0,
                client_thread: None,
                server,
                owner: holder,
                handle: Some(handle),
                max_message_length,
                views: Vec::new(),
                name_deleted: false,
            },
        );
        (id, handle)
    }

    /// Where a message sent through `port` goes (send.c): through a client port
    /// onto its connection port's queue with the connection's context, waiting on
    /// the communication port's chain; through a communication port onto its
    /// client port's queue, waiting on that port's chain; through a connection
    /// port onto its own queue. A port whose other end is gone, or a connection
    /// port whose name was deleted, is `port_disconnected`.
    pub(super) fn lpc_route(&self, port: u32) -> Result<Route, NtStatus> {
        let p = self.lpc_port(port).ok_or(NtStatus::PortDisconnected)?;
        match p.kind {
            LpcPortKind::Connection if p.name_deleted => Err(NtStatus::PortDisconnected),
            LpcPortKind::Connection => Ok(Route {
                queue: port,
                chain: port,
                context: 0,
            }),
            LpcPortKind::Client => {
                let peer = p.connected.ok_or(NtStatus::PortDisconnected)?;
                let queue = p.connection.ok_or(NtStatus::PortDisconnected)?;
                let context = self.lpc_port(peer).map_or(0, |c| c.context);
                Ok(Route {
                    queue,
                    chain: peer,
                    context,
                })
            }
            LpcPortKind::Communication => {
                let peer = p.connected.ok_or(NtStatus::PortDisconnected)?;
                Ok(Route {
                    queue: peer,
                    chain: peer,
                    context: 0,
                })
            }
        }
    }

    /// The queue a receive through `port` takes from (reply.c): a connection or
    /// communication port receives from the connection port's queue, a client
    /// port from its own. A communication port whose connection is gone is
    /// `port_disconnected`.
    pub(super) fn lpc_receive_queue(&self, port: u32) -> Result<u32, NtStatus> {
        let p = self.lpc_port(port).ok_or(NtStatus::PortDisconnected)?;
        match p.kind {
            LpcPortKind::Connection | LpcPortKind::Client => Ok(port),
            LpcPortKind::Communication => p.connection.ok_or(NtStatus::PortDisconnected),
        }
    }

    /// May a reply or a callback through `port` reach a task that waits through
    /// `thread_port` (port.c `LpcpValidateClientPort`)? Yes through that port
    /// itself, its connection port, its peer, or a communication port of it.
    pub(super) fn lpc_related(&self, port: u32, thread_port: Option<u32>) -> bool {
        let Some(thread_port) = thread_port else {
            return false;
        };
        if port == thread_port {
            return true;
        }
        let Some(t) = self.lpc_port(thread_port) else {
            return false;
        };
        t.connection == Some(port)
            || t.connected == Some(port)
            || self.lpc_port(port).is_some_and(|p| {
                p.kind == LpcPortKind::Communication && p.connection == Some(thread_port)
            })
    }

    /// Does something still refer to `port`, so that it lives on without a
    /// handle? A connection port is referred to by the communication and client
    /// ports of its connections; any port by a task's terminate registration.
    pub(super) fn lpc_is_referenced(&self, port: u32) -> bool {
        let lpc = &self.services.lpc;
        let by_connection = lpc
            .ports
            .iter()
            .any(|(id, p)| *id != port && p.connection == Some(port));
        by_connection
            || lpc
                .threads
                .values()
                .any(|t| t.terminate_ports.contains(&port))
    }
}
