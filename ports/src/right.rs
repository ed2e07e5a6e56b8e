//! Rights and dispositions: what a name denotes and how a right travels.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest user-reference count of a send right or dead name
/// (Mach's `MACH_PORT_UREFS_MAX`, a 16-bit field).
pub const UREFS_MAX: u32 = 65535;

/// One kind of right (Mach's `MACH_PORT_RIGHT_*`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    /// May send to the port; counted in user references; one name per port per task.
    Send,
    /// May receive from the port; exactly one exists per live port.
    Receive,
    /// May send exactly one message; each has its own name.
    SendOnce,
    /// A receive-only name gathering receive rights.
    PortSet,
    /// What a send or send-once right becomes when its port dies; keeps the name taken.
    DeadName,
}

impl RightKind {
    /// Mach's `MACH_PORT_RIGHT_*` value.
    pub const fn mach_value(self) -> u32 {
        match self {
            RightKind::Send => 0,
            RightKind::Receive => 1,
            RightKind::SendOnce => 2,
            RightKind::PortSet => 3,
            RightKind::DeadName => 4,
        }
    }

    /// The lower-case name used in scenario files and traces.
    pub const fn as_str(self) -> &'static str {
        match self {
            RightKind::Send => "send",
            RightKind::Receive => "receive",
            RightKind::SendOnce => "send_once",
            RightKind::PortSet => "port_set",
            RightKind::DeadName => "dead_name",
        }
    }

    const fn bit(self) -> u8 {
        1 << self.mach_value()
    }
}

impl fmt::Display for RightKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rights one name denotes (Mach's `mach_port_type_t` without the request bits).
///
/// A name may denote several rights at once: receive and send for one port share a
/// name, as Mach requires. Valid combinations are `{}`, `{send}`, `{receive}`,
/// `{receive, send}`, `{send_once}`, `{port_set}` and `{dead_name}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RightSet(u8);

impl RightSet {
    /// No right.
    pub const NONE: RightSet = RightSet(0);

    /// The set holding one right.
    pub const fn of(kind: RightKind) -> RightSet {
        RightSet(kind.bit())
    }

    /// True if the set holds `kind`.
    pub const fn contains(self, kind: RightKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The set with `kind` added.
    #[must_use]
    pub const fn with(self, kind: RightKind) -> RightSet {
        RightSet(self.0 | kind.bit())
    }

    /// The set with `kind` removed.
    #[must_use]
    pub const fn without(self, kind: RightKind) -> RightSet {
        RightSet(self.0 & !kind.bit())
    }

    /// True if no right is held.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The rights held, in Mach's order (send, receive, send-once, port set, dead name).
    pub fn iter(self) -> impl Iterator<Item = RightKind> {
        [
            RightKind::Send,
            RightKind::Receive,
            RightKind::SendOnce,
            RightKind::PortSet,
            RightKind::DeadName,
        ]
        .into_iter()
        .filter(move |k| self.contains(*k))
    }

    /// What the name denotes, as one word (Mach's `mach_port_type_t`).
    pub fn port_type(self) -> PortType {
        let send = self.contains(RightKind::Send);
        let receive = self.contains(RightKind::Receive);
        match (receive, send) {
            (true, true) => PortType::ReceiveSend,
            (true, false) => PortType::Receive,
            (false, true) => PortType::Send,
            (false, false) if self.contains(RightKind::SendOnce) => PortType::SendOnce,
            (false, false) if self.contains(RightKind::PortSet) => PortType::PortSet,
            (false, false) if self.contains(RightKind::DeadName) => PortType::DeadName,
            _ => PortType::None,
        }
    }

    /// The name used by scenario files (`expect_right`'s `is`) and traces:
    /// `none`, `send`, `receive`, `receive+send`, `send_once`, `port_set`, `dead_name`.
    pub fn as_str(self) -> &'static str {
        self.port_type().as_str()
    }
}

crate::word_enum! {
    /// The rights one name denotes, as one word (Mach's `mach_port_type_t`, whose
    /// `MACH_PORT_TYPE_*` values name these combinations): a trace's `right_changed`
    /// and a scenario's `expect_right` spell them.
    pub enum PortType {
        /// No right: the name is free.
        None = "none",
        /// A send right.
        Send = "send",
        /// A receive right.
        Receive = "receive",
        /// A receive right and send rights under the same name.
        ReceiveSend = "receive+send",
        /// A send-once right.
        SendOnce = "send_once",
        /// A port set.
        PortSet = "port_set",
        /// A dead name.
        DeadName = "dead_name",
    }
}

impl PortType {
    /// True when the name denotes a receive right (alone or with send rights).
    pub const fn has_receive(self) -> bool {
        matches!(self, PortType::Receive | PortType::ReceiveSend)
    }

    /// True when the name counts user references: a send right or a dead name.
    pub const fn has_urefs(self) -> bool {
        matches!(
            self,
            PortType::Send | PortType::ReceiveSend | PortType::DeadName
        )
    }
}

impl fmt::Debug for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a right travels in a message (Mach's `MACH_MSG_TYPE_*` port type names).
///
/// On receipt the kernel rewrites the disposition to the received form, which Mach
/// gives the same values: `MoveReceive` is `PORT_RECEIVE`, `MoveSend` is `PORT_SEND`,
/// `MoveSendOnce` is `PORT_SEND_ONCE`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// The sender gives up its receive right (keeping its send rights under the name).
    MoveReceive,
    /// The sender gives up one user reference of its send right.
    MoveSend,
    /// The sender gives up its send-once right.
    MoveSendOnce,
    /// The sender keeps its send right; the receiver gets a new one.
    CopySend,
    /// A new send right is made from the sender's receive right.
    MakeSend,
    /// A new send-once right is made from the sender's receive right.
    MakeSendOnce,
}

impl Disposition {
    /// Every disposition, in Mach's numeric order.
    pub const ALL: [Disposition; 6] = [
        Disposition::MoveReceive,
        Disposition::MoveSend,
        Disposition::MoveSendOnce,
        Disposition::CopySend,
        Disposition::MakeSend,
        Disposition::MakeSendOnce,
    ];

    /// Mach's `MACH_MSG_TYPE_*` value (16..=21).
    pub const fn mach_value(self) -> u32 {
        match self {
            Disposition::MoveReceive => 16,
            Disposition::MoveSend => 17,
            Disposition::MoveSendOnce => 18,
            Disposition::CopySend => 19,
            Disposition::MakeSend => 20,
            Disposition::MakeSendOnce => 21,
        }
    }

    /// The right the receiver ends up holding.
    pub const fn carried_right(self) -> RightKind {
        match self {
            Disposition::MoveReceive => RightKind::Receive,
            Disposition::MoveSend | Disposition::CopySend | Disposition::MakeSend => {
                RightKind::Send
            }
            Disposition::MoveSendOnce | Disposition::MakeSendOnce => RightKind::SendOnce,
        }
    }

    /// The disposition a received right is reported with (Mach's `PORT_*` aliases).
    pub const fn received_form(self) -> Disposition {
        match self.carried_right() {
            RightKind::Receive => Disposition::MoveReceive,
            RightKind::SendOnce => Disposition::MoveSendOnce,
            _ => Disposition::MoveSend,
        }
    }

    /// True for the dispositions allowed in a header (a send-type: a receive right
    /// cannot travel in the header).
    pub const fn is_send_type(self) -> bool {
        !matches!(self, Disposition::MoveReceive)
    }

    /// The lower-case name used in scenario files and traces.
    pub const fn as_str(self) -> &'static str {
        match self {
            Disposition::MoveReceive => "move_receive",
            Disposition::MoveSend => "move_send",
            Disposition::MoveSendOnce => "move_send_once",
            Disposition::CopySend => "copy_send",
            Disposition::MakeSend => "make_send",
            Disposition::MakeSendOnce => "make_send_once",
        }
    }

    /// Parses the lower-case name.
    pub fn from_name(name: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
