use super::{MessageQueue, QueueLimit, SendPolicy};

#[test]
fn a_bounded_queue_is_full_at_its_limit_and_forced_messages_count() {
    let mut q = MessageQueue::new(QueueLimit::Bounded(2));
    assert!(!q.is_full());
    q.push(1);
    q.push(2);
    assert!(q.is_full());
    q.push(3); // forced beyond the limit
    assert_eq!(q.len(), 3);
    assert_eq!(q.pop(), Some(1));
    assert!(q.is_full(), "still at the limit after one dequeue");
    assert_eq!(q.pop(), Some(2));
    assert!(!q.is_full());
}

#[test]
fn capacity_zero_is_always_full_and_unbounded_never() {
    let q: MessageQueue<u8> = MessageQueue::new(QueueLimit::Bounded(0));
    assert!(q.is_full());
    assert!(QueueLimit::Bounded(0).is_rendezvous());
    let mut u = MessageQueue::new(QueueLimit::Unbounded);
    for i in 0..10_000 {
        u.push(i);
    }
    assert!(!u.is_full());
}

#[test]
fn the_queue_is_fifo_and_take_first_keeps_the_others_in_order() {
    let mut q = MessageQueue::new(QueueLimit::Unbounded);
    for i in 0..6 {
        q.push(i);
    }
    assert_eq!(q.take_first(|m| m % 2 == 1), Some(1));
    assert_eq!(q.take_first(|m| *m > 3), Some(4));
    let rest: Vec<_> = q.drain().collect();
    assert_eq!(rest, vec![0, 2, 3, 5]);
}

#[test]
fn limits_over_1024_are_refused() {
    assert_eq!(QueueLimit::bounded(1024), Some(QueueLimit::Bounded(1024)));
    assert_eq!(QueueLimit::bounded(1025), None);
    assert_eq!(QueueLimit::default(), QueueLimit::Bounded(5));
}

#[test]
fn policies_say_how_long_to_wait_and_whether_to_force() {
    assert_eq!(SendPolicy::Block.wait_ms(), None);
    assert_eq!(SendPolicy::NoWait.wait_ms(), Some(0));
    assert_eq!(SendPolicy::Notify.wait_ms(), Some(0));
    assert_eq!(SendPolicy::NotifyAfter(40).wait_ms(), Some(40));
    assert!(SendPolicy::NotifyAfter(40).forces_after_wait());
    assert!(!SendPolicy::Timeout(40).forces_after_wait());
}

#[test]
fn a_queue_limit_is_written_as_the_trace_spells_it() {
    for (limit, text) in [
        (QueueLimit::Bounded(5), "\"5\""),
        (QueueLimit::Bounded(0), "\"0\""),
        (QueueLimit::Unbounded, "\"unbounded\""),
    ] {
        assert_eq!(serde_json::to_string(&limit).unwrap(), text);
        assert_eq!(serde_json::from_str::<QueueLimit>(text).unwrap(), limit);
    }
    assert!(serde_json::from_str::<QueueLimit>("\"lots\"").is_err());
}
