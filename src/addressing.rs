//! Mentions taken out of a member's message: who a message addresses is
//! not part of what it asks. The bot, `/ask` and `backpain-bot ask` all read
//! a question through [`plain_question`].

/// The question in a message or `/ask`: mentions of anyone (users
/// `<@id>` and `<@!id>`, roles `<@&id>`, channels `<#id>`) and `@everyone`
/// and `@here` taken out. They address people rather than ask anything, and
/// as words the content never uses they would count against every answer.
pub fn plain_question(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find(['<', '@']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match mention_len(tail) {
            Some(len) => {
                out.push(' ');
                rest = &tail[len..];
            }
            None => {
                // '<' and '@' are one byte each.
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

/// The length of the mention `text` starts with, if it starts with one.
fn mention_len(text: &str) -> Option<usize> {
    if let Some(word) = ["@everyone", "@here"]
        .into_iter()
        .find(|w| text.starts_with(w))
    {
        return Some(word.len());
    }
    let body = ["<@!", "<@&", "<@", "<#"]
        .into_iter()
        .find_map(|prefix| text.strip_prefix(prefix))?;
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && body[digits..].starts_with('>')).then(|| text.len() - body.len() + digits + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_taken_out_of_questions() {
        for (content, expect) in [
            ("<@222> is acupuncture safe?", "is acupuncture safe?"),
            ("is it safe <@!222>", "is it safe"),
            ("<@333> hello", "hello"),
            ("<@222>", ""),
            (
                "@everyone is acupuncture painful?",
                "is acupuncture painful?",
            ),
            ("@here<@&123456789012345678>what is qi", "what is qi"),
            ("see <#444> for acupressure", "see   for acupressure"),
            // Not mentions: kept as written.
            ("email me@example.com", "email me@example.com"),
            ("a <b> c <@x> d <@12 e <@>", "a <b> c <@x> d <@12 e <@>"),
            ("@everyon", "@everyon"),
            ("ümlaut <@1>é", "ümlaut  é"),
            ("<", "<"),
            ("", ""),
        ] {
            assert_eq!(plain_question(content), expect, "{content:?}");
        }
    }
}
