//! Getting replies to Discord: the one place the bot's answers leave the
//! process, so the one place they are retried.
//!
//! serenity's client does not retry a reply that Discord (or a REST proxy in
//! front of it) answers with 429 or a 5xx, and it drops the `retry-after`
//! that says when to try again. Replies to questions are therefore sent
//! here, over serenity's own HTTP client library, as the JSON of serenity's
//! builders: a failed attempt is tried again after the `retry-after` Discord
//! gave, or after an exponential backoff, a bounded number of times; a reply
//! that still fails is logged with the id of the question it answers, so
//! none is dropped silently. Everything else (the gateway, command
//! registration, autocomplete) stays with serenity.
//!
//! Sending again is only safe if Discord can tell the retry from a new
//! message: an attempt that timed out may have been stored. Channel
//! messages therefore carry a nonce derived from the question they answer
//! ([`respond::nonce`]) with `enforce_nonce`, so Discord returns the
//! message it already has instead of posting the answer twice.
//! (Interaction responses need none: Discord accepts one per interaction.)
//!
//! An interaction must be acknowledged within Discord's 3-second deadline:
//! [`Outbox::respond_in_time`] defers it when the reply is not ready in
//! time, then sends the reply as a follow-up.

use std::future::Future;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde::Serialize;
use tracing::{debug, error, warn};

use super::respond::{self, Reply};
use crate::config::Token;

/// Discord's REST base when no proxy is configured.
const DISCORD_BASE: &str = "https://discord.com";

/// The API version serenity 0.12 speaks, in every REST path.
const API: &str = "/api/v10";

/// Attempts per reply, the first included. Discord's 5xx are brief and a
/// 429 names its own wait, so a few tries cover real faults; more would
/// only delay the log line that tells an operator something is wrong.
pub const MAX_ATTEMPTS: u32 = 4;

/// How long one attempt may take before it counts as failed (and is
/// retried): a stalled connection must not hold a reply forever.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The first backoff after a failure without `retry-after`; it doubles
/// with each further attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// The longest `retry-after` honoured. A longer one means a global or
/// long route limit: the question would be stale by then, and an
/// interaction token expires, so the reply is given up and logged.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How long a slash command's reply may take before the interaction is
/// deferred: Discord drops an interaction not acknowledged within 3 s, and
/// the acknowledgement itself needs time to arrive.
pub const DEFER_AFTER: Duration = Duration::from_millis(2_000);

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Delivered.
    Done,
    /// Try again after this long.
    Retry(Duration),
    /// Stop: the reply cannot be delivered.
    GiveUp,
}

/// The outcome of an attempt: the HTTP status, or `None` when no response
/// came (connection refused or reset, timeout).
///
/// 2xx is done. 429 and 5xx are retried (after `retry_after` if given,
/// else the backoff for `attempt`, 1-based) until [`MAX_ATTEMPTS`]; so is a
/// failed connection. Any other status is final: the request itself is
/// wrong, and sending it again cannot help.
pub fn next_step(status: Option<u16>, retry_after: Option<Duration>, attempt: u32) -> Step {
    let retryable = match status {
        Some(s) if (200..300).contains(&s) => return Step::Done,
        Some(s) => s == 429 || (500..600).contains(&s),
        None => true,
    };
    if !retryable || attempt >= MAX_ATTEMPTS {
        return Step::GiveUp;
    }
    match retry_after {
        Some(wait) if wait > MAX_RETRY_AFTER => Step::GiveUp,
        Some(wait) => Step::Retry(wait),
        None => Step::Retry(backoff(attempt)),
    }
}

/// The wait after failed attempt `attempt` (1-based) when Discord named
/// none: `FIRST_BACKOFF`, doubling, at most `MAX_BACKOFF`.
pub fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    FIRST_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF)
}

/// `retry-after` in seconds (Discord sends decimals: "0.35"), from the
/// header or, failing that, the JSON body's `retry_after`.
pub fn retry_after(header: Option<&str>, body: &[u8]) -> Option<Duration> {
    let from_body = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get("retry_after")?
            .as_f64()
    };
    let seconds = header
        .and_then(|h| h.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .or_else(from_body)
        .filter(|s| s.is_finite())?;
    Duration::try_from_secs_f64(seconds.max(0.0)).ok()
}

/// Where a reply goes, as logged: never the URL, which holds the
/// interaction's token.
#[derive(Debug, Clone, Copy)]
enum Route {
    ChannelMessage,
    InteractionResponse,
    FollowUp,
}

impl Route {
    fn as_str(self) -> &'static str {
        match self {
            Route::ChannelMessage => "channel message",
            Route::InteractionResponse => "interaction response",
            Route::FollowUp => "follow-up",
        }
    }
}

/// The interaction a reply answers: what Discord needs to route it.
#[derive(Clone)]
pub struct Interaction {
    /// Its id, which is also the question's id in logs.
    pub id: serenity::InteractionId,
    /// Its token (a secret for 15 minutes: never logged).
    pub token: String,
    /// The application it was sent to, for follow-ups.
    pub application_id: serenity::ApplicationId,
}

/// Sends replies with retries. One per bot; cheap to share.
pub struct Outbox {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("base", &self.base)
            .field("authorization", &"<redacted>")
            .finish()
    }
}

/// A reply that could not be delivered (already logged).
#[derive(Debug)]
pub struct Undelivered;

impl Outbox {
    /// Sends to `api_url` (a REST proxy or a test's fake Discord), or to
    /// Discord itself. Fails only if no HTTP client can be set up (no TLS
    /// backend).
    pub fn new(api_url: Option<&str>, token: &Token) -> Result<Outbox, reqwest::Error> {
        Outbox::with_attempt_timeout(api_url, token, ATTEMPT_TIMEOUT)
    }

    /// [`Outbox::new`] with another limit on one attempt (tests use a short
    /// one to time an attempt out).
    pub fn with_attempt_timeout(
        api_url: Option<&str>,
        token: &Token,
        attempt_timeout: Duration,
    ) -> Result<Outbox, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(attempt_timeout)
            // Discord wants to know the library; the requests are built
            // from serenity's types.
            .user_agent(serenity::constants::USER_AGENT)
            .build()?;
        Ok(Outbox {
            client,
            base: api_url
                .unwrap_or(DISCORD_BASE)
                .trim_end_matches('/')
                .to_owned(),
            authorization: format!("Bot {}", token.expose()),
        })
    }

    /// A channel message answering the message `question`.
    pub async fn channel_message(
        &self,
        channel: serenity::ChannelId,
        message: &serenity::CreateMessage,
        question: serenity::MessageId,
    ) -> Result<(), Undelivered> {
        let path = format!("{API}/channels/{channel}/messages");
        self.post(&path, message, Route::ChannelMessage, question.get())
            .await
    }

    /// The response to an interaction.
    pub async fn respond(
        &self,
        to: &Interaction,
        response: &serenity::CreateInteractionResponse,
    ) -> Result<(), Undelivered> {
        let path = format!("{API}/interactions/{}/{}/callback", to.id, to.token);
        self.post(&path, response, Route::InteractionResponse, to.id.get())
            .await
    }

    /// A follow-up message to an interaction already acknowledged.
    async fn follow_up(
        &self,
        to: &Interaction,
        message: &serenity::CreateInteractionResponseFollowup,
    ) -> Result<(), Undelivered> {
        let path = format!("{API}/webhooks/{}/{}", to.application_id, to.token);
        self.post(&path, message, Route::FollowUp, to.id.get())
            .await
    }

    /// Answers an interaction with the reply `work` produces. If that takes
    /// longer than `defer_after`, the interaction is acknowledged first
    /// (Discord shows "thinking…") and the reply follows; a zero
    /// `defer_after` acknowledges every interaction at once.
    pub async fn respond_in_time(
        &self,
        to: &Interaction,
        ephemeral: bool,
        defer_after: Duration,
        work: impl Future<Output = Reply>,
    ) -> Result<(), Undelivered> {
        tokio::pin!(work);
        let reply = if defer_after.is_zero() {
            None
        } else {
            tokio::time::timeout(defer_after, &mut work).await.ok()
        };
        if let Some(reply) = reply {
            let message = respond::to_interaction(reply).ephemeral(ephemeral);
            return self
                .respond(to, &serenity::CreateInteractionResponse::Message(message))
                .await;
        }
        debug!(question = to.id.get(), "deferring the interaction");
        let thinking = serenity::CreateInteractionResponseMessage::new().ephemeral(ephemeral);
        self.respond(to, &serenity::CreateInteractionResponse::Defer(thinking))
            .await?;
        let reply = work.await;
        self.follow_up(to, &respond::to_follow_up(reply, ephemeral))
            .await
    }

    /// POSTs `body` as JSON, retrying as [`next_step`] says.
    async fn post(
        &self,
        path: &str,
        body: &impl Serialize,
        route: Route,
        question: u64,
    ) -> Result<(), Undelivered> {
        let body = match serde_json::to_vec(body) {
            Ok(body) => body,
            Err(e) => {
                error!(question, route = route.as_str(), cause = %e, "reply not delivered: cannot encode it");
                return Err(Undelivered);
            }
        };
        let url = format!("{}{path}", self.base);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .client
                .post(&url)
                .header(reqwest::header::AUTHORIZATION, &self.authorization)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let (status, wait, cause) = match sent {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let header = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|h| h.to_str().ok())
                        .map(str::to_owned);
                    let text = if response.status().is_success() {
                        Vec::new()
                    } else {
                        response
                            .bytes()
                            .await
                            .map(|b| b.to_vec())
                            .unwrap_or_default()
                    };
                    let wait = retry_after(header.as_deref(), &text);
                    (
                        Some(status),
                        wait,
                        String::from_utf8_lossy(&text).into_owned(),
                    )
                }
                // No URL in the cause: it may hold an interaction token.
                Err(e) => (None, None, e.without_url().to_string()),
            };
            match next_step(status, wait, attempt) {
                Step::Done => return Ok(()),
                Step::Retry(delay) => {
                    warn!(
                        question,
                        route = route.as_str(),
                        status,
                        attempt,
                        retry_in_ms = delay.as_millis() as u64,
                        "reply failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Step::GiveUp => {
                    error!(question, route = route.as_str(), status, attempts = attempt,
                           cause = %cause, "reply not delivered");
                    return Err(Undelivered);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn retries_what_can_succeed_and_gives_up_on_the_rest() {
        let check = |status: Option<u16>, after: Option<Duration>, attempt: u32, want: Step| {
            assert_eq!(
                next_step(status, after, attempt),
                want,
                "status {status:?}, retry-after {after:?}, attempt {attempt}"
            );
        };
        check(Some(200), None, 1, Step::Done);
        check(Some(204), None, MAX_ATTEMPTS, Step::Done);
        // Rate limited: wait what Discord says, however early or late.
        check(Some(429), Some(ms(350)), 1, Step::Retry(ms(350)));
        check(Some(429), Some(ms(0)), 2, Step::Retry(ms(0)));
        check(Some(429), None, 1, Step::Retry(FIRST_BACKOFF));
        check(
            Some(429),
            Some(MAX_RETRY_AFTER),
            1,
            Step::Retry(MAX_RETRY_AFTER),
        );
        check(Some(429), Some(MAX_RETRY_AFTER + ms(1)), 1, Step::GiveUp);
        // Server errors and lost connections: back off, doubling.
        check(Some(500), None, 1, Step::Retry(ms(250)));
        check(Some(502), None, 2, Step::Retry(ms(500)));
        check(Some(503), Some(ms(100)), 3, Step::Retry(ms(100)));
        check(None, None, 3, Step::Retry(ms(1000)));
        // Bounded.
        check(Some(500), None, MAX_ATTEMPTS, Step::GiveUp);
        check(Some(429), Some(ms(10)), MAX_ATTEMPTS, Step::GiveUp);
        check(None, None, MAX_ATTEMPTS, Step::GiveUp);
        // A request Discord refuses as such is never sent again.
        for status in [400, 401, 403, 404, 413] {
            check(Some(status), None, 1, Step::GiveUp);
            check(Some(status), Some(ms(10)), 1, Step::GiveUp);
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let waits: Vec<Duration> = (1..=8).map(backoff).collect();
        assert_eq!(waits[..5], [ms(250), ms(500), ms(1000), ms(2000), ms(4000)]);
        assert!(waits.iter().all(|&w| w <= MAX_BACKOFF));
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_comes_from_the_header_or_the_body() {
        let body =
            br#"{"message": "You are being rate limited.", "retry_after": 0.75, "global": false}"#;
        for (header, body, want) in [
            (Some("2"), &b""[..], Some(ms(2000))),
            (Some("0.35"), &b""[..], Some(ms(350))),
            (Some(" 1.5 "), &body[..], Some(ms(1500))),
            (None, &body[..], Some(ms(750))),
            (Some("soon"), &body[..], Some(ms(750))),
            (None, &b"<html>502 Bad Gateway</html>"[..], None),
            (None, &b""[..], None),
            (Some("-3"), &b""[..], Some(ms(0))),
            (Some("NaN"), &b""[..], None),
            (Some("1e400"), &b""[..], None),
        ] {
            assert_eq!(retry_after(header, body), want, "{header:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_token() {
        let outbox = Outbox::new(
            Some("http://127.0.0.1:1"),
            &Token::new("secret-token-value"),
        );
        let shown = format!("{outbox:?}");
        assert!(!shown.contains("secret-token-value"), "{shown}");
        assert!(shown.contains("127.0.0.1"), "{shown}");
    }
}
