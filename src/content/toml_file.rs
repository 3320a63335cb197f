//! Reading one TOML content file into typed records while collecting every
//! problem in it with its line, rather than stopping at the first.
//!
//! Syntax errors are recovered from where the TOML parser can, and each
//! record (`[[entry]]`, `[[topic]]`...) is deserialised on its own, so one
//! misspelt key does not hide the mistakes in the records after it.

use std::sync::Arc;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Problem;
use crate::parallel;

/// A content file's label and text, and the problems found in it so far.
pub(crate) struct TomlFile<'a> {
    /// The file as the moderator knows it, e.g. `faq/entries.toml`.
    pub label: &'a str,
    /// The file's text.
    text: &'a str,
    /// Problems found in this file.
    pub problems: Vec<Problem>,
    /// Ids of records that could not be read. They exist, so references
    /// to them are not reported as unknown: one mistake, one problem.
    pub broken_ids: Vec<String>,
    /// Byte offsets where lines start, so a line number is a binary search
    /// rather than a count from the top (files can hold 100,000 entries).
    /// Shared by the file's forks and by later passes over the same text.
    line_starts: Arc<[usize]>,
}

/// The records read from part of a file, and what went wrong there.
struct Part<T> {
    records: Vec<Record<T>>,
    problems: Vec<Problem>,
    broken_ids: Vec<String>,
    /// No syntax error, and nothing but `[[key]]` sections: the part reads
    /// the same on its own as within the whole file.
    clean: bool,
}

impl<T> Part<T> {
    /// This part followed by `next`.
    fn then(mut self, next: Part<T>) -> Part<T> {
        self.records.extend(next.records);
        self.problems.extend(next.problems);
        self.broken_ids.extend(next.broken_ids);
        self
    }
}

/// A deserialised record and the line it starts on.
pub(crate) struct Record<T> {
    pub line: usize,
    pub value: T,
}

impl<'a> TomlFile<'a> {
    pub fn new(label: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        TomlFile::with_lines(label, text, line_starts)
    }

    /// [`TomlFile::new`] with the line starts an earlier pass over the same
    /// text found ([`TomlFile::line_starts`]).
    pub fn with_lines(label: &'a str, text: &'a str, line_starts: Arc<[usize]>) -> Self {
        TomlFile {
            label,
            text,
            problems: Vec::new(),
            broken_ids: Vec::new(),
            line_starts,
        }
    }

    /// The same file with no problems recorded yet: for checks run on
    /// another thread, whose problems are then taken in order.
    pub fn fork(&self) -> TomlFile<'a> {
        TomlFile {
            label: self.label,
            text: self.text,
            problems: Vec::new(),
            broken_ids: Vec::new(),
            line_starts: Arc::clone(&self.line_starts),
        }
    }

    /// Where the file's lines start, for a later pass over the same text.
    pub fn line_starts(&self) -> Arc<[usize]> {
        Arc::clone(&self.line_starts)
    }

    /// The 1-based line holding byte `offset` of the text.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line + 1,
            Err(next) => next,
        }
    }

    /// Records a problem at a byte offset (or for the whole file).
    pub fn problem(&mut self, offset: Option<usize>, message: impl Into<String>) {
        let line = offset.map(|o| self.line_of(o));
        self.problems.push(Problem {
            file: self.label.to_owned(),
            line,
            message: message.into(),
        });
    }

    /// Records a problem on a line (or for the whole file).
    pub fn problem_on_line(&mut self, line: Option<usize>, message: impl Into<String>) {
        let problem = self.problem_at_line(line, message.into());
        self.problems.push(problem);
    }

    /// Records a problem on a spanned value's line.
    pub fn problem_at<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        self.problem(Some(at.span().start), message);
    }

    /// Where the id a record names is among `items` of another file
    /// (`is` tells whether an item has that id): `Ok(None)` when that file
    /// could not be read (nothing to check against), and `Err` when the id
    /// is not there, with `missing` recorded at the id's line.
    pub fn position_of<T>(
        &mut self,
        items: Option<&[T]>,
        id: &Spanned<String>,
        is: impl Fn(&T, &str) -> bool,
        missing: impl FnOnce(&str) -> String,
    ) -> Result<Option<usize>, ()> {
        let Some(items) = items else {
            return Ok(None);
        };
        match items.iter().position(|item| is(item, id.get_ref())) {
            Some(i) => Ok(Some(i)),
            None => {
                self.problem_at(id, missing(id.get_ref()));
                Err(())
            }
        }
    }

    fn toml_error(&mut self, err: &toml::de::Error) {
        let problem = self.toml_problem(err);
        self.problems.push(problem);
    }

    /// Parses the whole document, recovering from syntax errors where the
    /// parser can.
    fn document(&mut self) -> Spanned<DeTable<'a>> {
        let (table, errors) = DeTable::parse_recoverable(self.text);
        for err in &errors {
            self.toml_error(err);
        }
        table
    }

    /// Reads a document made of one array of tables, `[[key]]`, into records.
    /// Anything else at the top level is a problem.
    ///
    /// A large file is parsed in two halves on two threads, cut at a
    /// `[[key]]` line near its middle. The halves are only used when both
    /// parse cleanly and hold nothing but `[[key]]` sections, which makes
    /// them exactly the whole file's records; otherwise the whole file is
    /// parsed again in one piece, so every problem is reported as it would
    /// be without the cut.
    pub fn records<T: DeserializeOwned + Send>(&mut self, key: &str) -> Vec<Record<T>> {
        let len = self.text.len();
        let halves = self.cut(key).and_then(|at| {
            let (first, second) = parallel::join(
                true,
                || self.part::<T>(key, 0, at),
                || self.part::<T>(key, at, len),
            );
            (first.clean && second.clean).then(|| first.then(second))
        });
        let part = match halves {
            Some(part) => part,
            None => self.part(key, 0, len),
        };
        self.problems.extend(part.problems);
        self.broken_ids.extend(part.broken_ids);
        part.records
    }

    /// Where to cut the text for [`TomlFile::records`]: the start of the
    /// first `[[key]]` line past the middle, if the file is large enough to
    /// gain from two threads.
    fn cut(&self, key: &str) -> Option<usize> {
        if !parallel::worth_it(self.text.len(), parallel::MIN_BYTES) {
            return None;
        }
        let header = format!("\n[[{key}]]");
        let mut from = self.text.len() / 2;
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let mut search = &self.text[from..];
        loop {
            let at = search.find(&header)?;
            let after = &search[at + header.len()..];
            let line_start = self.text.len() - search.len() + at + 1;
            // The header alone on its line (spaces or a comment may follow).
            if after.starts_with(['\n', '\r', ' ', '\t', '#']) || after.is_empty() {
                return Some(line_start);
            }
            search = &search[at + header.len()..];
        }
    }

    /// The records of `self.text[from..to]`, with spans and problems
    /// located in the whole file.
    fn part<T: DeserializeOwned>(&self, key: &str, from: usize, to: usize) -> Part<T> {
        let mut part = Part {
            records: Vec::new(),
            problems: Vec::new(),
            broken_ids: Vec::new(),
            clean: true,
        };
        // A part after the start is parsed with what comes before it blanked
        // out: spans inside its records are then offsets in the whole file,
        // as the checks that read them later expect.
        let blanked: String;
        let source = if from == 0 {
            &self.text[..to]
        } else {
            blanked = " ".repeat(from) + &self.text[from..to];
            &blanked
        };
        let at = |offset: usize| Some(self.line_of(offset));
        let (document, errors) = DeTable::parse_recoverable(source);
        for err in &errors {
            part.clean = false;
            part.problems.push(self.toml_problem(err));
        }
        for (name, value) in document.into_inner() {
            if name.get_ref().as_ref() != key {
                part.clean = false;
                part.problems.push(self.problem_at_line(
                    at(name.span().start),
                    format!(
                        "unknown key `{}`: this file holds only [[{key}]] sections",
                        name.get_ref()
                    ),
                ));
                continue;
            }
            let span = value.span();
            let DeValue::Array(items) = value.into_inner() else {
                part.clean = false;
                part.problems.push(self.problem_at_line(
                    at(span.start),
                    format!("`{key}` must be written as [[{key}]] sections"),
                ));
                continue;
            };
            for item in items {
                let line = self.line_of(item.span().start);
                let id = item
                    .get_ref()
                    .get("id")
                    .and_then(|id| id.get_ref().as_str())
                    .map(str::to_owned);
                match T::deserialize(item.into_deserializer()) {
                    Ok(value) => part.records.push(Record { line, value }),
                    Err(err) => {
                        part.problems.push(self.toml_problem(&err));
                        part.broken_ids.extend(id);
                    }
                }
            }
        }
        part
    }

    /// A problem on a line (or for the whole file).
    fn problem_at_line(&self, line: Option<usize>, message: String) -> Problem {
        Problem {
            file: self.label.to_owned(),
            line,
            message,
        }
    }

    /// A TOML error as a problem on its line.
    fn toml_problem(&self, err: &toml::de::Error) -> Problem {
        let line = err.span().map(|s| self.line_of(s.start));
        self.problem_at_line(line, friendly(err.message()))
    }

    /// Reads a document that is one table of settings.
    pub fn table<T: DeserializeOwned>(&mut self) -> Option<T> {
        let document = self.document();
        if !self.problems.is_empty() {
            return None;
        }
        match T::deserialize(document.into_deserializer()) {
            Ok(value) => Some(value),
            Err(err) => {
                self.toml_error(&err);
                None
            }
        }
    }
}

/// Rewords the TOML parser's messages for people who are not programmers.
fn friendly(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!("unknown key {rest} (check its spelling)");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("wrong kind of value: {rest}");
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        id: Spanned<String>,
        text: Spanned<String>,
    }

    /// A record as compared: its line, and each value with its span
    /// (`Spanned`'s own equality ignores spans).
    type Seen = (
        usize,
        String,
        std::ops::Range<usize>,
        std::ops::Range<usize>,
    );

    fn seen(record: Record<Item>) -> Seen {
        let Item { id, text } = record.value;
        (record.line, id.get_ref().clone(), id.span(), text.span())
    }

    /// Records from the two-thread parse and from a one-piece parse of
    /// `text`: lines, values and spans, problems and broken ids.
    fn both_ways(text: &str) -> [(Vec<Seen>, Vec<String>, Vec<String>); 2] {
        let mut split = TomlFile::new("big.toml", text);
        let records = split.records::<Item>("entry");
        let whole = TomlFile::new("big.toml", text);
        let part = whole.part::<Item>("entry", 0, text.len());
        let shown = |problems: &[Problem]| problems.iter().map(ToString::to_string).collect();
        [
            (
                records.into_iter().map(seen).collect(),
                shown(&split.problems),
                split.broken_ids,
            ),
            (
                part.records.into_iter().map(seen).collect(),
                shown(&part.problems),
                part.broken_ids,
            ),
        ]
    }

    /// Large enough to be cut in two.
    fn big(records: usize, at_middle: &str) -> String {
        let mut text = String::new();
        for i in 0..records {
            if i == records / 2 {
                text.push_str(at_middle);
            }
            text.push_str(&format!(
                "[[entry]]\nid = \"e{i}\"\ntext = \"words {i}\"\n\n"
            ));
        }
        assert!(text.len() >= parallel::MIN_BYTES);
        text
    }

    /// However the file is cut, the records and problems are those of a
    /// one-piece parse: the halves are only used when they read the same.
    #[test]
    fn cutting_a_large_file_changes_nothing() {
        // About 1.1 MiB: just past the size that is cut.
        let n = 25_000;
        for (case, middle, problems) in [
            ("clean", String::new(), 0),
            (
                "a wrong type past the cut",
                "[[entry]]\nid = \"x\"\ntext = 5\n\n".repeat(2),
                2,
            ),
            (
                "a syntax error past the cut",
                "[[entry]]\nid = \"y\"\ntext = \"open\n".to_owned(),
                1,
            ),
            (
                "a multi-line string across the cut",
                format!(
                    "[[entry]]\nid = \"z\"\ntext = \"\"\"\n{}\"\"\"\n\n",
                    "[[entry]]\n".repeat(n)
                ),
                0,
            ),
            (
                "a foreign table past the cut",
                "[misc]\nx = 1\n\n".to_owned(),
                1,
            ),
        ] {
            let text = big(n, &middle);
            let [split, whole] = both_ways(&text);
            assert_eq!(split, whole, "{case}");
            assert!(split.1.len() >= problems, "{case}: {:?}", split.1);
            assert!(!split.0.is_empty(), "{case}");
        }
    }
}
