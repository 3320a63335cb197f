//! The bot's shared state, independent of Discord: the catalog being
//! served, reloading it, and per-user cooldowns. The Discord glue and the
//! SIGHUP handler call into this; nothing here knows about serenity, poise
//! or tokio.
//!
//! Reloading builds a whole new [`Matcher`] outside any lock and swaps an
//! `Arc` in one step, so every question is answered from either the old or
//! the new content, never a mix, and a failed reload changes nothing.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use arc_swap::ArcSwap;

use crate::content::FlagKind;
use crate::content::{Catalog, Problem};
use crate::cooldown::{Cooldown, Urgency, UrgentRepeats, Verdict};
use crate::matcher::{Match, Matcher, Outcome, Thresholds};

/// Shared state behind every command and message handler.
pub struct Service {
    matcher: ArcSwap<Matcher>,
    content_dir: PathBuf,
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
    /// Loads the content at `content_dir` and starts serving it.
    pub fn load(
        content_dir: &Path,
        thresholds: Thresholds,
        cooldown: Cooldown,
    ) -> Result<Service, Vec<Problem>> {
        let matcher = crate::load(content_dir, thresholds)?;
        Ok(Service {
            matcher: ArcSwap::from_pointee(matcher),
            content_dir: content_dir.to_path_buf(),
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
        let new = crate::load(&self.content_dir, self.thresholds)?;
        let summary = diff(self.current().catalog(), new.catalog());
        self.matcher.store(Arc::new(new));
        Ok(summary)
    }

    /// Records a question from `user` in `channel`, matched as `m` by
    /// `matcher`, and says whether to answer it. An urgent question is not
    /// counted and never meets the cooldown: an emergency is always
    /// answered, but only once per kind (emergency, crisis), member and
    /// channel per [`crate::cooldown::URGENT_REPEAT_WINDOW`]
    /// ([`Verdict::UrgentRepeat`] after that).
    pub fn admit(
        &self,
        user: u64,
        channel: u64,
        matcher: &Matcher,
        m: &Match,
        now: Instant,
    ) -> Verdict {
        if m.outcome == Outcome::Urgent {
            let flag = m
                .flag
                .and_then(|i| matcher.catalog().red_flags.flags.get(i));
            let urgency = match flag {
                Some(flag) if flag.kind == FlagKind::Crisis => Urgency::Crisis,
                _ => Urgency::Emergency,
            };
            let first = self
                .urgent_repeats
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .admit(user, channel, urgency, now);
            return if first {
                Verdict::Allow
            } else {
                Verdict::UrgentRepeat
            };
        }
        self.cooldown
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(user, now)
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
