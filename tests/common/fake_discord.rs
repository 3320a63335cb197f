//! A fake Discord for end-to-end tests: the REST API (`/api/v10/...`) and the
//! gateway websocket (`/ws`) served by axum on one loopback port.
//!
//! This module owns everything a test needs to drive a real serenity/poise
//! client without touching the network:
//!
//! - [`FakeDiscord`]: the server. It records every REST request, answers the
//!   routes the bot uses with payloads serenity 0.12.5 accepts, runs the gateway
//!   handshake (HELLO, IDENTIFY → READY + GUILD_CREATE, RESUME → replay +
//!   RESUMED, heartbeat ACKs), dispatches events on demand and injects faults
//!   (REST status codes, before or after doing what the request asks;
//!   requests left unanswered; dropped or closed connections, a close code
//!   instead of READY, RECONNECT, INVALID_SESSION, missing heartbeat ACKs).
//!   Like Discord it refuses content over 2000 characters, deduplicates
//!   channel messages by nonce (`enforce_nonce`) and serves threads by
//!   GET /channels/{id}; it keeps the channel messages it created.
//! - The payload builders ([`message_create`], [`message_update`],
//!   [`thread_json`], [`interaction_command`],
//!   [`interaction_autocomplete`], [`interaction_component`] and the option
//!   helpers) that produce complete event data, plus [`check_event`], which
//!   runs a payload through serenity's own deserialiser. serenity silently drops
//!   an event with a missing field, so [`FakeDiscord::dispatch`] refuses such an
//!   event loudly instead.
//!
//! Point the client at it with
//! `HttpBuilder::new(token).proxy(fake.base_url()).ratelimiter_disabled(true)`.
//! Waiting is done on notifications, never on sleeps; every wait has a bounded
//! timeout that only guards against a hung test.

// Each integration-test binary that includes this module uses only part of it;
// without this, the helpers one binary leaves unused would be dead-code warnings
// (errors under `clippy -D warnings`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

/// The bot's user id (READY `user.id`, the author of every message the bot sends).
pub const BOT_USER_ID: &str = "222222222222222222";
/// The bot's username.
pub const BOT_USERNAME: &str = "backpain-bot";
/// The application id (READY `application.id`; serenity takes it from there).
pub const APPLICATION_ID: &str = "111111111111111111";
/// The one guild the bot is in (announced in READY, then sent as GUILD_CREATE).
pub const GUILD_ID: &str = "333333333333333333";
/// A text channel of [`GUILD_ID`]; [`Origin::guild`] speaks here.
pub const GENERAL_CHANNEL_ID: &str = "444444444444444444";
/// A second text channel of [`GUILD_ID`].
pub const SECOND_CHANNEL_ID: &str = "444444444444444445";
/// The guild owner, who is also the application owner in `/oauth2/applications/@me`.
pub const OWNER_USER_ID: &str = "555555555555555555";
/// The bot's managed role in [`GUILD_ID`].
pub const BOT_ROLE_ID: &str = "666666666666666666";
/// A token tests can hand to the client; the IDENTIFY then carries `"Bot <TEST_TOKEN>"`.
pub const TEST_TOKEN: &str = "fake-discord-test-token";

/// Permission bits of an ordinary member: view, send, embed, attach, history,
/// reactions, external emojis, application commands, threads.
pub const MEMBER_PERMISSIONS: u64 = (1 << 6)
    | (1 << 10)
    | (1 << 11)
    | (1 << 14)
    | (1 << 15)
    | (1 << 16)
    | (1 << 18)
    | (1 << 31)
    | (1 << 35)
    | (1 << 38);
/// Permission bits of an administrator: [`MEMBER_PERMISSIONS`] plus
/// ADMINISTRATOR, MANAGE_GUILD and MANAGE_MESSAGES.
pub const ADMIN_PERMISSIONS: u64 = MEMBER_PERMISSIONS | (1 << 3) | (1 << 5) | (1 << 13);
/// The bot's permissions in the guild (interaction `app_permissions`, bot role).
pub const BOT_PERMISSIONS: u64 = MEMBER_PERMISSIONS;

/// The heartbeat interval HELLO announces unless changed, as real Discord does.
pub const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 41_250;

/// How long the `wait_*` helpers wait before failing the test. Generous because
/// serenity waits 5 s between two IDENTIFYs of the same shard.
const WAIT_GUARD: Duration = Duration::from_secs(30);

static NEXT_ID: AtomicU64 = AtomicU64::new(1_000_000_000_000_000_000);

/// A fresh snowflake-looking id (a numeric string), unique within the test binary.
pub fn new_id() -> String {
    NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string()
}

/// The current time as Discord formats timestamps (RFC 3339).
fn now_timestamp() -> String {
    serenity::model::Timestamp::now().to_string()
}

// ---------------------------------------------------------------------------
// Recorded requests
// ---------------------------------------------------------------------------

/// One REST request the fake received, with what it answered.
#[derive(Clone, Debug)]
pub struct Request {
    /// HTTP method, upper case ("POST").
    pub method: String,
    /// Full path without the query, e.g. "/api/v10/channels/1/messages".
    pub path: String,
    /// The query string, if any (without `?`).
    pub query: Option<String>,
    /// The JSON body; `Null` if empty, a JSON string holding the raw text if
    /// the body was not JSON (e.g. multipart uploads).
    pub body: Value,
    /// The status the fake answered with.
    pub status: u16,
    /// True if the status was forced by [`FakeDiscord::fail_next`] or
    /// [`FakeDiscord::fail_after_accepting`].
    pub injected: bool,
    /// The JSON the fake answered with (`Null` for none, e.g. 204).
    pub response: Value,
    /// The `Authorization` header ("Bot <token>"), if sent.
    pub authorization: Option<String>,
    /// When the fake received it (to check the waits between retries).
    pub at: std::time::Instant,
}

impl Request {
    /// The path without the "/api/v10" prefix, e.g. "/channels/1/messages".
    pub fn route(&self) -> &str {
        self.path.strip_prefix("/api/v10").unwrap_or(&self.path)
    }

    /// True if the method matches and the route (see [`Request::route`]) is exactly `route`.
    pub fn is(&self, method: &str, route: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.route() == route
    }

    /// True if this is a channel message the bot posted to `channel_id`.
    pub fn is_channel_message(&self, channel_id: &str) -> bool {
        self.is("POST", &format!("/channels/{channel_id}/messages"))
    }

    /// True if this is an interaction callback (`POST /interactions/{id}/{token}/callback`).
    pub fn is_interaction_callback(&self) -> bool {
        self.method == "POST"
            && self.route().starts_with("/interactions/")
            && self.route().ends_with("/callback")
    }

    /// The message text the request carries: `content` of a message body, or
    /// `data.content` of an interaction callback.
    pub fn content(&self) -> Option<&str> {
        self.body
            .get("content")
            .or_else(|| self.body.get("data").and_then(|d| d.get("content")))
            .and_then(Value::as_str)
    }
}

// ---------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------

/// A REST fault armed by [`FakeDiscord::fail_next`].
#[derive(Debug)]
struct Fault {
    prefix: String,
    status: u16,
    retry_after: Option<f64>,
    remaining: usize,
}

/// What an interaction token is known to belong to.
#[derive(Debug, Default)]
struct InteractionInfo {
    channel_id: String,
    /// The original response message, once the bot has replied or deferred.
    original: Option<Value>,
}

/// Something the gateway connection task must write to its socket.
#[derive(Debug)]
enum Outgoing {
    Text(String),
    Close(u16),
    Drop,
}

/// The websocket connection currently attached to the fake.
#[derive(Debug)]
struct Connection {
    id: u64,
    tx: mpsc::UnboundedSender<Outgoing>,
    /// True once READY or RESUMED went out on it: dispatches are sent live.
    live: bool,
}

/// A dispatched event, kept for resume replay.
#[derive(Debug)]
struct LoggedEvent {
    seq: u64,
    name: String,
    data: Value,
    /// Whether it was handed to a live connection. Events never sent are
    /// carried into the next session after a fresh IDENTIFY.
    sent: bool,
}

#[derive(Debug)]
struct Gateway {
    ws_url: String,
    heartbeat_interval_ms: u64,
    ack_heartbeats: bool,
    /// A connection whose heartbeats go unanswered even when
    /// `ack_heartbeats` is on (see [`FakeDiscord::withhold_heartbeat_acks`]).
    unacked_connection: Option<u64>,
    connection: Option<Connection>,
    next_connection_id: u64,
    connections: usize,
    session_id: Option<String>,
    sessions: u64,
    seq: u64,
    log: Vec<LoggedEvent>,
    identifies: usize,
    resumes: usize,
    readies: usize,
    heartbeats: usize,
    last_identify: Option<Value>,
    last_resume: Option<Value>,
    /// A close code sent instead of READY to every IDENTIFY (see
    /// [`FakeDiscord::close_on_identify`]).
    close_on_identify: Option<u16>,
}

impl Gateway {
    /// Sends a frame to the current connection whether or not it is live.
    fn send_raw(&self, frame: String) -> bool {
        self.connection
            .as_ref()
            .is_some_and(|c| c.tx.send(Outgoing::Text(frame)).is_ok())
    }

    /// Sends a frame to the current connection if it is live.
    fn send_live(&self, frame: String) -> bool {
        match &self.connection {
            Some(c) if c.live => c.tx.send(Outgoing::Text(frame)).is_ok(),
            _ => false,
        }
    }

    fn set_live(&mut self, live: bool) {
        if let Some(c) = &mut self.connection {
            c.live = live;
        }
    }

    /// Assigns the next seq, logs the event and sends it if a session is live.
    fn dispatch(&mut self, name: &str, data: Value) -> u64 {
        self.seq += 1;
        let seq = self.seq;
        let sent = self.send_live(dispatch_frame(seq, name, &data));
        self.log.push(LoggedEvent {
            seq,
            name: name.to_owned(),
            data,
            sent,
        });
        seq
    }

    fn open_connection(&mut self, tx: mpsc::UnboundedSender<Outgoing>) -> u64 {
        if let Some(old) = self.connection.take() {
            // One client, one connection: a new one replaces the old.
            let _ = old.tx.send(Outgoing::Drop);
        }
        self.next_connection_id += 1;
        self.connections += 1;
        let id = self.next_connection_id;
        let hello = json!({
            "op": 10, "s": null, "t": null,
            "d": {"heartbeat_interval": self.heartbeat_interval_ms},
        });
        let _ = tx.send(Outgoing::Text(hello.to_string()));
        self.connection = Some(Connection {
            id,
            tx,
            live: false,
        });
        id
    }

    fn connection_closed(&mut self, id: u64) {
        if self.connection.as_ref().is_some_and(|c| c.id == id) {
            self.connection = None;
        }
    }

    /// Detaches the current connection and tells its task what to do.
    fn detach(&mut self, how: Outgoing) -> bool {
        match self.connection.take() {
            Some(c) => c.tx.send(how).is_ok(),
            None => false,
        }
    }

    fn on_client_frame(&mut self, connection_id: u64, text: &str) {
        if self.connection.as_ref().map(|c| c.id) != Some(connection_id) {
            return; // a replaced connection still talking
        }
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let d = frame.get("d").cloned().unwrap_or(Value::Null);
        match frame.get("op").and_then(Value::as_u64) {
            Some(1) => {
                self.heartbeats += 1;
                if self.ack_heartbeats && self.unacked_connection != Some(connection_id) {
                    self.send_raw(json!({"op": 11, "d": null}).to_string());
                }
            }
            Some(2) => self.on_identify(d),
            Some(6) => self.on_resume(d),
            // Presence updates, member requests, voice: nothing to do.
            _ => {}
        }
    }

    fn on_identify(&mut self, d: Value) {
        self.identifies += 1;
        if let Some(code) = self.close_on_identify {
            self.last_identify = Some(d);
            self.detach(Outgoing::Close(code));
            return;
        }
        let shard = d.get("shard").cloned().unwrap_or_else(|| json!([0, 1]));
        self.last_identify = Some(d);
        self.sessions += 1;
        let session_id = format!("fake-session-{}", self.sessions);
        self.session_id = Some(session_id.clone());
        // A new session: fresh seq numbers; events never delivered move over.
        let carried: Vec<LoggedEvent> = std::mem::take(&mut self.log)
            .into_iter()
            .filter(|e| !e.sent)
            .collect();
        self.seq = 0;
        self.set_live(true);
        let mut ready = ready_data(&session_id, &self.ws_url);
        ready["shard"] = shard;
        self.dispatch("READY", ready);
        self.dispatch("GUILD_CREATE", guild_create_data());
        self.readies += 1;
        for event in carried {
            self.dispatch(&event.name, event.data);
        }
    }

    fn on_resume(&mut self, d: Value) {
        self.resumes += 1;
        let known = self.session_id.is_some()
            && d.get("session_id").and_then(Value::as_str) == self.session_id.as_deref();
        let client_seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
        self.last_resume = Some(d);
        if !known {
            self.send_raw(json!({"op": 9, "d": false}).to_string());
            return;
        }
        self.set_live(true);
        // Real Discord replays what the client missed, then sends RESUMED.
        let mut replay = Vec::new();
        for event in self.log.iter_mut().filter(|e| e.seq > client_seq) {
            replay.push(dispatch_frame(event.seq, &event.name, &event.data));
            event.sent = true;
        }
        for frame in replay {
            self.send_raw(frame);
        }
        self.seq += 1;
        self.send_raw(dispatch_frame(self.seq, "RESUMED", &json!({})));
    }
}

/// How long Discord remembers a message nonce for `enforce_nonce` ("the
/// past few minutes" in its documentation).
pub const NONCE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Discord's limit on a message's content, in characters.
pub const CONTENT_LIMIT: usize = 2000;

/// What happens to a request after the fake has done what it asks (see
/// [`FakeDiscord::fail_after_accepting`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAccepting {
    /// Answer with this status, as a Discord that stored the message and
    /// then failed would.
    Status(u16),
    /// Never answer: the client's attempt times out.
    Hang,
}

/// A fault armed by [`FakeDiscord::fail_after_accepting`].
#[derive(Debug)]
struct LateFault {
    prefix: String,
    after: AfterAccepting,
    remaining: usize,
}

/// A channel the fake knows besides the guild's two text channels.
#[derive(Debug, Clone)]
struct KnownThread {
    data: Value,
}

#[derive(Debug, Default)]
struct Rest {
    requests: Vec<(Request, bool)>,
    faults: Vec<Fault>,
    late_faults: Vec<LateFault>,
    /// Every channel message created (the bot's), oldest first.
    messages: Vec<Value>,
    /// Nonces of messages sent with `enforce_nonce`: the message and when.
    nonces: HashMap<String, (Value, std::time::Instant)>,
    /// Threads served by GET /channels/{id}.
    threads: HashMap<String, KnownThread>,
    interactions: HashMap<String, InteractionInfo>,
    guild_channels: Vec<String>,
    global_commands: Vec<Value>,
    guild_commands: HashMap<String, Vec<Value>>,
    echo_own_messages: bool,
}

#[derive(Debug)]
struct FakeState {
    rest: Rest,
    gateway: Gateway,
}

impl FakeState {
    /// Notes what a dispatched event tells the REST side (interaction tokens,
    /// which channels belong to the guild).
    fn observe(&mut self, name: &str, data: &Value) {
        let channel = data.get("channel_id").and_then(Value::as_str);
        if let (Some(channel), Some(_)) = (channel, data.get("guild_id")) {
            if !self.rest.guild_channels.iter().any(|c| c == channel) {
                self.rest.guild_channels.push(channel.to_owned());
            }
        }
        if name == "INTERACTION_CREATE" {
            if let (Some(token), Some(channel)) =
                (data.get("token").and_then(Value::as_str), channel)
            {
                self.rest.interactions.insert(
                    token.to_owned(),
                    InteractionInfo {
                        channel_id: channel.to_owned(),
                        original: None,
                    },
                );
            }
        }
    }

    fn dispatch(&mut self, name: &str, data: Value) -> u64 {
        self.observe(name, &data);
        self.gateway.dispatch(name, data)
    }

    fn is_guild_channel(&self, channel_id: &str) -> bool {
        self.rest.guild_channels.iter().any(|c| c == channel_id)
    }
}

struct Shared {
    base_url: String,
    state: Mutex<FakeState>,
    changed: Notify,
    shutdown: watch::Sender<bool>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        // A panicking test thread must not take the server down with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the state, then wakes every waiter.
    fn update<T>(&self, f: impl FnOnce(&mut FakeState) -> T) -> T {
        let out = f(&mut self.lock());
        self.changed.notify_waiters();
        out
    }
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/// A fake Discord (REST + gateway) on a loopback port. Dropping it stops the server.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl FakeDiscord {
    /// Binds 127.0.0.1 on a free port and starts serving REST and the gateway.
    pub async fn start() -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake Discord: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake Discord: local address");
        let base_url = format!("http://{addr}");
        let ws_url = format!("ws://{addr}/ws");
        let (shutdown, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            base_url,
            state: Mutex::new(FakeState {
                rest: Rest {
                    echo_own_messages: true,
                    guild_channels: vec![
                        GENERAL_CHANNEL_ID.to_owned(),
                        SECOND_CHANNEL_ID.to_owned(),
                    ],
                    ..Rest::default()
                },
                gateway: Gateway {
                    ws_url,
                    heartbeat_interval_ms: DEFAULT_HEARTBEAT_INTERVAL_MS,
                    ack_heartbeats: true,
                    unacked_connection: None,
                    connection: None,
                    next_connection_id: 0,
                    connections: 0,
                    session_id: None,
                    sessions: 0,
                    seq: 0,
                    log: Vec::new(),
                    identifies: 0,
                    resumes: 0,
                    readies: 0,
                    heartbeats: 0,
                    last_identify: None,
                    last_resume: None,
                    close_on_identify: None,
                },
            }),
            changed: Notify::new(),
            shutdown,
        });
        let app = Router::new()
            .route("/ws", get(gateway_upgrade))
            .fallback(rest)
            .with_state(Arc::clone(&shared));
        // Without TCP_NODELAY, Nagle's algorithm meets the client's delayed
        // ACKs and every gateway frame after the first waits ~40 ms.
        let listener = listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                eprintln!("fake Discord: TCP_NODELAY not set: {error}");
            }
        });
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("fake Discord: server stopped: {error}");
            }
        });
        FakeDiscord {
            shared,
            addr,
            server,
        }
    }

    /// "http://127.0.0.1:PORT": what the client passes to `HttpBuilder::proxy`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// "ws://127.0.0.1:PORT/ws": the gateway URL (also READY's `resume_gateway_url`).
    pub fn ws_url(&self) -> String {
        self.shared.lock().gateway.ws_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    // ----- REST -----------------------------------------------------------

    /// A snapshot of every REST request so far (consumed or not), oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.shared
            .lock()
            .rest
            .requests
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// The first recorded request that matches and was not yet returned by
    /// `next_request`, waiting up to `timeout` for it. Marks it consumed.
    pub async fn next_request(
        &self,
        matching: impl Fn(&Request) -> bool,
        timeout: Duration,
    ) -> Option<Request> {
        self.wait_for(timeout, |state| {
            let (request, consumed) = state
                .rest
                .requests
                .iter_mut()
                .find(|(r, consumed)| !*consumed && matching(r))?;
            *consumed = true;
            Some(request.clone())
        })
        .await
    }

    /// Makes the next `times` requests whose path starts with `path_prefix`
    /// fail with `status`. The prefix may include "/api/v10" or not
    /// ("/channels/" and "/api/v10/channels/" are the same). A 429 carries
    /// Discord's body and rate-limit headers; `retry_after` (seconds, default
    /// 1.0 for 429) also sets `retry-after` on other statuses. GET /gateway is
    /// never failed: serenity would then silently connect to the real gateway.
    pub fn fail_next(
        &self,
        path_prefix: &str,
        status: u16,
        retry_after: Option<f64>,
        times: usize,
    ) {
        if times == 0 {
            return;
        }
        let prefix = path_prefix
            .strip_prefix("/api/v10")
            .unwrap_or(path_prefix)
            .to_owned();
        self.shared.update(|state| {
            state.rest.faults.push(Fault {
                prefix,
                status,
                retry_after,
                remaining: times,
            });
        });
    }

    /// Lets the next `times` requests whose path starts with `path_prefix`
    /// (as for [`FakeDiscord::fail_next`]) do what they ask (a message is
    /// stored) and then fail as `after` says: the fault that makes a retry
    /// post a message twice unless Discord can deduplicate it.
    pub fn fail_after_accepting(&self, path_prefix: &str, after: AfterAccepting, times: usize) {
        let prefix = path_prefix
            .strip_prefix("/api/v10")
            .unwrap_or(path_prefix)
            .to_owned();
        self.shared.update(|state| {
            state.rest.late_faults.push(LateFault {
                prefix,
                after,
                remaining: times,
            });
        });
    }

    /// The channel messages created in `channel_id`, oldest first (a
    /// deduplicated retry adds none).
    pub fn channel_messages(&self, channel_id: &str) -> Vec<Value> {
        self.shared
            .lock()
            .rest
            .messages
            .iter()
            .filter(|m| m["channel_id"] == channel_id)
            .cloned()
            .collect()
    }

    /// Makes a thread `thread_id` inside the guild channel `parent_id`
    /// known: served by GET /channels/{id} and, if `announce`, sent as
    /// THREAD_CREATE (as Discord does when a thread is made).
    pub fn add_thread(&self, thread_id: &str, parent_id: &str, announce: bool) {
        let data = thread_json(thread_id, parent_id);
        self.shared.update(|state| {
            state
                .rest
                .threads
                .insert(thread_id.to_owned(), KnownThread { data: data.clone() });
            if !state.is_guild_channel(thread_id) {
                state.rest.guild_channels.push(thread_id.to_owned());
            }
        });
        if announce {
            let mut created = data;
            created["newly_created"] = json!(true);
            self.dispatch("THREAD_CREATE", created);
        }
    }

    /// Answers every later IDENTIFY with a close frame carrying `code`
    /// (4004 invalid token, 4011 sharding required, 4013/4014 intents)
    /// instead of READY, as Discord does.
    pub fn close_on_identify(&self, code: u16) {
        self.shared
            .update(|state| state.gateway.close_on_identify = Some(code));
    }

    /// Whether the fake sends the bot's own channel messages back as
    /// MESSAGE_CREATE, as real Discord does (default on).
    pub fn set_echo_own_messages(&self, echo: bool) {
        self.shared
            .update(|state| state.rest.echo_own_messages = echo);
    }

    /// The commands registered globally (as the fake answered them, with ids).
    pub fn global_commands(&self) -> Vec<Value> {
        self.shared.lock().rest.global_commands.clone()
    }

    /// The commands registered in `guild_id`.
    pub fn guild_commands(&self, guild_id: &str) -> Vec<Value> {
        self.shared
            .lock()
            .rest
            .guild_commands
            .get(guild_id)
            .cloned()
            .unwrap_or_default()
    }

    // ----- Gateway: events ------------------------------------------------

    /// Sends a dispatch (op 0) with the next seq to the connected client, or
    /// keeps it for delivery after the next READY or RESUME if none is live.
    /// Returns the seq. Panics if serenity would drop the payload as an
    /// unknown event (see [`check_event`]); use [`FakeDiscord::dispatch_raw`]
    /// to send such a payload on purpose.
    pub fn dispatch(&self, event_name: &str, data: Value) -> u64 {
        if let Err(problem) = check_event(event_name, &data) {
            panic!("fake Discord: refusing to dispatch {event_name}: {problem}\n{data:#}");
        }
        self.dispatch_raw(event_name, data)
    }

    /// [`FakeDiscord::dispatch`] without the check.
    pub fn dispatch_raw(&self, event_name: &str, data: Value) -> u64 {
        self.shared.update(|state| state.dispatch(event_name, data))
    }

    // ----- Gateway: observation ---------------------------------------------

    /// Waits until a client has IDENTIFYed and READY and GUILD_CREATE went out.
    pub async fn wait_ready(&self) {
        self.wait_gateway("READY sent", |g| g.readies >= 1).await;
    }

    /// Waits until at least `n` IDENTIFYs were received in total.
    pub async fn wait_identifies(&self, n: usize) {
        self.wait_gateway(&format!("{n} IDENTIFYs"), |g| g.identifies >= n)
            .await;
    }

    /// Waits until at least `n` RESUMEs were received in total.
    pub async fn wait_resumes(&self, n: usize) {
        self.wait_gateway(&format!("{n} RESUMEs"), |g| g.resumes >= n)
            .await;
    }

    /// Waits until a session is live on a connection (after READY or a
    /// successful RESUME), e.g. after a fault.
    pub async fn wait_connected(&self) {
        self.wait_gateway("a live session", |g| {
            g.connection.as_ref().is_some_and(|c| c.live)
        })
        .await;
    }

    /// IDENTIFYs received so far.
    pub fn identify_count(&self) -> usize {
        self.shared.lock().gateway.identifies
    }

    /// RESUMEs received so far (successful or not).
    pub fn resume_count(&self) -> usize {
        self.shared.lock().gateway.resumes
    }

    /// Heartbeats (op 1) received so far.
    pub fn heartbeat_count(&self) -> usize {
        self.shared.lock().gateway.heartbeats
    }

    /// Websocket connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.shared.lock().gateway.connections
    }

    /// The `d` of the last IDENTIFY (token, intents, shard, properties...).
    pub fn last_identify(&self) -> Option<Value> {
        self.shared.lock().gateway.last_identify.clone()
    }

    /// The `d` of the last RESUME (token, session_id, seq).
    pub fn last_resume(&self) -> Option<Value> {
        self.shared.lock().gateway.last_resume.clone()
    }

    /// The current session id, if a session exists.
    pub fn session_id(&self) -> Option<String> {
        self.shared.lock().gateway.session_id.clone()
    }

    // ----- Gateway: settings and faults -----------------------------------

    /// The heartbeat interval announced in the HELLO of later connections.
    pub fn set_heartbeat_interval(&self, millis: u64) {
        self.shared
            .update(|state| state.gateway.heartbeat_interval_ms = millis);
    }

    /// Whether heartbeats are ACKed (op 11). Off, serenity notices at its next
    /// heartbeat (one interval later) and reconnects with a fresh IDENTIFY.
    pub fn set_heartbeat_acks(&self, ack: bool) {
        self.shared
            .update(|state| state.gateway.ack_heartbeats = ack);
    }

    /// Stops ACKing heartbeats on the current connection only, as a gateway
    /// that silently stopped answering would; the connection the client opens
    /// next is ACKed again (unlike [`FakeDiscord::set_heartbeat_acks`], which
    /// applies to every connection). serenity notices one or two heartbeat
    /// intervals later and reconnects with a fresh IDENTIFY (after its ~5 s
    /// wait between shard starts). Returns false if nothing was connected.
    pub fn withhold_heartbeat_acks(&self) -> bool {
        self.shared.update(|state| {
            let current = state.gateway.connection.as_ref().map(|c| c.id);
            state.gateway.unacked_connection = current;
            current.is_some()
        })
    }

    /// Ends the current connection without a close frame (the TCP connection
    /// just goes away). Returns false if nothing was connected. Events
    /// dispatched from now on are kept for the RESUME.
    pub fn drop_connection(&self) -> bool {
        self.shared
            .update(|state| state.gateway.detach(Outgoing::Drop))
    }

    /// Closes the current connection with a close frame carrying `code`.
    /// 4007 and 4009 also end the session (a later RESUME gets INVALID_SESSION).
    pub fn close_with(&self, code: u16) -> bool {
        self.shared.update(|state| {
            if matches!(code, 4007 | 4009) {
                state.gateway.session_id = None;
            }
            state.gateway.detach(Outgoing::Close(code))
        })
    }

    /// Sends op 7 RECONNECT; later events wait for the client's RESUME.
    pub fn send_reconnect(&self) -> bool {
        self.shared.update(|state| {
            let sent = state
                .gateway
                .send_raw(json!({"op": 7, "d": null}).to_string());
            state.gateway.set_live(false);
            sent
        })
    }

    /// Sends op 9 INVALID_SESSION. Not resumable also ends the session, so the
    /// client must IDENTIFY again (serenity waits ~5 s before it does).
    pub fn send_invalid_session(&self, resumable: bool) -> bool {
        self.shared.update(|state| {
            let sent = state
                .gateway
                .send_raw(json!({"op": 9, "d": resumable}).to_string());
            state.gateway.set_live(false);
            if !resumable {
                state.gateway.session_id = None;
            }
            sent
        })
    }

    // ----- waiting ----------------------------------------------------------

    /// Polls `check` on every state change until it yields or `timeout` passes.
    async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut FakeState) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mut notified = pin!(self.shared.changed.notified());
            // Register before checking, so a change in between is not missed.
            notified.as_mut().enable();
            let found = check(&mut self.shared.lock());
            if found.is_some() {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    async fn wait_gateway(&self, what: &str, done: impl Fn(&Gateway) -> bool) {
        let reached = self
            .wait_for(WAIT_GUARD, |state| done(&state.gateway).then_some(()))
            .await;
        if reached.is_none() {
            let g = &self.shared.lock().gateway;
            panic!(
                "fake Discord: timed out after {WAIT_GUARD:?} waiting for {what} \
                 (connections {}, identifies {}, resumes {}, readies {}, live {})",
                g.connections,
                g.identifies,
                g.resumes,
                g.readies,
                g.connection.as_ref().is_some_and(|c| c.live),
            );
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------
// Gateway connection
// ---------------------------------------------------------------------------

async fn gateway_upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| gateway_connection(shared, socket))
}

async fn gateway_connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut shutdown = shared.shutdown.subscribe();
    let id = shared.update(|state| state.gateway.open_connection(tx));
    loop {
        tokio::select! {
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Text(text)) => {
                    if socket.send(WsMessage::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let frame = CloseFrame { code, reason: "".into() };
                    let _ = socket.send(WsMessage::Close(Some(frame))).await;
                    break;
                }
                Some(Outgoing::Drop) | None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    shared.update(|state| state.gateway.on_client_frame(id, text.as_str()));
                }
                // After a client close frame keep reading: the next read sends
                // the close reply serenity waits for, then ends the stream.
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            _ = async { shutdown.wait_for(|stop| *stop).await.is_ok() } => break,
        }
    }
    shared.update(|state| state.gateway.connection_closed(id));
}

fn dispatch_frame(seq: u64, name: &str, data: &Value) -> String {
    json!({"op": 0, "s": seq, "t": name, "d": data}).to_string()
}

// ---------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------

/// A REST answer before recording: status, JSON body, extra headers.
struct Answer {
    status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn json(body: Value) -> Answer {
        Answer {
            status: 200,
            body,
            headers: Vec::new(),
        }
    }

    fn no_content() -> Answer {
        Answer {
            status: 204,
            body: Value::Null,
            headers: Vec::new(),
        }
    }

    fn error(status: u16) -> Answer {
        let reason = StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        Answer {
            status,
            body: json!({"message": format!("{status}: {reason}"), "code": 0}),
            headers: Vec::new(),
        }
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = if self.body.is_null() {
            status.into_response()
        } else {
            (status, Json(self.body)).into_response()
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}

async fn rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let body = parse_body(&body);
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let base_url = shared.base_url.clone();
    // Answer and record under one lock, so a test sees the request no later
    // than any event the answer dispatched (the bot's own message echo).
    let (answer, hang) = shared.update(|state| {
        let route = path.strip_prefix("/api/v10").unwrap_or(&path);
        let mut hang = false;
        let (answer, injected) = match take_fault(&mut state.rest, method.as_str(), route) {
            Some(fault) => (fault, true),
            None => match path.strip_prefix("/api/v10/") {
                Some(_) if too_long(&body) => (content_too_long(), false),
                Some(rest_route) => {
                    let answer = route_request(state, &method, rest_route, &body, &base_url);
                    match take_late_fault(&mut state.rest, method.as_str(), route) {
                        Some(AfterAccepting::Status(status)) => (Answer::error(status), true),
                        Some(AfterAccepting::Hang) => {
                            hang = true;
                            (answer, true)
                        }
                        None => (answer, false),
                    }
                }
                None => (Answer::error(404), false),
            },
        };
        let request = Request {
            method: method.as_str().to_owned(),
            path: path.clone(),
            query: uri.query().map(str::to_owned),
            body,
            status: answer.status,
            injected,
            response: answer.body.clone(),
            authorization,
            at: std::time::Instant::now(),
        };
        state.rest.requests.push((request, false));
        (answer, hang)
    });
    if hang {
        // Accepted, never answered: the client's attempt times out.
        std::future::pending::<()>().await;
    }
    answer.into_response()
}

/// Whether a message body (a channel message, a follow-up, or an
/// interaction response's `data`) has more content than Discord takes.
fn too_long(body: &Value) -> bool {
    [
        body.get("content"),
        body.get("data").and_then(|d| d.get("content")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .any(|c| c.chars().count() > CONTENT_LIMIT)
}

/// Discord's answer to content over [`CONTENT_LIMIT`].
fn content_too_long() -> Answer {
    Answer {
        status: 400,
        body: json!({
            "code": 50035,
            "message": "Invalid Form Body",
            "errors": {"content": {"_errors": [{
                "code": "BASE_TYPE_MAX_LENGTH",
                "message": "Must be 2000 or fewer in length.",
            }]}},
        }),
        headers: Vec::new(),
    }
}

fn take_late_fault(rest: &mut Rest, method: &str, route: &str) -> Option<AfterAccepting> {
    if method == "GET" {
        return None;
    }
    let index = rest
        .late_faults
        .iter()
        .position(|f| f.remaining > 0 && route.starts_with(&f.prefix))?;
    let fault = &mut rest.late_faults[index];
    fault.remaining -= 1;
    let after = fault.after;
    if fault.remaining == 0 {
        rest.late_faults.remove(index);
    }
    Some(after)
}

fn parse_body(body: &Bytes) -> Value {
    if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
    }
}

fn take_fault(rest: &mut Rest, method: &str, route: &str) -> Option<Answer> {
    if method == "GET" && route == "/gateway" {
        return None;
    }
    let index = rest
        .faults
        .iter()
        .position(|f| f.remaining > 0 && route.starts_with(&f.prefix))?;
    let fault = &mut rest.faults[index];
    fault.remaining -= 1;
    let (status, retry_after) = (fault.status, fault.retry_after);
    if fault.remaining == 0 {
        rest.faults.remove(index);
    }
    let mut answer = Answer::error(status);
    if status == 429 {
        let retry_after = retry_after.unwrap_or(1.0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        answer.body = json!({
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": false,
        });
        answer.headers = vec![
            ("retry-after", format!("{}", retry_after.ceil() as u64)),
            ("x-ratelimit-limit", "5".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", format!("{:.3}", now + retry_after)),
            ("x-ratelimit-reset-after", format!("{retry_after:.3}")),
            (
                "x-ratelimit-bucket",
                "fakebucket0000000000000000000000".to_owned(),
            ),
            ("x-ratelimit-scope", "user".to_owned()),
        ];
    } else if let Some(retry_after) = retry_after {
        answer.headers = vec![("retry-after", format!("{}", retry_after.ceil() as u64))];
    }
    Some(answer)
}

/// Answers one REST call; `route` has no leading "/api/v10/".
fn route_request(
    state: &mut FakeState,
    method: &Method,
    route: &str,
    body: &Value,
    base_url: &str,
) -> Answer {
    let segments: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Answer::json(json!({"url": state.gateway.ws_url})),
        ("GET", ["gateway", "bot"]) => Answer::json(json!({
            "url": state.gateway.ws_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
            },
        })),
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => {
            Answer::json(application_json(base_url))
        }
        ("GET", ["users", "@me"]) => Answer::json(bot_user_json()),
        ("GET", ["applications", _, "commands"]) => {
            Answer::json(Value::Array(state.rest.global_commands.clone()))
        }
        ("GET", ["applications", _, "guilds", guild, "commands"]) => Answer::json(Value::Array(
            state
                .rest
                .guild_commands
                .get(*guild)
                .cloned()
                .unwrap_or_default(),
        )),
        ("PUT", ["applications", _, "commands"]) => {
            let commands = register_commands(&state.rest.global_commands, body, None, true);
            state.rest.global_commands = commands.clone();
            Answer::json(Value::Array(commands))
        }
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            let existing = state
                .rest
                .guild_commands
                .get(*guild)
                .cloned()
                .unwrap_or_default();
            let commands = register_commands(&existing, body, Some(guild), true);
            state
                .rest
                .guild_commands
                .insert((*guild).to_owned(), commands.clone());
            Answer::json(Value::Array(commands))
        }
        ("POST", ["applications", _, "commands"]) => {
            let one = Value::Array(vec![body.clone()]);
            let commands = register_commands(&state.rest.global_commands, &one, None, false);
            let created = find_command(&commands, body);
            state.rest.global_commands = commands;
            Answer::json(created)
        }
        ("POST", ["applications", _, "guilds", guild, "commands"]) => {
            let existing = state
                .rest
                .guild_commands
                .get(*guild)
                .cloned()
                .unwrap_or_default();
            let one = Value::Array(vec![body.clone()]);
            let commands = register_commands(&existing, &one, Some(guild), false);
            let created = find_command(&commands, body);
            state
                .rest
                .guild_commands
                .insert((*guild).to_owned(), commands);
            Answer::json(created)
        }
        ("GET", ["channels", channel]) => match state.rest.threads.get(*channel) {
            Some(thread) => Answer::json(thread.data.clone()),
            None if *channel == GENERAL_CHANNEL_ID => {
                Answer::json(text_channel_json(GENERAL_CHANNEL_ID, "general", 0))
            }
            None if *channel == SECOND_CHANNEL_ID => {
                Answer::json(text_channel_json(SECOND_CHANNEL_ID, "back-pain", 1))
            }
            None => Answer::error(404),
        },
        ("POST", ["channels", channel, "messages"]) => {
            // Like Discord: the same nonce from the same author within a few
            // minutes, with `enforce_nonce`, returns the message already made.
            let nonce = body
                .get("nonce")
                .filter(|_| body.get("enforce_nonce") == Some(&json!(true)))
                .map(|n| n.to_string());
            let now = std::time::Instant::now();
            if let Some((existing, at)) = nonce.as_ref().and_then(|n| state.rest.nonces.get(n)) {
                if now.duration_since(*at) < NONCE_WINDOW {
                    return Answer::json(existing.clone());
                }
            }
            let message = bot_message(&new_id(), channel, body, None, 0);
            state.rest.messages.push(message.clone());
            if let Some(nonce) = nonce {
                state.rest.nonces.insert(nonce, (message.clone(), now));
            }
            if state.rest.echo_own_messages {
                let mut echoed = message.clone();
                if state.is_guild_channel(channel) {
                    add_guild_context(&mut echoed, &bot_member_partial());
                }
                state.dispatch("MESSAGE_CREATE", echoed);
            }
            Answer::json(message)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            let mut message = bot_message(id, channel, body, None, 0);
            message["edited_timestamp"] = json!(now_timestamp());
            Answer::json(message)
        }
        ("DELETE", ["channels", _, "messages", _])
        | ("POST", ["channels", _, "typing"])
        | ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", _, _]) => {
            Answer::no_content()
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            interaction_callback(state, token, body);
            Answer::no_content()
        }
        ("POST", ["webhooks", _, token]) => {
            let channel = interaction_channel(state, token);
            let mut message = bot_message(&new_id(), &channel, body, None, 0);
            mark_webhook_message(&mut message);
            Answer::json(message)
        }
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            match state
                .rest
                .interactions
                .get(*token)
                .and_then(|i| i.original.clone())
            {
                Some(message) => Answer::json(message),
                None => Answer::error(404),
            }
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            let channel = interaction_channel(state, token);
            let info = state
                .rest
                .interactions
                .entry((*token).to_owned())
                .or_default();
            let previous = info.original.take();
            let id = previous
                .as_ref()
                .and_then(|m| m.get("id"))
                .and_then(Value::as_str)
                .map_or_else(new_id, str::to_owned);
            let mut message = bot_message(&id, &channel, body, previous.as_ref(), 20);
            mark_webhook_message(&mut message);
            info.channel_id = channel;
            info.original = Some(message.clone());
            Answer::json(message)
        }
        ("DELETE", ["webhooks", _, token, "messages", "@original"]) => {
            if let Some(info) = state.rest.interactions.get_mut(*token) {
                info.original = None;
            }
            Answer::no_content()
        }
        ("GET" | "PATCH", ["webhooks", _, token, "messages", id]) => {
            let channel = interaction_channel(state, token);
            let mut message = bot_message(id, &channel, body, None, 0);
            mark_webhook_message(&mut message);
            Answer::json(message)
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => Answer::no_content(),
        _ => Answer::error(404),
    }
}

/// The channel an interaction token belongs to (#general if unknown).
fn interaction_channel(state: &FakeState, token: &str) -> String {
    state
        .rest
        .interactions
        .get(token)
        .map_or_else(|| GENERAL_CHANNEL_ID.to_owned(), |i| i.channel_id.clone())
}

/// Remembers the original response of a message reply (type 4) or a deferral (type 5).
fn interaction_callback(state: &mut FakeState, token: &str, body: &Value) {
    let kind = body.get("type").and_then(Value::as_u64);
    if !matches!(kind, Some(4 | 5)) {
        return;
    }
    let channel = interaction_channel(state, token);
    let data = body.get("data").cloned().unwrap_or_else(|| json!({}));
    let mut message = bot_message(&new_id(), &channel, &data, None, 20);
    mark_webhook_message(&mut message);
    let info = state.rest.interactions.entry(token.to_owned()).or_default();
    info.channel_id = channel;
    info.original = Some(message);
}

fn mark_webhook_message(message: &mut Value) {
    message["webhook_id"] = json!(APPLICATION_ID);
    message["application_id"] = json!(APPLICATION_ID);
}

/// A complete Message the bot authored, built from a create/edit body. Fields
/// the body lacks come from `previous` (an edit) or defaults.
fn bot_message(
    id: &str,
    channel_id: &str,
    body: &Value,
    previous: Option<&Value>,
    kind: u64,
) -> Value {
    let pick = |field: &str, default: Value| {
        body.get(field)
            .filter(|v| !v.is_null())
            .or_else(|| previous.and_then(|p| p.get(field)))
            .cloned()
            .unwrap_or(default)
    };
    let mut message = json!({
        "id": id,
        "channel_id": channel_id,
        "author": bot_user_json(),
        "content": pick("content", json!("")),
        "timestamp": previous
            .and_then(|p| p.get("timestamp"))
            .cloned()
            .unwrap_or_else(|| json!(now_timestamp())),
        "edited_timestamp": if previous.is_some() { json!(now_timestamp()) } else { Value::Null },
        "tts": pick("tts", json!(false)),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": pick("embeds", json!([])),
        "components": pick("components", json!([])),
        "pinned": false,
        "type": kind,
        "flags": pick("flags", json!(0)),
    });
    if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
        let mut reference = reference.clone();
        if reference.get("channel_id").is_none() {
            reference["channel_id"] = json!(channel_id);
        }
        message["message_reference"] = reference;
        if kind == 0 {
            message["type"] = json!(19); // a reply
        }
    }
    message
}

/// Registers `body` (an array of commands) on top of `existing`: a command
/// keeps its id when its name and type are unchanged. `replace_all` is PUT
/// (the list becomes exactly `body`); otherwise one command is upserted.
fn register_commands(
    existing: &[Value],
    body: &Value,
    guild_id: Option<&str>,
    replace_all: bool,
) -> Vec<Value> {
    let key = |c: &Value| {
        (
            c.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            c.get("type").and_then(Value::as_u64).unwrap_or(1),
        )
    };
    let mut result: Vec<Value> = if replace_all {
        Vec::new()
    } else {
        existing.to_vec()
    };
    for command in body.as_array().map(Vec::as_slice).unwrap_or_default() {
        let id = existing
            .iter()
            .find(|c| key(c) == key(command))
            .and_then(|c| c.get("id").and_then(Value::as_str))
            .map_or_else(new_id, str::to_owned);
        let mut registered: Map<String, Value> = command.as_object().cloned().unwrap_or_default();
        registered.insert("id".to_owned(), json!(id));
        registered.insert("application_id".to_owned(), json!(APPLICATION_ID));
        registered.insert("version".to_owned(), json!(new_id()));
        registered.entry("type").or_insert(json!(1));
        registered.entry("description").or_insert(json!(""));
        registered
            .entry("default_member_permissions")
            .or_insert(Value::Null);
        registered.entry("nsfw").or_insert(json!(false));
        if let Some(guild_id) = guild_id {
            registered.insert("guild_id".to_owned(), json!(guild_id));
        }
        let registered = Value::Object(registered);
        result.retain(|c| key(c) != key(&registered));
        result.push(registered);
    }
    result
}

fn find_command(commands: &[Value], body: &Value) -> Value {
    let name = body.get("name");
    commands
        .iter()
        .rev()
        .find(|c| c.get("name") == name)
        .cloned()
        .unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------
// Fixed objects: users, application, guild
// ---------------------------------------------------------------------------

fn user_json(id: &str, username: &str, bot: bool) -> Value {
    json!({
        "id": id,
        "username": username,
        "discriminator": "0",
        "global_name": if bot { Value::Null } else { json!(username) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

fn bot_user_json() -> Value {
    let mut user = user_json(BOT_USER_ID, BOT_USERNAME, true);
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    user["flags"] = json!(0);
    user
}

fn application_json(base_url: &str) -> Value {
    json!({
        "id": APPLICATION_ID,
        "name": BOT_USERNAME,
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "owner": user_json(OWNER_USER_ID, "owner", false),
        "team": null,
        "flags": 0,
        "tags": [],
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "custom_install_url": format!("{base_url}/install"),
        "bot": bot_user_json(),
    })
}

fn role_json(id: &str, name: &str, permissions: u64, position: u64, managed: bool) -> Value {
    let mut role = json!({
        "id": id,
        "name": name,
        "color": 0,
        // serenity 0.12.5 drops a GUILD_CREATE whose roles lack `colors`.
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": managed,
        "mentionable": false,
        "flags": 0,
    });
    if managed {
        role["tags"] = json!({"bot_id": BOT_USER_ID});
    }
    role
}

fn text_channel_json(id: &str, name: &str, position: u64) -> Value {
    json!({
        "id": id,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

fn member_json(user: Value, roles: &[&str]) -> Value {
    json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": roles,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    })
}

/// The `member` of a MESSAGE_CREATE the bot authored in the guild (no `user`).
fn bot_member_partial() -> Value {
    json!({
        "roles": [BOT_ROLE_ID],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

/// The READY `d` the fake sends after an IDENTIFY (without `shard`, which
/// echoes the IDENTIFY's): the bot user, [`GUILD_ID`] as an unavailable guild
/// (GUILD_CREATE follows), the session and the application id.
pub fn ready_data(session_id: &str, resume_gateway_url: &str) -> Value {
    json!({
        "v": 10,
        "user": bot_user_json(),
        "guilds": [{"id": GUILD_ID, "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": APPLICATION_ID, "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
    })
}

/// The full GUILD_CREATE `d` the fake sends after READY for [`GUILD_ID`]: two
/// roles, two text channels ([`GENERAL_CHANNEL_ID`], [`SECOND_CHANNEL_ID`]),
/// the bot and the owner as members.
pub fn guild_create_data() -> Value {
    let mut guild = json!({
        "id": GUILD_ID,
        "name": "Back Pain Test Guild",
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": OWNER_USER_ID,
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role_json(GUILD_ID, "@everyone", MEMBER_PERMISSIONS, 0, false),
            role_json(BOT_ROLE_ID, BOT_USERNAME, BOT_PERMISSIONS, 1, true),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": GENERAL_CHANNEL_ID,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    // The GUILD_CREATE-only fields (one `json!` for all would exceed the macro recursion limit).
    let extra = json!({
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 2,
        "voice_states": [],
        "members": [
            member_json(bot_user_json(), &[BOT_ROLE_ID]),
            member_json(user_json(OWNER_USER_ID, "owner", false), &[]),
        ],
        "channels": [
            text_channel_json(GENERAL_CHANNEL_ID, "general", 0),
            text_channel_json(SECOND_CHANNEL_ID, "back-pain", 1),
        ],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    if let (Some(guild), Value::Object(extra)) = (guild.as_object_mut(), extra) {
        guild.extend(extra);
    }
    guild
}

// ---------------------------------------------------------------------------
// Payload builders
// ---------------------------------------------------------------------------

/// A user who talks to the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    /// The user id.
    pub id: String,
    /// The username.
    pub username: String,
    /// Whether the user is a bot (MESSAGE_CREATE `author.bot`).
    pub bot: bool,
    /// The id of this user's DM channel with the bot.
    pub dm_channel_id: String,
}

impl FakeUser {
    /// A human user with fresh ids.
    pub fn new(username: &str) -> FakeUser {
        FakeUser {
            id: new_id(),
            username: username.to_owned(),
            bot: false,
            dm_channel_id: new_id(),
        }
    }

    /// Another bot (not ours) with fresh ids.
    pub fn other_bot(username: &str) -> FakeUser {
        FakeUser {
            bot: true,
            ..FakeUser::new(username)
        }
    }

    /// Our bot itself, e.g. to fake its own message coming back.
    pub fn the_bot() -> FakeUser {
        FakeUser {
            id: BOT_USER_ID.to_owned(),
            username: BOT_USERNAME.to_owned(),
            bot: true,
            dm_channel_id: new_id(),
        }
    }

    /// The user object as Discord sends it.
    pub fn json(&self) -> Value {
        if self.id == BOT_USER_ID {
            bot_user_json()
        } else {
            user_json(&self.id, &self.username, self.bot)
        }
    }
}

/// Who does something and where: a user in a channel of [`GUILD_ID`] or in
/// their DM with the bot, with the permissions interactions report.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The acting user.
    pub user: FakeUser,
    /// The channel.
    pub channel_id: String,
    /// `Some(GUILD_ID)` in the guild, `None` in a DM.
    pub guild_id: Option<String>,
    /// The member's permissions (interaction `member.permissions`).
    pub permissions: u64,
    /// The bot's permissions (interaction `app_permissions`).
    pub app_permissions: u64,
}

impl Origin {
    /// `user` in #general of the guild, as an ordinary member.
    pub fn guild(user: &FakeUser) -> Origin {
        Origin::guild_channel(user, GENERAL_CHANNEL_ID)
    }

    /// `user` in the given guild channel, as an ordinary member.
    pub fn guild_channel(user: &FakeUser, channel_id: &str) -> Origin {
        Origin {
            user: user.clone(),
            channel_id: channel_id.to_owned(),
            guild_id: Some(GUILD_ID.to_owned()),
            permissions: MEMBER_PERMISSIONS,
            app_permissions: BOT_PERMISSIONS,
        }
    }

    /// `user` in their DM with the bot.
    pub fn dm(user: &FakeUser) -> Origin {
        Origin {
            user: user.clone(),
            channel_id: user.dm_channel_id.clone(),
            guild_id: None,
            permissions: MEMBER_PERMISSIONS,
            app_permissions: BOT_PERMISSIONS,
        }
    }

    /// The same origin with other member permissions (e.g. [`ADMIN_PERMISSIONS`]).
    pub fn with_permissions(mut self, permissions: u64) -> Origin {
        self.permissions = permissions;
        self
    }

    /// The same origin with other bot permissions.
    pub fn with_app_permissions(mut self, app_permissions: u64) -> Origin {
        self.app_permissions = app_permissions;
        self
    }

    fn member_json(&self) -> Value {
        let mut member = member_json(self.user.json(), &[]);
        member["permissions"] = json!(self.permissions.to_string());
        member
    }
}

/// Adds `guild_id` and `member` to a MESSAGE_CREATE `d`.
fn add_guild_context(message: &mut Value, member: &Value) {
    message["guild_id"] = json!(GUILD_ID);
    message["member"] = member.clone();
}

/// A complete MESSAGE_CREATE `d`: `origin.user` says `content` in
/// `origin.channel_id`. If the content mentions the bot (`<@BOT_USER_ID>` or
/// `<@!BOT_USER_ID>`), the bot's user object is in `mentions`. In the guild the
/// payload carries `guild_id` and `member`. Edit the returned value for
/// anything more (replies, attachments...).
pub fn message_create(origin: &Origin, content: &str) -> Value {
    let mentions_bot = content.contains(&format!("<@{BOT_USER_ID}>"))
        || content.contains(&format!("<@!{BOT_USER_ID}>"));
    let mentions = if mentions_bot {
        vec![bot_user_json()]
    } else {
        Vec::new()
    };
    let mut message = json!({
        "id": new_id(),
        "channel_id": origin.channel_id,
        "author": origin.user.json(),
        "content": content,
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if origin.guild_id.is_some() {
        let mut member = origin.member_json();
        if let Some(member) = member.as_object_mut() {
            member.remove("user");
            member.remove("permissions");
        }
        add_guild_context(&mut message, &member);
    }
    message
}

/// A complete MESSAGE_UPDATE `d`: `message` (a MESSAGE_CREATE `d`) after
/// its author edited it to say `content`.
pub fn message_update(message: &Value, content: &str) -> Value {
    let mut edited = message.clone();
    edited["content"] = json!(content);
    edited["edited_timestamp"] = json!(now_timestamp());
    let mentions_bot = content.contains(&format!("<@{BOT_USER_ID}>"))
        || content.contains(&format!("<@!{BOT_USER_ID}>"));
    edited["mentions"] = if mentions_bot {
        json!([bot_user_json()])
    } else {
        json!([])
    };
    edited
}

/// A public thread (type 11) `thread_id` in the guild channel `parent_id`,
/// as THREAD_CREATE and GET /channels/{id} give it.
pub fn thread_json(thread_id: &str, parent_id: &str) -> Value {
    json!({
        "id": thread_id,
        "type": 11,
        "guild_id": GUILD_ID,
        "parent_id": parent_id,
        "owner_id": OWNER_USER_ID,
        "name": "my back hurts",
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": now_timestamp(),
            "locked": false,
            "create_timestamp": now_timestamp(),
        },
    })
}

/// The fields every interaction shares; `kind` is the interaction type.
fn interaction_base(origin: &Origin, kind: u64, data: Value) -> Value {
    let id = new_id();
    let mut interaction = json!({
        "id": id,
        "application_id": APPLICATION_ID,
        "type": kind,
        "token": format!("fake-interaction-token-{id}"),
        "version": 1,
        "channel_id": origin.channel_id,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
        "app_permissions": origin.app_permissions.to_string(),
        "data": data,
    });
    match &origin.guild_id {
        Some(guild_id) => {
            interaction["guild_id"] = json!(guild_id);
            interaction["guild_locale"] = json!("en-US");
            interaction["member"] = origin.member_json();
            interaction["channel"] = json!({"id": origin.channel_id, "type": 0, "name": "general"});
            interaction["context"] = json!(0);
            interaction["authorizing_integration_owners"] = json!({"0": guild_id});
        }
        None => {
            interaction["user"] = origin.user.json();
            interaction["channel"] = json!({"id": origin.channel_id, "type": 1});
            interaction["context"] = json!(1);
            interaction["authorizing_integration_owners"] = json!({"0": "0"});
        }
    }
    interaction
}

fn command_data(name: &str, options: Value) -> Value {
    json!({
        "id": new_id(),
        "name": name,
        "type": 1,
        "options": if options.is_null() { json!([]) } else { options },
    })
}

/// A complete INTERACTION_CREATE `d` for a slash command (type 2): `/name`
/// with `options`, an array built with the `option_*` helpers (or `Null`).
pub fn interaction_command(origin: &Origin, name: &str, options: Value) -> Value {
    interaction_base(origin, 2, command_data(name, options))
}

/// A complete INTERACTION_CREATE `d` for autocompletion (type 4) of `/name`.
/// `options` must contain exactly one option made with [`option_focused`]
/// (possibly inside a subcommand).
pub fn interaction_autocomplete(origin: &Origin, name: &str, options: Value) -> Value {
    interaction_base(origin, 4, command_data(name, options))
}

/// A complete INTERACTION_CREATE `d` for a message component (type 3):
/// `origin.user` used the component `custom_id` of `component_type` (2 button,
/// 3 string select, ...) on `message` (a full Message, e.g. a recorded
/// request's `response`). `values` are the selected values of a select menu.
pub fn interaction_component(
    origin: &Origin,
    message: &Value,
    custom_id: &str,
    component_type: u64,
    values: Option<&[&str]>,
) -> Value {
    let mut data = json!({"custom_id": custom_id, "component_type": component_type});
    if let Some(values) = values {
        data["values"] = json!(values);
    }
    let mut interaction = interaction_base(origin, 3, data);
    interaction["message"] = message.clone();
    interaction
}

/// A button press: [`interaction_component`] with component type 2.
pub fn interaction_button(origin: &Origin, message: &Value, custom_id: &str) -> Value {
    interaction_component(origin, message, custom_id, 2, None)
}

/// A string option value (type 3) for a command's `options`.
pub fn option_string(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// An integer option value (type 4).
pub fn option_integer(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A boolean option value (type 5).
pub fn option_bool(name: &str, value: bool) -> Value {
    json!({"name": name, "type": 5, "value": value})
}

/// A subcommand (type 1) holding its own `options`.
pub fn option_subcommand(name: &str, options: Value) -> Value {
    json!({"name": name, "type": 1, "options": options})
}

/// The string option being typed during autocompletion: `"focused": true`
/// and the partial input as `value`.
pub fn option_focused(name: &str, partial: &str) -> Value {
    json!({"name": name, "type": 3, "value": partial, "focused": true})
}

/// Runs a dispatch through serenity's own gateway deserialiser. Err explains
/// why serenity would turn it into an "unknown event" and drop it silently.
pub fn check_event(event_name: &str, data: &Value) -> Result<(), String> {
    use serenity::model::event::{Event, GatewayEvent};

    let frame = json!({"op": 0, "s": 1, "t": event_name, "d": data});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            let detail = match event_name {
                "READY" => {
                    serde_json::from_value::<serenity::model::gateway::Ready>(data.clone()).err()
                }
                "GUILD_CREATE" => {
                    serde_json::from_value::<serenity::model::guild::Guild>(data.clone()).err()
                }
                "MESSAGE_CREATE" => {
                    serde_json::from_value::<serenity::model::channel::Message>(data.clone()).err()
                }
                "INTERACTION_CREATE" => serde_json::from_value::<
                    serenity::model::application::Interaction,
                >(data.clone())
                .err(),
                _ => None,
            };
            Err(match detail {
                Some(error) => format!("serenity cannot read it: {error}"),
                None => "serenity does not know this event or cannot read its data".to_owned(),
            })
        }
        Ok(_) => Ok(()),
        Err(error) => Err(error.to_string()),
    }
}
