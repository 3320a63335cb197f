//! The content folder on disk (`src/content/sandbox.rs`): every file the
//! content names must be a regular file inside the folder, read through a
//! size cap. Each case is a scratch copy of the shipped `faq/` with one
//! change (a link, a FIFO, a folder, a huge file, a name that leaves), loaded
//! as `check` and `/reload` load it; then the properties: whatever names the
//! content holds, nothing outside the folder is ever opened.
//!
//! Loads run on a thread with a deadline, so a FIFO that blocks the load
//! fails the test instead of hanging it.

#![cfg(unix)]

mod common;

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::select;

use backpain_bot::content::{self, ContentDir, Refusal, MAX_ARTICLE_BYTES, MAX_ENTRIES_BYTES};
use backpain_bot::matcher::Thresholds;

/// The first shipped article, as sources.toml names it.
const ARTICLE: &str = "articles/can-acupressure-help-with-back-pain.txt";

/// How long a load may take before it counts as hung: a debug-build load of
/// the shipped content takes milliseconds.
const DEADLINE: Duration = Duration::from_secs(60);

/// What an outside file holds: a secret no problem may ever show.
const SECRET: &str = "DISCORD_TOKEN=sekrit-outside-the-folder";

/// A scratch folder holding `faq/` (a copy of the shipped content) and,
/// beside it, `outside/secret.txt`.
struct Scratch {
    _tmp: tempfile::TempDir,
    faq: PathBuf,
    outside: PathBuf,
}

fn scratch() -> Scratch {
    let tmp = tempfile::tempdir().expect("temp dir");
    let faq = tmp.path().join("faq");
    common::copy_dir(&common::shipped_dir(), &faq);
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).expect("mkdir");
    fs::write(outside.join("secret.txt"), SECRET).expect("write");
    Scratch {
        _tmp: tmp,
        faq,
        outside,
    }
}

impl Scratch {
    /// Names `file` in sources.toml instead of the first article.
    fn name_article(&self, file: &str) {
        let from = format!("file = \"{ARTICLE}\"");
        let to = format!("file = \"{}\"", file.replace('\\', "\\\\"));
        edit(&self.faq.join("sources.toml"), &from, &to);
    }

    /// Replaces the first article with `make(path)`, its path removed first.
    fn replace_article(&self, make: impl FnOnce(&Path)) {
        let path = self.faq.join(ARTICLE);
        fs::remove_file(&path).expect("the article exists");
        make(&path);
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("readable");
    assert!(text.contains(from), "{from:?} is in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("writable");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The line of sources.toml that names the first article.
fn article_line() -> usize {
    let text = fs::read_to_string(common::shipped_dir().join("sources.toml")).expect("readable");
    let at = text.find(&format!("file = \"{ARTICLE}\"")).expect("named");
    text[..at].lines().count() + 1
}

/// The problems `check` and `/reload` report for the folder (none if it
/// loads), or a failed test if loading does not finish by the deadline.
fn problems(faq: &Path) -> Vec<String> {
    let (send, receive) = mpsc::channel();
    let shown = faq.display().to_string();
    let faq = faq.to_path_buf();
    std::thread::spawn(move || {
        let got = match backpain_bot::load(&faq, Thresholds::default()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        };
        let _ = send.send(got);
    });
    match receive.recv_timeout(DEADLINE) {
        Ok(got) => got,
        Err(_) => panic!("loading {shown} hung"),
    }
}

/// How problems name the scratch folder: replaced by this in the messages
/// compared, so expectations do not hold a temporary path.
const DIR_LABEL: &str = "faq";

/// `problems`, with the scratch folder's path written as `faq`.
fn reported(s: &Scratch) -> Vec<String> {
    let prefix = s.faq.display().to_string();
    problems(&s.faq)
        .into_iter()
        .map(|p| p.replacen(&prefix, DIR_LABEL, 1))
        .collect()
}

/// The one problem a refused first article gives: at its `file` line.
fn article_refused(file: &str, why: &str) -> Vec<String> {
    vec![format!(
        "faq/sources.toml:{}: file \"{file}\" {why}",
        article_line()
    )]
}

const OUTSIDE: &str = "is a link that does not lead to a file inside the content folder: the bot \
                       reads only files inside it (copy the file in instead of linking to it)";

fn no_secret(problems: &[String]) {
    for p in problems {
        assert!(!p.contains("sekrit"), "a problem shows the secret: {p}");
    }
}

#[test]
fn the_shipped_folder_loads_through_the_sandbox() {
    let s = scratch();
    assert_eq!(reported(&s), Vec::<String>::new());
    assert!(content::load_dir(&s.faq).is_ok());
}

#[test]
fn a_link_to_a_file_inside_the_folder_is_read() {
    let s = scratch();
    let moved = s.faq.join("articles/real.txt");
    fs::rename(s.faq.join(ARTICLE), &moved).expect("rename");
    symlink("real.txt", s.faq.join(ARTICLE)).expect("symlink");
    assert_eq!(reported(&s), Vec::<String>::new());
    // A linked folder inside the folder, and an absolute link back in.
    let s = scratch();
    symlink(s.faq.join("articles"), s.faq.join("texts")).expect("symlink");
    s.name_article(&ARTICLE.replacen("articles/", "texts/", 1));
    assert_eq!(reported(&s), Vec::<String>::new());
}

#[test]
fn a_link_to_a_file_outside_the_folder_is_refused_unread() {
    let s = scratch();
    symlink(
        s.outside.join("secret.txt"),
        s.faq.join("articles/secret.txt"),
    )
    .expect("symlink");
    s.name_article("articles/secret.txt");
    let got = reported(&s);
    assert_eq!(got, article_refused("articles/secret.txt", OUTSIDE));
    no_secret(&got);
}

#[test]
fn links_to_system_files_are_refused() {
    for target in [
        "/etc/passwd",
        "/etc/shadow",
        "/proc/self/environ",
        "/dev/zero",
    ] {
        let s = scratch();
        s.replace_article(|path| symlink(target, path).expect("symlink"));
        assert_eq!(reported(&s), article_refused(ARTICLE, OUTSIDE), "{target}");
    }
}

#[test]
fn a_linked_folder_that_leaves_is_refused() {
    let s = scratch();
    let articles = s.faq.join("articles");
    let away = s.outside.join("articles");
    fs::rename(&articles, &away).expect("rename");
    symlink(&away, &articles).expect("symlink");
    let line = article_line();
    let second = "articles/acupuncture-and-acupressure-for-back-pain.txt";
    let text = fs::read_to_string(s.faq.join("sources.toml")).expect("readable");
    let second_line = text[..text.find(second).expect("named")].lines().count();
    assert_eq!(
        reported(&s),
        [
            format!("faq/sources.toml:{line}: file \"{ARTICLE}\" {OUTSIDE}"),
            format!("faq/sources.toml:{second_line}: file \"{second}\" {OUTSIDE}"),
        ]
    );
}

/// A link leading nowhere, or round in a loop, reads like one leading
/// outside: a refusal tells nothing about what exists outside the folder.
#[test]
fn dangling_and_looping_links_read_as_leaving() {
    for target in [
        "/nowhere/at/all.txt",
        "../../outside/missing.txt",
        "loop.txt",
    ] {
        let s = scratch();
        s.replace_article(|path| symlink(target, path).expect("symlink"));
        symlink("loop.txt", s.faq.join("articles/loop.txt")).expect("symlink");
        assert_eq!(reported(&s), article_refused(ARTICLE, OUTSIDE), "{target}");
    }
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let s = scratch();
    s.replace_article(mkfifo);
    assert_eq!(
        reported(&s),
        article_refused(
            ARTICLE,
            "is a named pipe (FIFO), not a regular file: the bot reads only regular files"
        )
    );
    // One of the fixed files: the problem is at the file itself.
    let s = scratch();
    fs::remove_file(s.faq.join("entries.toml")).expect("exists");
    mkfifo(&s.faq.join("entries.toml"));
    assert_eq!(
        reported(&s),
        [
            "faq/entries.toml: the file is a named pipe (FIFO), not a regular file: the bot \
          reads only regular files"
        ]
    );
}

#[test]
fn a_folder_is_refused() {
    for file in ["articles", "articles/", "."] {
        let s = scratch();
        s.name_article(file);
        assert_eq!(
            reported(&s),
            article_refused(
                file,
                "is a folder, not a regular file: the bot reads only regular files"
            ),
            "{file}"
        );
    }
}

#[test]
fn names_that_leave_the_folder_are_refused_on_disk() {
    let absolute = "is an absolute path: the bot reads only files inside the content folder, \
                    named relative to it (for example \"articles/my-article.txt\")";
    let up = "goes up out of the content folder with \"..\": the bot reads only files inside \
              the content folder";
    for (file, why) in [
        ("/etc/passwd", absolute),
        ("/etc/shadow", absolute),
        ("/proc/self/environ", absolute),
        ("../outside/secret.txt", up),
        ("articles/../../outside/secret.txt", up),
    ] {
        let s = scratch();
        s.name_article(file);
        let got = reported(&s);
        assert_eq!(got, article_refused(file, why), "{file}");
        no_secret(&got);
    }
    // Even a file inside the folder may not be named by its absolute path.
    let s = scratch();
    let inside = s.faq.join(ARTICLE).display().to_string();
    s.name_article(&inside);
    assert_eq!(reported(&s), article_refused(&inside, absolute));
}

#[test]
fn files_past_their_cap_are_refused_unread() {
    let s = scratch();
    let file = File::options()
        .write(true)
        .open(s.faq.join(ARTICLE))
        .expect("writable");
    // Sparse: the size is what the cap is checked against, before reading.
    file.set_len(MAX_ARTICLE_BYTES + 1).expect("set_len");
    assert_eq!(
        reported(&s),
        article_refused(
            ARTICLE,
            "is just over 1 MB; an article may be at most 1 MB. Is this the right file?"
        )
    );
    let s = scratch();
    let file = File::options()
        .write(true)
        .open(s.faq.join("entries.toml"))
        .expect("writable");
    file.set_len(MAX_ENTRIES_BYTES + 8_450_000)
        .expect("set_len");
    assert_eq!(
        reported(&s),
        [
            "faq/entries.toml: the file is 40.4 MB; entries.toml may be at most 32 MB. Is this \
          the right file?"
        ]
    );
}

#[test]
fn a_fixed_file_linked_outside_is_refused_at_the_file() {
    let s = scratch();
    fs::remove_file(s.faq.join("crisis.toml")).expect("exists");
    symlink(s.outside.join("secret.txt"), s.faq.join("crisis.toml")).expect("symlink");
    let got = reported(&s);
    assert_eq!(got, [format!("faq/crisis.toml: the file {OUTSIDE}")]);
    no_secret(&got);
}

/// The attack: an article that is the process environment, and a
/// skipped section whose heading is a guess at the token. Whatever the
/// secret holds, the problems are the same, and never show it.
#[test]
fn problems_never_depend_on_what_is_outside_the_folder() {
    let probe = |secret: &str, via_link: bool| {
        let s = scratch();
        fs::write(s.outside.join("secret.txt"), secret).expect("write");
        if via_link {
            symlink(s.outside.join("secret.txt"), s.faq.join("articles/env.txt")).expect("symlink");
            s.name_article("articles/env.txt");
        } else {
            s.name_article(&s.outside.join("secret.txt").display().to_string());
        }
        edit(
            &s.faq.join("sources.toml"),
            "[[source.section]]\nheading = \"Can Acupressure Help With Back Pain?\"",
            "[[source.section]]\nheading = \"DISCORD_TOKEN=a\"\nskip = \"a guess\"\n\n\
             [[source.section]]\nheading = \"Can Acupressure Help With Back Pain?\"",
        );
        let got: Vec<String> = reported(&s)
            .into_iter()
            .map(|p| p.replace(&s.outside.display().to_string(), "OUTSIDE"))
            .collect();
        no_secret(&got);
        got
    };
    for via_link in [true, false] {
        let right = probe("DISCORD_TOKEN=abc", via_link);
        let wrong = probe("DISCORD_TOKEN=xyz", via_link);
        assert!(!right.is_empty());
        assert_eq!(right, wrong, "via a link: {via_link}");
    }
}

/// The same attack on the real `check` with the real environment: its
/// output does not depend on the token.
#[test]
fn check_does_not_read_the_token_from_the_environment() {
    let run = |token: &str| {
        let s = scratch();
        s.name_article("/proc/self/environ");
        edit(
            &s.faq.join("sources.toml"),
            "heading = \"Can Acupressure Help With Back Pain?\"",
            "heading = \"DISCORD_TOKEN=a\"\nskip = \"a guess\"\n\n\
             [[source.section]]\nheading = \"Can Acupressure Help With Back Pain?\"",
        );
        let out = Command::new(env!("CARGO_BIN_EXE_backpain-bot"))
            .arg("check")
            .arg("--content")
            .arg(&s.faq)
            .current_dir(&s.faq)
            .env("DISCORD_TOKEN", token)
            .output()
            .expect("the binary runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains(token), "{text}");
        (
            out.status.code(),
            text.replace(&s.faq.display().to_string(), "faq"),
        )
    };
    let right = run("abc-right-guess");
    let wrong = run("xyz-wrong-guess");
    assert_eq!(right.0, Some(1), "{}", right.1);
    assert_eq!(right, wrong);
}

/// Puts something else at a path (the outside folder at hand).
type Swap = fn(&Path, &Path);

/// A file swapped after the checks and before the open (a link, a FIFO,
/// another file) is refused: what was opened is compared with what was
/// checked. The open comes from the test, to swap at exactly that moment.
#[test]
fn a_file_swapped_before_the_open_is_refused() {
    // The checked file is moved aside, not removed, so that its inode
    // number cannot be handed to the file that takes its place.
    let aside = |path: &Path| fs::rename(path, path.with_extension("old")).expect("exists");
    let swaps: [(&str, Swap); 3] = [
        ("a link out", |path, outside| {
            symlink(outside.join("secret.txt"), path).expect("symlink");
        }),
        ("a FIFO", |path, _| mkfifo(path)),
        ("another file", |path, _| {
            fs::write(path, "another file").expect("write");
        }),
    ];
    for (what, swap) in swaps {
        let s = scratch();
        let dir = ContentDir::new(&s.faq);
        let outside = s.outside.clone();
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let got = dir.read_via(ARTICLE, |path| {
                aside(path);
                swap(path, &outside);
                ContentDir::open_file(path)
            });
            let _ = send.send(got.map_err(|e| Refusal::of(&e).cloned()));
        });
        let got = receive
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("{what}: the read hung"));
        assert_eq!(got.err(), Some(Some(Refusal::Changed)), "{what}");
    }
}

// ------------------------------------------------------------ properties

/// Pieces of the names the properties try: files and folders inside,
/// links in and out, a FIFO, `..`, roots, Windows forms, system files.
const PIECES: &[&str] = &[
    "a.txt",
    "sub",
    "deeper",
    "b.txt",
    "c.txt",
    "link-in.txt",
    "link-abs-in.txt",
    "link-dir-in",
    "link-out.txt",
    "link-dir-out",
    "link-up.txt",
    "link-zero",
    "dangling.txt",
    "loop.txt",
    "fifo",
    "secret.txt",
    "outside",
    "..",
    ".",
    "",
    "/",
    "/etc/passwd",
    "/proc/self/environ",
    "/dev/zero",
    "C:",
    "\\",
    "a.txt\0",
];

/// A content folder with every kind of entry the pieces name, beside an
/// outside folder holding the secret.
struct Tree {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn tree() -> Tree {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("content");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(root.join("sub/deeper")).expect("mkdir");
    fs::create_dir_all(&outside).expect("mkdir");
    fs::write(outside.join("secret.txt"), SECRET).expect("write");
    fs::write(root.join("a.txt"), "a").expect("write");
    fs::write(root.join("sub/b.txt"), "b").expect("write");
    fs::write(root.join("sub/deeper/c.txt"), "c").expect("write");
    let link = |target: &Path, at: &str| symlink(target, root.join(at)).expect("symlink");
    link(Path::new("a.txt"), "link-in.txt");
    link(&root.join("sub/b.txt"), "sub/link-abs-in.txt");
    link(Path::new("sub"), "link-dir-in");
    link(&outside.join("secret.txt"), "link-out.txt");
    link(&outside, "sub/link-dir-out");
    link(Path::new("../../outside/secret.txt"), "sub/link-up.txt");
    link(Path::new("/dev/zero"), "link-zero");
    link(Path::new("nowhere.txt"), "dangling.txt");
    link(Path::new("loop.txt"), "sub/loop.txt");
    mkfifo(&root.join("fifo"));
    Tree {
        _tmp: tmp,
        root,
        outside,
    }
}

/// The instrumented open the properties read through: it records every
/// path the reader asks to open, and opens only regular files whose
/// canonical path is inside the folder. Anything else is recorded as a
/// breach and not opened, so a regression fails the property instead of
/// reading the secret or blocking on the FIFO.
struct Guard {
    root: PathBuf,
    opened: Mutex<Vec<PathBuf>>,
    breaches: Mutex<Vec<PathBuf>>,
}

impl Guard {
    fn new(root: &Path) -> Guard {
        Guard {
            root: root.to_path_buf(),
            opened: Mutex::new(Vec::new()),
            breaches: Mutex::new(Vec::new()),
        }
    }

    fn open(&self, path: &Path) -> io::Result<File> {
        self.opened
            .lock()
            .expect("no panic")
            .push(path.to_path_buf());
        let inside = fs::canonicalize(path).is_ok_and(|c| c.starts_with(&self.root));
        let regular = fs::metadata(path).is_ok_and(|m| m.is_file());
        if !(inside && regular) {
            self.breaches
                .lock()
                .expect("no panic")
                .push(path.to_path_buf());
            return Err(io::Error::other("the test does not open this"));
        }
        ContentDir::open_file(path)
    }

    /// The paths asked for, and those of them that broke the rule.
    fn into_parts(self) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let opened = self.opened.into_inner().expect("no panic");
        let breaches = self.breaches.into_inner().expect("no panic");
        (opened, breaches)
    }
}

/// A name made of one to four pieces joined by `/`.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(select(PIECES), 1..5).prop_map(|pieces| pieces.join("/"))
}

/// Whether `name` may be read: it is a regular file inside the folder by
/// the plain rules (relative, no `..`, its links resolved inside), worked
/// out here independently of the sandbox.
fn allowed(root: &Path, name: &str) -> bool {
    let lexically = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains(['\\', '\0', ':'])
        && !name.split('/').any(|c| c == "..");
    lexically
        && fs::canonicalize(root.join(name))
            .is_ok_and(|p| p.starts_with(root) && fs::metadata(&p).is_ok_and(|m| m.is_file()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the name, the reader opens only regular files whose
    /// canonical path is inside the folder, reads exactly the names that
    /// the plain rules allow, and never returns or reports the secret.
    #[test]
    fn nothing_outside_the_folder_is_ever_opened(names in prop::collection::vec(name(), 1..8)) {
        let t = tree();
        let root = fs::canonicalize(&t.root).expect("canonical");
        let dir = ContentDir::new(&t.root);
        for name in &names {
            let guard = Guard::new(&root);
            let got = dir.read_via(name, |path| guard.open(path));
            let (opened, breaches) = guard.into_parts();
            prop_assert!(breaches.is_empty(), "{name:?} opened {breaches:?}");
            match got {
                Ok(bytes) => {
                    prop_assert!(allowed(&root, name), "{name:?} was read");
                    prop_assert_eq!(&bytes, &fs::read(root.join(name)).expect("readable"));
                }
                Err(err) => {
                    prop_assert!(!allowed(&root, name), "{name:?} was refused: {err}");
                    prop_assert!(opened.is_empty(), "{name:?} was opened, then refused");
                    prop_assert!(!err.to_string().contains("sekrit"));
                }
            }
        }
        let _ = &t.outside;
    }
}

proptest! {
    // Each case copies and loads the whole content folder.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Through the whole loader: whatever `file` names sources.toml holds,
    /// every file opened is inside the folder, and no problem shows the
    /// secret.
    #[test]
    fn the_loader_opens_nothing_outside_the_folder(files in prop::collection::vec(name(), 2)) {
        let s = scratch();
        let t = tree();
        // The tree's entries, inside the content folder.
        for piece in ["a.txt", "sub", "link-in.txt", "link-dir-in", "dangling.txt", "fifo"] {
            fs::rename(t.root.join(piece), s.faq.join(piece)).expect("moved");
        }
        symlink(s.outside.join("secret.txt"), s.faq.join("link-out.txt")).expect("symlink");
        let text = fs::read_to_string(s.faq.join("sources.toml")).expect("readable");
        let mut edited = text.clone();
        for (shipped, file) in [
            ARTICLE,
            "articles/acupuncture-and-acupressure-for-back-pain.txt",
        ].iter().zip(&files) {
            let escaped: String = file.chars().flat_map(|c| match c {
                '\\' => vec!['\\', '\\'],
                '\0' => "\\u0000".chars().collect(),
                c => vec![c],
            }).collect();
            edited = edited.replacen(
                &format!("file = \"{shipped}\""),
                &format!("file = \"{escaped}\""),
                1,
            );
        }
        fs::write(s.faq.join("sources.toml"), edited).expect("writable");
        let root = fs::canonicalize(&s.faq).expect("canonical");
        let dir = ContentDir::new(&s.faq);
        let guard = Guard::new(&root);
        let problems = content::parse(DIR_LABEL, |name| dir.read_via(name, |path| guard.open(path)))
            .err()
            .unwrap_or_default();
        let (opened, breaches) = guard.into_parts();
        prop_assert!(breaches.is_empty(), "opened {breaches:?}");
        prop_assert!(!opened.is_empty(), "the fixed files were read");
        for p in &problems {
            prop_assert!(!p.to_string().contains("sekrit"), "{p}");
        }
    }
}

/// The property's oracle agrees with the sandbox on hand-picked names, so
/// a property that passes is not passing on an oracle that allows nothing.
#[test]
fn the_oracle_allows_what_it_should() {
    let t = tree();
    let root = fs::canonicalize(&t.root).expect("canonical");
    for name in [
        "a.txt",
        "sub/b.txt",
        "link-in.txt",
        "link-dir-in/deeper/c.txt",
        "./a.txt",
    ] {
        assert!(allowed(&root, name), "{name}");
        let dir = ContentDir::new(&t.root);
        assert!(dir.read(name).is_ok(), "{name}");
    }
    for name in [
        "link-out.txt",
        "sub/link-dir-out/secret.txt",
        "fifo",
        "link-zero",
        "sub",
    ] {
        assert!(!allowed(&root, name), "{name}");
    }
}
