//! Programs and set-ups the services' tests and the stepper's comparison share:
//! handing a right to another task through its inbox, and the textbook's producer
//! and consumer over a bounded buffer in shared memory.

use kernel::{
    Disposition, Item, Kernel, Message, PortItem, QueueLimit, ReceiveOptions, ReceivePolicy,
    SendPolicy, Width,
};
use std::sync::{Arc, Mutex};

/// Sends a copy of the send right `right` to the port labelled `to`.
pub(crate) async fn share(
    cx: &kernel::TaskContext,
    right: kernel::PortName,
    to: &str,
) -> Result<(), kernel::Error> {
    let dest = cx.lookup(to).ok_or("no such inbox")?;
    let message = Message::new(dest, 1).with(Item::Port(PortItem {
        name: right,
        disposition: Disposition::CopySend,
    }));
    cx.send(message, SendPolicy::Block).await?;
    Ok(())
}

/// Receives a message on the port labelled `from` and returns the right it carries.
pub(crate) async fn take_right(
    cx: &kernel::TaskContext,
    from: &str,
) -> Result<kernel::PortName, kernel::Error> {
    let inbox = cx.lookup(from).ok_or("no inbox")?;
    let message = cx
        .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
        .await?;
    match message.body.first() {
        Some(Item::Port(item)) => Ok(item.name),
        _ => Err("the message carries no right".into()),
    }
}

/// Each of the tasks `names` owns an inbox labelled `<name>.in` that `owner` may
/// send to.
pub(crate) fn with_inboxes(k: &mut Kernel, owner: &str, names: &[&str]) {
    for name in names {
        let label = format!("{name}.in");
        k.allocate_port(name, &label, QueueLimit::DEFAULT).unwrap();
        k.give_send_right(owner, &label).unwrap();
    }
}

/// Spawns a producer and a consumer on `k` that pass the items 1 to `items` over a
/// bounded circular buffer in shared memory (`BUFFER_SIZE` slots, `in` and `out`
/// indices, BUFFER_SIZE − 1 usable), with or without semaphores; returns where the
/// consumer puts the items it takes, in order.
pub(crate) fn producer_consumer(
    k: &mut Kernel,
    items: u64,
    synchronised: bool,
) -> Arc<Mutex<Vec<u64>>> {
    const BUFFER_SIZE: u64 = 4;
    // Layout: [in: u64][out: u64][slots: BUFFER_SIZE × u64]
    let got = Arc::new(Mutex::new(Vec::new()));
    k.spawn("producer", move |cx| async move {
        let object = cx
            .memory_create(((2 + BUFFER_SIZE) * 8) as u32, Some("buffer"))
            .await?;
        let (empty, full) = if synchronised {
            (
                Some(
                    cx.semaphore_create((BUFFER_SIZE - 1) as u32, Some("empty"))
                        .await?,
                ),
                Some(cx.semaphore_create(0, Some("full")).await?),
            )
        } else {
            (None, None)
        };
        share(&cx, object, "consumer.in").await?;
        for semaphore in [empty, full].into_iter().flatten() {
            share(&cx, semaphore, "consumer.in").await?;
        }
        let m = cx.memory_map(object).await?;
        for item in 1..=items {
            if let Some(empty) = empty {
                cx.semaphore_wait(empty).await?;
            } else {
                // Busy-wait while full: ((in + 1) % BUFFER_SIZE) == out.
                while (cx.memory_read(m, 0, Width::U64).await? + 1) % BUFFER_SIZE
                    == cx.memory_read(m, 8, Width::U64).await?
                {}
            }
            let slot = cx.memory_read(m, 0, Width::U64).await?;
            cx.memory_write(m, 16 + slot as u32 * 8, Width::U64, item)
                .await?;
            cx.memory_write(m, 0, Width::U64, (slot + 1) % BUFFER_SIZE)
                .await?;
            if let Some(full) = full {
                cx.semaphore_signal(full).await?;
            }
        }
        Ok::<(), kernel::Error>(())
    });
    let g = got.clone();
    k.spawn("consumer", move |cx| async move {
        let object = take_right(&cx, "consumer.in").await?;
        let (empty, full) = if synchronised {
            (
                Some(take_right(&cx, "consumer.in").await?),
                Some(take_right(&cx, "consumer.in").await?),
            )
        } else {
            (None, None)
        };
        let m = cx.memory_map(object).await?;
        for _ in 0..items {
            if let Some(full) = full {
                cx.semaphore_wait(full).await?;
            } else {
                // Busy-wait while empty: in == out. The race: the producer may have
                // written `in` but not yet the slot... or the reverse.
                while cx.memory_read(m, 0, Width::U64).await?
                    == cx.memory_read(m, 8, Width::U64).await?
                {}
            }
            let slot = cx.memory_read(m, 8, Width::U64).await?;
            let item = cx.memory_read(m, 16 + slot as u32 * 8, Width::U64).await?;
            g.lock().unwrap().push(item);
            cx.memory_write(m, 8, Width::U64, (slot + 1) % BUFFER_SIZE)
                .await?;
            if let Some(empty) = empty {
                cx.semaphore_signal(empty).await?;
            }
        }
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(k, "producer", &["consumer"]);
    got
}
