//! Helpers shared by the integration tests: the shipped content, loaded
//! once, the fake Discord the end-to-end tests run the bot against
//! ([`fake_discord`]), the running bot with the helpers its scenarios
//! share ([`bot`]), and captured logs ([`logs`]).

// Each test binary uses only some of these helpers (this covers the
// submodules too).
#![allow(dead_code)]

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

pub mod bot;
pub mod fake_discord;
pub mod logs;
pub mod stuck;

/// Copies a folder (the shipped content, say) into a scratch folder a test
/// may edit.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for item in std::fs::read_dir(from).expect("readable dir") {
        let item = item.expect("dir entry");
        let target = to.join(item.file_name());
        if item.path().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), target).expect("copy");
        }
    }
}

/// Runs every case of a table through `check` (a description of the
/// failure, or `None`) and fails with all the failures at once, so one run
/// shows everything a change broke.
pub fn check_table<E: Copy>(cases: &[(&str, E)], check: impl Fn(&str, E) -> Option<String>) {
    let failures: Vec<String> = cases.iter().filter_map(|&(q, e)| check(q, e)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
