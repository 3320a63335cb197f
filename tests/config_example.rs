//! `config.example.toml` parses, and its values are the built-in defaults, so
//! the documentation cannot drift from the code.

use backpain_bot::config::Config;

#[test]
fn example_config_parses_to_the_defaults() {
    let text = include_str!("../config.example.toml");
    let config = Config::parse("config.example.toml", text).expect("the example parses");
    assert_eq!(config, Config::default());
}
