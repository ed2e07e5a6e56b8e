//! A message body inside the kernel: the sender's items as they came, and the
//! rights its port items carry as kernel identities.
//!
//! Most bodies carry no right. Such a body travels from the sender's `Message` to
//! the receiver's untouched: the same vector, never rebuilt or walked. A body with
//! port items keeps them in place (their names are the sender's and mean nothing
//! in transit) beside the rights they carry, and copy-out writes the receiver's
//! names into them.

use super::Carried;
use ports::{Disposition, Item, PortItem, PortName};

/// A body item as the kernel builds one for its own messages (notifications, the
/// traced requests of kernel calls): data, or a right in transit (`None` for
/// `MACH_PORT_NULL` or `MACH_PORT_DEAD` given as a right).
#[derive(Clone, Debug)]
pub(crate) enum KItem {
    Data(Item),
    Port(Option<Carried>),
}

/// One item of a [`Body`], as the kernel reads it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BodyItem<'a> {
    Data(&'a Item),
    Port(Option<Carried>),
}

/// A message's body in the kernel.
#[derive(Clone, Debug, Default)]
pub(crate) struct Body {
    /// The items in order; a port item is a placeholder for the right in `rights`.
    items: Vec<Item>,
    /// The right each port item carries, in the order of the port items.
    rights: Vec<Option<Carried>>,
}

/// What a port item reads as before copy-out gives it the receiver's name.
const PLACEHOLDER: PortItem = PortItem {
    name: PortName::NULL,
    disposition: Disposition::MoveSend,
};

impl Body {
    /// A body of `items` whose port items carry `rights`, one each, in order.
    pub(crate) fn new(items: Vec<Item>, rights: Vec<Option<Carried>>) -> Body {
        debug_assert_eq!(
            items.iter().filter(|i| matches!(i, Item::Port(_))).count(),
            rights.len(),
            "one right per port item"
        );
        Body { items, rights }
    }

    /// The items in order, port items with their rights.
    pub(crate) fn iter(&self) -> impl Iterator<Item = BodyItem<'_>> + '_ {
        let mut rights = self.rights.iter();
        self.items.iter().map(move |item| match item {
            Item::Port(_) => BodyItem::Port(rights.next().copied().flatten()),
            data => BodyItem::Data(data),
        })
    }

    /// Every right the body carries, in order.
    pub(crate) fn rights(&self) -> impl Iterator<Item = Carried> + '_ {
        self.rights.iter().flatten().copied()
    }

    /// Mach 3.0's `msgh_size` of a message with this body: the header plus every
    /// item (a carried right counts as a port item).
    pub(crate) fn message_size(&self) -> u32 {
        ports::message_size(&self.items)
    }

    /// The items, each port item given the name `copyout` returns for its right
    /// (in order), as the receiver sees them. A body without rights comes back as
    /// it went in, unwalked.
    pub(crate) fn into_items(
        self,
        mut copyout: impl FnMut(Option<Carried>) -> PortItem,
    ) -> Vec<Item> {
        let Body { mut items, rights } = self;
        if rights.is_empty() {
            return items;
        }
        let mut rights = rights.into_iter();
        for item in &mut items {
            if let Item::Port(port) = item {
                *port = copyout(rights.next().flatten());
            }
        }
        items
    }
}

impl From<Vec<KItem>> for Body {
    fn from(body: Vec<KItem>) -> Body {
        let mut rights = Vec::new();
        let items = body
            .into_iter()
            .map(|item| match item {
                KItem::Data(data) => data,
                KItem::Port(carried) => {
                    rights.push(carried);
                    Item::Port(PLACEHOLDER)
                }
            })
            .collect();
        Body { items, rights }
    }
}
