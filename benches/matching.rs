//! Matching, reload and batch benchmarks, with a naive baseline in the same
//! run: see docs/PERFORMANCE.md for the figures and how to read them.
//!
//! `cargo bench` runs everything; `cargo bench -- match/` only the matcher,
//! `cargo bench -- adversarial/` the inputs built to cost the most.

mod adversarial;
mod synthetic;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use backpain_bot::matcher::{Matcher, Thresholds, MAX_TRIAGE_CHARS};
use backpain_bot::reply::AskRecord;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// The allocator the binary uses (src/main.rs), so the figures are the
/// bot's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Catalog sizes for the scaling benchmarks.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Naive baseline sizes: at 100,000 entries one naive question takes most of
/// a second, and the ratio is already clear at 10,000.
const NAIVE_SIZES: [usize; 2] = [1_000, 10_000];

/// A fixed mix of questions for the shipped content: in-domain, with typos,
/// keyword queries, chat phrasing and off-topic.
const SHIPPED_MIX: [&str; 16] = [
    "is acupuncture painful",
    "what is acupressure",
    "how many sessions do I need",
    "will my insurance cover acupuncture",
    "side efects of acupuncture",
    "wat is acupressur",
    "acupunture vs acupressure",
    "insurance",
    "aftercare",
    "hey bot does acupuncture hurt lol",
    "can i do acupressure on myself",
    "what's the weather like today",
    "how do I bake bread",
    "tell me a joke",
    "how do I treat a sprained ankle",
    "what is the meaning of life",
];

/// Messages as members type them, for the triage benchmark: long and
/// casual, with red-flag words that fire, are negated, are in the past, or
/// are benign; the same proportions as the tuning vignettes.
const TRIAGE_MIX: [&str; 10] = [
    "yo does anyone know if acupressure is legit for back pain? mine's been bad all week",
    "honestly i feel like ending it all because of this back pain",
    "no fever, no numbness, just a stiff lower back. what causes that?",
    "I had a car accident ten years ago but my back pain now is from my job, what causes it?",
    "i can hardly stand up and my legs keep giving out",
    "I fell asleep during my acupressure session, is that ok?",
    "got into a car crash yesterday and my back is really sore, should i try acupressure?",
    "i dont have a fever my legs are giving out",
    "how many acupuncture sessions do I need? also I've been peeing myself since Tuesday",
    "can lifting hurt my back",
];

fn shipped() -> Matcher {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    match backpain_bot::load(&dir, Thresholds::default()) {
        Ok(matcher) => matcher,
        Err(problems) => panic!("shipped content: {problems:?}"),
    }
}

fn load(files: &BTreeMap<String, Vec<u8>>) -> Matcher {
    let read = |name: &str| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    };
    match backpain_bot::load_with("synthetic", read, Thresholds::default()) {
        Ok(matcher) => matcher,
        Err(problems) => panic!(
            "synthetic content: {:?}",
            &problems[..problems.len().min(5)]
        ),
    }
}

/// The baseline: the whole question against every question and alternate
/// with strsim, best one wins.
struct Naive {
    phrasings: Vec<(usize, String)>,
}

impl Naive {
    fn new(matcher: &Matcher) -> Naive {
        let phrasings = matcher
            .catalog()
            .entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                std::iter::once(&e.question)
                    .chain(&e.alternates)
                    .map(move |p| (i, p.to_lowercase()))
            })
            .collect();
        Naive { phrasings }
    }

    fn best(&self, question: &str) -> Option<(usize, f64)> {
        let question = question.to_lowercase();
        self.phrasings
            .iter()
            .map(|(i, p)| (*i, strsim::normalized_levenshtein(&question, p)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Benchmarks one question at a time, cycling through `questions`, so the
/// reported time is per question.
fn per_question<F: FnMut(&str) -> R, R>(
    b: &mut criterion::Bencher,
    questions: &[String],
    mut f: F,
) {
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % questions.len();
        black_box(f(black_box(&questions[i])))
    });
}

fn matching(c: &mut Criterion) {
    let matcher = shipped();
    let mix: Vec<String> = SHIPPED_MIX.iter().map(|s| (*s).to_owned()).collect();
    let mut group = c.benchmark_group("match");
    group.bench_function("shipped", |b| per_question(b, &mix, |q| matcher.ask(q)));
    let messages: Vec<String> = TRIAGE_MIX.iter().map(|s| (*s).to_owned()).collect();
    group.bench_function("shipped/members-messages", |b| {
        per_question(b, &messages, |q| matcher.ask(q))
    });
    // The longest message Discord lets anyone send, its emergency at the end.
    let chatter = "so my back has been bad and i tried lots of things like stretching. ";
    let mut longest = chatter.repeat(MAX_TRIAGE_CHARS / chatter.len());
    longest.push_str("now i lost control of my bladder");
    let longest = vec![longest];
    group.bench_function("shipped/longest-message", |b| {
        per_question(b, &longest, |q| matcher.ask(q))
    });
    for size in SIZES {
        let synthetic = load(&synthetic::catalog_files(size, 7));
        let questions = synthetic::questions(size, 400, 11);
        group.bench_with_input(BenchmarkId::new("synthetic", size), &size, |b, _| {
            per_question(b, &questions, |q| synthetic.ask(q))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("naive");
    let naive = Naive::new(&matcher);
    group.bench_function("shipped", |b| per_question(b, &mix, |q| naive.best(q)));
    for size in NAIVE_SIZES {
        let synthetic = load(&synthetic::catalog_files(size, 7));
        let naive = Naive::new(&synthetic);
        let questions = synthetic::questions(size, 400, 11);
        group.bench_with_input(BenchmarkId::new("synthetic", size), &size, |b, _| {
            per_question(b, &questions, |q| naive.best(q))
        });
    }
    group.finish();
}

/// One `ask` of each adversarial message (`benches/adversarial.rs`), and of
/// a normal question to compare.
fn adversarial(c: &mut Criterion) {
    let matcher = shipped();
    let mut group = c.benchmark_group("adversarial");
    let normal = adversarial::NORMAL.to_owned();
    group.bench_function("normal", |b| b.iter(|| matcher.ask(black_box(&normal))));
    for (name, input) in adversarial::inputs() {
        group.bench_function(name, |b| b.iter(|| matcher.ask(black_box(&input))));
    }
    group.finish();
}

fn reload(c: &mut Criterion) {
    let mut group = c.benchmark_group("reload");
    group.sample_size(10);
    group.bench_function("shipped", |b| b.iter(shipped));
    let files = synthetic::catalog_files(10_000, 7);
    group.bench_function("synthetic/10000", |b| b.iter(|| load(black_box(&files))));
    group.finish();
}

fn ask_json(c: &mut Criterion) {
    let matcher = shipped();
    let questions: Vec<&str> = (0..10_000)
        .map(|i| SHIPPED_MIX[i % SHIPPED_MIX.len()])
        .collect();
    let mut group = c.benchmark_group("ask_json");
    group.sample_size(10);
    group.bench_function("batch/10000", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for q in &questions {
                let m = matcher.ask(q);
                let line =
                    serde_json::to_string(&AskRecord::new(&matcher, q, &m)).unwrap_or_default();
                bytes += line.len();
            }
            black_box(bytes)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = matching, adversarial, reload, ask_json
}
criterion_main!(benches);
