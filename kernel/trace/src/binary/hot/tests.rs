//! The hand-written encoding is postcard's, byte for byte, for every kind it
//! writes and whatever the values.

use super::encode;
use crate::event::{CarriedRight, Event, TraceItem, TraceRecord};
use crate::hex_bytes::HexBytes;
use crate::vocabulary::{MessageOrigin, Receiver, WakeReason};
use ports::{PortType, RightKind};
use proptest::prelude::*;
use std::sync::Arc;

fn label() -> impl Strategy<Value = Arc<str>> {
    "[a-z#0-9.]{0,12}".prop_map(Arc::from)
}

fn right() -> impl Strategy<Value = RightKind> {
    prop::sample::select(vec![
        RightKind::Send,
        RightKind::Receive,
        RightKind::SendOnce,
        RightKind::PortSet,
        RightKind::DeadName,
    ])
}

fn carried() -> impl Strategy<Value = CarriedRight> {
    (proptest::option::of(label()), right()).prop_map(|(port, right)| CarriedRight { port, right })
}

fn item() -> impl Strategy<Value = TraceItem> {
    prop_oneof![
        any::<u32>().prop_map(TraceItem::U32),
        any::<i64>().prop_map(TraceItem::I64),
        any::<f64>().prop_map(TraceItem::F64),
        ".{0,8}".prop_map(TraceItem::Str),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| TraceItem::Bytes(HexBytes(bytes::Bytes::from(b)))),
        carried().prop_map(TraceItem::Port),
    ]
}

fn message_sent() -> impl Strategy<Value = Event> {
    (
        (any::<u64>(), label(), any::<i32>(), any::<u32>(), right()),
        proptest::option::of(carried()),
        prop::collection::vec(item(), 0..4),
        proptest::option::of(prop::sample::select(MessageOrigin::ALL.to_vec())),
    )
        .prop_map(|((msg, port, id, size, dest_right), reply, body, kind)| {
            Event::MessageSent {
                msg,
                port,
                id,
                size,
                dest_right,
                reply,
                body,
                kind,
            }
        })
}

fn event() -> impl Strategy<Value = Event> {
    let receiver = prop_oneof![
        label().prop_map(Receiver::Task),
        Just(Receiver::Kernel),
        Just(Receiver::InTransit),
    ];
    prop_oneof![
        (label(), prop::sample::select(WakeReason::ALL.to_vec()))
            .prop_map(|(name, reason)| Event::TaskWoken { name, reason }),
        (
            label(),
            any::<u32>(),
            label(),
            prop::sample::select(PortType::ALL.to_vec()),
            any::<u32>()
        )
            .prop_map(|(holder, name, port, right, urefs)| Event::RightChanged {
                holder,
                name,
                port,
                right,
                urefs,
            }),
        message_sent(),
        (any::<u64>(), label(), any::<u32>()).prop_map(|(msg, port, depth)| Event::MessageQueued {
            msg,
            port,
            depth
        }),
        (label(), proptest::option::of(any::<u64>()))
            .prop_map(|(port, until_ns)| Event::ReceiveBlocked { port, until_ns }),
        (any::<u64>(), label(), receiver, any::<u32>(), any::<bool>()).prop_map(
            |(msg, port, receiver, seqno, pseudo)| Event::MessageReceived {
                msg,
                port,
                receiver,
                seqno,
                pseudo,
            }
        ),
    ]
}

proptest! {
    #[test]
    fn the_hot_kinds_are_written_as_postcard_writes_them(
        seq in any::<u64>(),
        t_ns in any::<u64>(),
        task in proptest::option::of(label()),
        event in event(),
    ) {
        let record = TraceRecord { seq, t_ns, task, event };
        let mut fast = Vec::new();
        let written = encode(&record, &mut fast);
        prop_assert!(matches!(written, Some(Ok(()))));
        let expected = postcard::to_stdvec(&record).unwrap();
        prop_assert_eq!(fast, expected);
    }
}

#[test]
fn other_kinds_are_left_to_postcard() {
    let record = TraceRecord {
        seq: 1,
        t_ns: 0,
        task: None,
        event: Event::SleepStarted { until_ns: 5 },
    };
    let mut out = Vec::new();
    assert!(encode(&record, &mut out).is_none());
    assert!(out.is_empty());
}
