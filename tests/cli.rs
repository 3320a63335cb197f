//! The command line as a user runs it: the `ask --json` contract, stdin
//! batches, `check` exit statuses, topics, and errors on bad input.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backpain-bot"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn run(args: &[&str], stdin: &str) -> Output {
    run_in(bin(), args, stdin)
}

fn run_in(mut cmd: Command, args: &[&str], stdin: &str) -> Output {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is writable");
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn ask_json_answers_each_stdin_line_in_order_with_exactly_the_contract_fields() {
    let out = run(
        &["ask", "--json"],
        "Is acupuncture painful?\n\nhow do I bake bread\nside effects\nthanks so much!\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let outcomes: Vec<&str> = rows
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        outcomes,
        ["answer", "no_match", "no_match", "suggest", "chat"]
    );
    for row in &rows {
        assert_eq!(
            keys(row),
            [
                "also",
                "confidence",
                "entry",
                "flag",
                "outcome",
                "question",
                "reply",
                "suggestions"
            ]
        );
        assert!(row["confidence"].is_number());
        assert!(row["reply"]
            .as_str()
            .unwrap_or("")
            .contains("not medical advice"));
    }
    assert!(rows.iter().all(|r| r["flag"].is_null()));
    assert_eq!(rows[0]["question"], "Is acupuncture painful?");
    assert_eq!(rows[1]["question"], "");
    let entry = &rows[0]["entry"];
    assert_eq!(
        keys(entry),
        ["answer", "id", "question", "sources", "topics"]
    );
    assert_eq!(entry["id"], "is-acupuncture-painful");
    assert_eq!(keys(&entry["sources"][0]), ["id", "section", "title"]);
    assert!(entry["topics"].as_array().is_some_and(|t| !t.is_empty()));
    assert!(rows[1]["entry"].is_null());
    let suggestion = &rows[3]["suggestions"][0];
    assert_eq!(keys(suggestion), ["confidence", "id", "question"]);
    // Small talk: no entry, no suggestions, its reply from smalltalk.toml.
    let chat = &rows[4];
    assert!(chat["entry"].is_null() && chat["suggestions"] == serde_json::json!([]));
    let reply = chat["reply"].as_str().unwrap_or("");
    assert!(reply.starts_with("You're welcome!"), "{reply}");
    assert!(!reply.contains("don't have an answer"), "{reply}");
}

#[test]
fn ask_text_prints_the_same_reply_as_json() {
    let text = run(&["ask", "can", "I", "do", "acupressure", "at", "home?"], "");
    let json = run(&["ask", "--json", "can I do acupressure at home?"], "");
    assert!(text.status.success() && json.status.success());
    let row: Value = serde_json::from_str(stdout(&json).trim()).expect("JSON");
    assert_eq!(row["outcome"], "answer");
    assert_eq!(
        stdout(&text).trim_end(),
        row["reply"].as_str().unwrap_or("")
    );
}

/// The reply `ask --json` gives to `question` on the content in `faq`.
fn reply_on(faq: &Path, question: &str) -> String {
    let faq_arg = faq.to_str().expect("a UTF-8 temp path");
    let out = run(&["ask", "--json", "--content", faq_arg, question], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let row: Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    row["reply"].as_str().unwrap_or_default().to_owned()
}

/// What the bot says besides answers comes from messages.toml: a moderator
/// who rewords a text there changes the reply, placeholders filled in, and
/// the disclaimer still ends it.
#[test]
fn rewording_messages_toml_changes_what_the_bot_says() {
    let (_dir, faq) = broken_content(&[
        Edit::Replace(
            "messages.toml",
            "I don't have an answer for that. I only answer from {articles}",
            "Sorry, my {article_count} articles don't say ({articles})",
        ),
        Edit::Replace("messages.toml", "Did you mean:", "Which of these is it?"),
    ]);
    let shipped = common::shipped().catalog();
    let disclaimer = &shipped.messages.disclaimer;
    let none = reply_on(&faq, "how do I bake bread");
    assert!(
        none.starts_with(
            "Sorry, my 2 articles don't say (*Can Acupressure Help With Back Pain?* and \
             *Acupuncture and Acupressure for Back Pain: Ancient Techniques for Modern Relief*)"
        ),
        "{none}"
    );
    assert!(!none.contains("I don't have an answer"), "{none}");
    assert!(none.ends_with(disclaimer.as_str()), "{none}");
    let suggest = reply_on(&faq, "side effects");
    assert!(suggest.contains("Which of these is it?\n1. "), "{suggest}");
    assert!(!suggest.contains("Did you mean"), "{suggest}");
    assert!(suggest.ends_with(disclaimer.as_str()), "{suggest}");
}

/// The no-answer reply names the articles from sources.toml: a third
/// article is named with no change to the code or to messages.toml.
#[test]
fn a_new_article_is_named_in_the_no_answer_reply() {
    let (_dir, faq) = broken_content(&[Edit::Append(
        "sources.toml",
        "\n[[source]]\nid = \"third\"\ntitle = \"A Third Article\"\nfile = \"articles/third.txt\"\n\n\
         [[source.section]]\nheading = \"Only Heading\"\nskip = \"Nothing to answer from yet.\"\n",
    )]);
    std::fs::write(
        faq.join("articles/third.txt"),
        "Only Heading\n\nSome text.\n",
    )
    .expect("write");
    let none = reply_on(&faq, "how do I bake bread");
    assert!(
        none.contains(
            "*Can Acupressure Help With Back Pain?*, *Acupuncture and Acupressure for Back \
             Pain: Ancient Techniques for Modern Relief* and *A Third Article*, and they don't \
             cover it."
        ),
        "{none}"
    );
}

#[test]
fn default_content_is_found_from_any_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backpain-bot"));
    cmd.current_dir(dir.path());
    let out = run_in(cmd, &["ask", "--json", "what is qi"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"what-is-qi\""));
}

#[test]
fn check_summarises_valid_content() {
    let out = run(&["check"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(line.starts_with("faq: ok, "), "{line}");
    assert!(
        line.contains(" entries, ") && line.contains(" alternate phrasings"),
        "{line}"
    );
}

/// `check --coverage` lists every sentence with the entries quoting it or
/// why it is skipped, and the totals; a sentence neither quoted nor skipped
/// is listed as NOT COVERED, and `check` refuses the content.
#[test]
fn check_coverage_lists_every_sentence() {
    let out = run(&["check", "--coverage"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = stdout(&out);
    for expected in [
        "  How Acupuncture Works: cited by ",
        "    heading: The science behind acupuncture\n",
        "    \"Now, according to research, acupressure may be an effective way to treat depression.\"\n      quoted by acupressure-and-mood\n",
        "    \"Let us find out.\"\n      skipped: A transition to the list below it.\n",
        "  Advert: left out: ",
    ] {
        assert!(listing.contains(expected), "{expected:?} not in:\n{listing}");
    }
    let totals = listing
        .lines()
        .find(|l| l.ends_with(" headings"))
        .unwrap_or_default();
    assert!(totals.contains(" skipped, 0 NOT COVERED; "), "{totals}");
    assert!(!listing.contains("NOT COVERED\n"), "{listing}");

    let (_dir, faq) = broken_content(&[Edit::Replace(
        "articles/acupuncture-and-acupressure-for-back-pain.txt",
        "Let us find out.",
        "Let us find out. Needles are sterile.",
    )]);
    let faq_arg = faq.to_str().unwrap_or_default();
    let out = run(&["check", "--coverage", "--content", faq_arg], "");
    assert_eq!(out.status.code(), Some(1));
    let listing = stdout(&out);
    assert!(
        listing.contains("    \"Needles are sterile.\"\n      NOT COVERED\n"),
        "{listing}"
    );
    assert!(listing.contains(" skipped, 1 NOT COVERED; "), "{listing}");
    let err = stderr(&out);
    assert!(
        err.contains(": section \"The Acupuncture Experience\" of source \"ancient-techniques\": no entry quotes the sentence \"Needles are sterile.\""),
        "{err}"
    );
    assert!(err.trim_end().ends_with("1 problem found"), "{err}");
    let plain = run(&["check", "--content", faq_arg], "");
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(stdout(&plain), "");
    assert_eq!(stderr(&plain), err);
}

#[test]
fn check_reports_broken_content_with_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let faq = dir.path().join("faq");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("faq"), &faq);
    let entries = faq.join("entries.toml");
    let text = std::fs::read_to_string(&entries).expect("entries.toml");
    let broken = text.replacen(
        "topics = [\"about-back-pain\"]",
        "topics = [\"nowhere\"]",
        1,
    );
    assert_ne!(text, broken, "the edit applies");
    std::fs::write(&entries, broken).expect("write");

    let line = 1 + text[..text.find("topics = [\"about-back-pain\"]").unwrap_or(0)]
        .matches('\n')
        .count();

    let out = run(
        &["check", "--content", faq.to_str().unwrap_or_default()],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let expected = format!(
        "{}:{line}: entry \"what-is-back-pain\" names unknown topic \"nowhere\" (see topics.toml)",
        entries.display()
    );
    assert!(err.contains(&expected), "{err}");
    assert!(err.trim_end().ends_with("1 problem found"), "{err}");
}

#[test]
fn topics_and_topic() {
    let list = run(&["topics"], "");
    assert!(list.status.success());
    assert!(stdout(&list).contains("`acupressure`"));
    let one = run(&["topic", "safety"], "");
    assert!(one.status.success());
    assert!(stdout(&one).contains("Is acupuncture painful?"));
    let missing = run(&["topic", "weather"], "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no topic \"weather\""));
}

#[test]
fn bad_config_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bot.toml");
    std::fs::write(&path, "[matching]\nanswer_threshhold = 0.5\n").expect("write");
    let out = run(
        &["ask", "--config", path.to_str().unwrap_or_default(), "qi"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bot.toml:2: unknown key `answer_threshhold`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_thresholds_change_outcomes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bot.toml");
    // With an answer threshold above every possible confidence, and the
    // classifier off, nothing is answered outright.
    std::fs::write(
        &path,
        "[matching]\nanswer_threshold = 1.0\ntie_margin = 1.0\nclassifier_threshold = 1.0\n",
    )
    .expect("write");
    let out = run(
        &[
            "ask",
            "--json",
            "--config",
            path.to_str().unwrap_or_default(),
            "what is qi",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let row: Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(row["outcome"], "suggest");
}

/// `ask --json MESSAGE` with a config file holding `config`: the record.
fn ask_with_config(config: &str, message: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bot.toml");
    std::fs::write(&path, config).expect("write");
    let out = run(
        &[
            "ask",
            "--json",
            "--config",
            path.to_str().unwrap_or_default(),
            message,
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(stdout(&out).trim()).expect("JSON")
}

/// The classifier answers a member's message the words alone do not, and
/// `classifier_threshold = 1.0` turns it off: the same message then gets no
/// answer (the bug `golden::members_messages_teach_what_the_words_miss`
/// names).
#[test]
fn the_classifier_answers_what_the_words_miss_and_can_be_turned_off() {
    let ask = |config: &str| {
        ask_with_config(
            config,
            "outfit advice for my session tmrw? idk what to put on",
        )
    };
    let on = ask("[matching]\n");
    assert_eq!(on["outcome"], "answer");
    assert_eq!(on["entry"]["id"], "what-to-wear");
    let off = ask("[matching]\nclassifier_threshold = 1.0\n");
    assert_ne!(off["outcome"], "answer", "{off}");
}

/// A message nothing else matches but the classifier is fairly sure of gets
/// its entry as a "did you mean", not "I don't have an answer"; with the
/// classifier off (`classifier_threshold` 1) it gets nothing.
#[test]
fn the_classifier_offers_what_it_is_fairly_sure_of() {
    let ask = |config: &str| ask_with_config(config, "pins or fingers lol");
    let on = ask("[matching]\n");
    assert_eq!(on["outcome"], "suggest", "{on}");
    assert_eq!(on["suggestions"][0]["id"], "acupuncture-vs-acupressure");
    let off = ask("[matching]\nclassifier_threshold = 1.0\n");
    assert_eq!(off["outcome"], "no_match", "{off}");
}

// ------------------------------------------------ broken content, start-up

/// The token the start-up tests give the bot: never valid, never sent
/// anywhere (each test stops the bot before it connects).
const DUMMY_TOKEN: &str = "dummy-token-never-sent";

/// A token written into a config file, which must never be printed back.
const FILE_SECRET: &str = "Nzk0.secret-in-the-file";

/// One change to a scratch copy of the shipped content.
enum Edit {
    /// Replace the first occurrence of `from` in `file` by `to`.
    Replace(&'static str, &'static str, &'static str),
    /// Add text at the end of `file`.
    Append(&'static str, &'static str),
    /// Insert bytes right before the first occurrence of a text in `file`.
    InsertBytes(&'static str, &'static str, &'static [u8]),
    /// Delete `file`.
    Remove(&'static str),
    /// Delete every file: an empty content folder.
    Empty,
}

/// Where a problem must point, found in the edited file's text.
enum At {
    /// The file as a whole: no line.
    File,
    /// The line holding the first occurrence of a text.
    First(&'static str),
    /// The line holding the last occurrence of a text.
    Last(&'static str),
}

/// The 1-based line of `text` where the byte at `offset` sits.
fn line_at(text: &[u8], offset: usize) -> usize {
    1 + text[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// Where `at` points in `text`, as the `:line` part of `file:line:`.
fn located(text: &[u8], at: &At) -> String {
    let find = |needle: &str, last: bool| {
        let needle = needle.as_bytes();
        let mut hits = text
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i);
        let hit = if last { hits.next_back() } else { hits.next() };
        hit.unwrap_or_else(|| panic!("{:?} is not in the file", String::from_utf8_lossy(needle)))
    };
    match at {
        At::File => String::new(),
        At::First(needle) => format!(":{}", line_at(text, find(needle, false))),
        At::Last(needle) => format!(":{}", line_at(text, find(needle, true))),
    }
}

/// A problem `check` and `run` must print: file, where, and the start of the
/// message.
struct Expect {
    file: &'static str,
    at: At,
    says: &'static str,
}

/// A scratch copy of the shipped content with `edits` applied.
fn broken_content(edits: &[Edit]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let faq = dir.path().join("faq");
    common::copy_dir(&common::shipped_dir(), &faq);
    for edit in edits {
        match *edit {
            Edit::Replace(file, from, to) => {
                let path = faq.join(file);
                let text = std::fs::read_to_string(&path).expect("a shipped file");
                assert!(text.contains(from), "{from:?} is not in {file}");
                std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
            }
            Edit::Append(file, more) => {
                let path = faq.join(file);
                let text = std::fs::read_to_string(&path).expect("a shipped file");
                std::fs::write(&path, text + more).expect("write");
            }
            Edit::InsertBytes(file, before, bytes) => {
                let path = faq.join(file);
                let mut text = std::fs::read(&path).expect("a shipped file");
                let at = located_offset(&text, before);
                text.splice(at..at, bytes.iter().copied());
                std::fs::write(&path, text).expect("write");
            }
            Edit::Remove(file) => std::fs::remove_file(faq.join(file)).expect("a shipped file"),
            Edit::Empty => {
                std::fs::remove_dir_all(&faq).expect("remove");
                std::fs::create_dir(&faq).expect("mkdir");
            }
        }
    }
    (dir, faq)
}

fn located_offset(text: &[u8], needle: &str) -> usize {
    text.windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle:?} is not in the file"))
}

/// A config file whose Discord is a closed port on this machine: should a
/// bot ever get past its checks, it fails to connect there and exits,
/// rather than reaching the real Discord.
fn config_without_discord(dir: &Path) -> std::path::PathBuf {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let path = dir.join("bot.toml");
    std::fs::write(
        &path,
        format!("[discord]\napi_url = \"http://127.0.0.1:{port}\"\n"),
    )
    .expect("write");
    path
}

/// The binary run from `cwd` with `args`, `DISCORD_TOKEN` set to `token`
/// or unset, and none of the variables that change what a panic prints.
fn start(cwd: &Path, args: &[&str], token: Option<&str>) -> Output {
    let mut cmd = bin();
    cmd.current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG");
    match token {
        Some(token) => cmd.env("DISCORD_TOKEN", token),
        None => cmd.env_remove("DISCORD_TOKEN"),
    };
    run_in(cmd, args, "")
}

/// Stderr shows no panic: no "panicked" message and no backtrace hint.
fn assert_no_panic(what: &str, err: &str) {
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: {err}"
    );
}

/// `check` on the broken content exits 1 and lists exactly the expected
/// problems, one a line, then their count; `run` refuses to start with one
/// sentence saying so, then the same list.
fn check_broken(what: &str, edits: &[Edit], expect: &[Expect]) {
    let (dir, faq) = broken_content(edits);
    let faq_arg = faq.to_str().expect("a UTF-8 temp path");
    let checked = run(&["check", "--content", faq_arg], "");
    let err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(1), "{what}: {err}");
    assert_no_panic(what, &err);
    assert_eq!(stdout(&checked), "", "{what}");
    let lines: Vec<&str> = err.lines().collect();
    let count = format!(
        "{} problem{} found",
        expect.len(),
        if expect.len() == 1 { "" } else { "s" }
    );
    assert_eq!(lines.last(), Some(&count.as_str()), "{what}: {err}");
    assert_eq!(lines.len(), expect.len() + 1, "{what}: {err}");
    for e in expect {
        let text = std::fs::read(faq.join(e.file)).unwrap_or_default();
        let head = format!(
            "{}/{}{}: {}",
            faq.display(),
            e.file,
            located(&text, &e.at),
            e.says
        );
        assert!(
            lines.iter().any(|l| l.starts_with(&head)),
            "{what}: no line starting {head:?} in\n{err}"
        );
    }

    let config = config_without_discord(dir.path());
    let config_arg = config.to_str().expect("a UTF-8 temp path");
    let started = start(
        dir.path(),
        &["run", "--config", config_arg, "--content", faq_arg],
        Some(DUMMY_TOKEN),
    );
    let run_err = stderr(&started);
    assert_eq!(started.status.code(), Some(1), "{what}: {run_err}");
    assert_no_panic(what, &run_err);
    assert_eq!(stdout(&started), "", "{what}");
    assert_eq!(
        run_err,
        format!(
            "backpain-bot: the content in {} has problems; not starting\n{err}",
            faq.display()
        ),
        "{what}"
    );
}

#[test]
fn broken_content_is_reported_in_full_and_the_bot_refuses_to_start() {
    check_broken(
        "invalid TOML",
        &[
            Edit::Replace("topics.toml", "[[topic]]", "[[topic]"),
            Edit::Replace("entries.toml", "question = \"", "question = \"no end\n#"),
        ],
        &[
            Expect {
                file: "topics.toml",
                at: At::First("[[topic]\n"),
                says: "unclosed array table",
            },
            Expect {
                file: "entries.toml",
                at: At::First("no end"),
                says: "invalid basic string",
            },
        ],
    );
    check_broken(
        "wrong types",
        &[
            Edit::Replace(
                "entries.toml",
                "topics = [\"about-back-pain\"]",
                "topics = \"about-back-pain\"",
            ),
            Edit::Replace("messages.toml", "disclaimer = \"", "disclaimer = 42 #"),
        ],
        &[
            Expect {
                file: "entries.toml",
                at: At::First("topics = \"about-back-pain\""),
                says: "wrong kind of value: string \"about-back-pain\", expected a sequence",
            },
            Expect {
                file: "messages.toml",
                at: At::First("disclaimer = 42"),
                says: "wrong kind of value: integer `42`, expected a string",
            },
        ],
    );
    check_broken(
        "unknown keys",
        &[
            Edit::Replace("sources.toml", "\ntitle = ", "\nauhtor = \"x\"\ntitle = "),
            Edit::Append("synonyms.toml", "colour = [\"red\"]\n"),
        ],
        &[
            Expect {
                file: "sources.toml",
                at: At::First("auhtor"),
                says: "unknown key `auhtor`, expected one of `id`, `title`, `file`, `section`",
            },
            Expect {
                file: "synonyms.toml",
                at: At::First("colour"),
                says: "unknown key `colour`, expected `words`",
            },
        ],
    );
    check_broken(
        "a duplicate id",
        &[Edit::Append(
            "topics.toml",
            "\n[[topic]]\nid = \"acupressure\"\nname = \"Again\"\nsummary = \"Again.\"\n",
        )],
        &[Expect {
            file: "topics.toml",
            at: At::Last("id = \"acupressure\""),
            says: "duplicate topic id \"acupressure\" (first used on line ",
        }],
    );
    check_broken(
        "invalid UTF-8",
        &[
            Edit::InsertBytes("red-flags.toml", "name = ", b"\xFF"),
            Edit::InsertBytes(
                "articles/can-acupressure-help-with-back-pain.txt",
                "\n\n",
                b"\xC3",
            ),
        ],
        &[
            Expect {
                file: "red-flags.toml",
                at: At::First("name = "),
                says: "the file is not valid UTF-8 text (save it as UTF-8)",
            },
            Expect {
                file: "articles/can-acupressure-help-with-back-pain.txt",
                at: At::First("\n\n"),
                says: "the file is not valid UTF-8 text (save it as UTF-8)",
            },
        ],
    );
    check_broken(
        "a missing article",
        &[Edit::Remove(
            "articles/can-acupressure-help-with-back-pain.txt",
        )],
        &[Expect {
            file: "articles/can-acupressure-help-with-back-pain.txt",
            at: At::File,
            says: "the file is missing",
        }],
    );
    check_broken(
        "misused placeholders in the bot's texts",
        &[
            Edit::Replace(
                "messages.toml",
                "wait {seconds} seconds",
                "wait {secnds} seconds",
            ),
            Edit::Replace(
                "messages.toml",
                "medical care now:\n{flags}",
                "medical care now.",
            ),
        ],
        &[
            Expect {
                file: "messages.toml",
                at: At::First("help = "),
                says: "`help` must contain {flags}, where the red flags that need medical care \
                       now are listed",
            },
            Expect {
                file: "messages.toml",
                at: At::First("{secnds}"),
                says: "`cooldown`: \"{secnds}\" is not one of the placeholders this text can \
                       use: {seconds}",
            },
        ],
    );
    let every_file_missing: Vec<Expect> = backpain_bot::content::FILES
        .iter()
        .map(|&file| Expect {
            file,
            at: At::File,
            says: "the file is missing",
        })
        .collect();
    check_broken("an empty folder", &[Edit::Empty], &every_file_missing);
}

/// What the config file holds in a start-up case.
enum ConfigFile {
    /// No --config.
    Absent,
    /// --config names a file that does not exist.
    Missing,
    /// --config names a folder.
    Folder,
    /// --config names a file with these bytes.
    Holding(Vec<u8>),
}

/// A start-up that must fail: the command, its config and token, and the
/// one sentence it must print.
struct StartUp {
    what: &'static str,
    command: &'static str,
    config: ConfigFile,
    token: Option<&'static str>,
    /// Where in the config file the sentence points.
    at: At,
    /// How the sentence starts after `file:line: ` (or `backpain-bot: `).
    says: &'static str,
}

/// The binary refuses to start with exit status 2 and one sentence on
/// stderr (then, for a config problem, their count). It never prints a
/// token or panics.
fn check_start_up(case: &StartUp) {
    let what = case.what;
    let dir = tempfile::tempdir().expect("temp dir");
    // An empty content folder: should the error under test go unnoticed,
    // the bot stops at the content, never at the network.
    let faq = dir.path().join("faq");
    std::fs::create_dir(&faq).expect("mkdir");
    let path = dir.path().join("bot.toml");
    let mut args = vec![case.command.to_owned(), "--content".to_owned()];
    args.push(faq.display().to_string());
    let bytes: &[u8] = match &case.config {
        ConfigFile::Holding(bytes) => bytes,
        _ => &[],
    };
    let head = match &case.config {
        ConfigFile::Absent => format!("backpain-bot: {}", case.says),
        config => {
            match config {
                ConfigFile::Folder => std::fs::create_dir(&path).expect("mkdir"),
                ConfigFile::Holding(_) => std::fs::write(&path, bytes).expect("write"),
                _ => {}
            }
            args.extend(["--config".to_owned(), path.display().to_string()]);
            format!(
                "{}{}: {}",
                path.display(),
                located(bytes, &case.at),
                case.says
            )
        }
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = start(dir.path(), &args, case.token);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert_no_panic(what, &err);
    assert_eq!(stdout(&out), "", "{what}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with(&head)),
        "{what}: expected a line starting {head:?}, got\n{err}"
    );
    assert!(
        lines[1..].is_empty() || lines[1..] == ["1 problem found"],
        "{what}: one sentence expected, got\n{err}"
    );
    for secret in [DUMMY_TOKEN, FILE_SECRET] {
        assert!(!err.contains(secret), "{what}: a token is printed: {err}");
    }
}

#[test]
fn start_up_errors_are_one_sentence_and_exit_2() {
    let no_token = "DISCORD_TOKEN is not set: put the bot token";
    let no_file = "the configuration file does not exist (check the --config path)";
    let cases = [
        StartUp {
            what: "no token",
            command: "run",
            config: ConfigFile::Absent,
            token: None,
            at: At::File,
            says: no_token,
        },
        StartUp {
            what: "a blank token",
            command: "run",
            config: ConfigFile::Absent,
            token: Some(" \t"),
            at: At::File,
            says: no_token,
        },
        StartUp {
            what: "--config names no file",
            command: "run",
            config: ConfigFile::Missing,
            token: Some(DUMMY_TOKEN),
            at: At::File,
            says: no_file,
        },
        StartUp {
            what: "--config names no file, for check",
            command: "check",
            config: ConfigFile::Missing,
            token: Some(DUMMY_TOKEN),
            at: At::File,
            says: no_file,
        },
        StartUp {
            what: "--config names a folder",
            command: "run",
            config: ConfigFile::Folder,
            token: Some(DUMMY_TOKEN),
            at: At::File,
            says: "cannot read the configuration file (",
        },
        StartUp {
            what: "a config that is not TOML",
            command: "run",
            config: ConfigFile::Holding(b"[matching\nanswer_threshold = 0.5\n".to_vec()),
            token: Some(DUMMY_TOKEN),
            at: At::First("[matching"),
            says: "unclosed table",
        },
        StartUp {
            what: "a config that is not UTF-8",
            command: "run",
            config: ConfigFile::Holding(
                b"[matching]\nanswer_threshold = 0.5 # \xE9t\xE9\n".to_vec(),
            ),
            token: Some(DUMMY_TOKEN),
            at: At::First("answer_threshold"),
            says: "the file is not valid UTF-8 text (save it as UTF-8)",
        },
        StartUp {
            what: "an unknown key in the config",
            command: "run",
            config: ConfigFile::Holding(b"[cooldown]\nquestion = 3\n".to_vec()),
            token: Some(DUMMY_TOKEN),
            at: At::First("question"),
            says: "unknown key `question`, expected `questions` or `per_seconds`",
        },
        StartUp {
            what: "a threshold out of range",
            command: "run",
            config: ConfigFile::Holding(b"[matching]\nanswer_threshold = 2\n".to_vec()),
            token: Some(DUMMY_TOKEN),
            at: At::File,
            says: "[matching] thresholds must be between 0 and 1",
        },
        StartUp {
            what: "a token in the config",
            command: "run",
            config: ConfigFile::Holding(
                format!("[discord]\ntoken = \"{FILE_SECRET}\"\n").into_bytes(),
            ),
            token: Some(DUMMY_TOKEN),
            at: At::First("token"),
            says: "the Discord token must not be in the configuration file: remove it and set \
                   the DISCORD_TOKEN environment variable instead",
        },
    ];
    for case in &cases {
        check_start_up(case);
    }
}
