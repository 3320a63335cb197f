//! Loading a large catalog: entries.toml is then parsed in two halves and
//! each entry's own checks run on two threads (`src/content/toml_file.rs`,
//! `src/content/load.rs`). These cases break entries on both sides of the
//! cut and check that every problem is still reported, once, in file order,
//! on its line; and that a syntax error, which makes the halves unusable,
//! is reported as in a one-piece parse.

#[path = "../benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::collections::BTreeMap;

use backpain_bot::content;

/// Entries in the generated catalog: past both thresholds for running on
/// two threads (2,000 entries, 1 MiB of entries.toml).
const ENTRIES: usize = 3_000;

/// One edit to the generated entries.toml, and what it must be reported as.
struct Edit {
    /// The entry edited, by number.
    entry: usize,
    /// A line of that entry, and its replacement.
    from: String,
    to: String,
    /// A piece of the problem's message; `None` when the edit is fine.
    reported: Option<String>,
}

fn files() -> BTreeMap<String, Vec<u8>> {
    synthetic::catalog_files(ENTRIES, 7)
}

fn text(files: &BTreeMap<String, Vec<u8>>) -> String {
    String::from_utf8(files["entries.toml"].clone()).expect("UTF-8")
}

/// The line number where entry `n` starts.
fn entry_line(text: &str, n: usize) -> usize {
    let header = format!("id = \"e{n}\"\n");
    let at = text.find(&header).expect("the entry exists");
    text[..at].lines().count()
}

/// Applies the edits and checks the problems against them, in file order.
fn check(edits: &[Edit]) {
    let mut files = files();
    let mut text = text(&files);
    let mut want: Vec<(usize, String)> = Vec::new();
    for edit in edits {
        let start = text
            .find(&format!("id = \"e{}\"\n", edit.entry))
            .expect("the entry exists");
        let at = start
            + text[start..]
                .find(&edit.from)
                .expect("the line is in the entry");
        let line = text[..at].lines().count() + 1;
        text.replace_range(at..at + edit.from.len(), &edit.to);
        if let Some(reported) = &edit.reported {
            want.push((line, reported.clone()));
        }
    }
    want.sort();
    files.insert("entries.toml".to_owned(), text.into_bytes());
    let read = |name: &str| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    };
    let problems = match content::parse("big", read) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    // Records that cannot be read are reported before the checks of those
    // that can, as in any file: compare by line.
    let mut got: Vec<(usize, String)> = problems
        .iter()
        .map(|p| (p.line.unwrap_or(0), p.message.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got.len(),
        want.len(),
        "problems: {got:#?}\nwanted: {want:#?}"
    );
    for ((line, message), (want_line, piece)) in got.iter().zip(&want) {
        assert_eq!(line, want_line, "{message}");
        assert!(
            message.contains(piece.as_str()),
            "{message:?} lacks {piece:?}"
        );
    }
    assert!(problems.iter().all(|p| p.file == "big/entries.toml"));
}

fn edit(entry: usize, from: &str, to: &str, reported: Option<&str>) -> Edit {
    Edit {
        entry,
        from: from.to_owned(),
        to: to.to_owned(),
        reported: reported.map(str::to_owned),
    }
}

#[test]
fn the_generated_catalog_loads() {
    check(&[]);
    let files = files();
    let text = text(&files);
    assert!(text.len() > 1 << 20, "{} bytes", text.len());
    assert!(entry_line(&text, ENTRIES - 1) > entry_line(&text, 0));
}

#[test]
fn problems_on_both_sides_of_the_cut_are_each_reported_once() {
    let late = ENTRIES - 10;
    check(&[
        // First half.
        edit(
            3,
            "topics = [\"t3\"]",
            "topics = [\"nowhere\"]",
            Some("unknown topic \"nowhere\""),
        ),
        edit(
            40,
            "answer = \"",
            "answer = 3\n#\"",
            Some("wrong kind of value"),
        ),
        // Second half: a duplicate of a first-half id, a quote that is not
        // in its section, a wrong type, an empty question.
        edit(
            late,
            "id = \"e",
            "id = \"e3\"\n#",
            Some("duplicate entry id \"e3\""),
        ),
        edit(
            late + 1,
            "quote = \"The ",
            "quote = \"Not the ",
            Some("not found word for word"),
        ),
        edit(
            late + 2,
            "topics = [",
            "topics = 7\n#[",
            Some("wrong kind of value"),
        ),
        edit(
            late + 3,
            "question = \"",
            "question = \"   \"\n#",
            Some("`question` is empty"),
        ),
    ]);
}
