//! The bot's shared state, independent of Discord: the catalog being
//! served, reloading it, and per-user cooldowns. The Discord glue and the
//! SIGHUP handler call into this; nothing here knows about serenity, poise
//! or tokio.
//!
//! [`Service::decide`] orders the work on a member's message so that a
//! flood stays cheap: triage for everyone, then the cooldown, and FAQ
//! matching only for a question the cooldown admits.
//!
//! Reloading builds a whole new [`Matcher`] outside any lock and swaps an
//! `Arc` in one step, so every question is answered from either the old or
//! the new content, never a mix, and a failed reload changes nothing.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::content::{Catalog, FlagKind, Problem};
use crate::cooldown::{Cooldown, Urgency, UrgentRepeats, Verdict};
use crate::matcher::{Match, Matcher, Outcome, Thresholds};

/// How a message reached the bot, which decides what is worth a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressed {
    /// It mentions the bot, is a DM or `/ask`: every outcome gets a reply.
    Directly,
    /// It was posted in an answer channel: only answers get a reply, so the
    /// bot never clutters a conversation it was not asked into.
    InAnswerChannel,
}

/// What to do with a member's message.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Reply with this match (an emergency, an answer, a suggestion...).
    Reply(Match),
    /// Don't answer; tell the member once that they are going too fast.
    Notify {
        /// When the member may ask again.
        retry_after: Duration,
    },
    /// Say nothing.
    Silent,
    /// An urgent message from a member who got the same kind of urgent
    /// reply in this channel within [`crate::cooldown::URGENT_REPEAT_WINDOW`]:
    /// not posted there again (the first is still on screen). The match is
    /// for a reply only the member sees, where one is owed (`/ask`).
    UrgentRepeat(Match),
}

/// The two steps of answering a message, apart, so the cooldown can come
/// between them: [`Matcher`] is the real one; a test can count the calls.
pub trait Answerer {
    /// The urgent match when the message describes an emergency.
    fn triage(&self, question: &str) -> Option<Match>;
    /// Whether an urgent match is a crisis (its own reply, its own bound on
    /// repeats) rather than an emergency.
    fn is_crisis(&self, _urgent: &Match) -> bool {
        false
    }
    /// FAQ matching, for a message triage let through.
    fn answer(&self, question: &str) -> Match;
}

impl Answerer for Matcher {
    fn triage(&self, question: &str) -> Option<Match> {
        Matcher::triage(self, question)
    }

    fn is_crisis(&self, urgent: &Match) -> bool {
        self.red_flag(urgent)
            .is_some_and(|f| f.kind == FlagKind::Crisis)
    }

    fn answer(&self, question: &str) -> Match {
        Matcher::answer(self, question)
    }
}

/// Shared state behind every command and message handler.
pub struct Service {
    matcher: ArcSwap<Matcher>,
    source: Source,
    thresholds: Thresholds,
    cooldown: Mutex<Cooldown>,
    /// One urgent reply per member per channel per window.
    urgent_repeats: Mutex<UrgentRepeats>,
    /// Messages that already got an urgent reply, so an edit never gets a
    /// second one.
    urgent_messages: Mutex<RecentIds>,
    /// Serialises reloads: two moderators reloading at once would otherwise
    /// each compute a summary against the same old catalog.
    reloading: Mutex<()>,
}

/// A reader of content files by name, for content that is not a folder.
pub type Reader = Arc<dyn Fn(&str) -> std::io::Result<Vec<u8>> + Send + Sync>;

/// Where the content comes from, at start and at every reload.
enum Source {
    /// A content folder, read through its sandbox.
    Folder(PathBuf),
    /// Any other reader of files by name.
    Reader { label: String, read: Reader },
}

impl Source {
    fn load(&self, thresholds: Thresholds) -> Result<Matcher, Vec<Problem>> {
        match self {
            Source::Folder(dir) => crate::load(dir, thresholds),
            Source::Reader { label, read } => {
                crate::load_with(label, |name| read(name), thresholds)
            }
        }
    }
}

/// What a successful reload changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadSummary {
    /// Ids of entries that are new.
    pub added: Vec<String>,
    /// Ids of entries that are gone.
    pub removed: Vec<String>,
    /// Ids of entries whose question, phrasings, answer, topics or sources
    /// changed.
    pub changed: Vec<String>,
    /// Counts in the new catalog.
    pub now: crate::content::Summary,
}

impl fmt::Display for ReloadSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ids: &[String]| {
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        };
        writeln!(f, "Reloaded: {}.", self.now)?;
        writeln!(f, "Added: {}", list(&self.added))?;
        writeln!(f, "Removed: {}", list(&self.removed))?;
        write!(f, "Changed: {}", list(&self.changed))
    }
}

impl Service {
    /// Loads the content at `content_dir` and starts serving it; reloads
    /// read the folder again.
    pub fn load(
        content_dir: &Path,
        thresholds: Thresholds,
        cooldown: Cooldown,
    ) -> Result<Service, Vec<Problem>> {
        Service::serve(
            Source::Folder(content_dir.to_path_buf()),
            thresholds,
            cooldown,
        )
    }

    /// Loads the content `read` returns by file name (`label` names it in
    /// problems), and starts serving it; reloads call `read` again.
    pub fn from_reader(
        label: &str,
        read: Reader,
        thresholds: Thresholds,
        cooldown: Cooldown,
    ) -> Result<Service, Vec<Problem>> {
        let source = Source::Reader {
            label: label.to_owned(),
            read,
        };
        Service::serve(source, thresholds, cooldown)
    }

    fn serve(
        source: Source,
        thresholds: Thresholds,
        cooldown: Cooldown,
    ) -> Result<Service, Vec<Problem>> {
        let matcher = source.load(thresholds)?;
        Ok(Service {
            matcher: ArcSwap::from_pointee(matcher),
            source,
            thresholds,
            cooldown: Mutex::new(cooldown),
            urgent_repeats: Mutex::new(UrgentRepeats::default()),
            urgent_messages: Mutex::new(RecentIds::default()),
            reloading: Mutex::new(()),
        })
    }

    /// The content being served now. Hold on to the returned `Arc` for the
    /// whole of one reply, so the reply comes from one version.
    pub fn current(&self) -> Arc<Matcher> {
        self.matcher.load_full()
    }

    /// Loads the content folder again. On success the new content is served
    /// from the next question on; on failure nothing changes. Blocking (it
    /// reads files and builds an index): call it off the async runtime.
    pub fn reload(&self) -> Result<ReloadSummary, Vec<Problem>> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let new = self.source.load(self.thresholds)?;
        let summary = diff(self.current().catalog(), new.catalog());
        self.matcher.store(Arc::new(new));
        Ok(summary)
    }

    /// What to do with `question` from `user` in `channel`, asked at
    /// `now`. Triage runs first, for everyone: an urgent message is never
    /// counted and never meets the cooldown, since an emergency must be
    /// answered (the flooder's included), but it is posted once per kind
    /// (emergency, crisis), member and channel per
    /// [`crate::cooldown::URGENT_REPEAT_WINDOW`]. Then the cooldown, and only a question it admits
    /// is matched against the FAQ: a member over the limit costs triage and
    /// nothing more.
    ///
    /// In an answer channel only an answer counts as a question (small
    /// talk, like a message the FAQ does not cover, gets silence), so the
    /// message is matched first when the member is under the limit, and
    /// counted only when it is answered. A member already over the limit
    /// gets silence there, without matching: whether the message was a
    /// question at all would take the matching the limit is there to save,
    /// and the notice is for members who address the bot.
    pub fn decide(
        &self,
        answerer: &impl Answerer,
        user: u64,
        channel: u64,
        question: &str,
        addressed: Addressed,
        now: Instant,
    ) -> Decision {
        if let Some(urgent) = answerer.triage(question) {
            return if self.admit_urgent(answerer, user, channel, &urgent, now) {
                Decision::Reply(urgent)
            } else {
                Decision::UrgentRepeat(urgent)
            };
        }
        match addressed {
            Addressed::Directly => self.admit(user, now, || answerer.answer(question)),
            Addressed::InAnswerChannel => {
                if self.cooldown().is_limited(user, now) {
                    return Decision::Silent;
                }
                let m = answerer.answer(question);
                if m.outcome != Outcome::Answer {
                    return Decision::Silent;
                }
                self.admit(user, now, || m)
            }
        }
    }

    /// Records a question from `user` at `now` and decides on it: the reply
    /// `answer` gives when the cooldown allows it. The lock is released
    /// before `answer` runs: other members' questions would wait for it.
    fn admit(&self, user: u64, now: Instant, answer: impl FnOnce() -> Match) -> Decision {
        let verdict = self.cooldown().check(user, now);
        match verdict {
            Verdict::Allow => Decision::Reply(answer()),
            Verdict::Notify { retry_after } => Decision::Notify { retry_after },
            Verdict::Silent => Decision::Silent,
        }
    }

    fn cooldown(&self) -> MutexGuard<'_, Cooldown> {
        self.cooldown.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the urgent reply `urgent` to `user` in `channel` is posted:
    /// the first of its kind (emergency, crisis) for that member and
    /// channel within [`crate::cooldown::URGENT_REPEAT_WINDOW`] is.
    pub fn admit_urgent(
        &self,
        answerer: &impl Answerer,
        user: u64,
        channel: u64,
        urgent: &Match,
        now: Instant,
    ) -> bool {
        let urgency = if answerer.is_crisis(urgent) {
            Urgency::Crisis
        } else {
            Urgency::Emergency
        };
        self.urgent_repeats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .admit(user, channel, urgency, now)
    }

    /// Records that message `id` is getting an urgent reply; false if it
    /// already got one (an edited message is re-checked, but answered once).
    pub fn first_urgent_reply(&self, id: u64) -> bool {
        self.urgent_messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id)
    }
}

/// How many message ids [`RecentIds`] keeps: members edit recent messages,
/// and this is far more urgent replies than a server sees between a
/// message and its edit. Ids only: no user ids, no text.
const MAX_URGENT_MESSAGES: usize = 4_096;

/// A bounded set of message ids, the oldest forgotten first.
#[derive(Debug, Default)]
struct RecentIds {
    ids: HashSet<u64>,
    order: VecDeque<u64>,
}

impl RecentIds {
    /// Adds `id`; false if it was already there.
    fn insert(&mut self, id: u64) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > MAX_URGENT_MESSAGES {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
        true
    }
}

/// What changed between two catalogs, by entry id.
pub fn diff(old: &Catalog, new: &Catalog) -> ReloadSummary {
    let old_ids: BTreeSet<&str> = old.entries.iter().map(|e| e.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = new.entries.iter().map(|e| e.id.as_str()).collect();
    let old_by_id: std::collections::HashMap<&str, &crate::content::Entry> =
        old.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let changed = new
        .entries
        .iter()
        .filter(|e| {
            old_by_id.get(e.id.as_str()).is_some_and(|o| {
                (&o.question, &o.alternates, &o.answer, &o.topics, &o.sources)
                    != (&e.question, &e.alternates, &e.answer, &e.topics, &e.sources)
            })
        })
        .map(|e| e.id.clone())
        .collect();
    ReloadSummary {
        added: new_ids
            .difference(&old_ids)
            .map(|s| (*s).to_owned())
            .collect(),
        removed: old_ids
            .difference(&new_ids)
            .map(|s| (*s).to_owned())
            .collect(),
        changed,
        now: new.summary(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_answer_once_and_stay_bounded() {
        let mut ids = RecentIds::default();
        assert!(ids.insert(1));
        assert!(!ids.insert(1));
        for id in 2..(MAX_URGENT_MESSAGES as u64 + 10) {
            assert!(ids.insert(id));
        }
        assert!(ids.ids.len() <= MAX_URGENT_MESSAGES);
        assert_eq!(ids.ids.len(), ids.order.len());
        // The oldest was forgotten; a recent one is still known.
        assert!(ids.insert(1));
        assert!(!ids.insert(MAX_URGENT_MESSAGES as u64));
    }
}
