//! Fuzzes `Normalizer::words` on any bytes (read as lossy UTF-8): it never
//! panics, every word it returns is letters and digits only, and ASCII case
//! does not change the words.

#![no_main]

use backpain_bot::matcher::Normalizer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let normalizer = Normalizer::default();
    let words = normalizer.words(&text);
    for word in &words {
        assert!(
            word.text.chars().all(char::is_alphanumeric),
            "a word holds more than letters and digits: {word:?}"
        );
    }
    assert_eq!(
        normalizer.words(&text.to_ascii_uppercase()),
        normalizer.words(&text.to_ascii_lowercase()),
        "ASCII case changed the words"
    );
});
