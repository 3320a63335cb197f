//! Fuzzes the config parser (`Config::parse`) on any bytes (read as lossy
//! UTF-8): it never panics, and a refused config is described by at least
//! one problem, each one line, naming the file and, when it has a line, a
//! line of it.

#![no_main]

use backpain_bot::config::Config;
use libfuzzer_sys::fuzz_target;

/// How the config file is named in problems.
const LABEL: &str = "bot.toml";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Err(problems) = Config::parse(LABEL, &text) else {
        return;
    };
    assert!(!problems.is_empty(), "a refused config says why");
    let lines = text.lines().count();
    for p in &problems {
        assert_eq!(p.file, LABEL);
        let shown = p.to_string();
        assert!(
            !shown.contains(['\n', '\r']),
            "a problem spans lines: {shown:?}"
        );
        if let Some(line) = p.line {
            assert!((1..=lines + 1).contains(&line), "{lines} lines: {shown}");
        }
    }
});
