//! Bad traces never panic a reader: random truncation and corruption of both forms,
//! swapped, duplicated and dropped lines, and fields changed to hostile values give an
//! error that says where the file breaks (a line, or a byte offset), or, when still
//! well formed, a trace whose every event keeps the format's rules and that the
//! stepper folds; and events out of order or missing never panic the fold or the views
//! read through it (the account, the run's figures, the exports).

use kernel::ScheduleKind;
use kernel::trace::{
    Event, Trace, TraceError, TraceHeader, TraceRecord, read_trace, write_binary, write_jsonl,
};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

/// A real trace with every kind of traffic a lesson has: the kernel-cache lesson.
fn sample() -> &'static (Vec<u8>, Vec<u8>, Vec<TraceRecord>) {
    static SAMPLE: OnceLock<(Vec<u8>, Vec<u8>, Vec<TraceRecord>)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scenarios/policy-kernel-cache.toml");
        let result = harness::run_scenario_file(&path);
        let header = TraceHeader::new("sample", 0, ScheduleKind::RoundRobin);
        let mut jsonl = Vec::new();
        write_jsonl(&mut jsonl, &header, &result.trace).expect("writing to memory");
        let mut binary = Vec::new();
        write_binary(&mut binary, &header, &result.trace).expect("writing to memory");
        (jsonl, binary, result.trace)
    })
}

/// What a reader promises for any bytes (shared with the fuzz targets).
#[path = "../fuzz/promises.rs"]
mod promises;

use promises::read_and_fold;

/// A lesson with memory objects and semaphores (whose events carry widths, values and
/// user references), as JSON Lines and as its records.
fn services_sample() -> &'static (Vec<u8>, Trace) {
    static SAMPLE: OnceLock<(Vec<u8>, Trace)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let path = harness::lessons_dir().join("shm-race.golden");
        let jsonl = std::fs::read(&path).expect("the golden trace reads");
        let trace = read_trace(&jsonl).expect("a golden trace is valid");
        (jsonl, trace)
    })
}

/// Values that break a field's type or its rules: zero, small and wide numbers, the
/// limits of 16, 32 and 64 bits and one past them, a float, strings with a NUL or
/// words of the vocabulary, and the other JSON types.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::sample::select(vec![
            0u64,
            1,
            3,
            7,
            65_535,
            65_536,
            70_000,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            u64::MAX
        ])
        .prop_map(Value::from),
        1 => Just(Value::from(-1)),
        1 => Just(Value::from(1.5)),
        1 => Just(Value::from(1e300)),
        1 => prop::sample::select(vec!["", "a\u{0}b", "unbounded", "send", "kernel", "zz"])
            .prop_map(Value::from),
        1 => Just(Value::Null),
        1 => Just(Value::Bool(true)),
        1 => Just(Value::Array(Vec::new())),
        1 => Just(Value::Object(serde_json::Map::new())),
    ]
}

/// The fields every JSON Lines event has, before its own.
const COMMON_FIELDS: [&str; 4] = ["seq", "t_ns", "task", "event"];

/// Which event to change: half the time one whose fields have rules beyond their types
/// (`right_changed`, the memory events), so the rules are tried often.
#[derive(Clone, Debug)]
struct Pick {
    ruled: bool,
    index: prop::sample::Index,
    field: prop::sample::Index,
}

fn pick() -> impl Strategy<Value = Pick> {
    (
        any::<bool>(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(ruled, index, field)| Pick {
            ruled,
            index,
            field,
        })
}

impl Pick {
    /// The index of the record to change.
    fn record(&self, records: &[TraceRecord]) -> usize {
        let ruled: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                matches!(
                    r.event,
                    Event::RightChanged { .. }
                        | Event::MemoryRead { .. }
                        | Event::MemoryWritten { .. }
                        | Event::MemoryCreated { .. }
                )
            })
            .map(|(i, _)| i)
            .collect();
        if self.ruled && !ruled.is_empty() {
            ruled[self.index.index(ruled.len())]
        } else {
            self.index.index(records.len())
        }
    }

    /// `value` with one of its object's fields set to `new` (one of the event's own
    /// when the pick is for a ruled event); `None` when it has no such field.
    fn change(&self, mut value: Value, new: Value) -> Option<Value> {
        let map = value.as_object_mut()?;
        let keys: Vec<String> = map
            .keys()
            .filter(|k| !self.ruled || !COMMON_FIELDS.contains(&k.as_str()))
            .cloned()
            .collect();
        let key = keys.get(self.field.index(keys.len().max(1)))?.clone();
        map.insert(key, new);
        Some(value)
    }
}

/// How JSON Lines can be rearranged: two events swapped, one written twice, one left out.
#[derive(Clone, Debug)]
enum LineChange {
    Swap(prop::sample::Index, prop::sample::Index),
    Duplicate(prop::sample::Index),
    Drop(prop::sample::Index),
}

fn line_change() -> impl Strategy<Value = LineChange> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| LineChange::Swap(a, b)),
        any::<prop::sample::Index>().prop_map(LineChange::Duplicate),
        any::<prop::sample::Index>().prop_map(LineChange::Drop),
    ]
}

#[derive(Clone, Debug)]
enum Damage {
    Truncate(usize),
    Flip { at: usize, bit: u8 },
    Splice { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
}

fn damage() -> impl Strategy<Value = Vec<Damage>> {
    let one = prop_oneof![
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Damage::Flip { at, bit }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, bytes)| Damage::Splice { at, bytes }),
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Damage::Delete { at, len }),
    ];
    proptest::collection::vec(one, 1..4)
}

fn apply(mut bytes: Vec<u8>, damage: &[Damage]) -> Vec<u8> {
    for d in damage {
        if bytes.is_empty() {
            break;
        }
        match d {
            Damage::Truncate(at) => bytes.truncate(at % bytes.len()),
            Damage::Flip { at, bit } => {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
            Damage::Splice { at, bytes: new } => {
                let at = at % bytes.len();
                bytes.splice(at..at, new.iter().copied());
            }
            Damage::Delete { at, len } => {
                let at = at % bytes.len();
                let end = (at + len).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn a_damaged_json_lines_trace_never_panics_the_reader_or_the_stepper(d in damage()) {
        let _ = read_and_fold(&apply(sample().0.clone(), &d));
    }

    #[test]
    fn a_damaged_binary_trace_never_panics_the_reader_or_the_stepper(d in damage()) {
        let _ = read_and_fold(&apply(sample().1.clone(), &d));
    }

    #[test]
    fn reordered_or_dropped_events_never_panic_the_stepper_or_the_views(
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..200)
    ) {
        let records = &sample().2;
        let chosen: Vec<TraceRecord> = picks.iter().map(|i| records[i.index(records.len())].clone()).collect();
        let state = views::stepper::State::from_records(&chosen);
        let _ = state.inconsistency_count();
        let _ = views::story::account(&chosen, views::story::Style { color: false });
        let _ = views::stats::collect(&chosen, 0);
        let trace = kernel::trace::Trace {
            header: TraceHeader::new("sample", 0, ScheduleKind::RoundRobin),
            records: chosen,
        };
        let _ = views::export::to_mermaid(&trace);
        let _ = views::export::to_msc(&trace);
        let _ = views::export::to_chrome(&trace);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn rearranged_json_lines_events_are_refused_at_the_first_line_out_of_sequence(
        changes in proptest::collection::vec(line_change(), 1..3)
    ) {
        let (jsonl, _) = services_sample();
        let text = std::str::from_utf8(jsonl).expect("a golden trace is UTF-8");
        let mut lines: Vec<&str> = text.lines().collect();
        for change in &changes {
            // The header stays first; events are lines 1..
            let events = lines.len() - 1;
            match change {
                LineChange::Swap(a, b) => lines.swap(1 + a.index(events), 1 + b.index(events)),
                LineChange::Duplicate(a) => {
                    let at = 1 + a.index(events);
                    lines.insert(at, lines[at]);
                }
                LineChange::Drop(a) if events > 1 => {
                    lines.remove(1 + a.index(events));
                }
                LineChange::Drop(_) => {}
            }
        }
        let bytes = (lines.join("\n") + "\n").into_bytes();
        match read_and_fold(&bytes) {
            // A swap of a line with itself leaves the trace; dropping the last event
            // leaves a shorter trace that is still whole.
            Ok(trace) => prop_assert!(
                services_sample().1.records.starts_with(&trace.records),
                "a rearranged trace read as another"
            ),
            Err(error) => prop_assert!(matches!(error, TraceError::BadLine { .. }), "{}", error),
        }
    }

    #[test]
    fn a_json_lines_event_with_a_field_changed_is_read_or_refused_at_its_line(
        pick in pick(),
        new in hostile_value(),
    ) {
        let (jsonl, trace) = services_sample();
        let text = std::str::from_utf8(jsonl).expect("a golden trace is UTF-8");
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        // Line 0 is the header, which an unruled pick may change too.
        let at = if pick.ruled { pick.record(&trace.records) + 1 } else { pick.index.index(lines.len()) };
        let value: Value = serde_json::from_str(&lines[at]).expect("a golden line is JSON");
        let Some(changed) = pick.change(value, new) else { return Ok(()) };
        lines[at] = changed.to_string();
        let bytes = (lines.join("\n") + "\n").into_bytes();
        if let Err(error) = read_and_fold(&bytes) {
            // The changed line is where the file breaks (line numbers count from 1), or
            // the next one when the change moved `t_ns` forward past the next event's.
            let text = error.to_string();
            prop_assert!(
                text.starts_with(&format!("line {}: ", at + 1))
                    || text.starts_with(&format!("line {}: virtual time goes back", at + 2)),
                "{}",
                text
            );
        }
    }

    #[test]
    fn a_binary_record_with_a_field_changed_is_refused_at_its_offset_exactly_when_it_breaks_a_rule(
        pick in pick(),
        new in hostile_value(),
    ) {
        let (_, trace) = services_sample();
        let mut records = trace.records.clone();
        let at = pick.record(&records);
        // The event, tagged by its kind: `{"memory_written": {…}}`.
        let tagged = serde_json::to_value(&records[at].event).expect("an event is JSON");
        let Some((kind, fields)) = tagged.as_object().and_then(|o| o.iter().next()) else {
            return Ok(());
        };
        let Some(fields) = Pick { ruled: false, ..pick }.change(fields.clone(), new) else {
            return Ok(());
        };
        let Ok(event) = serde_json::from_value::<Event>(serde_json::json!({ kind: fields })) else {
            // A value of the wrong type cannot be written in the binary form.
            return Ok(());
        };
        let broken = event.validate();
        records[at].event = event;
        let mut before = Vec::new();
        write_binary(&mut before, &trace.header, &records[..at]).expect("writing to memory");
        let mut binary = Vec::new();
        write_binary(&mut binary, &trace.header, &records).expect("writing to memory");
        match (read_and_fold(&binary), broken) {
            (Ok(read), Ok(())) => prop_assert_eq!(read.records, records),
            (Err(TraceError::BadRecord { offset, message }), Err(rule)) => {
                prop_assert_eq!(offset, before.len());
                prop_assert!(message.ends_with(&rule.to_string()), "{}", message);
            }
            (read, broken) => prop_assert!(false, "read {:?} for an event that breaks {:?}", read.err(), broken),
        }
    }
}

#[test]
fn every_truncation_of_a_trace_is_read_or_refused_with_where_it_breaks() {
    let (jsonl, binary, records) = sample();
    // Every cut near a line boundary, and a sample of the others (every byte would
    // make this test quadratic in the trace's size).
    let cuts = (0..jsonl.len()).filter(|&cut| {
        cut % 13 == 0
            || jsonl.get(cut.saturating_sub(1)) == Some(&b'\n')
            || jsonl.get(cut) == Some(&b'\n')
    });
    for cut in cuts {
        match read_trace(&jsonl[..cut]) {
            Ok(trace) => assert!(trace.records.len() <= records.len()),
            Err(e) => {
                let text = e.to_string();
                assert!(
                    text.starts_with("line ") || text.contains("empty"),
                    "{text}"
                );
            }
        }
    }
    let header_end = binary.iter().position(|b| *b == b'\n').unwrap() + 1;
    for cut in (header_end..binary.len()).filter(|cut| cut % 3 == 0) {
        match read_trace(&binary[..cut]) {
            Ok(trace) => assert!(trace.records.len() < records.len() || cut == binary.len()),
            Err(e) => assert!(e.to_string().starts_with("byte offset"), "{e}"),
        }
    }
}
