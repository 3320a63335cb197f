//! Red-flag triage: recognising a message that describes a possible
//! emergency or a crisis, before any FAQ matching, so that it gets urgent
//! guidance instead of an answer.
//!
//! Rules come from the content (`faq/red-flags.toml`): a flag fires when the
//! message holds one alternative from every slot of one of its rules, in any
//! order. Words are compared by stem, so endings don't matter, and longer
//! words tolerate one typo. An occurrence does not count when
//!
//! - a negation governs it ("no fever", "I don't have numbness"): a
//!   negation word reaches a few words forward within its clause, unless it
//!   is part of a red-flag phrase itself ("no feeling", "not able to walk"),
//!   follows an ability word ("can't control") or starts a phrase that only
//!   sounds negative ("no longer");
//! - its clause is placed in the distant past ("ten years ago"), unless the
//!   clause is brought back to the present ("and again yesterday") or the
//!   flag counts whenever it happened (a history of cancer);
//! - it is part of one of the flag's `unless` phrases ("fell asleep").
//!
//! This module only decides; the reply texts live in the content and are
//! rendered by [`crate::reply`].

use rustc_hash::FxHashMap;

use super::normalize::{Break, Normalizer, Word};
use crate::content::{FlagKind, RedFlags, NUMBER, YEAR};

/// Words at least this long (in bytes) may differ from a rule's word by one
/// edit past their first letter ("bladdder", "numbnes"); shorter ones must
/// match exactly, because one edit turns them into other words too easily
/// ("fell" / "feel").
const TYPO_MIN_LEN: usize = 5;

/// A phrase the rules of this many flags name is context ("back", "pain",
/// "spine"), not a symptom: the shipped rules name "back", "spine", "pain"
/// and "ache" in four flags' rules, and no symptom in more than two.
const CONTEXT_FLAGS: usize = 3;

/// The longest number `{number}` stands for: ages, counts and distances
/// ("when I was 12", "5 km") are short; a long digit string is an id.
const MAX_NUMBER_DIGITS: usize = 6;

/// A word of a phrase: a word of the rules' vocabulary, any year, or any
/// number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Pat {
    Word(u32),
    Year,
    Number,
}

impl Pat {
    /// Whether a message's word, with the vocabulary ids it stands for,
    /// is this.
    fn matches(self, word: &Word, hits: &[u32]) -> bool {
        match self {
            Pat::Word(id) => hits.contains(&id),
            Pat::Year => is_year(&word.text),
            Pat::Number => is_number(&word.text),
        }
    }
}

/// Every phrase the rules name, interned, with the words they are made of.
#[derive(Default)]
struct Phrases {
    /// The words of the rules, folded and stemmed, by id.
    vocab: Vec<Word>,
    /// Ids of vocabulary words by stem and by surface form.
    by_form: FxHashMap<String, Vec<u32>>,
    /// Ids of vocabulary words that tolerate a typo, by first byte.
    long: FxHashMap<u8, Vec<u32>>,
    /// Whether each vocabulary word tolerates a typo.
    fuzzy: Vec<bool>,
    /// Each phrase's words, by phrase id.
    pats: Vec<Vec<Pat>>,
    interned: FxHashMap<Vec<Pat>, u32>,
    /// Phrase ids by their first word, and those that start with a year or
    /// a number.
    by_first: FxHashMap<u32, Vec<u32>>,
    placeholder_first: Vec<u32>,
}

impl Phrases {
    /// The id of a phrase of the content (`None` when it has no words).
    /// Only the words of `fuzzy` phrases tolerate typos: the rules' words
    /// are long and specific ("bladder"), while negation and time words are
    /// short and common, and one edit turns them into others ("though" /
    /// "thought").
    fn intern(&mut self, phrase: &str, normalizer: &Normalizer, fuzzy: bool) -> Option<u32> {
        let mut pats = Vec::new();
        for raw in phrase.split_whitespace() {
            let placeholder = match raw {
                YEAR => Some(Pat::Year),
                NUMBER => Some(Pat::Number),
                _ => None,
            };
            if let Some(pat) = placeholder {
                pats.push(pat);
                continue;
            }
            for word in normalizer.words(raw) {
                pats.push(Pat::Word(self.word_id(word, fuzzy)));
            }
        }
        let first = *pats.first()?;
        if let Some(&id) = self.interned.get(&pats) {
            return Some(id);
        }
        let id = self.pats.len() as u32;
        match first {
            Pat::Word(w) => self.by_first.entry(w).or_default().push(id),
            Pat::Year | Pat::Number => self.placeholder_first.push(id),
        }
        self.interned.insert(pats.clone(), id);
        self.pats.push(pats);
        Some(id)
    }

    fn intern_all(&mut self, phrases: &[String], normalizer: &Normalizer, fuzzy: bool) -> Vec<u32> {
        phrases
            .iter()
            .filter_map(|p| self.intern(p, normalizer, fuzzy))
            .collect()
    }

    fn word_id(&mut self, word: Word, fuzzy: bool) -> u32 {
        let known = self.by_form.get(&word.text).and_then(|ids| {
            ids.iter()
                .copied()
                .find(|&id| self.vocab[id as usize].text == word.text)
        });
        let id = match known {
            Some(id) => id,
            None => {
                let id = self.vocab.len() as u32;
                self.by_form.entry(word.stem.clone()).or_default().push(id);
                if word.text != word.stem {
                    self.by_form.entry(word.text.clone()).or_default().push(id);
                }
                self.vocab.push(word);
                self.fuzzy.push(false);
                id
            }
        };
        let text = &self.vocab[id as usize].text;
        if fuzzy && !self.fuzzy[id as usize] && text.len() >= TYPO_MIN_LEN {
            if let Some(&first) = text.as_bytes().first() {
                self.long.entry(first).or_default().push(id);
            }
            self.fuzzy[id as usize] = true;
        }
        id
    }

    /// The vocabulary words a message's word stands for: same stem or same
    /// form, or, when it is none of them, one typo away.
    fn hits(&self, word: &Word, out: &mut Vec<u32>) {
        out.clear();
        for form in [&word.stem, &word.text] {
            if let Some(ids) = self.by_form.get(form) {
                out.extend(ids);
            }
        }
        // A word the rules know is itself, not a typo of another.
        if word.text.len() < TYPO_MIN_LEN || !out.is_empty() {
            return;
        }
        let first = word.text.as_bytes().first();
        if let Some(candidates) = first.and_then(|b| self.long.get(b)) {
            for &id in candidates {
                if !out.contains(&id) && one_typo(&word.text, &self.vocab[id as usize].text) {
                    out.push(id);
                }
            }
        }
    }

    /// Every occurrence of every phrase in a message, as (phrase, start)
    /// sorted.
    fn find(&self, words: &[Word]) -> Found {
        // A long message repeats its words: each distinct one is looked up
        // once.
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        let mut hits: Vec<Vec<u32>> = Vec::with_capacity(words.len());
        let mut scratch = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let known = *seen.entry(word.text.as_str()).or_insert(i);
            if known < i {
                let same = hits[known].clone();
                hits.push(same);
                continue;
            }
            self.hits(word, &mut scratch);
            hits.push(scratch.clone());
        }
        let matches = |at: usize, pat: &Pat| {
            words
                .get(at)
                .zip(hits.get(at))
                .is_some_and(|(w, h)| pat.matches(w, h))
        };
        let mut found = Vec::new();
        for (start, word_hits) in hits.iter().enumerate() {
            let numeric = is_number(&words[start].text);
            let starting = word_hits
                .iter()
                .filter_map(|w| self.by_first.get(w))
                .flatten()
                .chain(
                    numeric
                        .then_some(&self.placeholder_first)
                        .into_iter()
                        .flatten(),
                );
            for &phrase in starting {
                let pats = &self.pats[phrase as usize];
                if pats.iter().enumerate().all(|(k, p)| matches(start + k, p)) {
                    found.push((phrase, start as u32, pats.len() as u32));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        Found::new(found, self.pats.len())
    }
}

/// The occurrences of the rules' phrases in one message.
struct Found {
    /// (phrase, start, length), sorted.
    found: Vec<(u32, u32, u32)>,
    /// Whether each phrase (by id) occurs at all: most of a rule's
    /// alternatives do not, and this says so without a search.
    present: Vec<bool>,
}

impl Found {
    fn new(found: Vec<(u32, u32, u32)>, phrases: usize) -> Found {
        let mut present = vec![false; phrases];
        for &(p, _, _) in &found {
            if let Some(slot) = present.get_mut(p as usize) {
                *slot = true;
            }
        }
        Found { found, present }
    }

    /// The occurrences of one phrase as (start, length).
    fn of(&self, phrase: u32) -> impl Iterator<Item = (usize, usize)> + '_ {
        let from = if self.present.get(phrase as usize) == Some(&true) {
            self.found.partition_point(|&(p, _, _)| p < phrase)
        } else {
            self.found.len()
        };
        self.found[from..]
            .iter()
            .take_while(move |&&(p, _, _)| p == phrase)
            .map(|&(_, start, len)| (start as usize, len as usize))
    }

    fn any_of<'a>(&'a self, phrases: &'a [u32]) -> impl Iterator<Item = (usize, usize)> + 'a {
        phrases.iter().flat_map(|&p| self.of(p))
    }

    /// The occurrences of phrases that `in_rule` marks, as (start, length).
    fn in_rules<'a>(&'a self, in_rule: &'a [bool]) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.found
            .iter()
            .filter(|&&(p, _, _)| in_rule.get(p as usize) == Some(&true))
            .map(|&(_, start, len)| (start as usize, len as usize))
    }
}

/// One flag, compiled.
struct Flag {
    /// Its index in the content's flags.
    index: usize,
    /// Per rule, per slot: the alternative phrases.
    rules: Vec<Vec<Vec<u32>>>,
    unless: Vec<u32>,
    past_counts: bool,
}

/// The compiled negation rules.
#[derive(Default)]
struct Negation {
    words: Vec<u32>,
    not_after: Vec<u32>,
    not_before: Vec<u32>,
    reach: usize,
    ends: Vec<u32>,
    ties: Vec<u32>,
    lists: Vec<u32>,
    after: Vec<u32>,
    answers: Vec<u32>,
    asks: Vec<u32>,
}

/// The compiled time rules.
#[derive(Default)]
struct Past {
    phrases: Vec<u32>,
    recent: Vec<u32>,
    ends: Vec<u32>,
}

/// The compiled rules of every flag.
pub(crate) struct Triage {
    phrases: Phrases,
    /// Crisis flags first, then the others, each in file order.
    flags: Vec<Flag>,
    /// Whether each phrase (by id) is an alternative of a rule: a negation
    /// inside one is the symptom.
    in_rule: Vec<bool>,
    /// Whether each phrase (by id) is context many flags share ("back",
    /// "pain") rather than a symptom: its denial ("no back injury") does
    /// not stop the safety net from reading its sentence.
    context: Vec<bool>,
    negation: Negation,
    past: Past,
}

/// Why a message fired a flag: for `ask --explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fired {
    /// The flag's index in the content's flags.
    pub flag: usize,
    /// The rule's index within the flag.
    pub rule: usize,
    /// The message's words that matched each slot.
    pub matched: Vec<String>,
}

/// What a message's negations and times say about each of its words.
struct Context {
    /// Whether a negation governs the word.
    negated: Vec<bool>,
    /// Whether the word's clause is in the distant past.
    past: Vec<bool>,
}

impl Triage {
    /// Compiles the content's red flags.
    pub fn new(red_flags: &RedFlags, normalizer: &Normalizer) -> Triage {
        let mut phrases = Phrases::default();
        let mut order: Vec<usize> = (0..red_flags.flags.len()).collect();
        // Crisis first: it gets its reply before anything else.
        order.sort_by_key(|&i| red_flags.flags[i].kind != FlagKind::Crisis);
        let mut rule_phrases: Vec<u32> = Vec::new();
        // Per phrase, the flags whose rules name it.
        let mut flags_of: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        let flags = order
            .into_iter()
            .map(|index| {
                let flag = &red_flags.flags[index];
                let rules: Vec<Vec<Vec<u32>>> = flag
                    .rules
                    .iter()
                    .map(|rule| {
                        rule.iter()
                            .map(|slot| phrases.intern_all(slot, normalizer, true))
                            .collect()
                    })
                    .collect();
                rule_phrases.extend(rules.iter().flatten().flatten());
                for &p in rules.iter().flatten().flatten() {
                    let of = flags_of.entry(p).or_default();
                    if !of.contains(&index) {
                        of.push(index);
                    }
                }
                Flag {
                    index,
                    rules,
                    unless: phrases.intern_all(&flag.unless, normalizer, true),
                    past_counts: flag.past_counts,
                }
            })
            .collect();
        let n = &red_flags.negation;
        let negation = Negation {
            words: phrases.intern_all(&n.words, normalizer, false),
            not_after: phrases.intern_all(&n.not_after, normalizer, false),
            not_before: phrases.intern_all(&n.not_before, normalizer, false),
            reach: n.reach,
            ends: phrases.intern_all(&n.ends, normalizer, false),
            ties: phrases.intern_all(&n.ties, normalizer, false),
            lists: phrases.intern_all(&n.lists, normalizer, false),
            after: phrases.intern_all(&n.after, normalizer, false),
            answers: phrases.intern_all(&n.answers, normalizer, false),
            asks: phrases.intern_all(&n.asks, normalizer, false),
        };
        let p = &red_flags.past;
        let past = Past {
            phrases: phrases.intern_all(&p.phrases, normalizer, false),
            recent: phrases.intern_all(&p.recent, normalizer, false),
            ends: phrases.intern_all(&p.ends, normalizer, false),
        };
        // Known as words of their own, they are never read as typos.
        phrases.intern_all(&red_flags.not_typos, normalizer, false);
        let mut in_rule = vec![false; phrases.pats.len()];
        for p in rule_phrases {
            in_rule[p as usize] = true;
        }
        let mut context = vec![false; phrases.pats.len()];
        for (p, of) in flags_of {
            context[p as usize] = of.len() >= CONTEXT_FLAGS;
        }
        Triage {
            phrases,
            flags,
            in_rule,
            context,
            negation,
            past,
        }
    }

    /// The first flag the message fires, or, when none does, which of its
    /// words are red-flag words that do not count (negated, in the distant
    /// past, or part of an `unless` phrase): the safety net never reads a
    /// sentence the rules have denied.
    pub fn assess(&self, words: &[Word], breaks: &[Break]) -> Result<Fired, Vec<bool>> {
        let found = self.phrases.find(words);
        // Nothing of any rule: most questions stop here.
        if found.in_rules(&self.in_rule).next().is_none() {
            return Err(Vec::new());
        }
        let context = self.context(words.len(), breaks, &found);
        let mut denied = vec![false; words.len()];
        for flag in &self.flags {
            let masked = masked(words.len(), found.any_of(&flag.unless));
            let counts = |(start, len): (usize, usize)| {
                !masked[start..start + len].iter().any(|&m| m)
                    && !context.negated[start]
                    && (flag.past_counts || !context.past[start])
            };
            for (r, slots) in flag.rules.iter().enumerate() {
                // Every slot is read, so that every denied occurrence is
                // marked, even past a slot that has none that counts.
                let mut matched = Vec::with_capacity(slots.len());
                for alts in slots {
                    let mut occurrences =
                        alts.iter().flat_map(|&p| found.of(p).map(move |o| (p, o)));
                    let counted = occurrences.by_ref().find(|&(p, o)| {
                        let c = counts(o);
                        if !c && !self.context[p as usize] {
                            denied[o.0..o.0 + o.1].iter_mut().for_each(|d| *d = true);
                        }
                        c
                    });
                    matched.extend(counted.map(|(_, o)| o));
                }
                if !matched.is_empty() && matched.len() == slots.len() {
                    return Ok(Fired {
                        flag: flag.index,
                        rule: r,
                        matched: matched
                            .into_iter()
                            .map(|(start, len)| {
                                let w: Vec<&str> = words[start..start + len]
                                    .iter()
                                    .map(|w| w.text.as_str())
                                    .collect();
                                w.join(" ")
                            })
                            .collect(),
                    });
                }
            }
        }
        Err(denied)
    }

    /// Which words a negation governs and which clauses are in the past.
    fn context(&self, n: usize, breaks: &[Break], found: &Found) -> Context {
        let starts = |phrases: &[u32]| -> Vec<bool> { masked_starts(n, found.any_of(phrases)) };
        let ends_at = |phrases: &[u32]| -> Vec<bool> {
            // ends_at[i]: an occurrence ends just before word i.
            let mut out = vec![false; n + 1];
            for (start, len) in found.any_of(phrases) {
                out[start + len] = true;
            }
            out
        };
        let break_at = |i: usize| breaks.get(i).copied().unwrap_or_default();

        // The distant past, clause by clause.
        let clause_end = starts(&self.past.ends);
        let mut clause = vec![0usize; n];
        let mut c = 0;
        for i in 0..n {
            // Commas do not end a clause here: "Years ago, I fell off a
            // ladder" is one thought.
            if i > 0 && (break_at(i) >= Break::Stop || clause_end[i]) {
                c += 1;
            }
            clause[i] = c;
        }
        let mut long_ago = vec![false; c + 1];
        let mut recent = vec![false; c + 1];
        for (start, _) in found.any_of(&self.past.phrases) {
            long_ago[clause[start]] = true;
        }
        // "Again" inside a past phrase ("never had it again") is not recent.
        let in_past = masked(n, found.any_of(&self.past.phrases));
        for (start, _) in found.any_of(&self.past.recent) {
            if !in_past[start] {
                recent[clause[start]] = true;
            }
        }
        let past = clause.iter().map(|&c| long_ago[c] && !recent[c]).collect();

        // Negations and what they reach.
        let symptom = masked(n, found.in_rules(&self.in_rule));
        let after_ability = ends_at(&self.negation.not_after);
        let pseudo = starts(&self.negation.not_before);
        let stop = starts(&self.negation.ends);
        let tied = ends_at(&self.negation.ties);
        let list = starts(&self.negation.lists);
        let mut negated = vec![false; n];
        // A negation word that is the symptom, follows "can", or starts a
        // pseudo-negation ("no longer") is not one.
        let denies = |(start, len): (usize, usize)| {
            !(symptom[start] || after_ability[start] || pseudo.get(start + len) == Some(&true))
        };
        for (start, len) in found.any_of(&self.negation.words).filter(|&o| denies(o)) {
            let from = start + len;
            let to = n.min(from + self.negation.reach);
            let ends = |i: usize| break_at(i) >= Break::Stop || (stop[i] && !tied[i]);
            // Within its reach, a negation crosses commas only in a list
            // that "or" or "nor" closes: "no fever, chills or numbness".
            let span = (from..to).find(|&i| ends(i)).unwrap_or(to);
            let in_list = (from..span).any(|i| list[i]);
            let through = (from..span)
                .find(|&i| break_at(i) == Break::Comma && !in_list)
                .unwrap_or(span);
            negated[from..through].iter_mut().for_each(|m| *m = true);
        }
        // Denials after the fact: "saddle numbness or bladder trouble, I
        // have none of that" (back to the sentence's start), and answers to
        // a question ("numbness down there? nope"; "the GP asked about
        // numbness and I don't have any"). Both reach back at most twice a
        // negation's reach forward.
        // A sentence that says what the member cannot do ("I can't feel my
        // legs, none of that is normal") is never denied after the fact.
        let mut affirms = vec![false; n];
        for (start, _) in found.any_of(&self.negation.words) {
            if symptom[start] || after_ability[start] {
                affirms[start] = true;
            }
        }
        let back = 2 * self.negation.reach;
        let sentence_start = |at: usize| {
            (at.saturating_sub(back)..=at)
                .rev()
                .find(|&i| i == 0 || break_at(i) >= Break::Stop)
                .unwrap_or(at.saturating_sub(back))
        };
        let asks = starts(&self.negation.asks);
        let asked = |from: usize, to: usize| (from..to).find(|&i| asks[i]);
        let mut deny = |start: usize, own_sentence: bool| {
            let opens = sentence_start(start);
            let from = if opens == start {
                // It opens its sentence: it denies the question before it.
                if start == 0 {
                    return;
                }
                let question = sentence_start(start - 1);
                if break_at(start) != Break::Question && asked(question, start).is_none() {
                    return;
                }
                question
            } else if own_sentence {
                opens
            } else if let Some(question) = asked(opens, start) {
                question
            } else {
                return;
            };
            if !affirms[from..start].iter().any(|&a| a) {
                negated[from..start].iter_mut().for_each(|m| *m = true);
            }
        };
        for (start, _) in found.any_of(&self.negation.after).filter(|&o| denies(o)) {
            deny(start, true);
        }
        for (start, _) in found.any_of(&self.negation.answers).filter(|&o| denies(o)) {
            deny(start, false);
        }
        Context { negated, past }
    }
}

/// Which of `n` words the occurrences cover.
fn masked(n: usize, occurrences: impl Iterator<Item = (usize, usize)>) -> Vec<bool> {
    let mut out = vec![false; n];
    for (start, len) in occurrences {
        out[start..start + len].iter_mut().for_each(|m| *m = true);
    }
    out
}

/// Which of `n` words start an occurrence.
fn masked_starts(n: usize, occurrences: impl Iterator<Item = (usize, usize)>) -> Vec<bool> {
    let mut out = vec![false; n + 1];
    for (start, _) in occurrences {
        out[start] = true;
    }
    out
}

/// Whether a word is a year a member would name: 1900 to 2099.
fn is_year(text: &str) -> bool {
    text.len() == 4 && is_number(text) && (text.starts_with("19") || text.starts_with("20"))
}

/// Whether a word is a number in digits (at most [`MAX_NUMBER_DIGITS`]).
fn is_number(text: &str) -> bool {
    (1..=MAX_NUMBER_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `word` is `wanted` with one typo (past the first letter, which
/// the caller has compared): only for words long enough that one edit
/// rarely makes another word.
fn one_typo(word: &str, wanted: &str) -> bool {
    let (a, b) = (word.len(), wanted.len());
    a.abs_diff(b) <= 1 && a.min(b) >= TYPO_MIN_LEN && within_one_edit(word, wanted)
}

/// Whether two words are at most one edit apart: one letter changed, added
/// or dropped, or two neighbours swapped. What
/// `strsim::damerau_levenshtein(a, b) <= 1` says, in one pass and without
/// allocating: every distinct word of a 4000-character message is compared
/// with the rule words sharing its first letter.
fn within_one_edit(a: &str, b: &str) -> bool {
    let common: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[common..], &b[common..]);
    let (mut rest_a, mut rest_b) = (a.chars(), b.chars());
    match (rest_a.next(), rest_b.next()) {
        (None, None) => true,
        (Some(_), None) => rest_a.as_str().is_empty(),
        (None, Some(_)) => rest_b.as_str().is_empty(),
        (Some(x), Some(y)) => {
            let (ra, rb) = (rest_a.as_str(), rest_b.as_str());
            // Changed, dropped from `a`, added to `a`, or swapped.
            ra == rb || ra == b || a == rb || {
                let (mut sa, mut sb) = (ra.chars(), rb.chars());
                sa.next() == Some(y) && sb.next() == Some(x) && sa.as_str() == sb.as_str()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass check agrees with Damerau-Levenshtein on every pair of
    /// a set of words and their one- and two-edit variants.
    #[test]
    fn one_edit_agrees_with_damerau_levenshtein() {
        let base = [
            "bladder",
            "numbness",
            "fever",
            "ab",
            "a",
            "",
            "aab",
            "ölçü",
            "腰痛です",
        ];
        let mut words: Vec<String> = Vec::new();
        for w in base {
            let chars: Vec<char> = w.chars().collect();
            words.push(w.to_owned());
            for i in 0..=chars.len() {
                let mut dropped = chars.clone();
                if i < chars.len() {
                    dropped.remove(i);
                    words.push(dropped.iter().collect());
                    let mut changed = chars.clone();
                    changed[i] = 'x';
                    words.push(changed.iter().collect());
                }
                if i + 1 < chars.len() {
                    let mut swapped = chars.clone();
                    swapped.swap(i, i + 1);
                    words.push(swapped.iter().collect());
                    let mut twice = swapped.clone();
                    twice[0] = 'q';
                    words.push(twice.iter().collect());
                }
                let mut added = chars.clone();
                added.insert(i, 'é');
                words.push(added.iter().collect());
            }
        }
        for a in &words {
            for b in &words {
                assert_eq!(
                    within_one_edit(a, b),
                    strsim::damerau_levenshtein(a, b) <= 1,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
