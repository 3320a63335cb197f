//! Fuzzes the content loader (`backpain_bot::load_with`): the shipped
//! content folder with one file replaced by the input. The first byte picks
//! the file (by its place in the sorted list of the folder's files), the
//! rest is its new content. Loading never panics, and a folder that does not
//! load is described by at least one problem, each naming a file the loader
//! read and, when it has a line, a line of that file.

#![no_main]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use backpain_bot::matcher::Thresholds;
use libfuzzer_sys::fuzz_target;

/// How the content folder is named in problems.
const DIR: &str = "faq";

/// The shipped content folder, every file by its name in the folder.
fn shipped_files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../faq");
        let mut files = BTreeMap::new();
        for sub in ["", "articles"] {
            for item in std::fs::read_dir(dir.join(sub)).expect("the shipped content folder") {
                let path = item.expect("a folder entry").path();
                if path.is_file() {
                    let name = path.strip_prefix(&dir).expect("inside the folder");
                    let name = name.to_string_lossy().into_owned();
                    files.insert(name, std::fs::read(&path).expect("a readable file"));
                }
            }
        }
        files
    })
}

/// Lines as an editor counts them: a last line without its newline counts.
fn line_count(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, new)) = data.split_first() else {
        return;
    };
    let mut files = shipped_files().clone();
    let name = files
        .keys()
        .nth(usize::from(pick) % files.len())
        .cloned()
        .unwrap_or_default();
    files.insert(name, new.to_vec());
    let asked = Mutex::new(Vec::new());
    let read = |name: &str| {
        asked
            .lock()
            .expect("no reader panicked")
            .push(name.to_owned());
        files
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    };
    let Err(problems) = backpain_bot::load_with(DIR, read, Thresholds::default()) else {
        return;
    };
    assert!(!problems.is_empty(), "a failed load says why");
    let asked = asked.lock().expect("no reader panicked");
    for p in &problems {
        let name = p.file.strip_prefix("faq/");
        assert!(
            name.is_some_and(|n| asked.iter().any(|a| a == n)),
            "a problem names a file never read: {p}"
        );
        assert!(!p.message.trim().is_empty(), "an empty message: {p:?}");
        if let Some(line) = p.line {
            let bytes = name.and_then(|n| files.get(n));
            let lines = line_count(bytes.expect("a line in a missing file"));
            assert!((1..=lines + 1).contains(&line), "{lines} lines: {p}");
        }
    }
});
