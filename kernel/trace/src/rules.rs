//! The format's own rules for an event's fields, beyond their types.
//!
//! Decoding gives every field a value of its type, but some values of the type break
//! the format (`docs/traces.md`): a send right with 70,000 user references (Mach counts
//! at most [`ports::UREFS_MAX`]), a memory access 3 bytes wide. The kernel never records
//! such an event, so a trace holding one is damaged or forged, and a tool that folded it
//! would show a state no run can reach. [`Event::validate`] checks these rules; the
//! reader applies it to every event of either form, right after decoding, and reports
//! the first event that breaks one at its line or byte offset.

use crate::Event;
use ports::{PortType, UREFS_MAX};

/// The widths of a memory access, in bytes.
pub const MEMORY_WIDTHS: [u32; 4] = [1, 2, 4, 8];

/// A field whose value breaks a rule of the trace format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A `right_changed` counts more user references than Mach allows.
    #[error("`urefs` is {urefs}, over Mach's limit of {UREFS_MAX} user references")]
    UrefsOverLimit {
        /// The count found.
        urefs: u32,
    },
    /// A `right_changed` counts user references for a name whose rights count none
    /// (no send right, no dead name).
    #[error("`urefs` is {urefs} for a `{right}` name, which counts no user references")]
    UrefsWithoutSendRight {
        /// The rights the name denotes.
        right: PortType,
        /// The count found.
        urefs: u32,
    },
    /// A `right_changed` gives a send right or dead name no user reference: such a
    /// right always holds at least one.
    #[error("`urefs` is 0 for a `{right}` name, which holds at least one user reference")]
    NoUrefs {
        /// The rights the name denotes.
        right: PortType,
    },
    /// A memory access of a width other than 1, 2, 4 or 8 bytes.
    #[error("`width` is {width}; a memory access is 1, 2, 4 or 8 bytes wide")]
    Width {
        /// The width found.
        width: u32,
    },
    /// A `memory_read` whose value does not fit the bytes it read.
    #[error("`value` {value} does not fit in a {width}-byte read")]
    ValueWiderThanRead {
        /// The value found.
        value: u64,
        /// The width of the read.
        width: u32,
    },
    /// A memory object of no bytes (the kernel refuses to make one).
    #[error("`size` is 0; a memory object holds at least one byte")]
    EmptyMemoryObject,
    /// A memory object whose first contents are not as long as the object.
    #[error("`initial` holds {len} bytes for an object of {size} bytes")]
    InitialSize {
        /// The bytes of `initial`.
        len: usize,
        /// The object's size.
        size: u32,
    },
    /// A pipe or named pipe of capacity 0 (the kernel refuses to make one).
    #[error("`capacity` is 0; a pipe holds at least one byte")]
    EmptyPipe,
    /// An LPC message with message id 0 (the kernel's counter skips it).
    #[error("`message_id` is 0; LPC message ids start at 1 and skip 0")]
    LpcMessageIdZero,
    /// An LPC message whose data and data information are not as long as its
    /// `data_length` says (the kernel copies exactly what the header claims).
    #[error("`data` and `data_entries` hold {len} bytes, but `data_length` is {data_length}")]
    LpcDataLength {
        /// The bytes of the data and its data-information block.
        len: usize,
        /// The header's data length.
        data_length: u16,
    },
    /// An LPC port whose limit is over NT's largest message (328 bytes).
    #[error("`max_message_length` is {max}; an LPC port allows at most 328")]
    LpcMaxMessageLength {
        /// The limit found.
        max: u16,
    },
}

impl Event {
    /// Checks the rules of the format that this event's fields alone must keep (rules
    /// that need earlier events, such as a memory access within its object, are the
    /// stepper's to check as it folds the trace).
    ///
    /// # Errors
    /// The first [`FieldError`] found.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Event::RightChanged { right, urefs, .. } => rights(*right, *urefs),
            Event::MemoryRead { width, value, .. } => {
                memory_width(*width)?;
                let bits = width * 8;
                if bits < 64 && *value >> bits != 0 {
                    return Err(FieldError::ValueWiderThanRead {
                        value: *value,
                        width: *width,
                    });
                }
                Ok(())
            }
            // A write records the value it was given; only its low `width` bytes land.
            Event::MemoryWritten { width, .. } => memory_width(*width),
            Event::MemoryCreated { size, initial, .. } => {
                if *size == 0 {
                    return Err(FieldError::EmptyMemoryObject);
                }
                match initial {
                    Some(bytes) if u32::try_from(bytes.0.len()).ok() != Some(*size) => {
                        Err(FieldError::InitialSize {
                            len: bytes.0.len(),
                            size: *size,
                        })
                    }
                    _ => Ok(()),
                }
            }
            Event::PipeCreated { capacity, .. } | Event::NamedPipeCreated { capacity, .. } => {
                if *capacity == 0 {
                    Err(FieldError::EmptyPipe)
                } else {
                    Ok(())
                }
            }
            Event::LpcMessageSent {
                message_id,
                data_length,
                data,
                data_entries,
                ..
            } => lpc_message(*message_id, *data_length, data.0.len(), data_entries.len()),
            Event::LpcPortCreated {
                max_message_length, ..
            } if *max_message_length > ports::lpc::LPC_MAX_MESSAGE_LENGTH => {
                Err(FieldError::LpcMaxMessageLength {
                    max: *max_message_length,
                })
            }
            _ => Ok(()),
        }
    }
}

/// A name's user references agree with its rights, and are at most [`UREFS_MAX`].
fn rights(right: PortType, urefs: u32) -> Result<(), FieldError> {
    if urefs > UREFS_MAX {
        Err(FieldError::UrefsOverLimit { urefs })
    } else if !right.has_urefs() && urefs != 0 {
        Err(FieldError::UrefsWithoutSendRight { right, urefs })
    } else if right.has_urefs() && urefs == 0 {
        Err(FieldError::NoUrefs { right })
    } else {
        Ok(())
    }
}

/// An LPC message has an id, and its data and data information are as long as
/// its header says (4 bytes of count and 8 per entry, as `PortMessage` counts them).
fn lpc_message(
    message_id: u32,
    data_length: u16,
    data: usize,
    entries: usize,
) -> Result<(), FieldError> {
    let info = if entries == 0 { 0 } else { 4 + 8 * entries };
    if message_id == 0 {
        Err(FieldError::LpcMessageIdZero)
    } else if data + info != usize::from(data_length) {
        Err(FieldError::LpcDataLength {
            len: data + info,
            data_length,
        })
    } else {
        Ok(())
    }
}

fn memory_width(width: u32) -> Result<(), FieldError> {
    if MEMORY_WIDTHS.contains(&width) {
        Ok(())
    } else {
        Err(FieldError::Width { width })
    }
}

#[cfg(test)]
mod tests {
    use super::FieldError;
    use crate::{Event, HexBytes};
    use ports::PortType;

    fn right(right: PortType, urefs: u32) -> Event {
        Event::RightChanged {
            holder: "a".into(),
            name: 769,
            port: "p".into(),
            right,
            urefs,
        }
    }

    fn read(width: u32, value: u64) -> Event {
        Event::MemoryRead {
            object: "m".into(),
            offset: 0,
            width,
            value,
        }
    }

    #[test]
    fn user_references_agree_with_the_rights_and_stay_within_mach_s_limit() {
        assert_eq!(right(PortType::Send, 65_535).validate(), Ok(()));
        assert_eq!(right(PortType::DeadName, 1).validate(), Ok(()));
        assert_eq!(right(PortType::Receive, 0).validate(), Ok(()));
        assert_eq!(right(PortType::None, 0).validate(), Ok(()));
        assert_eq!(
            right(PortType::Send, 70_000).validate(),
            Err(FieldError::UrefsOverLimit { urefs: 70_000 })
        );
        assert_eq!(
            right(PortType::SendOnce, 2).validate(),
            Err(FieldError::UrefsWithoutSendRight {
                right: PortType::SendOnce,
                urefs: 2
            })
        );
        assert_eq!(
            right(PortType::ReceiveSend, 0).validate(),
            Err(FieldError::NoUrefs {
                right: PortType::ReceiveSend
            })
        );
    }

    #[test]
    fn memory_accesses_are_1_2_4_or_8_bytes_and_a_read_fits_its_width() {
        for width in [1, 2, 4, 8] {
            assert_eq!(read(width, 0).validate(), Ok(()));
        }
        assert_eq!(read(8, u64::MAX).validate(), Ok(()));
        assert_eq!(read(3, 0).validate(), Err(FieldError::Width { width: 3 }));
        assert_eq!(
            read(1, 256).validate(),
            Err(FieldError::ValueWiderThanRead {
                value: 256,
                width: 1
            })
        );
        let write = Event::MemoryWritten {
            object: "m".into(),
            offset: 0,
            width: 3,
            value: 1,
        };
        assert_eq!(write.validate(), Err(FieldError::Width { width: 3 }));
    }

    #[test]
    fn objects_and_pipes_are_never_empty_and_initial_contents_fill_the_object() {
        let created = |size, initial: Option<&'static [u8]>| Event::MemoryCreated {
            object: "m".into(),
            size,
            initial: initial.map(|b| HexBytes(bytes::Bytes::from_static(b))),
        };
        assert_eq!(created(2, Some(b"hi")).validate(), Ok(()));
        assert_eq!(
            created(0, None).validate(),
            Err(FieldError::EmptyMemoryObject)
        );
        assert_eq!(
            created(3, Some(b"hi")).validate(),
            Err(FieldError::InitialSize { len: 2, size: 3 })
        );
        let pipe = Event::PipeCreated {
            pipe: "pipe1".into(),
            capacity: 0,
            named: None,
        };
        assert_eq!(pipe.validate(), Err(FieldError::EmptyPipe));
    }

    fn sent(message_id: u32, data_length: u16, data: &'static [u8], entries: usize) -> Event {
        let entry = ports::lpc::DataEntry {
            mapping: 3,
            offset: 0,
            length: 8,
        };
        Event::LpcMessageSent {
            msg: 1,
            message_type: ports::lpc::LpcMessageType::Request,
            message_id,
            callback_id: 0,
            client_id: ports::lpc::ClientId::of_task(1),
            port: "c:\\P".into(),
            data_length,
            total_length: data_length + 24,
            data: HexBytes(bytes::Bytes::from_static(data)),
            data_entries: vec![entry; entries],
            client_view_size: 0,
            context: 0,
        }
    }

    #[test]
    fn an_lpc_message_has_an_id_and_the_data_its_header_claims() {
        assert_eq!(sent(1, 2, b"hi", 0).validate(), Ok(()));
        assert_eq!(sent(1, 14, b"hi", 1).validate(), Ok(()));
        assert_eq!(
            sent(0, 2, b"hi", 0).validate(),
            Err(FieldError::LpcMessageIdZero)
        );
        assert_eq!(
            sent(1, 3, b"hi", 0).validate(),
            Err(FieldError::LpcDataLength {
                len: 2,
                data_length: 3
            })
        );
    }
}
