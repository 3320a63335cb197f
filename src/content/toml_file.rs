//! Reading one TOML content file into typed records while collecting every
//! problem in it with its line, rather than stopping at the first.
//!
//! Syntax errors are recovered from where the TOML parser can, and each
//! record (`[[entry]]`, `[[topic]]`...) is deserialised on its own, so one
//! misspelt key does not hide the mistakes in the records after it.

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Problem;

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
    line_starts: Vec<usize>,
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
        TomlFile {
            label,
            text,
            problems: Vec::new(),
            broken_ids: Vec::new(),
            line_starts,
        }
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

    /// Records a problem on a spanned value's line.
    pub fn problem_at<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        self.problem(Some(at.span().start), message);
    }

    fn toml_error(&mut self, err: &toml::de::Error) {
        let message = friendly(err.message());
        self.problem(err.span().map(|s| s.start), message);
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
    pub fn records<T: DeserializeOwned>(&mut self, key: &str) -> Vec<Record<T>> {
        let document = self.document();
        let mut out = Vec::new();
        for (name, value) in document.into_inner() {
            if name.get_ref().as_ref() != key {
                self.problem_at(
                    &name,
                    format!(
                        "unknown key `{}`: this file holds only [[{key}]] sections",
                        name.get_ref()
                    ),
                );
                continue;
            }
            let span = value.span();
            let DeValue::Array(items) = value.into_inner() else {
                self.problem(
                    Some(span.start),
                    format!("`{key}` must be written as [[{key}]] sections"),
                );
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
                    Ok(value) => out.push(Record { line, value }),
                    Err(err) => {
                        self.toml_error(&err);
                        self.broken_ids.extend(id);
                    }
                }
            }
        }
        out
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
