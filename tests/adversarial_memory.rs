//! No input costs much more memory than a question should: the peak bytes
//! allocated during one `ask` of each adversarial message
//! (`benches/adversarial.rs`) stay within [`BUDGET`] of a normal
//! question's. Allocations are counted, not timed, so the figures are the
//! same on every run; they go in docs/PERFORMANCE.md.
//!
//! One test in its own binary, so nothing else allocates while it counts.

#[path = "../benches/adversarial.rs"]
mod adversarial;
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How far above a normal question's peak any message may go: 1 MiB, the
/// issue's bound.
const BUDGET: usize = 1 << 20;

/// The system allocator, counting the bytes live and the most live since
/// [`reset_peak`].
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(live, Ordering::SeqCst);
}

// SAFETY: every call is passed to `System` unchanged; only counters are
// added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes `f` has live at once beyond what was live before it.
fn peak_of(f: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst).saturating_sub(before)
}

#[test]
fn no_message_costs_a_megabyte_more_than_a_question() {
    let matcher = common::shipped();
    // Warm up whatever is allocated once (lazy statics).
    std::hint::black_box(matcher.ask(adversarial::NORMAL));
    let normal = peak_of(|| {
        std::hint::black_box(matcher.ask(adversarial::NORMAL));
    });
    let mut report = format!("normal question: {normal} bytes");
    let mut over = Vec::new();
    for (name, input) in adversarial::inputs() {
        let peak = peak_of(|| {
            std::hint::black_box(matcher.ask(&input));
        });
        let above = peak.saturating_sub(normal);
        report.push_str(&format!("\n{name}: {peak} bytes, {above} above normal"));
        if above > BUDGET {
            over.push(name);
        }
    }
    // Shown with --nocapture; the figures for docs/PERFORMANCE.md.
    println!("{report}");
    assert!(over.is_empty(), "over budget: {over:?}\n{report}");
}
