//! Identifiers: task-local port names and kernel-wide generational ids.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A task-local name for a right (Mach's `mach_port_name_t`).
///
/// A name means nothing outside the task's [`PortSpace`](crate::PortSpace): the same
/// number in another task may denote another port or nothing. Names are made as Mach
/// makes them, `(index << 8) | generation`, so a freed slot is not re-issued at once
/// under the same name and a stale name is detected instead of silently reused.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[doc(alias = "mach_port_name_t")]
pub struct PortName(pub u32);

impl PortName {
    /// `MACH_PORT_NULL`: no right.
    pub const NULL: PortName = PortName(0);
    /// `MACH_PORT_DEAD`: stands for a right whose port died in transit.
    pub const DEAD: PortName = PortName(u32::MAX);

    /// Builds a name from a table index and an 8-bit generation.
    pub const fn new(index: u32, generation: u8) -> PortName {
        PortName((index << 8) | generation as u32)
    }

    /// The table index (Mach's `MACH_PORT_INDEX`).
    pub const fn index(self) -> u32 {
        self.0 >> 8
    }

    /// The generation (Mach's `MACH_PORT_GEN`, unshifted).
    pub const fn generation(self) -> u8 {
        (self.0 & 0xff) as u8
    }

    /// True for a name that can denote a right: neither `NULL` nor `DEAD`
    /// (Mach's `MACH_PORT_VALID`).
    pub const fn is_valid(self) -> bool {
        self.0 != 0 && self.0 != u32::MAX
    }
}

impl fmt::Debug for PortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for PortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PortName::NULL => f.write_str("null"),
            PortName::DEAD => f.write_str("dead"),
            PortName(n) => write!(f, "0x{n:x}"),
        }
    }
}

macro_rules! generational_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name {
            /// Slot in the kernel's table.
            pub index: u32,
            /// Bumped each time the slot is reused, so a stale id never finds the new object.
            pub generation: u32,
        }

        impl $name {
            /// Builds an id from its slot and generation.
            pub const fn new(index: u32, generation: u32) -> Self {
                Self { index, generation }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.generation == 0 {
                    write!(f, concat!($prefix, "{}"), self.index)
                } else {
                    write!(f, concat!($prefix, "{}#{}"), self.index, self.generation)
                }
            }
        }
    };
}

generational_id!(
    /// The kernel's identity of a port, valid for the port's whole life.
    ///
    /// Tasks never see it; they see [`PortName`]s. The generation makes an id of a
    /// dead port different from the id of a later port in the same slot, which is how
    /// a right whose port died is recognised as a dead name (Mach converts lazily too).
    PortId,
    "p"
);

generational_id!(
    /// The kernel's identity of a port set.
    PortSetId,
    "s"
);

generational_id!(
    /// The kernel's identity of a task (Hubris's `TaskId`: index plus generation).
    TaskId,
    "t"
);

/// The operation number a message carries (Mach's `msgh_id`), uninterpreted by the
/// kernel except on kernel ports and in notifications.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize,
)]
#[doc(alias = "msgh_id")]
pub struct MessageId(pub i32);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A number unique to one message within a run, so a trace reader can follow a
/// message from its send to its one end (received, destroyed, or still queued).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize,
)]
pub struct MessageSerial(pub u64);

impl fmt::Display for MessageSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m{}", self.0)
    }
}
