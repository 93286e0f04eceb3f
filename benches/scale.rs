//! Scale benchmark: generated instances of sizes S, M, L and XL, timed step by
//! step (parse, model build, HiGHS solve, evaluation, whole run) with peak
//! memory, for the `worst` measure at floors 0.9 and 0.95 and the `each`
//! measure at 0.3 (SCALE_MEASURES=worst,each picks). Models (SCALE_MODELS,
//! default all): the lean, plain and raw formulations handed whole to HiGHS;
//! where nothing couples products (`each`), `Blocks` (the lean model per
//! product in HiGHS) and `Search` (the exact search per product); where they
//! are coupled (`worst`), `Columns` (column generation). The columns×rows of
//! Columns rows is the last binary master's size, of Search rows 0×0.
//!
//! Each size runs in its own process so that peak memory (VmHWM) belongs to
//! that size alone:
//!
//! ```sh
//! cargo bench --bench scale -- S            # one size, prints table rows
//! scripts/bench-table.sh                    # every size, one markdown table
//! ```
//!
//! Solves stop at the default gap (1e-4) or at the time limit (SCALE_TIME_LIMIT
//! seconds, default 120); the table states the gap reached.

use std::time::Instant;

use divopt::evaluate::evaluate;
use divopt::formulation::{formulate_shaped, Requirement, Shape};
use divopt::generate::{generate, GeneratorSpec};
use divopt::instance::{Floor, Instance, Measure};
use divopt::solve::{solve_formulation, Settings};
use divopt::{colgen, decompose};

struct Size {
    name: &'static str,
    products: usize,
    options: usize,
    scenarios: usize,
    relative_gap: f64,
}

const SIZES: [Size; 4] = [
    Size {
        name: "S",
        products: 50,
        options: 5,
        scenarios: 10,
        relative_gap: 1e-4,
    },
    Size {
        name: "M",
        products: 300,
        options: 8,
        scenarios: 40,
        relative_gap: 1e-4,
    },
    Size {
        name: "L",
        products: 1000,
        options: 10,
        scenarios: 100,
        relative_gap: 1e-4,
    },
    Size {
        name: "XL",
        products: 3000,
        options: 10,
        scenarios: 200,
        relative_gap: 1e-2,
    },
];

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// What a row times: a formulation handed whole to HiGHS; where nothing
/// couples products (`each`), the lean model per product in HiGHS (Blocks)
/// or the exact search per product (Search); where they are coupled
/// (`worst`), column generation (Columns).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Model {
    Whole(Shape),
    Blocks,
    Search,
    Columns,
}

impl Model {
    fn name(self) -> String {
        match self {
            Model::Whole(shape) => format!("{shape:?}"),
            Model::Blocks => "Blocks".to_string(),
            Model::Search => "Search".to_string(),
            Model::Columns => "Columns".to_string(),
        }
    }
}

fn run(size: &Size, time_limit: f64, models: &[Model], measures: &[Measure]) {
    let spec = GeneratorSpec {
        products: size.products,
        options_per_product: size.options,
        regions: 8,
        scenarios: size.scenarios,
        seed: 1,
    };
    let generated = generate(&spec).expect("the generator accepts the benchmark sizes");
    let started = Instant::now();
    let instance: Instance = divopt::input::parse(
        ("options.csv", generated.options_csv.as_bytes()),
        &[(
            "scenarios.csv".to_string(),
            generated.scenarios_csv.into_bytes(),
        )],
        None,
    )
    .expect("generated instances are valid")
    .instance;
    let parse = seconds(started);
    let cases = [
        (0.9, Measure::Worst),
        (0.95, Measure::Worst),
        (0.3, Measure::Each),
    ];
    for (floor, measure) in cases.into_iter().filter(|(_, m)| measures.contains(m)) {
        let requirement = Requirement::new(Floor::new(floor).expect("a floor"), measure);
        for &model in models {
            if matches!(model, Model::Blocks | Model::Search)
                && !decompose::separable(&instance, requirement)
            {
                continue;
            }
            if model == Model::Columns && !colgen::applies(&instance, requirement) {
                continue;
            }
            let settings = Settings {
                relative_gap: size.relative_gap,
                time_limit_seconds: Some(time_limit),
                ..Settings::default()
            };
            let whole = Instant::now();
            let (outcome, build) = match model {
                Model::Whole(shape) => {
                    let built = Instant::now();
                    let formulation = formulate_shaped(&instance, requirement, shape);
                    let build = seconds(built);
                    let outcome = solve_formulation(&instance, formulation, &settings, None);
                    (outcome, format!("{build:.3}"))
                }
                // Blocks are built inside the parallel solve.
                Model::Blocks => (
                    decompose::solve_blocks(&instance, requirement, &settings, None),
                    "(in solve)".to_string(),
                ),
                Model::Search => (
                    decompose::search(&instance, requirement, &settings),
                    "(in solve)".to_string(),
                ),
                Model::Columns => (
                    colgen::solve(&instance, requirement, &settings, None),
                    "(in solve)".to_string(),
                ),
            };
            let outcome = outcome.expect("HiGHS runs");
            let evaluated = Instant::now();
            let cost = outcome
                .plan
                .as_ref()
                .map(|plan| evaluate(&instance, plan).costs.total());
            let evaluate_seconds = seconds(evaluated);
            let total = parse + seconds(whole);
            println!(
                "| {} | {} | {} | {}×{} | {} | {:.3} | {} | {:.2} | {:.4} | {:.2} | {} | {} | {} |",
                size.name,
                if measure == Measure::Each {
                    format!("{floor} each")
                } else {
                    floor.to_string()
                },
                model.name(),
                outcome.size.variables,
                outcome.size.constraints,
                outcome.status.name(),
                parse,
                build,
                outcome.seconds,
                evaluate_seconds,
                total,
                outcome
                    .gap
                    .map_or_else(|| "-".to_string(), |g| format!("{:.2e}", g)),
                cost.map_or_else(|| "-".to_string(), |c| format!("{c:.1}")),
                peak_mib().map_or_else(|| "-".to_string(), |m| format!("{m:.0}")),
            );
        }
    }
}

fn main() {
    let time_limit: f64 = std::env::var("SCALE_TIME_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120.0);
    // SCALE_MODELS=Lean,Plain,Raw,Blocks,Search,Columns (default: all).
    let models: Vec<Model> = std::env::var("SCALE_MODELS")
        .unwrap_or_else(|_| "Lean,Plain,Raw,Blocks,Search,Columns".to_string())
        .split(',')
        .map(|name| match name.trim() {
            "Lean" => Model::Whole(Shape::Lean),
            "Plain" => Model::Whole(Shape::Plain),
            "Raw" => Model::Whole(Shape::Raw),
            "Blocks" => Model::Blocks,
            "Search" => Model::Search,
            "Columns" => Model::Columns,
            other => panic!(
                "SCALE_MODELS: unknown model {other:?} (Lean, Plain, Raw, Blocks, Search or Columns)"
            ),
        })
        .collect();
    // SCALE_MEASURES=worst,each (default: both).
    let measures: Vec<Measure> = std::env::var("SCALE_MEASURES")
        .unwrap_or_else(|_| "worst,each".to_string())
        .split(',')
        .map(|name| match name.trim() {
            "worst" => Measure::Worst,
            "each" => Measure::Each,
            other => panic!("SCALE_MEASURES: unknown measure {other:?} (worst or each)"),
        })
        .collect();
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if wanted.is_empty() {
        println!("| size | floor | model | columns×rows | status | parse s | build s | solve s | evaluate s | total s | gap | cost | peak MiB |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }
    for size in &SIZES {
        // With no size named (as `cargo bench` runs every bench), only S runs.
        let run_it = if wanted.is_empty() {
            size.name == "S"
        } else {
            wanted.iter().any(|w| w == size.name)
        };
        if run_it {
            run(size, time_limit, &models, &measures);
        }
    }
}
