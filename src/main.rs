//! The `backpain-bot` command line: `run` (the Discord bot), `ask`, `check`,
//! `topics` and `topic`.
//!
//! Thin by design: each subcommand loads the content, calls the library and
//! prints the result. Problems go to stderr as one line each, and the exit
//! status says whether the command succeeded (0), found problems in the
//! content (1), or could not start (2).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::sync::Arc;
use std::time::Duration;

use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

use backpain_bot::config::{Config, Token};
use backpain_bot::content::Problem;
use backpain_bot::cooldown::Cooldown;
use backpain_bot::discord;
use backpain_bot::matcher::Matcher;
use backpain_bot::reply::{self, AskRecord};

/// mimalloc rather than the system allocator: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use backpain_bot::service::Service;

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
    /// Run the Discord bot (token from the DISCORD_TOKEN environment variable).
    ///
    /// Reads the configuration from --config, or ./backpain-bot.toml when it
    /// exists; otherwise every setting takes its default.
    Run,
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
    Check {
        /// Also list every section and sentence of every article with the
        /// entries that cite or quote it, or why it is left out (even when
        /// some are not covered).
        #[arg(long)]
        coverage: bool,
    },
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

/// The configuration `run` reads when no --config is given, if it exists.
const DEFAULT_CONFIG: &str = "backpain-bot.toml";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config_path = match (&cli.config, &cli.command) {
        // A file named with --config must exist: a mistyped path would
        // otherwise run the bot on defaults (other channels, other guilds).
        (Some(path), _) => Some(path.clone()),
        // Without --config the bot runs with defaults when ./backpain-bot.toml
        // is missing, so a fresh deployment needs nothing but the token.
        (None, Command::Run) => Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.is_file()),
        (None, _) => None,
    };
    let config = match &config_path {
        Some(path) => match Config::load(path) {
            Ok(config) => config,
            Err(problems) => return report(&problems, ExitCode::from(2)),
        },
        None => Config::default(),
    };
    if let Command::Run = cli.command {
        let dir = content_dir(cli.content.as_deref(), config.content_dir.as_deref());
        return run(&config, &dir);
    }
    let dir = content_dir(cli.content.as_deref(), config.content_dir.as_deref());
    let matcher = match backpain_bot::load_with_gaps(&dir, config.matching.thresholds()) {
        // `check --coverage` lists what is covered even when some is not.
        Ok((matcher, gaps)) => {
            if let Command::Check { coverage: true } = cli.command {
                print_coverage(matcher.catalog());
            }
            if !gaps.is_empty() {
                return report(&gaps, ExitCode::from(1));
            }
            matcher
        }
        Err(problems) => return report(&problems, ExitCode::from(1)),
    };
    let catalog = matcher.catalog();
    match cli.command {
        // Handled above, before the content is loaded for the other commands.
        Command::Run => ExitCode::SUCCESS,
        Command::Check { .. } => {
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

/// Runs the Discord bot until ctrl-c or SIGTERM; SIGHUP reloads the content.
fn run(config: &Config, dir: &Path) -> ExitCode {
    let token = match Token::from_env() {
        Ok(token) => token,
        Err(why) => {
            eprintln!("backpain-bot: {why}");
            return ExitCode::from(2);
        }
    };
    let cooldown = Cooldown::new(
        config.cooldown.questions,
        Duration::from_secs(config.cooldown.per_seconds),
    );
    let service = match Service::load(dir, config.matching.thresholds(), cooldown) {
        Ok(service) => Arc::new(service),
        Err(problems) => {
            eprintln!(
                "backpain-bot: the content in {} has problems; not starting",
                dir.display()
            );
            return report(&problems, ExitCode::from(1));
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_filter(filter))
        // Gateway closes serenity retries but a person must fix (4011).
        .with(backpain_bot::discord::gateway_watch::layer())
        .init();
    let result = discord::process::serve(service, &config.discord, &token, shutdown_signal);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(cause = %err, "the bot stopped with an error");
            eprintln!("backpain-bot: {err}");
            ExitCode::from(2)
        }
    }
}

/// Completes on ctrl-c or, on Unix, SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Answers the question in `words`, or every line of stdin when it is empty.
fn ask(matcher: &Matcher, format: Format, words: &[String]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut answer = |question: &str, first: bool| -> std::io::Result<()> {
        // As the bot reads a message: mentions out.
        let question = &backpain_bot::addressing::plain_question(question);
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

/// Prints each article's sections with the entries citing them, each
/// sentence with the entries quoting it or why it is left out, and the
/// totals.
fn print_coverage(catalog: &backpain_bot::content::Catalog) {
    use backpain_bot::content::{Status, Totals};
    let coverage = catalog.coverage();
    let mut current = "";
    for section in &coverage {
        let source = section.source;
        if source.id != current {
            current = &source.id;
            println!("{} ({})", source.title, source.id);
        }
        let status = match (&section.section.skip, section.cited_by.is_empty()) {
            (Some(reason), _) => format!("left out: {reason}"),
            (None, true) => "NOT CITED".to_owned(),
            (None, false) => format!("cited by {}", section.cited_by.join(", ")),
        };
        println!("  {}: {status}", section.section.heading);
        for piece in &section.pieces {
            let text = &piece.piece.text;
            let status = match piece.status() {
                Status::Heading => {
                    println!("    heading: {text}");
                    continue;
                }
                Status::Quoted(ids) => match piece.skipped {
                    Some(_) => format!("quoted by {} (and skipped: a problem)", ids.join(", ")),
                    None => format!("quoted by {}", ids.join(", ")),
                },
                Status::Skipped(reason) => format!("skipped: {reason}"),
                Status::NotCovered => "NOT COVERED".to_owned(),
            };
            println!("    \"{text}\"\n      {status}");
        }
    }
    let totals = Totals::of(&coverage);
    println!(
        "{} sentences: {} quoted, {} skipped, {} NOT COVERED; {} headings",
        totals.quoted + totals.skipped + totals.not_covered,
        totals.quoted,
        totals.skipped,
        totals.not_covered,
        totals.headings
    );
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
