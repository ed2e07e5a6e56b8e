//! `NtCreatePort`: a server's named connection port (create.c).

use crate::state::KernelState;
use crate::trace::{Event, Label};
use ports::lpc::{LPC_MAX_CONNECTION_INFO_LENGTH, LPC_MAX_MESSAGE_LENGTH, LpcPortKind};
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtCreatePort`: a connection port named `name` whose server is `server`,
    /// for `server`'s call (`cause`) or made by the kernel before the run
    /// (`cause` `None`). Returns the handle.
    ///
    /// The checks are NT's, in its order: a connection-information limit over 260
    /// is `invalid_parameter_3` (the port keeps 260 whatever it asked for), a
    /// message limit over 328 is `invalid_parameter_4`, an empty name
    /// `object_name_invalid` (machsim has no unnamed ports), a name taken
    /// `object_name_collision`, and a full handle table
    /// `insufficient_resources`. A failure makes nothing.
    pub(crate) fn nt_create_port(
        &mut self,
        cause: Option<TaskId>,
        server: TaskId,
        name: &str,
        max_connection_info_length: u32,
        max_message_length: u32,
    ) -> Result<u32, NtStatus> {
        if max_connection_info_length > u32::from(LPC_MAX_CONNECTION_INFO_LENGTH) {
            return Err(NtStatus::InvalidParameter3);
        }
        let max_message_length = u16::try_from(max_message_length)
            .ok()
            .filter(|m| *m <= LPC_MAX_MESSAGE_LENGTH)
            .ok_or(NtStatus::InvalidParameter4)?;
        if name.is_empty() {
            return Err(NtStatus::ObjectNameInvalid);
        }
        if self.services.lpc.names.contains_key(name) {
            return Err(NtStatus::ObjectNameCollision);
        }
        if self.task(server).free_handles() == 0 {
            return Err(NtStatus::InsufficientResources);
        }
        let (port, handle) = self.new_lpc_port(
            name,
            LpcPortKind::Connection,
            server,
            server,
            max_message_length,
        );
        let name: Label = Label::from(name);
        self.services.lpc.names.insert(name.to_string(), port);
        if let Some(p) = self.lpc_port_mut(port) {
            p.name = Some(name.clone());
            p.connection = Some(port);
        }
        self.record(cause, |k| Event::LpcPortCreated {
            port: k.lpc_label(port),
            kind: LpcPortKind::Connection,
            name: Some(name.clone()),
            connection: k.lpc_label(port),
            peer: None,
            holder: k.task_label(server),
            handle,
            context: 0,
            max_message_length,
        });
        Ok(handle)
    }
}
