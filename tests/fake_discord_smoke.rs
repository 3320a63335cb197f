//! Smoke tests of the fake Discord harness (`tests/common/fake_discord.rs`)
//! with a plain serenity client, independent of the bot: the handshake, a
//! message round trip, a dropped connection with RESUME and replay, the REST
//! answers serenity must be able to read, and the payload builders.

#[path = "common/fake_discord.rs"]
mod fake_discord;

use std::time::{Duration, Instant};

use fake_discord::*;
use serde_json::json;
use serenity::all::{
    ButtonStyle, ChannelId, ClientBuilder, Command, CommandOptionType, Context, CreateActionRow,
    CreateButton, CreateCommand, CreateCommandOption, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, EventHandler, GatewayIntents, HttpBuilder, Message,
};

/// Failure guard for waits that normally finish in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Replies "echo: <content>" to every message not written by a bot.
struct Echo;

#[serenity::async_trait]
impl EventHandler for Echo {
    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot {
            return;
        }
        if let Err(error) = msg
            .channel_id
            .say(&ctx.http, format!("echo: {}", msg.content))
            .await
        {
            eprintln!("echo handler: reply failed: {error}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_serenity_client_round_trips_and_resumes() {
    let started = Instant::now();
    let fake = FakeDiscord::start().await;
    let http = HttpBuilder::new(TEST_TOKEN)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build();
    let intents = GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Echo)
        .await
        .expect("serenity client builds");
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });

    fake.wait_ready().await;
    let identify = fake.last_identify().expect("an IDENTIFY was recorded");
    assert_eq!(identify["token"], format!("Bot {TEST_TOKEN}"));
    assert_eq!(identify["intents"], json!(intents.bits()));
    let gateway = fake
        .next_request(|r| r.is("GET", "/gateway"), TIMEOUT)
        .await
        .expect("the client asked for the gateway URL");
    assert_eq!(gateway.response["url"], json!(fake.ws_url()));

    // A message in the guild is answered in the same channel.
    let alice = FakeUser::new("alice");
    fake.dispatch(
        "MESSAGE_CREATE",
        message_create(&Origin::guild(&alice), "hello"),
    );
    let reply = fake
        .next_request(|r| r.is_channel_message(GENERAL_CHANNEL_ID), TIMEOUT)
        .await
        .expect("the echo was posted to #general");
    assert_eq!(reply.content(), Some("echo: hello"));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.authorization.as_deref(),
        Some(&*format!("Bot {TEST_TOKEN}"))
    );

    // The connection dies without a close frame; a message sent meanwhile is
    // replayed after the RESUME, and later messages flow as before.
    assert!(fake.drop_connection(), "a connection was live");
    let session = fake.session_id().expect("a session exists");
    fake.dispatch(
        "MESSAGE_CREATE",
        message_create(&Origin::dm(&alice), "while away"),
    );
    fake.wait_resumes(1).await;
    let resume = fake.last_resume().expect("a RESUME was recorded");
    assert_eq!(resume["session_id"], json!(session));
    assert_eq!(resume["token"], format!("Bot {TEST_TOKEN}"));
    let replayed = fake
        .next_request(|r| r.is_channel_message(&alice.dm_channel_id), TIMEOUT)
        .await
        .expect("the message sent while disconnected was answered");
    assert_eq!(replayed.content(), Some("echo: while away"));

    fake.dispatch(
        "MESSAGE_CREATE",
        message_create(&Origin::dm(&alice), "again"),
    );
    let after = fake
        .next_request(|r| r.is_channel_message(&alice.dm_channel_id), TIMEOUT)
        .await
        .expect("a message after the resume was answered");
    assert_eq!(after.content(), Some("echo: again"));
    assert_eq!(
        fake.identify_count(),
        1,
        "the client resumed, never re-identified"
    );
    assert_eq!(fake.connection_count(), 2);

    shard_manager.shutdown_all().await;
    let stopped = tokio::time::timeout(TIMEOUT, running)
        .await
        .expect("the client stops after shutdown_all")
        .expect("the client task did not panic");
    assert!(stopped.is_ok(), "client ended with {stopped:?}");

    // Every request went to the fake; none was left unanswered.
    for request in fake.requests() {
        assert_ne!(request.status, 404, "unexpected route: {request:?}");
    }
    eprintln!("smoke round trip took {:?}", started.elapsed());
}

/// The REST answers are complete enough for serenity's typed calls, and
/// injected faults come back as errors with the right status.
#[tokio::test]
async fn rest_answers_satisfy_serenity() {
    let fake = FakeDiscord::start().await;
    let http = HttpBuilder::new(TEST_TOKEN)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(APPLICATION_ID.parse::<u64>().expect("numeric id").into())
        .build();

    let info = http
        .get_current_application_info()
        .await
        .expect("application info");
    assert_eq!(info.id.to_string(), APPLICATION_ID);
    assert_eq!(info.owner.expect("an owner").id.to_string(), OWNER_USER_ID);
    let me = http.get_current_user().await.expect("current user");
    assert_eq!(me.id.to_string(), BOT_USER_ID);

    let commands = Command::set_global_commands(
        &http,
        vec![CreateCommand::new("ask")
            .description("Ask a question")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "question", "Your question")
                    .required(true)
                    .set_autocomplete(true),
            )],
    )
    .await
    .expect("commands registered");
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].name, "ask");
    assert_eq!(fake.global_commands().len(), 1);

    let channel = ChannelId::new(GENERAL_CHANNEL_ID.parse().expect("numeric id"));
    let sent = channel
        .send_message(
            &http,
            CreateMessage::new()
                .content("with extras")
                .embed(CreateEmbed::new().title("Source").description("A study"))
                .components(vec![CreateActionRow::Buttons(vec![CreateButton::new(
                    "more",
                )
                .label("More")
                .style(ButtonStyle::Primary)])]),
        )
        .await
        .expect("a message with an embed and a button");
    assert_eq!(sent.content, "with extras");
    assert_eq!(sent.embeds.len(), 1);
    assert_eq!(sent.components.len(), 1);

    // An interaction reply, an edit of it and a follow-up.
    let user = FakeUser::new("bob");
    let interaction = interaction_command(
        &Origin::guild(&user),
        "ask",
        json!([option_string("question", "why does my back hurt")]),
    );
    let interaction: serenity::all::Interaction =
        serde_json::from_value(interaction).expect("a valid interaction");
    let command = interaction.command().expect("a command interaction");
    command
        .create_response(
            &http,
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new().content("first"),
            ),
        )
        .await
        .expect("interaction reply");
    let edited = command
        .edit_response(&http, EditInteractionResponse::new().content("edited"))
        .await
        .expect("edit of the original response");
    assert_eq!(edited.content, "edited");
    let original = command
        .get_response(&http)
        .await
        .expect("original response");
    assert_eq!(original.id, edited.id);
    let followup = command
        .create_followup(
            &http,
            CreateInteractionResponseFollowup::new().content("more"),
        )
        .await
        .expect("follow-up");
    assert_eq!(followup.content, "more");

    // Faults: a 429 with Discord's body and headers, then a 500, then success.
    let route = format!("/channels/{GENERAL_CHANNEL_ID}/messages");
    fake.fail_next(&route, 429, Some(0.25), 1);
    fake.fail_next(&route, 500, None, 1);
    for expected in [429_u16, 500] {
        let error = channel
            .say(&http, "x")
            .await
            .expect_err("an injected fault");
        match error {
            serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
                assert_eq!(response.status_code.as_u16(), expected);
            }
            other => panic!("expected an unsuccessful request, got {other:?}"),
        }
    }
    channel.say(&http, "x").await.expect("faults are used up");
    let statuses: Vec<(u16, bool)> = fake
        .requests()
        .iter()
        .filter(|r| r.is_channel_message(GENERAL_CHANNEL_ID) && r.content() == Some("x"))
        .map(|r| (r.status, r.injected))
        .collect();
    assert_eq!(statuses, [(429, true), (500, true), (200, false)]);
    let limited = fake
        .requests()
        .into_iter()
        .find(|r| r.status == 429)
        .expect("the 429 was recorded");
    assert_eq!(limited.response["retry_after"], json!(0.25));
}

/// Every builder and fixed payload passes serenity's deserialiser (an event
/// serenity cannot read is dropped silently, which would hang a test).
#[test]
fn payloads_are_events_serenity_reads() {
    let user = FakeUser::new("carol");
    let guild = Origin::guild(&user).with_permissions(ADMIN_PERMISSIONS);
    let dm = Origin::dm(&user);
    let mention = format!("<@{BOT_USER_ID}> my back hurts");
    let mentioned = message_create(&guild, &mention);
    assert_eq!(mentioned["mentions"][0]["id"], BOT_USER_ID);
    let bot_message = json!({
        "id": new_id(), "channel_id": GENERAL_CHANNEL_ID,
        "author": FakeUser::the_bot().json(), "content": "pick one",
        "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0,
    });
    let payloads = [
        ("READY", ready_data("session", "ws://127.0.0.1:1/ws")),
        ("GUILD_CREATE", guild_create_data()),
        ("MESSAGE_CREATE", message_create(&guild, "hello")),
        ("MESSAGE_CREATE", message_create(&dm, "hello")),
        ("MESSAGE_CREATE", mentioned),
        (
            "MESSAGE_CREATE",
            message_create(&Origin::dm(&FakeUser::other_bot("x")), "hi"),
        ),
        (
            "INTERACTION_CREATE",
            interaction_command(&guild, "topics", json!(null)),
        ),
        (
            "INTERACTION_CREATE",
            interaction_command(&dm, "ask", json!([option_string("question", "sciatica")])),
        ),
        (
            "INTERACTION_CREATE",
            interaction_command(
                &guild,
                "admin",
                json!([option_subcommand(
                    "reload",
                    json!([option_bool("force", true), option_integer("n", 3)])
                )]),
            ),
        ),
        (
            "INTERACTION_CREATE",
            interaction_autocomplete(&guild, "ask", json!([option_focused("question", "sci")])),
        ),
        (
            "INTERACTION_CREATE",
            interaction_button(&guild, &bot_message, "more"),
        ),
        (
            "INTERACTION_CREATE",
            interaction_component(&dm, &bot_message, "topic", 3, Some(&["posture"])),
        ),
    ];
    for (name, data) in payloads {
        if let Err(problem) = check_event(name, &data) {
            panic!("{name} is not readable: {problem}\n{data:#}");
        }
    }
    assert!(check_event("MESSAGE_CREATE", &json!({"id": "1"})).is_err());
}
