//! Property tests: the parser never panics and keeps its promises on any input.
//!
//! Inputs are random bytes, random TOML-looking text, and random mutations (byte flips,
//! truncations, duplicated, deleted and swapped lines, inserted bytes, and long runs of one
//! character, which put a problem past column 65,535 or make a name enormous) of a valid
//! scenario that uses every feature, so most mutants get deep into the readers and checks.
//! A rendered diagnostic must stay small whatever the mutant.

use proptest::collection::vec;
use proptest::prelude::{Just, ProptestConfig, Strategy, any, prop_oneof, proptest};
use proptest::prop_assert;

use crate::diagnostic::render;

use super::{parse, test_programs};

const VALID: &str = include_str!("testdata/everything.toml");

/// A valid scenario that uses every services section, op and key.
const SERVICES: &str = include_str!("testdata/services.toml");

/// Parses `source` and checks what `parse` promises about any input.
fn check(source: &[u8]) -> Result<(), proptest::test_runner::TestCaseError> {
    let (scenario, diagnostics) = parse("fuzz.toml", source, &test_programs());
    prop_assert!(scenario.is_some() == diagnostics.is_empty());
    let lossy = String::from_utf8_lossy(source);
    for (earlier, later) in diagnostics.iter().zip(diagnostics.iter().skip(1)) {
        prop_assert!(earlier.span.start <= later.span.start, "file order");
    }
    for diagnostic in &diagnostics {
        prop_assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        prop_assert!(diagnostic.span.start <= lossy.len() + 1);
        prop_assert!(!diagnostic.message.is_empty());
        prop_assert!(!diagnostic.to_string().contains('\n'));
    }
    // Rendering must not panic either, whatever the spans, and each diagnostic quotes
    // only a few cut lines and shortened names, however long the file's lines are.
    let rendered = render(&diagnostics, &lossy, false);
    prop_assert!(
        rendered.len() <= 8_000 * diagnostics.len().max(1),
        "{} bytes for {} diagnostics",
        rendered.len(),
        diagnostics.len()
    );
    Ok(())
}

/// One change to a file.
#[derive(Clone, Debug)]
enum Mutation {
    FlipByte { at: usize, mask: u8 },
    InsertByte { at: usize, byte: u8 },
    Truncate { at: usize },
    DuplicateLine { line: usize },
    DeleteLine { line: usize },
    SwapLines { first: usize, second: usize },
    InsertRun { at: usize, byte: u8, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=u8::MAX).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        (
            any::<usize>(),
            prop_oneof![
                Just(b'['),
                Just(b']'),
                Just(b'{'),
                Just(b'}'),
                Just(b'"'),
                Just(b'='),
                Just(b','),
                Just(b'\n'),
                Just(b'.'),
                any::<u8>()
            ]
        )
            .prop_map(|(at, byte)| Mutation::InsertByte { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|line| Mutation::DeleteLine { line }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(first, second)| Mutation::SwapLines { first, second }),
        (
            any::<usize>(),
            prop_oneof![Just(b'\t'), Just(b' '), Just(b'a'), Just(b'"'), Just(b'[')],
            prop_oneof![9 => 1..300usize, 1 => 65_000..70_000usize],
        )
            .prop_map(|(at, byte, len)| Mutation::InsertRun { at, byte, len }),
    ]
}

/// Applies mutations in order; positions wrap around the current size.
fn mutate(source: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = source.to_vec();
    for mutation in mutations {
        let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
        let line_count = lines.len();
        match *mutation {
            Mutation::FlipByte { at, mask } if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] ^= mask;
                continue;
            }
            Mutation::InsertByte { at, byte } => {
                bytes.insert(at % (bytes.len() + 1), byte);
                continue;
            }
            Mutation::InsertRun { at, byte, len } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, std::iter::repeat_n(byte, len));
                continue;
            }
            Mutation::Truncate { at } => {
                bytes.truncate(at % (bytes.len() + 1));
                continue;
            }
            Mutation::DuplicateLine { line } => {
                let copy = lines[line % line_count].clone();
                lines.insert(line % line_count, copy);
            }
            Mutation::DeleteLine { line } => {
                lines.remove(line % line_count);
            }
            Mutation::SwapLines { first, second } => {
                lines.swap(first % line_count, second % line_count)
            }
            Mutation::FlipByte { .. } => continue,
        }
        bytes = lines.join(&b'\n');
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 800, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_random_bytes(bytes in vec(any::<u8>(), 0..600)) {
        check(&bytes)?;
    }

    #[test]
    fn parse_never_panics_on_random_toml_looking_text(text in "[\\[\\]{}=\",.'#\\n a-z0-9_@-]{0,400}") {
        check(text.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_mutations_of_a_valid_scenario(mutations in vec(mutation(), 1..6)) {
        check(&mutate(VALID.as_bytes(), &mutations))?;
    }

    #[test]
    fn parse_never_panics_on_mutations_of_a_valid_services_scenario(mutations in vec(mutation(), 1..6)) {
        check(&mutate(SERVICES.as_bytes(), &mutations))?;
    }
}

#[test]
fn the_unmutated_scenarios_are_valid() {
    for (name, text) in [("everything.toml", VALID), ("services.toml", SERVICES)] {
        let (scenario, diagnostics) = parse(name, text.as_bytes(), &test_programs());
        assert_eq!(diagnostics, [], "{name}");
        assert!(scenario.is_some(), "{name}");
    }
}
