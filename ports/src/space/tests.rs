use super::{EntryObject, PortSpace, SpaceError};
use crate::{PortId, PortName, RightKind, UREFS_MAX};

fn port(n: u32) -> PortId {
    PortId::new(n, 0)
}

#[test]
fn send_and_receive_rights_for_one_port_share_one_name() {
    let mut space = PortSpace::default();
    let receive = space.insert_receive(port(1)).unwrap();
    let send = space.insert_send(port(1), 1).unwrap();
    assert_eq!(receive, send);
    let entry = space.get(send).unwrap();
    assert_eq!(entry.rights.as_str(), "receive+send");
    assert_eq!(entry.refs(RightKind::Send), 1);
    assert_eq!(entry.refs(RightKind::Receive), 1);
}

#[test]
fn a_received_send_right_coalesces_and_adds_a_reference() {
    let mut space = PortSpace::default();
    let first = space.insert_send(port(7), 1).unwrap();
    let second = space.insert_send(port(7), 1).unwrap();
    assert_eq!(first, second);
    assert_eq!(space.get(first).unwrap().urefs, 2);
    let receive = space.insert_receive(port(7)).unwrap();
    assert_eq!(
        receive, first,
        "the receive right arrives under the send right's name"
    );
}

#[test]
fn send_once_rights_each_get_a_distinct_name() {
    let mut space = PortSpace::default();
    let a = space.insert_send_once(port(3)).unwrap();
    let b = space.insert_send_once(port(3)).unwrap();
    assert_ne!(a, b);
    assert_eq!(space.get(a).unwrap().refs(RightKind::SendOnce), 1);
    assert_eq!(
        space.name_of(port(3)),
        None,
        "send-once names are not coalesced"
    );
}

#[test]
fn user_references_stop_at_65535_with_urefs_overflow_and_nothing_changes() {
    let mut space = PortSpace::default();
    let name = space.insert_send(port(1), UREFS_MAX - 1).unwrap();
    assert_eq!(space.insert_send(port(1), 1), Ok(name));
    assert_eq!(
        space.insert_send(port(1), 1),
        Err(SpaceError::UrefsOverflow)
    );
    assert_eq!(space.get(name).unwrap().urefs, UREFS_MAX);
}

#[test]
fn removing_the_last_reference_frees_the_name_and_a_stale_name_finds_nothing() {
    let mut space = PortSpace::default();
    let name = space.insert_send(port(1), 2).unwrap();
    let (_, freed) = space.remove_right(name, RightKind::Send).unwrap();
    assert!(!freed);
    let (_, freed) = space.remove_right(name, RightKind::Send).unwrap();
    assert!(freed);
    assert!(space.get(name).is_none());
    let reused = space.insert_send(port(2), 1).unwrap();
    assert_eq!(reused.index(), name.index(), "the slot is reused");
    assert_ne!(reused, name, "under a new generation");
    assert!(space.get(name).is_none());
}

#[test]
fn moving_the_receive_right_away_keeps_the_send_right_under_the_name() {
    let mut space = PortSpace::default();
    let name = space.insert_receive(port(4)).unwrap();
    space.insert_send(port(4), 1).unwrap();
    let (_, freed) = space.remove_right(name, RightKind::Receive).unwrap();
    assert!(!freed);
    assert_eq!(space.get(name).unwrap().rights.as_str(), "send");
    assert_eq!(space.name_of(port(4)), Some(name));
}

#[test]
fn removing_a_right_the_name_does_not_hold_is_invalid_right() {
    let mut space = PortSpace::default();
    let name = space.insert_receive(port(4)).unwrap();
    assert_eq!(
        space.remove_right(name, RightKind::Send),
        Err(SpaceError::InvalidRight)
    );
    assert_eq!(
        space.remove_right(PortName::new(99, 1), RightKind::Send),
        Err(SpaceError::InvalidName)
    );
}

#[test]
fn a_dead_send_right_keeps_its_references_and_leaves_the_reverse_map() {
    let mut space = PortSpace::default();
    let name = space.insert_send(port(5), 2).unwrap();
    let dead = space.convert_to_dead_name(name).unwrap();
    assert_eq!(dead.rights.as_str(), "dead_name");
    assert_eq!(dead.urefs, 2);
    space.add_dead_name_refs(name, 1).unwrap();
    assert_eq!(space.get(name).unwrap().urefs, 3);
    assert_eq!(space.name_of(port(5)), None);
    let once = space.insert_send_once(port(5)).unwrap();
    assert_eq!(space.convert_to_dead_name(once).unwrap().urefs, 1);
}

#[test]
fn the_space_refuses_names_past_its_bound_with_no_space() {
    let mut space = PortSpace::new(2);
    space.insert_receive(port(1)).unwrap();
    space.insert_receive(port(2)).unwrap();
    assert_eq!(space.insert_receive(port(3)), Err(SpaceError::NoSpace));
    assert!(matches!(
        space.iter().next().unwrap().1.object,
        EntryObject::Port(_)
    ));
}
