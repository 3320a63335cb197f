//! # backpain-bot
//!
//! A Discord bot that answers back-pain questions from a curated FAQ derived
//! from two articles, with the article and section each answer comes from
//! and a medical disclaimer on every reply.
//!
//! ## Bird's-eye view
//!
//! A question goes through three stages, each a module of its own:
//!
//! 1. [`content`] holds the catalog moderators edit in `faq/`: source
//!    articles split into sections, topics, entries with verbatim quotes,
//!    synonyms, and every text the bot says besides answers (the
//!    disclaimer, `/help`, notices: [`content::Messages`], filled in by
//!    [`content::fill`]). Loading checks everything and reports every
//!    problem with `file:line`; only a fully valid [`content::Catalog`] is
//!    ever built.
//! 2. [`matcher`] indexes a catalog and matches a question to it:
//!    normalisation, typo correction, synonyms, IDF-weighted scoring, and an
//!    [`matcher::Outcome`] decided by named thresholds (answer, suggest,
//!    no match). Where the words find nothing, a semantic layer
//!    ([`matcher::semantic`]: static token vectors embedded in the binary,
//!    read in place) proposes the entries nearest in meaning, and a
//!    calibrated model of semantic and lexical evidence decides whether
//!    to suggest them. Where neither gives an answer, a classifier
//!    trained at load on the members' messages of `faq/examples.toml`
//!    answers when it is very sure (`classifier_threshold`). Red-flag
//!    triage comes first: the rules of
//!    `faq/red-flags.toml`, then, for a message no rule fires on, a safety
//!    net that compares its sentences with the examples of
//!    `faq/red-flag-examples.toml` by meaning and never reads a sentence
//!    whose red-flag words the rules found denied.
//! 3. [`reply`] renders a match, an entry or a topic as the text the bot
//!    posts, and as the `ask --json` record.
//!
//! Around that core:
//!
//! - [`service`] holds what the running bot shares: the catalog being served
//!   (swapped whole on reload) and the per-member [`cooldown`].
//! - [`addressing`] takes mentions out of a message before it is read as a
//!   question, for the bot, `/ask` and `backpain-bot ask` alike.
//! - [`discord`] is the Discord glue (serenity and poise): it connects,
//!   registers the slash commands, and turns messages, commands and clicks
//!   into calls to the core and replies. Replies leave through
//!   [`discord::deliver`], which retries what Discord answers with 429 or
//!   5xx (after the `retry-after` it names) and defers slow interactions.
//!   [`discord::run`] takes its shutdown as a future, so tests run the real
//!   bot against a fake Discord.
//! - [`config`] reads the operator's settings; the token comes only from the
//!   environment.
//! - `parallel` splits the loading of a large catalog over two threads
//!   (scoped: nothing outlives the call); small content loads on one.
//! - `src/main.rs` is the command line (`run`, `ask`, `check`, `topics`,
//!   `topic`), a thin layer over these; `run` is [`discord::process::serve`]
//!   with the process's signals.
//!
//! ## Architecture invariants
//!
//! - The core (`content`, `matcher`, `reply`, and `service`, `cooldown` and
//!   `addressing` beside it) is pure: it never imports serenity, poise or tokio, and does
//!   no I/O apart from [`content::ContentDir`] (the content folder on disk)
//!   and the one-line [`content::load_dir`] and [`config::Config::load`]
//!   wrappers over it and the config file. Everything else parses from
//!   `&str`, so tests rarely touch the disk. (Loading a large catalog uses a
//!   second scoped thread; nothing outlives the call.)
//! - Nothing downloads anything, at build or run time: the word list and
//!   the semantic layer's vectors are committed files (`data/`, made by the
//!   scripts beside them) compiled into the binary.
//! - Only [`discord`] touches the network, and its handlers stay thin:
//!   gather the input, call the core, send the result. No lock is held
//!   across an `.await`.
//! - A failed reload leaves the old catalog serving; a reply is built from
//!   one catalog version, never a mix.
//! - Every question the bot takes on gets its reply delivered, or a logged
//!   error naming the question's id: none is dropped silently.
//! - The token is never logged or printed: [`config::Token`] redacts itself.
//! - Every file the content names resolves inside the content folder and is
//!   a regular file read through a size cap, checked before it is opened
//!   ([`content::ContentDir`]): nothing outside the folder is ever opened, so
//!   no problem can depend on what is outside it.
//! - Problems in content or configuration are data ([`content::Problem`]),
//!   written for the person who edits the file. Nothing a user, a file or the
//!   network controls can cause a panic.
//! - A [`matcher::Matcher`] owns its catalog and index and is never mutated:
//!   reloading builds a new one outside any lock and swaps it whole.
//! - Matching is deterministic: the same content and question always give
//!   the same result.
//! - Every reply ends with the catalog's disclaimer and never repeats the
//!   asker's words.
//! - Every answer is traceable: each entry cites article sections, and its
//!   quotes are checked word for word against the article text.
//! - No claim of the articles is left out by accident: every sentence of a
//!   cited section is quoted by an entry or skipped with a reason
//!   (`content::coverage`); content with a gap is refused like any other
//!   problem, and `check --coverage` lists it.
//! - An answer about a condition reaches only questions that name the
//!   treatment (`must_mention`): a member who says how they feel is not
//!   answered with a claim about treating it.

#![deny(missing_docs)]

pub mod addressing;
pub mod config;
pub mod content;
pub mod cooldown;
pub mod discord;
pub mod matcher;
mod parallel;
pub mod reply;
pub mod service;

use std::path::Path;

use content::Problem;
use matcher::{Matcher, Thresholds};

/// Loads the content folder at `dir` and indexes it: everything `check`
/// verifies and `/reload` needs. Fails with every problem found, including
/// phrasings the matcher cannot tell apart and gaps in coverage.
pub fn load(dir: &Path, thresholds: Thresholds) -> Result<Matcher, Vec<Problem>> {
    without_gaps(load_with_gaps(dir, thresholds))
}

/// [`load`], except that content whose only problems are gaps in coverage
/// (see [`content::parse_with_gaps`]) is loaded, and returned with them: for
/// `check --coverage`, which lists what is missing.
pub fn load_with_gaps(
    dir: &Path,
    thresholds: Thresholds,
) -> Result<(Matcher, Vec<Problem>), Vec<Problem>> {
    let folder = content::ContentDir::new(dir);
    loaded(folder.label(), |name| folder.read(name), thresholds)
}

/// [`load`] from any source of files: `read` returns a file's bytes by its
/// name in the content folder, and `dir_label` names the folder in problems.
pub fn load_with(
    dir_label: &str,
    read: impl Fn(&str) -> std::io::Result<Vec<u8>> + Sync,
    thresholds: Thresholds,
) -> Result<Matcher, Vec<Problem>> {
    without_gaps(loaded(dir_label, read, thresholds))
}

/// Content with gaps in coverage refused, with them as its problems.
fn without_gaps(
    loaded: Result<(Matcher, Vec<Problem>), Vec<Problem>>,
) -> Result<Matcher, Vec<Problem>> {
    match loaded {
        Ok((matcher, gaps)) if gaps.is_empty() => Ok(matcher),
        Ok((_, gaps)) => Err(gaps),
        Err(problems) => Err(problems),
    }
}

fn loaded(
    dir_label: &str,
    read: impl Fn(&str) -> std::io::Result<Vec<u8>> + Sync,
    thresholds: Thresholds,
) -> Result<(Matcher, Vec<Problem>), Vec<Problem>> {
    let (catalog, gaps) = content::parse_with_gaps(dir_label, read)?;
    let matcher = Matcher::new(catalog, thresholds);
    let dir_label = dir_label.trim_end_matches('/');
    let label = format!("{dir_label}/{}", content::ENTRIES);
    let mut problems = matcher.problems(&label);
    let label = format!("{dir_label}/{}", content::SMALL_TALK);
    problems.extend(matcher.small_talk_problems(&label));
    if problems.is_empty() {
        Ok((matcher, gaps))
    } else {
        // Every problem at once: the gaps (in sources.toml) first.
        Err(gaps.into_iter().chain(problems).collect())
    }
}
