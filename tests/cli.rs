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
        "Is acupuncture painful?\n\nhow do I bake bread\nside effects\n",
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
    assert_eq!(outcomes, ["answer", "no_match", "no_match", "suggest"]);
    for row in &rows {
        assert_eq!(
            keys(row),
            [
                "confidence",
                "entry",
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
    // With an answer threshold above every possible confidence, nothing is
    // answered outright.
    std::fs::write(
        &path,
        "[matching]\nanswer_threshold = 1.0\ntie_margin = 1.0\n",
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
