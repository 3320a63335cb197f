//! The operator's configuration file: typed, with unknown keys refused and
//! every problem reported with its line. Secrets never live here: the
//! Discord token comes only from the `DISCORD_TOKEN` environment variable.
//!
//! [`Config::parse`] works on a string; [`Config::load`] is the one-line
//! wrapper that reads the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::toml_file::TomlFile;
use crate::content::Problem;
use crate::matcher::{
    Thresholds, ANSWER_THRESHOLD, CLASSIFIER_THRESHOLD, SUGGEST_THRESHOLD, TIE_MARGIN,
};

/// The whole configuration. Every key is documented in
/// `config.example.toml`; a missing key takes its default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The content folder; by default `faq/` in the working directory, or
    /// the one shipped with the source code.
    #[serde(default)]
    pub content_dir: Option<PathBuf>,
    /// Matching thresholds.
    #[serde(default)]
    pub matching: Matching,
    /// How the bot talks to Discord.
    #[serde(default)]
    pub discord: Discord,
    /// Per-member question limits.
    #[serde(default)]
    pub cooldown: CooldownSettings,
}

/// The `[discord]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Discord {
    /// REST base URL to use instead of Discord's, e.g. a shared REST proxy
    /// that does the rate limiting (the bot's own rate limiter is then
    /// off), or a fake Discord in tests. The gateway URL is asked of it.
    pub api_url: Option<String>,
    /// Register slash commands in these guilds only (instantly); when empty
    /// they are registered globally (which Discord may take a while to show).
    pub guild_ids: Vec<u64>,
    /// Channels where plain messages are answered without a mention (only
    /// when the bot has an answer, so it never spams a channel).
    pub answer_channels: Vec<u64>,
    /// Roles whose members may use `/reload`, besides anyone with the Manage
    /// Server permission.
    pub moderator_role_ids: Vec<u64>,
}

/// The `[cooldown]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CooldownSettings {
    /// Questions one member may ask per window (0 turns the limit off).
    pub questions: usize,
    /// The window, in seconds.
    pub per_seconds: u64,
}

/// By default a member may ask 5 questions a minute: more than anyone reads,
/// fewer than a script sends.
impl Default for CooldownSettings {
    fn default() -> Self {
        CooldownSettings {
            questions: 5,
            per_seconds: 60,
        }
    }
}

/// The `[matching]` table: overrides for the matcher's thresholds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Matching {
    /// Confidence needed to answer (0..=1).
    pub answer_threshold: f64,
    /// Confidence needed to suggest (0..=1, at most `answer_threshold`).
    pub suggest_threshold: f64,
    /// Closer than this, the top two entries count as a tie (0..=1).
    pub tie_margin: f64,
    /// The classifier's probability needed to answer (0..=1; 1 turns it
    /// off).
    pub classifier_threshold: f64,
}

impl Default for Matching {
    fn default() -> Self {
        Matching {
            answer_threshold: ANSWER_THRESHOLD,
            suggest_threshold: SUGGEST_THRESHOLD,
            tie_margin: TIE_MARGIN,
            classifier_threshold: CLASSIFIER_THRESHOLD,
        }
    }
}

impl Matching {
    /// The matcher thresholds these settings give.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            answer: self.answer_threshold,
            suggest: self.suggest_threshold,
            tie_margin: self.tie_margin,
            classifier: self.classifier_threshold,
        }
    }
}

impl Config {
    /// Reads the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, Vec<Problem>> {
        let label = path.display().to_string();
        let problem = |line, message: String| {
            Err(vec![Problem {
                file: label.clone(),
                line,
                message,
            }])
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return problem(
                    None,
                    "the configuration file does not exist (check the --config path)".to_owned(),
                )
            }
            Err(err) => {
                return problem(None, format!("cannot read the configuration file ({err})"))
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Config::parse(&label, &text),
            Err(err) => {
                let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
                let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
                problem(
                    Some(line),
                    "the file is not valid UTF-8 text (save it as UTF-8)".to_owned(),
                )
            }
        }
    }

    /// Parses a configuration file's text; `label` names it in problems.
    /// (A problem prints on one line even when its message quotes a key
    /// holding a line break or a terminal control: see `Problem`'s Display.)
    pub fn parse(label: &str, text: &str) -> Result<Config, Vec<Problem>> {
        if let Some(problem) = token_in_file(label, text) {
            return Err(vec![problem]);
        }
        let mut file = TomlFile::new(label, text);
        let config: Option<Config> = file.table();
        let mut problems = file.problems;
        let Some(config) = config else {
            return Err(problems);
        };
        let m = &config.matching;
        let in_range = |x: f64| (0.0..=1.0).contains(&x);
        if ![
            m.answer_threshold,
            m.suggest_threshold,
            m.tie_margin,
            m.classifier_threshold,
        ]
        .into_iter()
        .all(in_range)
        {
            problems.push(Problem {
                file: label.to_owned(),
                line: None,
                message: "[matching] thresholds must be between 0 and 1".to_owned(),
            });
        } else if m.suggest_threshold > m.answer_threshold {
            problems.push(Problem {
                file: label.to_owned(),
                line: None,
                message: "[matching] suggest_threshold must not be above answer_threshold"
                    .to_owned(),
            });
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }
}

/// A token written into the config file is refused outright: files get
/// committed, copied and pasted into chats; the environment does not.
fn token_in_file(label: &str, text: &str) -> Option<Problem> {
    let (line, _) = text.lines().enumerate().find(|(_, l)| {
        let key = l
            .trim_start()
            .split(['=', ' ', '\t'])
            .next()
            .unwrap_or_default();
        key.trim_matches('"').eq_ignore_ascii_case("token")
            || key.trim_matches('"').eq_ignore_ascii_case("discord_token")
    })?;
    Some(Problem {
        file: label.to_owned(),
        line: Some(line + 1),
        message: "the Discord token must not be in the configuration file: \
                  remove it and set the DISCORD_TOKEN environment variable instead"
            .to_owned(),
    })
}

/// The Discord bot token, read only from the environment. Its `Debug` and
/// `Display` never show it.
#[derive(Clone)]
pub struct Token(String);

/// The environment variable the token is read from.
pub const TOKEN_VARIABLE: &str = "DISCORD_TOKEN";

impl Token {
    /// Reads the token from `DISCORD_TOKEN`.
    pub fn from_env() -> Result<Token, String> {
        match std::env::var(TOKEN_VARIABLE) {
            Ok(token) if !token.trim().is_empty() => Ok(Token(token.trim().to_owned())),
            _ => Err(format!(
                "{TOKEN_VARIABLE} is not set: put the bot token from the Discord developer \
                 portal in the {TOKEN_VARIABLE} environment variable"
            )),
        }
    }

    /// A token given directly (tests).
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The secret itself, for the one place that sends it to Discord.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Result<Thresholds, &str>) {
        let got = Config::parse("bot.toml", text)
            .map(|c| c.matching.thresholds())
            .map_err(|p| {
                p.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        match expect {
            Ok(t) => assert_eq!(got, Ok(t), "config: {text}"),
            Err(e) => assert_eq!(got.as_ref().err().map(String::as_str), Some(e)),
        }
    }

    #[test]
    fn parses_and_refuses() {
        check("", Ok(Thresholds::default()));
        check(
            "[matching]\nanswer_threshold = 0.7\n",
            Ok(Thresholds {
                answer: 0.7,
                ..Thresholds::default()
            }),
        );
        check(
            "[matching]\nanswer_treshold = 0.7\n",
            Err("bot.toml:2: unknown key `answer_treshold`, expected one of `answer_threshold`, `suggest_threshold`, `tie_margin`, `classifier_threshold` (check its spelling)"),
        );
        check(
            "[matching]\nanswer_threshold = 1.5\n",
            Err("bot.toml: [matching] thresholds must be between 0 and 1"),
        );
        check(
            "[matching]\nsuggest_threshold = 0.9\nanswer_threshold = 0.5\n",
            Err("bot.toml: [matching] suggest_threshold must not be above answer_threshold"),
        );
        check(
            "content_dir = 3\n",
            Err("bot.toml:1: wrong kind of value: integer `3`, expected path string"),
        );
        // A key quoted in a message keeps its line breaks and controls
        // escaped, so every problem stays on one line.
        check(
            "\"a\\nb\\u001b[2J\\u202e\" = 1\n",
            Err("bot.toml:1: unknown key `a\\nb\\u{1b}[2J\\u{202e}`, expected one of `content_dir`, `matching`, `discord`, `cooldown` (check its spelling)"),
        );
        check(
            "content_dir = \n",
            Err("bot.toml:1: string values must be quoted, expected literal string"),
        );
    }
}
