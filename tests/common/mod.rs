//! Helpers shared by the integration tests: the shipped content, loaded
#![allow(dead_code)] // Each test binary uses only some of these helpers.
//! once, and the fake Discord the end-to-end tests run the bot against.

use std::path::PathBuf;
use std::sync::OnceLock;

use backpain_bot::matcher::{Matcher, Thresholds};

/// The `faq/` folder shipped in the repository.
pub fn shipped_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq")
}

/// The shipped content, indexed with the default thresholds.
pub fn shipped() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(
        || match backpain_bot::load(&shipped_dir(), Thresholds::default()) {
            Ok(matcher) => matcher,
            Err(problems) => panic!("shipped content has problems: {problems:#?}"),
        },
    )
}

pub mod fake_discord;
