//! Whole-run benchmark: what `divopt solve --out DIR` does, step by step, on
//! the generated sizes of the scale benchmark (`worst` measure, floors 0.9
//! and 0.95), each run in a fresh process as the command runs:
//!
//! - **parse**: reading the options and scenarios files into an instance;
//! - **solve**: the solves (the floor-0 baseline by the exact search, then
//!   column generation for the floor: gathering each product's scenarios,
//!   pricing, the master LPs and binary masters in HiGHS);
//! - **checks**: the rest of `optimize`: the independent evaluator on the
//!   baseline, the floor's plan and the strongest plan (the highest floor
//!   any plan reaches), and the plan checks;
//! - **output**: rendering plan.csv, products.csv, scenarios.csv,
//!   summary.json and the text summary, and writing the files (each synced
//!   to disk, then renamed into place);
//! - **outside**: the share of the whole run that is not the solve.
//!
//! ```sh
//! cargo bench --bench whole               # L and XL, 3 runs each
//! cargo bench --bench whole -- M L XL     # the sizes given
//! ```
//!
//! WHOLE_RUNS (default 3) sets the runs per size and floor; the gap is the
//! scale benchmark's (1e-4, 1e-2 for XL) unless WHOLE_GAP gives one.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use divopt::formulation::Requirement;
use divopt::generate::{generate, GeneratorSpec};
use divopt::input::ScenarioSource;
use divopt::instance::{Floor, Measure};
use divopt::solve::Settings;

/// (name, products, options per product, scenarios, default gap), as in
/// benches/scale.rs.
const SIZES: [(&str, usize, usize, usize, f64); 4] = [
    ("S", 50, 5, 10, 1e-4),
    ("M", 300, 8, 40, 1e-4),
    ("L", 1000, 10, 100, 1e-4),
    ("XL", 3000, 10, 200, 1e-2),
];

const FLOORS: [f64; 2] = [0.9, 0.95];

fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// One run in this process: the instance's files in `dir`, printed as a
/// table row.
fn run_once(size: &str, dir: &Path, floor: f64, gap: f64) {
    let scenarios = [dir.join("scenarios.csv")];
    let out = dir.join("out");
    let started = Instant::now();
    let instance = divopt::input::load(&dir.join("options.csv"), ScenarioSource::Files(&scenarios))
        .expect("generated instances are valid")
        .instance;
    let parse = seconds(started);

    let optimizing = Instant::now();
    let settings = Settings {
        relative_gap: gap,
        ..Settings::default()
    };
    let requirement = Requirement::new(Floor::new(floor).expect("a floor"), Measure::Worst);
    let solution = divopt::optimize::optimize(&instance, requirement, &settings)
        .expect("the generated instances solve");
    let optimize = seconds(optimizing);

    // As `divopt solve --out` renders and writes.
    let writing = Instant::now();
    let summary = divopt::report::json::Summary::new(&instance, &solution);
    let (files, text) = rayon::join(
        || divopt::report::solution_files(&instance, &solution, &summary),
        || divopt::report::text::summary_text(&instance, &solution, &summary),
    );
    let files = files.expect("a plan at floors 0.9 and 0.95");
    divopt::output::write_all(&out, &files).expect("the output directory is writable");
    std::hint::black_box(text);
    let output = seconds(writing);

    let whole = seconds(started);
    let solve = solution.solve_seconds;
    println!(
        "| {size} | {floor} | {gap:.0e} | {} | {parse:.3} | {solve:.3} | {:.3} | {output:.3} | {whole:.3} | {:.1}% |",
        solution.status.name(),
        optimize - solve,
        100.0 * (whole - solve) / whole,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A child run: --one SIZE DIR FLOOR GAP.
    if args.first().map(String::as_str) == Some("--one") {
        let floor = args[3].parse().expect("a floor");
        let gap = args[4].parse().expect("a gap");
        run_once(&args[1], Path::new(&args[2]), floor, gap);
        return;
    }
    let runs: usize = std::env::var("WHOLE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let gap_override: Option<f64> = std::env::var("WHOLE_GAP").ok().and_then(|v| v.parse().ok());
    // cargo bench passes --bench; sizes are the other arguments.
    let mut names: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    if names.is_empty() {
        names = vec!["L", "XL"];
    }
    println!(
        "| size | floor | gap | status | parse s | solve s | checks s | output s | whole s | outside the solve |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let me = std::env::current_exe().expect("the bench's own path");
    for name in names {
        let Some(&(_, products, options, scenarios, gap)) =
            SIZES.iter().find(|size| size.0 == name)
        else {
            eprintln!("unknown size {name}: S, M, L or XL");
            std::process::exit(2);
        };
        let generated = generate(&GeneratorSpec {
            products,
            options_per_product: options,
            regions: 8,
            scenarios,
            seed: 1,
        })
        .expect("the generator accepts the benchmark sizes");
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("options.csv"), &generated.options_csv)
            .expect("writing the options");
        std::fs::write(dir.path().join("scenarios.csv"), &generated.scenarios_csv)
            .expect("writing the scenarios");
        let gap = gap_override.unwrap_or(gap);
        for floor in FLOORS {
            for _ in 0..runs {
                let status = Command::new(&me)
                    .args(["--one", name])
                    .arg(dir.path())
                    .args([floor.to_string(), gap.to_string()])
                    .status()
                    .expect("the bench runs itself");
                assert!(status.success(), "a run failed");
            }
        }
    }
}
