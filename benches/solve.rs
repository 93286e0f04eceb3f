//! Benchmarks of the pipeline's steps on the shipped example, data/semis.csv
//! with models/scenarios/semis.csv: parse, model build, HiGHS solve,
//! independent evaluation, and the whole `divopt solve` run (plan + baseline),
//! at floors 0.5, 0.9 and 0.99.
//!
//! Run: `cargo bench --bench solve`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use divopt::evaluate::evaluate;
use divopt::formulation::{formulate, Requirement};
use divopt::input::{load, ScenarioSource};
use divopt::instance::{Floor, Measure};
use divopt::optimize::optimize;
use divopt::solve::{solve, Settings};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn semis(c: &mut Criterion) {
    let options = root().join("data/semis.csv");
    let scenarios = vec![root().join("models/scenarios/semis.csv")];
    let source = ScenarioSource::Files(&scenarios);
    let instance = load(&options, source).expect("the example loads").instance;
    let settings = Settings::default();

    let mut group = c.benchmark_group("semis");
    group.sample_size(20);
    group.bench_function("parse", |b| {
        b.iter(|| load(black_box(&options), source).expect("loads"))
    });
    for floor in [0.5, 0.9, 0.99] {
        let requirement = Requirement::new(Floor::new(floor).expect("in [0, 1]"), Measure::Worst);
        group.bench_function(format!("build/{floor}"), |b| {
            b.iter(|| formulate(black_box(&instance), requirement))
        });
        group.bench_function(format!("solve/{floor}"), |b| {
            b.iter(|| solve(black_box(&instance), requirement, &settings).expect("solves"))
        });
        // 0.99 is out of reach on the example (EUV lithography caps it):
        // there is no plan to evaluate, and `whole` measures the diagnosis.
        if let Some(plan) = solve(&instance, requirement, &settings)
            .expect("solves")
            .plan
        {
            group.bench_function(format!("evaluate/{floor}"), |b| {
                b.iter(|| evaluate(black_box(&instance), black_box(&plan)))
            });
        }
        group.bench_function(format!("whole/{floor}"), |b| {
            b.iter(|| optimize(black_box(&instance), requirement, &settings).expect("solves"))
        });
    }
    group.finish();
}

criterion_group!(benches, semis);
criterion_main!(benches);
