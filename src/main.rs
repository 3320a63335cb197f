//! The `backpain-bot` command line: `ask`, `check`, `topics` and `topic`.
//!
//! Thin by design: each subcommand loads the content, calls the library and
//! prints the result. Problems go to stderr as one line each, and the exit
//! status says whether the command succeeded (0), found problems in the
//! content (1), or could not start (2).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use backpain_bot::config::Config;
use backpain_bot::content::Problem;
use backpain_bot::matcher::Matcher;
use backpain_bot::reply::{self, AskRecord};

/// Answers back-pain questions from a curated, source-cited FAQ.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML; see config.example.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Content folder (default: ./faq, or the one shipped with the source).
    #[arg(long, global = true, value_name = "DIR")]
    content: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Answer a question, or each line of standard input when none is given.
    Ask {
        /// Print one JSON object per question instead of the reply text.
        #[arg(long, conflicts_with = "explain")]
        json: bool,
        /// Show how the question was read and which entries scored best.
        #[arg(long)]
        explain: bool,
        /// The question (several words are joined with spaces).
        question: Vec<String>,
    },
    /// Validate the content and print a summary, or every problem.
    Check,
    /// List the topics.
    Topics,
    /// Show one topic and its questions.
    Topic {
        /// The topic's id (see `topics`).
        id: String,
    },
}

/// How `ask` prints its answers.
#[derive(Clone, Copy)]
enum Format {
    /// The reply as the bot posts it.
    Text,
    /// One JSON record per line.
    Json,
    /// Tokens and scores, for tuning.
    Explain,
}

/// Printed between replies when `ask` answers several questions as text.
const REPLY_SEPARATOR: &str = "---";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match &cli.config {
        Some(path) => match Config::load(path) {
            Ok(config) => config,
            Err(problems) => return report(&problems, ExitCode::from(2)),
        },
        None => Config::default(),
    };
    let dir = content_dir(cli.content.as_deref(), config.content_dir.as_deref());
    let matcher = match backpain_bot::load(&dir, config.matching.thresholds()) {
        Ok(matcher) => matcher,
        Err(problems) => return report(&problems, ExitCode::from(1)),
    };
    let catalog = matcher.catalog();
    match cli.command {
        Command::Check => {
            println!("{}: ok, {}", dir.display(), catalog.summary());
            ExitCode::SUCCESS
        }
        Command::Topics => {
            println!("{}", reply::render_topics(catalog));
            ExitCode::SUCCESS
        }
        Command::Topic { id } => match catalog.topic(&id) {
            Some(topic) => {
                println!("{}", reply::render_topic(catalog, topic));
                ExitCode::SUCCESS
            }
            None => {
                let ids: Vec<&str> = catalog.topics.iter().map(|t| t.id.as_str()).collect();
                eprintln!("no topic \"{id}\"; the topics are: {}", ids.join(", "));
                ExitCode::from(2)
            }
        },
        Command::Ask {
            json,
            explain,
            question,
        } => {
            let format = match (json, explain) {
                (true, _) => Format::Json,
                (_, true) => Format::Explain,
                _ => Format::Text,
            };
            match ask(&matcher, format, &question) {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`| head`) is not worth a panic.
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("backpain-bot: {err}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Answers the question in `words`, or every line of stdin when it is empty.
fn ask(matcher: &Matcher, format: Format, words: &[String]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut answer = |question: &str, first: bool| -> std::io::Result<()> {
        let m = matcher.ask(question);
        match format {
            Format::Json => {
                let record = AskRecord::new(matcher, question, &m);
                let line = serde_json::to_string(&record).map_err(std::io::Error::other)?;
                writeln!(out, "{line}")
            }
            Format::Explain => writeln!(
                out,
                "{question}\n  => {} {:.3}\n  {}",
                m.outcome.as_str(),
                m.confidence,
                matcher.explain(question)
            ),
            Format::Text => {
                if !first {
                    writeln!(out, "{REPLY_SEPARATOR}")?;
                }
                writeln!(out, "{}", reply::render(matcher, &m))
            }
        }
    };
    if !words.is_empty() {
        return answer(&words.join(" "), true);
    }
    let mut stdin = std::io::stdin().lock();
    let mut buf = Vec::new();
    let mut first = true;
    loop {
        buf.clear();
        if stdin.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        // A stray invalid byte should not cost the whole batch its answers.
        let line = String::from_utf8_lossy(&buf);
        answer(line.trim_end_matches(['\n', '\r']), first)?;
        first = false;
    }
}

/// The content folder: `--content`, else the config's, else `./faq` when it
/// exists, else the `faq/` shipped beside this crate's source.
fn content_dir(flag: Option<&Path>, config: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag.or(config) {
        return dir.to_path_buf();
    }
    let local = PathBuf::from("faq");
    if local.join("entries.toml").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")
}

fn report(problems: &[Problem], code: ExitCode) -> ExitCode {
    for problem in problems {
        eprintln!("{problem}");
    }
    eprintln!(
        "{} problem{} found",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    code
}
