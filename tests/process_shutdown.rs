//! The bot as a process (`discord::process::serve`, what `backpain-bot run`
//! calls): SIGHUP starts a reload that gets stuck in a read, and shutdown
//! (SIGTERM, in the binary) still returns at once, without waiting for the
//! reload's thread. Its own test binary: it sends SIGHUP to its own
//! process.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use backpain_bot::config::{Discord, Token};
use backpain_bot::discord::process;
use common::bot::{scratch_content, TIMEOUT};
use common::fake_discord::*;
use common::stuck;

#[test]
fn shutdown_returns_during_a_stuck_sighup_reload() {
    // The fake Discord runs on a runtime of its own; the bot on the one
    // `serve` makes.
    let fake_runtime = tokio::runtime::Runtime::new().expect("a runtime for the fake");
    let fake = fake_runtime.block_on(FakeDiscord::start());
    let content = scratch_content();
    let (service, control) = stuck::service(content.path());
    let config = Discord {
        api_url: Some(fake.base_url()),
        guild_ids: vec![GUILD_ID.parse().expect("numeric id")],
        answer_channels: Vec::new(),
        moderator_role_ids: Vec::new(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (done, finished) = std::sync::mpsc::channel();
    let bot = std::thread::spawn(move || {
        let result = process::serve(
            Arc::new(service),
            &config,
            &Token::new(TEST_TOKEN),
            || async {
                let _ = stopped.await;
            },
        );
        let _ = done.send(result.map_err(|e| e.to_string()));
    });

    // Connected and registered: `serve` listens for SIGHUP before it
    // connects, so the signal finds its handler.
    fake_runtime.block_on(async {
        fake.wait_ready().await;
        fake.next_request(|r| r.method == "PUT", TIMEOUT)
            .await
            .expect("the bot registers its commands");
    });
    control.stuck.store(true, Ordering::SeqCst);
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    assert_eq!(
        control.entered.recv_timeout(TIMEOUT),
        Ok(()),
        "SIGHUP starts a reload, which gets stuck"
    );

    // Shutdown, as SIGTERM would: `serve` returns while the read is stuck.
    let _ = stop.send(());
    let result = finished.recv_timeout(TIMEOUT);
    assert_eq!(
        result,
        Ok(Ok(())),
        "serve returns without waiting for the reload"
    );
    // Unstick the read so the reload's thread ends with the test.
    drop(control.release);
    let _ = bot.join();
}
