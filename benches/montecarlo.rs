//! Benchmark of the Monte Carlo stress test on the shipped example,
//! data/semis.csv with models/scenarios/semis.csv: 100,000 samples of 12
//! periods of the plan `divopt solve` recommends at floor 0.9 (worst case).
//!
//! Run: `cargo bench --bench montecarlo`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use divopt::formulation::Requirement;
use divopt::input::{load, ScenarioSource};
use divopt::instance::{Floor, Measure};
use divopt::montecarlo::{simulate, MonteCarloSpec};
use divopt::optimize::optimize;
use divopt::solve::Settings;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn semis(c: &mut Criterion) {
    let options = root().join("data/semis.csv");
    let scenarios = vec![root().join("models/scenarios/semis.csv")];
    let instance = load(&options, ScenarioSource::Files(&scenarios))
        .expect("the example loads")
        .instance;
    let requirement = Requirement::new(Floor::new(0.9).expect("in [0, 1]"), Measure::Worst);
    let plan = optimize(&instance, requirement, &Settings::default())
        .expect("solves")
        .best
        .expect("a plan at floor 0.9")
        .plan;
    let spec = MonteCarloSpec {
        samples: 100_000,
        seed: 1,
        horizon_periods: 12,
        floor: 0.9,
    };

    let mut group = c.benchmark_group("semis");
    group.sample_size(10);
    group.bench_function("montecarlo/100000x12", |b| {
        b.iter(|| simulate(black_box(&instance), black_box(&plan), &spec).expect("simulates"))
    });
    group.finish();
}

criterion_group!(benches, semis);
criterion_main!(benches);
