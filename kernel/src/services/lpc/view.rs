//! Port views: a section (a memory object) mapped whole into both tasks of a
//! connection, at connect and at accept, owned by an LPC port and unmapped when
//! that port is deleted (connect.c, complete.c, close.c `LpcpDeletePort`).

use super::api::{PortView, RemotePortView};
use crate::port::Receiver;
use crate::services::{Handle, ObjectRef};
use crate::state::KernelState;
use crate::trace::{Event, ViewSide};
use ports::{NtStatus, TaskId};

/// A mapping an LPC port owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct View {
    /// The task it is mapped into.
    pub(super) holder: TaskId,
    /// Its mapping handle there.
    pub(super) mapping: u32,
    /// The memory object.
    pub(super) object: u32,
    /// Whose section it is.
    pub(super) side: ViewSide,
}

impl KernelState {
    /// The memory object a view names in `task`'s space: a name that denotes
    /// nothing, or a dead one, is `invalid_handle`; a right to anything but a
    /// memory object is `object_type_mismatch`.
    pub(super) fn lpc_section(&self, task: TaskId, view: PortView) -> Result<u32, NtStatus> {
        let port = self
            .task(task)
            .space
            .get(view.section)
            .and_then(ports::Entry::port)
            .ok_or(NtStatus::InvalidHandle)?;
        match self.port(port).map(|p| p.receiver) {
            Some(Receiver::Object(ObjectRef::Memory(id))) => Ok(id),
            Some(_) => Err(NtStatus::ObjectTypeMismatch),
            None => Err(NtStatus::InvalidHandle),
        }
    }

    /// Maps section `object` into `holder` for `port`, which owns the mapping;
    /// the caller has checked `holder` has room for the handle.
    pub(super) fn lpc_map_view(
        &mut self,
        cause: Option<TaskId>,
        port: u32,
        holder: TaskId,
        object: u32,
        side: ViewSide,
    ) -> RemotePortView {
        let mapping = self.map_object(cause, holder, object).unwrap_or_default();
        let size = self.services.memory.get(&object).map_or(0, |o| o.size);
        if let Some(p) = self.lpc_port_mut(port) {
            p.views.push(View {
                holder,
                mapping,
                object,
                side,
            });
        }
        self.record(cause, |k| Event::LpcViewMapped {
            port: k.lpc_label(port),
            object: k
                .services
                .memory
                .get(&object)
                .map_or_else(|| crate::trace::Label::from(""), |o| o.label.clone()),
            holder: k.task_label(holder),
            mapping,
            size,
            view: side,
        });
        RemotePortView { mapping, size }
    }

    /// The view of `side` that `port` owns, as its holder sees it.
    pub(super) fn lpc_view(&self, port: u32, side: ViewSide) -> Option<RemotePortView> {
        let view = self.lpc_port(port)?.views.iter().find(|v| v.side == side)?;
        let size = self.services.memory.get(&view.object).map_or(0, |o| o.size);
        Some(RemotePortView {
            mapping: view.mapping,
            size,
        })
    }

    /// Unmaps the views a port being deleted owns: each one its holder still has
    /// (a task may have unmapped it itself, or be ending and closing its handles).
    pub(super) fn lpc_unmap_views(&mut self, cause: Option<TaskId>, views: Vec<View>) {
        for view in views {
            let still = self.task(view.holder).handles.get(&view.mapping)
                == Some(&Handle::Mapping(view.object));
            if still {
                self.task_mut(view.holder).handles.remove(&view.mapping);
                self.drop_mapping(cause, view.holder, view.object, view.mapping);
            }
        }
    }
}
