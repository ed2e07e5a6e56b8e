//! Near-miss suggestions: "did you mean `receiver`?".
//!
//! Candidates are ranked by optimal-string-alignment distance (Levenshtein plus adjacent
//! transpositions, the usual typos), case-insensitively, and kept only within a third of
//! the word's length, so that a suggestion is a likely fix rather than any word at all.
//! The work is bounded by a budget per file: a file with thousands of long unknown names
//! must not make `check` quadratic in its size.

/// How many character-pair comparisons one file may spend on suggestions.
const BUDGET: usize = 20_000_000;

/// Names longer than this get no suggestion (they are not typos of short keywords).
const MAX_WORD_LEN: usize = 64;

/// Finds near names, within a fixed budget of work.
pub(super) struct Suggester {
    budget: usize,
}

impl Suggester {
    /// A suggester with a fresh budget.
    pub(super) fn new() -> Self {
        Self { budget: BUDGET }
    }

    /// The candidate nearest to `word`, if one is near enough to be a likely typo.
    pub(super) fn nearest<'c>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<&'c str> {
        let word_len = word.chars().count();
        if word.is_empty() || word_len > MAX_WORD_LEN {
            return None;
        }
        let word = word.to_lowercase();
        let threshold = (word_len / 3).max(1);
        let mut best: Option<(usize, &'c str)> = None;
        for candidate in candidates {
            let candidate_len = candidate.chars().count();
            if candidate_len.abs_diff(word_len) > threshold || candidate_len > MAX_WORD_LEN {
                continue;
            }
            let cost = word_len * candidate_len;
            if cost > self.budget {
                return best.map(|(_, candidate)| candidate);
            }
            self.budget -= cost;
            let distance = strsim::osa_distance(&word, &candidate.to_lowercase());
            if distance <= threshold && best.is_none_or(|(nearest, _)| distance < nearest) {
                best = Some((distance, candidate));
            }
        }
        best.map(|(_, candidate)| candidate)
    }

    /// "did you mean `x`?" for the nearest candidate, if any.
    pub(super) fn did_you_mean<'c>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        self.nearest(word, candidates)
            .map(|nearest| format!("did you mean `{nearest}`?"))
    }
}

/// "one of `a`, `b` or `c`" (or "`a` or `b`", or "`a`"): the valid words for an `expected`
/// text.
pub(super) fn one_of<'w>(words: impl IntoIterator<Item = &'w str>) -> String {
    let words: Vec<String> = words.into_iter().map(|word| format!("`{word}`")).collect();
    if words.len() > 2 {
        format!("one of {}", listed(words))
    } else {
        listed(words)
    }
}

/// "a, b or c" (or "a or b", or "a"): written-out choices, each already quoted as it
/// should appear.
pub(super) fn listed(choices: Vec<String>) -> String {
    match choices.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
