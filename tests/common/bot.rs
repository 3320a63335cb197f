//! The real bot running against the fake Discord, for the end-to-end tests.
//!
//! This module owns [`Running`] (starts the bot through
//! `backpain_bot::discord::run` with its own shutdown future, waits until it
//! is connected and has registered its commands, and stops it the way ctrl-c
//! would) and the helpers the end-to-end scenarios share: matching the bot's
//! reply to a message or interaction ([`replies_to`], [`responds_to`]),
//! checking a reply ([`check_reply`], [`check_no_pings`]), and scratch
//! content a test may edit ([`scratch_content`], [`edit`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::oneshot;

use backpain_bot::config::{Discord, Token};
use backpain_bot::cooldown::Cooldown;
use backpain_bot::discord;
use backpain_bot::matcher::Thresholds;
use backpain_bot::service::Service;

use super::fake_discord::*;

/// Failure guard for waits that normally finish in milliseconds.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// The role the bot is configured to treat as moderators (`[discord]
/// moderator_role_ids`): members with it may `/reload` without Manage
/// Server.
pub const MODERATOR_ROLE_ID: &str = "666666666666666666";

/// The bot's reply to a message: the channel message whose reference is it.
pub fn replies_to(message: &Value) -> impl Fn(&Request) -> bool + '_ {
    move |r: &Request| {
        r.method == "POST"
            && r.route().ends_with("/messages")
            && r.body["message_reference"]["message_id"] == message["id"]
    }
}

/// The bot's response to an interaction.
pub fn responds_to(interaction: &Value) -> impl Fn(&Request) -> bool + '_ {
    move |r: &Request| {
        r.is_interaction_callback()
            && r.route().starts_with(&format!(
                "/interactions/{}/",
                interaction["id"].as_str().unwrap_or_default()
            ))
    }
}

/// A running bot and its fake Discord.
pub struct Running {
    /// The fake Discord the bot is connected to.
    pub fake: FakeDiscord,
    /// The service the bot answers from (shared with the bot).
    pub service: Arc<Service>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl Running {
    /// Starts the bot on `content` with `questions` per minute per member
    /// (0: no limit), and waits until it is connected and its commands are
    /// registered.
    pub async fn start(content: &Path, questions: usize) -> Running {
        Running::start_on(FakeDiscord::start().await, content, questions).await
    }

    /// [`Running::start`] against a fake Discord the test has already set up
    /// (a heartbeat interval, say).
    pub async fn start_on(fake: FakeDiscord, content: &Path, questions: usize) -> Running {
        let cooldown = Cooldown::new(questions, Duration::from_secs(60));
        let service = match Service::load(content, Thresholds::default(), cooldown) {
            Ok(service) => Arc::new(service),
            Err(problems) => panic!("content does not load: {problems:?}"),
        };
        Running::serve(fake, service).await
    }

    /// [`Running::start`] serving a service the test has built (content
    /// from a reader it controls, say).
    pub async fn serve(fake: FakeDiscord, service: Arc<Service>) -> Running {
        let config = Discord {
            api_url: Some(fake.base_url()),
            guild_ids: vec![GUILD_ID.parse().expect("numeric id")],
            answer_channels: vec![SECOND_CHANNEL_ID.parse().expect("numeric id")],
            moderator_role_ids: vec![MODERATOR_ROLE_ID.parse().expect("numeric id")],
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let bot_service = Arc::clone(&service);
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            discord::run(bot_service, &config, &Token::new(TEST_TOKEN), shutdown)
                .await
                .map_err(|e| e.to_string())
        });
        fake.wait_ready().await;
        let registered = fake
            .next_request(
                |r| {
                    r.is(
                        "PUT",
                        &format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"),
                    )
                },
                TIMEOUT,
            )
            .await
            .expect("the bot registers its commands in the configured guild");
        let names: Vec<&str> = registered
            .body
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["ask", "topic", "topics", "sources", "help", "reload"]
        );
        Running {
            fake,
            service,
            stop: Some(stop),
            task,
        }
    }

    /// Sends a message event and waits for the bot's reply to it.
    pub async fn say(&self, origin: &Origin, content: &str) -> Request {
        self.send(message_create(origin, content)).await
    }

    /// Sends a MESSAGE_CREATE `d` the test has built (or edited) and waits
    /// for the bot's reply to it.
    pub async fn send(&self, message: Value) -> Request {
        self.fake.dispatch("MESSAGE_CREATE", message.clone());
        self.fake
            .next_request(replies_to(&message), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no reply to {}", message["content"]))
    }

    /// Sends an interaction and waits for the bot's response.
    pub async fn interact(&self, interaction: Value) -> Request {
        self.fake
            .dispatch("INTERACTION_CREATE", interaction.clone());
        self.fake
            .next_request(responds_to(&interaction), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no response to interaction {}", interaction["data"]))
    }

    /// Stops the bot the way ctrl-c would, and waits until it has finished
    /// every reply in progress.
    pub async fn stop(mut self) -> FakeDiscord {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(TIMEOUT, &mut self.task)
            .await
            .expect("the bot stops promptly");
        assert_eq!(result.expect("the bot task does not panic"), Ok(()));
        self.fake
    }
}

/// The `faq/` folder shipped in the repository.
pub fn shipped() -> PathBuf {
    super::shipped_dir()
}

/// The disclaimer every reply from the shipped content ends with.
pub fn disclaimer() -> String {
    super::shipped().catalog().messages.disclaimer.clone()
}

/// Checks a reply: it carries `want` and the disclaimer, and pings nobody.
pub fn check_reply(request: &Request, want: &str) {
    let content = request.content().unwrap_or_default();
    assert!(content.contains(want), "{want:?} not in {content:?}");
    assert!(
        content.ends_with(&disclaimer()),
        "no disclaimer in {content:?}"
    );
    assert!(content.chars().count() <= 2000);
    check_no_pings(request);
}

/// Checks that a channel message or interaction response sends
/// `allowed_mentions` that allow nothing: no @everyone or @here, no roles, no
/// users, not even the member replied to.
pub fn check_no_pings(request: &Request) {
    let mentions = request
        .body
        .get("allowed_mentions")
        .or_else(|| request.body["data"].get("allowed_mentions"))
        .expect("allowed_mentions is always sent");
    assert_eq!(
        *mentions,
        json!({"parse": [], "users": [], "roles": [], "replied_user": false}),
        "replies must ping nobody"
    );
}

/// Copies the shipped content into a scratch folder a test may edit.
pub fn scratch_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    super::copy_dir(&shipped(), dir.path());
    dir
}

/// Replaces the first `from` in `dir/file` with `to`; `from` must be there.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.contains(from), "{from:?} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("writable");
}
