//! End to end: the real bot, started through the library with its own
//! shutdown future, against a fake Discord on 127.0.0.1 (REST and gateway;
//! see `tests/common/fake_discord.rs`). Every scenario asserts on the JSON
//! the bot sends.

mod common;

use serde_json::{json, Value};

use common::bot::*;
use common::fake_discord::*;
use common::logs::Logs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_gets_the_answer_with_its_source_and_disclaimer() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let reply = bot
        .say(
            &Origin::guild(&member),
            &format!("<@{BOT_USER_ID}> is acupuncture painful?"),
        )
        .await;
    assert!(reply.is_channel_message(GENERAL_CHANNEL_ID));
    check_reply(&reply, "The article says acupuncture is not painful");
    check_reply(
        &reply,
        "Acupuncture and Acupressure for Back Pain: Ancient Techniques for Modern Relief",
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dms_and_answer_channels_are_answered_but_off_topic_chatter_is_not() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");

    let dm = bot.say(&Origin::dm(&member), "what is qi").await;
    assert!(dm.is_channel_message(&member.dm_channel_id));
    check_reply(&dm, "life force");

    // A DM that matches nothing still gets an honest reply.
    let none = bot.say(&Origin::dm(&member), "how do I bake bread").await;
    check_reply(&none, "I don't have an answer for that");

    // In an answer channel: silence for chatter, answers for questions.
    let in_channel = Origin::guild_channel(&member, SECOND_CHANNEL_ID);
    let chatter = message_create(&in_channel, "anyone watching the game tonight?");
    bot.fake.dispatch("MESSAGE_CREATE", chatter.clone());
    let answered = bot.say(&in_channel, "is acupressure safe?").await;
    check_reply(&answered, "safe");
    // An emergency is always answered there, with urgent-care guidance.
    let urgent = bot
        .say(&in_channel, "I fell off a ladder and now my back hurts")
        .await;
    check_reply(&urgent, "urgent medical care");
    // So is a crisis message, with the crisis lines and without the
    // member's words; in a DM too.
    let crisis_text = "honestly i feel like ending it all because of this back pain";
    for origin in [in_channel.clone(), Origin::dm(&member)] {
        let crisis = bot.say(&origin, crisis_text).await;
        check_reply(&crisis, "116 123");
        let content = crisis.content().unwrap_or_default().to_owned();
        assert!(content.contains("988"), "{content}");
        assert!(
            !content.contains("ending it all"),
            "quoted the member: {content}"
        );
    }
    // A plain message elsewhere in the guild is not for the bot.
    let elsewhere = message_create(&Origin::guild(&member), "is acupressure safe?");
    bot.fake.dispatch("MESSAGE_CREATE", elsewhere.clone());

    // The bot saw both and decided to stay silent (a check after stopping
    // alone would pass for messages it never received)...
    for (message, decision) in [(&chatter, "staying silent"), (&elsewhere, "left alone")] {
        let id = format!("question={}", message["id"].as_str().unwrap_or_default());
        let seen = logs
            .wait_for(|l| l.contains(decision) && l.contains(&id))
            .await;
        assert!(seen.is_some(), "the bot never decided on {id}");
    }
    // ...and once it has stopped (which waits for replies in progress), no
    // reply to the chatter or to the unaddressed message exists.
    let fake = bot.stop().await;
    let requests = fake.requests();
    assert!(
        !requests.iter().any(replies_to(&chatter)),
        "answered chatter"
    );
    assert!(
        !requests.iter().any(replies_to(&elsewhere)),
        "answered an unaddressed message"
    );
}

/// Small talk gets its reply in a DM, a mention and `/ask`, and silence in
/// an answer channel, where only a clear answer is worth posting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_talk_is_answered_when_addressed_and_left_alone_in_answer_channels() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");

    let hi = bot.say(&Origin::dm(&member), "hi").await;
    assert!(hi.is_channel_message(&member.dm_channel_id));
    check_reply(&hi, "I'm a bot that answers questions about back pain");
    let mention = bot
        .say(
            &Origin::guild(&member),
            &format!("<@{BOT_USER_ID}> who are you?"),
        )
        .await;
    check_reply(&mention, "I'm a bot, not a person and not a doctor");
    let ask = bot
        .interact(interaction_command(
            &Origin::guild(&member),
            "ask",
            json!([option_string("question", "what can you do?")]),
        ))
        .await;
    check_reply(&ask, "`/topics` lists everything I cover");

    let in_channel = Origin::guild_channel(&member, SECOND_CHANNEL_ID);
    let thanks = message_create(&in_channel, "thanks!");
    bot.fake.dispatch("MESSAGE_CREATE", thanks.clone());
    let id = format!("question={}", thanks["id"].as_str().unwrap_or_default());
    let seen = logs
        .wait_for(|l| l.contains("staying silent") && l.contains(&id))
        .await;
    assert!(seen.is_some(), "the bot never decided on {id}");
    let fake = bot.stop().await;
    assert!(
        !fake.requests().iter().any(replies_to(&thanks)),
        "answered small talk in an answer channel"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_autocomplete_and_buttons() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let here = Origin::guild(&member);

    let ask = bot
        .interact(interaction_command(
            &here,
            "ask",
            json!([option_string("question", "can I do acupressure at home?")]),
        ))
        .await;
    assert_eq!(ask.body["type"], 4);
    check_reply(&ask, "self-administered");

    let complete = bot
        .interact(interaction_autocomplete(
            &here,
            "topic",
            json!([option_focused("name", "acupres")]),
        ))
        .await;
    assert_eq!(complete.body["type"], 8);
    let choices = complete.body["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert_eq!(choices[0]["value"], "acupressure", "{choices:?}");

    let topic = bot
        .interact(interaction_command(
            &here,
            "topic",
            json!([option_string("name", "safety")]),
        ))
        .await;
    check_reply(&topic, "Is acupuncture painful?");
    let menu = &topic.body["data"]["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "a select menu: {menu}");
    let options = menu["options"].as_array().cloned().unwrap_or_default();
    assert!(!options.is_empty() && options.len() <= 25);

    // An ambiguous mention gets "did you mean" buttons; a click posts the answer.
    let suggestion = bot
        .say(&here, &format!("<@{BOT_USER_ID}> side effects"))
        .await;
    check_reply(&suggestion, "Did you mean");
    let buttons = suggestion.body["components"][0]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!((1..=3).contains(&buttons.len()), "{buttons:?}");
    let custom_id = buttons[0]["custom_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(buttons
        .iter()
        .all(|b| b["label"].as_str().is_some_and(|l| l.chars().count() <= 80)));
    let click = bot
        .interact(interaction_button(&here, &suggestion.response, &custom_id))
        .await;
    assert_eq!(click.body["type"], 4);
    check_reply(&click, "Are there any side effects of acupuncture?");

    // Picking a question from the topic's menu opens it.
    let value = options[0]["value"].as_str().unwrap_or_default().to_owned();
    let pick = bot
        .interact(interaction_component(
            &here,
            &suggestion.response,
            "faq:topic-menu",
            3,
            Some(&[value.as_str()]),
        ))
        .await;
    check_reply(&pick, "Source");

    for (command, want) in [
        ("topics", "Topics I can answer"),
        ("sources", "Can Acupressure Help With Back Pain?"),
        ("help", "/ask"),
    ] {
        let response = bot
            .interact(interaction_command(&here, command, Value::Null))
            .await;
        check_reply(&response, want);
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_good_content_refuses_bad_content_and_checks_permissions() {
    let dir = scratch_content();
    let bot = Running::start(dir.path(), 0).await;
    let member = FakeUser::new("member");
    let moderator = FakeUser::new("moderator");
    let as_moderator = Origin::guild(&moderator).with_permissions(ADMIN_PERMISSIONS);
    let insurance = "Is acupuncture covered by insurance?";

    let before = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&before, "some insurance plans may cover acupuncture");

    // The permission default hides /reload, but a crafted interaction from a
    // plain member must still be refused, privately.
    let refused = bot
        .interact(interaction_command(
            &Origin::guild(&member),
            "reload",
            Value::Null,
        ))
        .await;
    assert_eq!(refused.body["data"]["flags"], 64, "refusals are private");
    assert!(refused
        .content()
        .unwrap_or_default()
        .contains("Manage Server"));

    edit(
        dir.path(),
        "entries.toml",
        "to find out about coverage",
        "to learn what it covers",
    );
    // /reload from a DM is refused: there is no server to moderate, so no
    // permission or role can be checked (here the member even claims
    // administrator permissions).
    let from_dm = bot
        .interact(interaction_command(
            &Origin::dm(&moderator).with_permissions(ADMIN_PERMISSIONS),
            "reload",
            Value::Null,
        ))
        .await;
    assert!(
        from_dm
            .content()
            .unwrap_or_default()
            .contains("Manage Server"),
        "{:?}",
        from_dm.content()
    );
    let unchanged = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&unchanged, "to find out about coverage");

    // A member with the configured moderator role, and no Manage Server
    // permission, may reload.
    let mut by_role = interaction_command(&Origin::guild(&moderator), "reload", Value::Null);
    by_role["member"]["roles"] = json!([MODERATOR_ROLE_ID]);
    let reloaded = bot.interact(by_role).await;
    assert_eq!(reloaded.body["data"]["flags"], 64, "summaries are private");
    let summary = reloaded.content().unwrap_or_default();
    assert!(summary.contains("Changed: insurance"), "{summary}");
    let after = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&after, "to learn what it covers");

    // Broken content: every problem listed, nothing changes.
    edit(
        dir.path(),
        "entries.toml",
        "topics = [\"practical\"",
        "topics = [\"nowhere\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "title = \"Can Acupressure",
        "titel = \"Can Acupressure",
    );
    let broken = bot
        .interact(interaction_command(&as_moderator, "reload", Value::Null))
        .await;
    let report = broken.content().unwrap_or_default();
    assert!(report.contains("nothing was changed"), "{report}");
    assert!(
        report.contains("sources.toml:40: unknown key `titel`"),
        "{report}"
    );
    let still = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&still, "to learn what it covers");
    assert_eq!(
        bot.service.current().catalog().entries.len(),
        common::shipped().catalog().entries.len()
    );

    // Content that parses but that the matcher cannot tell apart (a
    // phrasing of one entry reads the same as another's) is refused too, and
    // nothing of it is served: not the ambiguity, not the answer edited
    // with it.
    edit(
        dir.path(),
        "entries.toml",
        "topics = [\"nowhere\"",
        "topics = [\"practical\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "titel = \"Can Acupressure",
        "title = \"Can Acupressure",
    );
    edit(
        dir.path(),
        "entries.toml",
        "  \"acupuncture insurance\",",
        "  \"acupuncture insurance\",\n  \"back pain, what is it\",",
    );
    edit(
        dir.path(),
        "entries.toml",
        "to learn what it covers",
        "to ask what it covers",
    );
    let ambiguous = bot
        .interact(interaction_command(&as_moderator, "reload", Value::Null))
        .await;
    let report = ambiguous.content().unwrap_or_default();
    assert!(report.contains("nothing was changed"), "{report}");
    assert!(report.contains("reads the same to the matcher"), "{report}");
    let same = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&same, "to learn what it covers");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_200_questions_is_answered_exactly_once_each() {
    let bot = Running::start(&shipped(), 0).await;
    let users: Vec<FakeUser> = (0..8).map(|i| FakeUser::new(&format!("user{i}"))).collect();
    let questions = [
        "is acupuncture safe",
        "what is qi",
        "how many sessions do I need",
        "what causes back pain",
        "tell me a joke",
    ];
    let mut sent = Vec::new();
    for i in 0..200 {
        let origin = Origin::dm(&users[i % users.len()]);
        let message = message_create(&origin, questions[i % questions.len()]);
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        sent.push(message);
    }
    for message in &sent {
        bot.fake
            .next_request(replies_to(message), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no reply to message {}", message["id"]));
    }
    let fake = bot.stop().await;
    let requests = fake.requests();
    for message in &sent {
        let count = requests.iter().filter(|r| replies_to(message)(r)).count();
        assert_eq!(count, 1, "message {} answered {count} times", message["id"]);
    }
    // The fake echoes every reply back as a message from the bot, as Discord
    // does; none of those 200 echoes may be answered.
    let posted = requests
        .iter()
        .filter(|r| r.method == "POST" && r.route().ends_with("/messages"))
        .count();
    assert_eq!(posted, 200, "one message per question and nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_member_is_limited_and_others_are_not() {
    /// Questions per member per minute in this test.
    const LIMIT: usize = 3;
    /// What the flooder sends.
    const FLOOD: usize = 100;
    let bot = Running::start(&shipped(), LIMIT).await;
    let flooder = FakeUser::new("flooder");
    let others: Vec<FakeUser> = (0..5)
        .map(|i| FakeUser::new(&format!("other-{i}")))
        .collect();
    let mut sent = Vec::new();
    let mut theirs = Vec::new();
    for i in 0..FLOOD {
        let message = message_create(&Origin::dm(&flooder), "what is qi");
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        sent.push(message);
        // Others ask in the middle of the flood, in a guild and in DMs.
        if i % 20 == 10 {
            let other = &others[i / 20];
            let origin = if i % 40 == 10 {
                Origin::dm(other)
            } else {
                Origin::guild(other)
            };
            let message = message_create(&origin, &format!("<@{BOT_USER_ID}> what is qi"));
            bot.fake.dispatch("MESSAGE_CREATE", message.clone());
            theirs.push(message);
        }
    }
    for message in &theirs {
        let reply = bot
            .fake
            .next_request(replies_to(message), TIMEOUT)
            .await
            .expect("every other member is answered");
        check_reply(&reply, "life force");
    }
    // Over the limit, an emergency is still answered.
    let urgent = bot
        .say(
            &Origin::dm(&flooder),
            "my back hurts and I can't control my bladder",
        )
        .await;
    check_reply(&urgent, "urgent medical care");
    let fake = bot.stop().await;
    let replies: Vec<Request> = fake
        .requests()
        .into_iter()
        .filter(|r| sent.iter().any(|m| replies_to(m)(r)))
        .collect();
    let notices = replies
        .iter()
        .filter(|r| {
            r.content()
                .unwrap_or_default()
                .contains("asking questions quickly")
        })
        .count();
    assert_eq!(
        (replies.len(), notices),
        (LIMIT + 1, 1),
        "{LIMIT} answers and one notice for {FLOOD} questions"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_are_ignored_and_a_dropped_connection_is_resumed() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let other_bot = FakeUser::other_bot("otherbot");
    let from_bot = message_create(
        &Origin::dm(&other_bot),
        &format!("<@{BOT_USER_ID}> what is qi"),
    );
    bot.fake.dispatch("MESSAGE_CREATE", from_bot.clone());
    let itself = message_create(&Origin::dm(&FakeUser::the_bot()), "what is qi");
    bot.fake.dispatch("MESSAGE_CREATE", itself.clone());
    // The bot saw both and left them alone (a check after stopping alone
    // would pass for messages it never received).
    for message in [&from_bot, &itself] {
        let id = format!("question={}", message["id"].as_str().unwrap_or_default());
        let seen = logs
            .wait_for(|l| l.contains("message from a bot: left alone") && l.contains(&id))
            .await;
        assert!(seen.is_some(), "the bot never decided on {id}");
    }

    assert!(bot.fake.drop_connection(), "a connection to drop");
    bot.fake.wait_resumes(1).await;
    let after = bot.say(&Origin::dm(&member), "what is qi").await;
    check_reply(&after, "life force");

    let fake = bot.stop().await;
    let requests = fake.requests();
    assert!(
        !requests.iter().any(replies_to(&from_bot)),
        "answered a bot"
    );
    assert!(!requests.iter().any(replies_to(&itself)), "answered itself");
    assert_eq!(fake.identify_count(), 1, "resumed, not re-identified");
}
