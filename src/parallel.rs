//! Two pieces of work on two threads, when the content is large enough for
//! a thread to pay: what loading a 10,000-entry catalog uses to stay fast
//! (docs/PERFORMANCE.md). Small content, the shipped FAQ included, loads on
//! one thread. Scoped threads only: nothing outlives the call.

/// From this many entries, work over them is split in two: below it a
/// thread costs more than it saves (the shipped content has tens).
pub(crate) const MIN_ENTRIES: usize = 2_000;

/// From this many bytes, a file's parsing is split in two or overlapped
/// with other files (the shipped entries.toml has tens of kilobytes).
pub(crate) const MIN_BYTES: usize = 1 << 20;

/// Whether work this large should be split: it is at least `min`, and the
/// machine has a second core to run the other half.
pub(crate) fn worth_it(size: usize, min: usize) -> bool {
    size >= min && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// Runs `a` and `b` and returns both results: `b` on a second thread when
/// `split`, else one after the other on this thread. A panic in either is
/// passed on.
pub(crate) fn join<A, B>(split: bool, a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    if !split {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        match b.join() {
            Ok(b) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
