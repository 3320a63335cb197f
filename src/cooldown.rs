//! Per-user question limits, so one member cannot flood a channel or the
//! bot: at most `limit` questions in any `window`, then one notice, then
//! silence until the window frees up. Other members are never affected.
//!
//! Urgent replies are never counted against that limit (an emergency always
//! gets its guidance), but they are bounded on their own: one urgent reply
//! of each kind (emergency, crisis) per member per channel per
//! [`URGENT_REPEAT_WINDOW`] ([`UrgentRepeats`]).
//!
//! Pure bookkeeping: the caller passes the current time, so tests need no
//! clock and no sleeps.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What to do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it.
    Allow,
    /// Don't answer; tell the member once that they are going too fast.
    Notify {
        /// When the member may ask again.
        retry_after: Duration,
    },
    /// Don't answer, and say nothing (the member was already told).
    Silent,
}

/// How long after an urgent reply to a member in a channel another urgent
/// message from them there gets none. The guidance (emergency services,
/// a doctor today) does not change within minutes and the first reply is
/// still on screen above; without a bound one member could make the bot
/// post the emergency text 20 times a minute in an answer channel. Short
/// enough that a member whose situation changes later is answered again.
pub const URGENT_REPEAT_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The kind of an urgent reply. The two are bounded apart: the crisis
/// reply (crisis lines) says what the emergency reply does not, so a
/// crisis message right after an emergency one is always answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    /// A medical emergency: the urgent-care reply.
    Emergency,
    /// Suicidal thoughts or self-harm: the crisis reply.
    Crisis,
}

/// The (member, channel, kind) triples that got an urgent reply recently.
#[derive(Debug, Default)]
pub struct UrgentRepeats {
    last: HashMap<(u64, u64, Urgency), Instant>,
}

impl UrgentRepeats {
    /// Whether `user` may get an urgent reply of kind `urgency` in
    /// `channel` at `now`; if so, it is recorded. The first urgent message
    /// of each kind always may.
    pub fn admit(&mut self, user: u64, channel: u64, urgency: Urgency, now: Instant) -> bool {
        let recent = |t: &Instant| now.saturating_duration_since(*t) < URGENT_REPEAT_WINDOW;
        if self.last.get(&(user, channel, urgency)).is_some_and(recent) {
            return false;
        }
        if self.last.len() >= MAX_TRACKED_USERS {
            self.last.retain(|_, t| recent(t));
            if self.last.len() >= MAX_TRACKED_USERS {
                // Every record is recent: a flood of distinct members. The
                // bound on memory wins over the bound on repeats.
                self.last.clear();
            }
        }
        self.last.insert((user, channel, urgency), now);
        true
    }
}

/// How many members are tracked at most; past this the oldest records are
/// dropped, so a flood of distinct members cannot grow memory without
/// bound. Far more members than ask within one window on a small server.
const MAX_TRACKED_USERS: usize = 10_000;

/// The limiter.
#[derive(Debug)]
pub struct Cooldown {
    limit: usize,
    window: Duration,
    users: HashMap<u64, UserRecord>,
}

#[derive(Debug, Default)]
struct UserRecord {
    /// When each question still inside the window was allowed.
    allowed: VecDeque<Instant>,
    /// Whether the member has been told about the limit in this window.
    notified: bool,
}

impl UserRecord {
    /// Forgets the questions that have left the window (and the notice
    /// with them).
    fn expire(&mut self, now: Instant, window: Duration) {
        while self
            .allowed
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            self.allowed.pop_front();
            self.notified = false;
        }
    }
}

impl Cooldown {
    /// At most `limit` questions per member in any `window`. A limit of 0
    /// turns the cooldown off.
    pub fn new(limit: usize, window: Duration) -> Cooldown {
        Cooldown {
            limit,
            window,
            users: HashMap::new(),
        }
    }

    /// Records a question from `user` at `now` and says what to do with it.
    pub fn check(&mut self, user: u64, now: Instant) -> Verdict {
        if self.limit == 0 {
            return Verdict::Allow;
        }
        if self.users.len() >= MAX_TRACKED_USERS && !self.users.contains_key(&user) {
            self.forget_idle(now);
        }
        let window = self.window;
        let record = self.users.entry(user).or_default();
        record.expire(now, window);
        if record.allowed.len() < self.limit {
            record.allowed.push_back(now);
            return Verdict::Allow;
        }
        if record.notified {
            return Verdict::Silent;
        }
        record.notified = true;
        let oldest = record.allowed.front().copied().unwrap_or(now);
        Verdict::Notify {
            retry_after: window.saturating_sub(now.saturating_duration_since(oldest)),
        }
    }

    /// Whether a question from `user` at `now` would be refused, without
    /// recording one: for deciding whether a message is worth reading
    /// further before it counts.
    pub fn is_limited(&mut self, user: u64, now: Instant) -> bool {
        if self.limit == 0 {
            return false;
        }
        let window = self.window;
        self.users.get_mut(&user).is_some_and(|record| {
            record.expire(now, window);
            record.allowed.len() >= self.limit
        })
    }

    /// Drops members with nothing inside the window.
    fn forget_idle(&mut self, now: Instant) {
        let window = self.window;
        self.users.retain(|_, r| {
            r.allowed
                .back()
                .is_some_and(|&t| now.saturating_duration_since(t) < window)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs (user, seconds since start) events through a limiter of 2 per
    /// 60 s and checks each verdict.
    fn check(events: &[(u64, u64, Verdict)]) {
        let start = Instant::now();
        let mut cooldown = Cooldown::new(2, Duration::from_secs(60));
        for &(user, at, expect) in events {
            let got = cooldown.check(user, start + Duration::from_secs(at));
            assert_eq!(got, expect, "user {user} at {at}s");
        }
    }

    #[test]
    fn limits_each_user_separately_and_notifies_once() {
        let notify = |s| Verdict::Notify {
            retry_after: Duration::from_secs(s),
        };
        check(&[
            (1, 0, Verdict::Allow),
            (1, 10, Verdict::Allow),
            (1, 20, notify(40)),
            (2, 20, Verdict::Allow),
            (1, 30, Verdict::Silent),
            (1, 59, Verdict::Silent),
            (1, 60, Verdict::Allow),
            (1, 61, notify(9)),
            (2, 61, Verdict::Allow),
        ]);
    }

    #[test]
    fn one_urgent_reply_per_member_and_channel_per_window() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let window = URGENT_REPEAT_WINDOW.as_secs();
        let mut repeats = UrgentRepeats::default();
        let (care, crisis) = (Urgency::Emergency, Urgency::Crisis);
        // (user, channel, kind, seconds, admitted)
        for (user, channel, kind, s, admitted) in [
            (1, 10, care, 0, true),
            (1, 10, care, 1, false),
            (1, 10, crisis, 1, true),
            (1, 10, crisis, 2, false),
            (1, 10, care, window - 1, false),
            (1, 11, care, 2, true),
            (2, 10, care, 2, true),
            (1, 10, care, window, true),
            (1, 10, care, window + 1, false),
        ] {
            assert_eq!(
                repeats.admit(user, channel, kind, at(s)),
                admitted,
                "user {user} in channel {channel} at {s}s"
            );
        }
    }

    #[test]
    fn urgent_records_are_bounded() {
        let now = Instant::now();
        let mut repeats = UrgentRepeats::default();
        for user in 0..(MAX_TRACKED_USERS as u64 + 10) {
            assert!(repeats.admit(user, 1, Urgency::Emergency, now));
        }
        assert!(repeats.last.len() <= MAX_TRACKED_USERS);
    }

    #[test]
    fn asking_whether_limited_records_nothing() {
        let start = Instant::now();
        let at = |s| start + Duration::from_secs(s);
        let mut cooldown = Cooldown::new(2, Duration::from_secs(60));
        assert!(!cooldown.is_limited(1, at(0)));
        assert!(cooldown.users.is_empty(), "a record for a mere look");
        assert_eq!(cooldown.check(1, at(0)), Verdict::Allow);
        assert!(!cooldown.is_limited(1, at(1)));
        assert!(!cooldown.is_limited(1, at(1)));
        assert_eq!(cooldown.check(1, at(2)), Verdict::Allow);
        assert!(cooldown.is_limited(1, at(3)));
        // Looking did not use up the notice.
        assert!(matches!(cooldown.check(1, at(4)), Verdict::Notify { .. }));
        assert!(!cooldown.is_limited(1, at(60)));
    }

    #[test]
    fn zero_limit_turns_it_off() {
        let mut cooldown = Cooldown::new(0, Duration::from_secs(60));
        let now = Instant::now();
        assert!((0..100).all(|_| cooldown.check(7, now) == Verdict::Allow));
    }
}
