//! Bad traces never panic a reader: random truncation and corruption of both forms
//! give a clear error (or, when still well formed, a trace the stepper folds), and
//! events out of order or missing never panic the fold or the views read through
//! it (the account, the run's figures, the exports).

use kernel::ScheduleKind;
use kernel::trace::{TraceHeader, TraceRecord, read_trace, write_binary, write_jsonl};
use proptest::prelude::*;
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

/// Reads the bytes; a trace that still reads is folded by the stepper, which must
/// not panic either (it records inconsistencies instead).
fn read_and_fold(bytes: &[u8]) {
    if let Ok(trace) = read_trace(bytes) {
        let state = views::stepper::State::from_records(&trace.records);
        let _ = state.inconsistency_count();
    }
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
        read_and_fold(&apply(sample().0.clone(), &d));
    }

    #[test]
    fn a_damaged_binary_trace_never_panics_the_reader_or_the_stepper(d in damage()) {
        read_and_fold(&apply(sample().1.clone(), &d));
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
