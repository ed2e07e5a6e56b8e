//! Every bundled scenario: its expectations hold, and its trace matches the golden
//! trace beside it (`scenarios/<name>.golden`, JSON Lines). Re-bless with
//! `UPDATE_EXPECT=1 cargo test -p tests golden`.

use harness::{bundled_scenarios, run_scenario_file};
use kernel::trace::write_jsonl;

#[test]
fn every_bundled_scenario_meets_its_expectations_and_matches_its_golden_trace() {
    let files = bundled_scenarios();
    assert!(
        files.len() >= 16,
        "expected at least 16 bundled scenarios, found {}",
        files.len()
    );
    // A golden trace whose scenario is gone would never be checked again.
    let dir = files[0].parent().expect("a scenario file has a folder");
    let orphans: Vec<_> = std::fs::read_dir(dir)
        .expect("the scenarios folder reads")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "golden"))
        .filter(|p| !p.with_extension("toml").exists())
        .collect();
    assert!(
        orphans.is_empty(),
        "golden traces without a scenario: {orphans:?}"
    );
    for file in files {
        let result = run_scenario_file(&file);
        let failed: Vec<_> = result
            .checks
            .iter()
            .filter(|c| c.verdict == scenario::run::Verdict::Fail)
            .collect();
        assert!(
            failed.is_empty(),
            "{}: failed expectations: {failed:#?}",
            file.display()
        );
        let mut text = Vec::new();
        write_jsonl(&mut text, &result.header, &result.trace).expect("writing to memory");
        let golden = file.with_extension("golden");
        expect_test::expect_file![golden]
            .assert_eq(&String::from_utf8(text).expect("JSON is UTF-8"));
    }
}
