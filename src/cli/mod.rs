//! The command line: flags, help texts, and the mapping from outcomes to exit
//! codes. Everything it does is a call into the library.

mod evaluate;
mod solve;
mod sweep;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::{self, ScenarioSource};
use crate::instance::{Floor, Measure};

/// Exit codes (also in README.md).
pub mod exit {
    pub const SOLVED: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const INFEASIBLE: u8 = 3;
    pub const NO_PLAN_IN_TIME: u8 = 4;
}

#[derive(Debug, Parser)]
#[command(
    name = "divopt",
    version,
    about = "Find the right amount of supply-chain diversification, reserve stock and localization",
    long_about = "divopt picks, per product, the supplier mix, the reserve stock and the domestic \
capacity to build that minimize cost per period while the chain still serves at least a chosen \
share of its criticality-weighted demand in every disruption scenario (the resilience floor).\n\n\
Example:\n  divopt solve data/semis.csv --floor 0.9 --scenarios models/scenarios/semis.csv --out plan/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find the cheapest plan that meets a resilience floor in every scenario.
    #[command(after_long_help = SOLVE_HELP, allow_negative_numbers = true)]
    Solve(SolveArgs),
    /// Sweep the floor: the cost-of-resilience frontier, its knee and a chart.
    #[command(after_long_help = SWEEP_HELP, allow_negative_numbers = true)]
    Sweep(SweepArgs),
    /// Join frontier files of sharded sweeps into the file one run would write.
    #[command(after_long_help = MERGE_HELP)]
    Merge(MergeArgs),
    /// Score a given plan (solve's --out directory, or today's sourcing) against any scenarios.
    #[command(after_long_help = EVALUATE_HELP, allow_negative_numbers = true)]
    Evaluate(EvaluateArgs),
    /// Classify every product: ok, diversify, stockpile, localize, or a true chokepoint.
    #[command(after_long_help = CHOKEPOINTS_HELP, allow_negative_numbers = true)]
    Chokepoints(ChokepointsArgs),
    /// Early warning without optimization: concentration, single sourcing, shared inputs.
    #[command(after_long_help = EXPOSURE_HELP)]
    Exposure(ExposureArgs),
    /// Write a realistic random instance (options.csv, scenarios.csv) for benchmarks and trials.
    #[command(after_long_help = GENERATE_HELP)]
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Products.
    #[arg(long, value_name = "N")]
    pub products: usize,
    /// Sourcing options per product.
    #[arg(long, value_name = "M")]
    pub options: usize,
    /// Regions (one of them is HOME, the planner's own).
    #[arg(long, value_name = "R", default_value = "8")]
    pub regions: usize,
    /// Scenarios.
    #[arg(long, value_name = "K")]
    pub scenarios: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, value_name = "S", default_value = "1")]
    pub seed: u64,
    /// Directory for options.csv and scenarios.csv.
    #[arg(long, value_name = "DIR", value_parser = out_dir)]
    pub out: PathBuf,
}

const GENERATE_HELP: &str = "\
Deterministic for a seed. The distributions of every column are documented at the top of \
src/generate.rs.

Exit codes: 0 written, 1 internal error, 2 bad usage or an --out that cannot be written.";

const EXPOSURE_HELP: &str = "\
Per sourced product, from today's cheapest sourcing (each product's requirement filled from its \
options in order of unit cost, current capacity first, then modules): share of supply by region, \
Herfindahl-Hirschman index over regions (sum of squared shares, 0 to 1), top region and its \
share, number of listed suppliers and regions, single-source and single-region flags, whether it \
can be stockpiled (a holding_cost, and a max_reserve above 0 if given), whether a domestic option exists, and with --bom the final products that \
depend on it and their total weight. Most exposed first (HHI, then dependent weight).

--out FILE columns: product, hhi, top_region, top_share, region_shares, suppliers, regions, \
single_source, single_region, stockpilable, domestic_option, dependents, dependent_weight.

Exit codes: 0 done, 1 internal error, 2 bad input or usage (including an --out that cannot be \
written).";

#[derive(Debug, Args)]
pub struct ExposureArgs {
    /// Options CSV.
    #[arg(value_name = "OPTIONS.csv")]
    pub options: PathBuf,

    /// Bill of materials (counts the final products depending on each input).
    #[arg(long, value_name = "FILE")]
    pub bom: Option<PathBuf>,

    /// Write the table as CSV.
    #[arg(long, value_name = "FILE", value_parser = out_file)]
    pub out: Option<PathBuf>,
}

const CHOKEPOINTS_HELP: &str = "\
Each product is judged on its own (its options, every scenario): what does it take to keep \
its fill at or above the floor in every scenario?
  ok          the cheapest sourcing already does
  diversify   qualifying more of the listed suppliers is the cheapest protection
  stockpile   the cheapest protection holds reserve stock
  localize    the cheapest protection builds domestic modules
  chokepoint  no combination of suppliers, stock and modules reaches the floor in some scenario
With --bom each product is judged without its inputs (they get verdicts of their own); a product \
assembled in-house has nothing to choose, so it is ok or a chokepoint by its assembly alone. \
Ranked: chokepoints first, then by protection cost (extra cost per period). The exact solves \
are described in models/core.md (\"Chokepoints\").

--out FILE writes product, class, binding_scenario, best_fill, protection_cost, baseline_cost, \
weight.

Exit codes: 0 done (whatever the classes), 1 internal error, 2 bad input or usage (including an \
--out that cannot be written).";

#[derive(Debug, Args)]
pub struct ChokepointsArgs {
    #[command(flatten)]
    pub instance: InstanceArgs,

    /// The fill each product must keep in every scenario.
    #[arg(long, default_value = "0.9", value_name = "F")]
    pub floor: Floor,

    /// Relative optimality gap of each solve.
    #[arg(long, default_value = "1e-4", value_name = "G", value_parser = non_negative)]
    pub gap: f64,

    /// Write the table as CSV.
    #[arg(long, value_name = "FILE", value_parser = out_file)]
    pub out: Option<PathBuf>,
}

const EVALUATE_HELP: &str = "\
PLAN is a directory written by `divopt solve --out` (plan.csv, and products.csv for the \
reserves: a directory without it is an error, unless its plan.csv has a reserve column) or a \
CSV file with columns product, supplier, quantity and optionally selected, modules and reserve \
(product-level; blank or absent: no reserve). Options missing from the plan are taken as not \
selected.

--out DIR writes scenarios.csv and products.csv (the schemas of `solve --out`) and tts.csv: \
product, scenario, ttr (the scenario's duration), tts (periods at >= the floor; blank: never \
below it), survives, short_periods. With --sample N it also writes montecarlo.csv and \
montecarlo_products.csv.

Exit codes: 0 evaluated (whether or not the plan meets the floor; the report says), 1 internal \
error, 2 bad input (including a plan that does not fit the options: quantities above capacity, \
a quantity on an unselected option, demand not met, ...; each named with its plan row and \
column) or an --out that cannot be written.";

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub instance: InstanceArgs,

    /// The plan: a `solve --out` directory or a plan CSV file.
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,

    /// Floor to judge the plan against (and for time to survive).
    #[arg(long, default_value = "0.9", value_name = "F")]
    pub floor: Floor,

    /// How the floor is measured.
    #[arg(long, value_enum, default_value = "worst")]
    pub measure: MeasureArg,

    /// Write scenarios.csv, products.csv and tts.csv (and the Monte Carlo files) into DIR.
    #[arg(long, value_name = "DIR", value_parser = out_dir)]
    pub out: Option<PathBuf>,

    /// Monte Carlo: simulate N horizons in which every scenario strikes with its
    /// per-period probability.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub sample: Option<u64>,

    /// Monte Carlo random seed.
    #[arg(long, default_value = "1", value_name = "S")]
    pub seed: u64,

    /// Monte Carlo horizon in periods.
    #[arg(long, default_value = "12", value_name = "H", value_parser = clap::value_parser!(u64).range(1..))]
    pub horizon: u64,

    /// Monte Carlo histogram of period fills (.svg or .png).
    #[arg(long, value_name = "FILE", requires = "sample", value_parser = chart_path)]
    pub hist: Option<PathBuf>,
}

const SOLVE_HELP: &str = "\
Exit codes: 0 solved (also when the time limit stopped the search with a plan; \
the status says so), 1 internal error, 2 bad input or usage (including an --out that \
cannot be written), 3 the floor cannot be \
reached (the highest achievable floor and what caps it are printed), 4 no plan found \
within the time limit, 130 interrupted (Ctrl-C or SIGTERM; no output file is written).

Files written by --out DIR (each atomically: nothing is half-written):
  plan.csv       product, supplier, region, local, selected, quantity, share, modules, capacity
  products.csv   product, demand, weight, reserve, reserve_periods, suppliers, regions,
                 local_share, worst_fill, worst_scenario, action, requirement, dependents
  scenarios.csv  scenario, kind, duration, probability, fill, worst_product, worst_product_fill
  summary.json   status, floor, measure, objective, costs, baseline_cost, premium_pct, gap,
                 min_fill, solve_seconds, ...
  links.csv      (with --bom) product, scenario, fill, capped_by, capped_by_fill

Options CSV columns: product, supplier, region, demand, unit_cost, capacity (required);
fixed_cost, weight, holding_cost (blank: cannot be stockpiled), max_reserve, floor, local,
module_size, module_cost, max_modules, min_local_share, max_region_share (optional).
Scenarios CSV columns: scenario, region (* = any), duration (required); supplier, product
(blank = any), loss (default 1), probability (per period), kind (optional).

The model is written out in models/core.md; every column is described in README.md.";

const SWEEP_HELP: &str = "\
One row per (input, scenario set, measure, floor), in that order, with columns: input, scenarios, \
measure, floor, plan_floor (the floor whose solve found the plan the row shows: a cheaper plan \
of a higher floor also meets this one), status, cost, premium_pct (over the cost with no floors), \
marginal_cost (cost added per 0.01 of floor since the previous feasible point), suppliers, \
diversified, stockpiled, localized, untouched, reserve_value, local_share, min_fill, \
binding_scenario, max_floor, gap, solve_seconds (the only column that differs between runs), \
knee, computed_from (hashes of the input, scenarios and BOM files' bytes, and the options that \
change results: gap, time_limit, warm_start), sweep_id (a hash of the sweep's set of points), \
sweep_points (how many points the sweep has) and shard (the --shard I/N that wrote the row, as I of N; \
empty for a whole sweep). Infeasible floors are rows with status infeasible.

The knee (knee=true) is found with Kneedle: on the feasible points, floor and cost normalized to \
[0, 1], the point farthest below the straight line from the first to the last point. Derived \
columns are computed from the values as written, so a resumed or merged sweep writes the same \
file as one run (solve_seconds aside).

Each --scenarios FILE is its own scenario set (without any: the default regional outages). \
With --out, finished rows are appended to OUT.journal as they complete; --resume skips them \
(and the rows of an earlier OUT) after an interruption, and refuses rows computed from other \
file contents or options. --shard I/N solves every N-th point starting with the I-th; join the \
shard files with `divopt merge`. Missing folders of --out and --plot are created.

Exit codes: 0 swept (also when some floors cannot be reached: their rows have status \
infeasible), 1 internal error, 2 bad input or usage (including an --out that is a folder, a \
journal another sweep is writing, and --resume when an input file or option changed), 130 \
interrupted (Ctrl-C or SIGTERM; no frontier file is written, OUT.journal keeps every finished row \
for --resume).

Example:
  divopt sweep data/semis.csv --floors 0:1:0.05 --scenarios models/scenarios/semis.csv \\
      --out frontier.csv --plot frontier.svg";

const MERGE_HELP: &str = "\
Joins frontier files (of the shards of one sweep, or of any sweeps) into the file one run \
would write (solve_seconds aside): rows sorted, each point once, marginal costs, plan floors \
and knees derived again over the joined series.

Refused (exit 2), with what differs: rows computed from other file contents or options than \
the rest (column computed_from), two different results for one point, and a sweep some of \
whose points are in none of the files (each row names its sweep and its number of points: \
columns sweep_id, sweep_points), e.g. a shard's file left out. --partial merges such a \
sweep anyway and names the missing points in a warning.

Exit codes: 0 merged, 1 internal error, 2 bad input or usage (a file cannot be read or is not \
a frontier file, or is refused as above).

Example:
  divopt merge out/shard-*.csv -o out/frontier.csv --plot out/frontier.svg";

/// How the floor is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MeasureArg {
    /// In every scenario, the criticality-weighted fill is at least the floor.
    Worst,
    /// Every weighted product meets the floor on its own in every scenario (weakest link).
    Each,
    /// The probability-weighted average scenario fill meets the floor (needs a
    /// probability above 0 on some scenario, or none given: all equally likely).
    Expected,
}

impl MeasureArg {
    pub fn name(self) -> &'static str {
        Measure::from(self).name()
    }
}

impl From<MeasureArg> for Measure {
    fn from(arg: MeasureArg) -> Measure {
        match arg {
            MeasureArg::Worst => Measure::Worst,
            MeasureArg::Each => Measure::Each,
            MeasureArg::Expected => Measure::Expected,
        }
    }
}

pub(crate) fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => {
            input::table::check_size(v)?;
            Ok(v)
        }
        _ => Err(format!("{text:?} is not a number > 0")),
    }
}

/// Prints every input problem; the exit code for bad input.
pub(crate) fn input_failed(errors: &input::InputErrors) -> u8 {
    to_stderr!("error: {} problem(s) in the input:", errors.0.len());
    to_stderr!("{errors}");
    exit::BAD_INPUT
}

/// A chart file: .svg or .png, not an existing folder.
pub(crate) fn chart_path(text: &str) -> Result<PathBuf, String> {
    let path = out_file(text)?;
    match crate::sweep::plot::Format::from_path(&path) {
        Some(_) => Ok(path),
        None => Err(format!("{text}: the chart must end in .svg or .png")),
    }
}

/// An output folder (--out DIR): not an existing file.
pub(crate) fn out_dir(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    crate::output::check_dir(&path).map_err(|e| e.to_string())?;
    Ok(path)
}

/// An output file (--out FILE): not an existing folder.
pub(crate) fn out_file(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    crate::output::check_file(&path).map_err(|e| e.to_string())?;
    Ok(path)
}

pub(crate) fn share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{text:?} is not a share in [0, 1]")),
    }
}

pub(crate) fn non_negative(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("{text:?} is not a number >= 0")),
    }
}

/// The instance: options, scenarios and policy flags shared by the commands.
#[derive(Debug, Args)]
pub struct InstanceArgs {
    /// Options CSV: one row per way to source a product (columns in README.md).
    #[arg(value_name = "OPTIONS.csv")]
    pub options: PathBuf,

    /// Scenarios CSV (repeatable; the files' scenarios are joined). Without it: one
    /// scenario per region in which that region loses all capacity for --duration periods.
    #[arg(long = "scenarios", value_name = "FILE")]
    pub scenarios: Vec<PathBuf>,

    /// Periods each default regional outage lasts (default 3; only without --scenarios).
    #[arg(long, value_name = "PERIODS", value_parser = positive, conflicts_with = "scenarios")]
    pub duration: Option<f64>,

    /// Bill of materials: parent, child, quantity (units of child per unit of parent),
    /// optional demand. Fills then propagate: a product is no better supplied than its inputs.
    #[arg(long, value_name = "FILE")]
    pub bom: Option<PathBuf>,

    /// Policy: no region supplies more than this share of any product's demand
    /// (a product's max_region_share column, if lower, wins).
    #[arg(long, value_name = "S", value_parser = share)]
    pub max_region_share: Option<f64>,
}

impl InstanceArgs {
    /// Loads and validates the instance; on bad input prints every problem
    /// and returns the exit code.
    pub fn load(&self) -> Result<crate::instance::Instance, u8> {
        self.load_checked(None)
    }

    /// [`InstanceArgs::load`] for a command that judges plans by `measure`
    /// (`weighted_floor`: at a floor above 0, or for the floor a budget
    /// buys), with the checks that need it ([`input::Loaded::check_requirement`]).
    pub fn load_for(
        &self,
        measure: Measure,
        weighted_floor: bool,
    ) -> Result<crate::instance::Instance, u8> {
        self.load_checked(Some((measure, weighted_floor)))
    }

    fn load_checked(
        &self,
        requirement: Option<(Measure, bool)>,
    ) -> Result<crate::instance::Instance, u8> {
        let source = if self.scenarios.is_empty() {
            ScenarioSource::RegionalOutages {
                duration_periods: self.duration.unwrap_or(3.0),
            }
        } else {
            ScenarioSource::Files(&self.scenarios)
        };
        match input::load_with_bom(&self.options, source, self.bom.as_deref()) {
            Ok(mut loaded) => {
                for warning in &loaded.warnings {
                    to_stderr!("note: {warning}");
                }
                if let Some((measure, weighted_floor)) = requirement {
                    if let Err(errors) = loaded.check_requirement(measure, weighted_floor) {
                        return Err(input_failed(&errors));
                    }
                }
                if let Some(limit) = self.max_region_share {
                    loaded.instance.limit_region_share(limit);
                }
                Ok(loaded.instance)
            }
            Err(errors) => Err(input_failed(&errors)),
        }
    }
}

#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub instance: InstanceArgs,

    /// Resilience floor f in [0, 1]: the share of critical demand to serve in every scenario.
    #[arg(long, default_value = "0.9", value_name = "F")]
    pub floor: Floor,

    /// How the floor is measured across products and scenarios.
    #[arg(long, value_enum, default_value = "worst")]
    pub measure: MeasureArg,

    /// The inverse question: the highest floor a cost per period of B buys (instead of --floor).
    #[arg(long, value_name = "B", value_parser = non_negative, conflicts_with = "floor")]
    pub budget: Option<f64>,

    /// Relative optimality gap at which the search stops.
    #[arg(long, default_value = "1e-4", value_name = "G", value_parser = non_negative)]
    pub gap: f64,

    /// Stop after this many seconds with the best plan found (status time_limit).
    #[arg(long, value_name = "SECONDS", value_parser = positive)]
    pub time_limit: Option<f64>,

    /// Threads for HiGHS and for the per-product search, at most 256 (default:
    /// HiGHS's own choice, and every core for the search). More than the
    /// machine's cores only adds switching.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,

    /// Write plan.csv, products.csv, scenarios.csv and summary.json into DIR.
    #[arg(long, value_name = "DIR", value_parser = out_dir)]
    pub out: Option<PathBuf>,

    /// Also write the compact model for --floor (.lp or .mps), e.g. to try other
    /// solvers. divopt itself may solve it by column generation or product by
    /// product; the summary's Method line says how.
    #[arg(long, value_name = "FILE", conflicts_with = "budget", value_parser = out_file)]
    pub write_model: Option<PathBuf>,

    /// Print the summary and the plan as JSON on stdout instead of the text summary.
    #[arg(long)]
    pub json: bool,

    /// Show HiGHS's own log and the column-generation rounds on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Options CSV files, each swept on its own.
    #[arg(value_name = "OPTIONS.csv", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Floors: START:END:STEP (inclusive) or a comma list.
    #[arg(long, default_value = "0:1:0.05", value_name = "SPEC")]
    pub floors: String,

    /// A scenario set (repeatable: each file is one set). Default: regional outages.
    #[arg(long = "scenarios", value_name = "FILE")]
    pub scenarios: Vec<PathBuf>,

    /// Periods each default regional outage lasts (default 3; only without --scenarios).
    #[arg(long, value_name = "PERIODS", value_parser = positive, conflicts_with = "scenarios")]
    pub duration: Option<f64>,

    /// Bill of materials (see `divopt solve --help`), applied to every input.
    #[arg(long, value_name = "FILE")]
    pub bom: Option<PathBuf>,

    /// Measures to sweep (repeatable).
    #[arg(long, value_enum, default_values = ["worst"])]
    pub measure: Vec<MeasureArg>,

    /// Points solved at once, at most 256 (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,

    /// Relative optimality gap at which each solve stops.
    #[arg(long, default_value = "1e-4", value_name = "G", value_parser = non_negative)]
    pub gap: f64,

    /// Time limit per point, in seconds.
    #[arg(long, value_name = "SECONDS", value_parser = positive)]
    pub time_limit: Option<f64>,

    /// Write the frontier CSV here (and journal to OUT.journal; missing
    /// folders are created); default: stdout.
    #[arg(long, value_name = "FILE", value_parser = out_file)]
    pub out: Option<PathBuf>,

    /// Draw the frontier chart (.svg or .png).
    #[arg(long, value_name = "FILE", value_parser = chart_path)]
    pub plot: Option<PathBuf>,

    /// Skip the points already finished in OUT.journal (or in OUT); refused
    /// when an input file or an option that changes results differs.
    #[arg(long, requires = "out")]
    pub resume: bool,

    /// Solve only the I-th of N disjoint slices of the points (1-based), e.g. 3/8.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::sweep::Shard>,

    /// Solve each series from its highest floor down, starting every solve from the
    /// plan of the floor above (series then run in parallel, their points in turn).
    #[arg(long)]
    pub warm_start: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Frontier files written by `divopt sweep --shard` (or any sweeps).
    #[arg(value_name = "FRONTIER.csv", required = true)]
    pub files: Vec<PathBuf>,

    /// Merge even if points of a sweep are in none of the files (a warning
    /// names them); without it such a merge is refused.
    #[arg(long)]
    pub partial: bool,

    /// The merged frontier file.
    #[arg(short = 'o', long = "out", value_name = "FILE", value_parser = out_file)]
    pub out: PathBuf,

    /// Draw the merged frontier chart (.svg or .png).
    #[arg(long, value_name = "FILE", value_parser = chart_path)]
    pub plot: Option<PathBuf>,
}

/// Prints to stdout; a closed pipe (e.g. `| head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::output::exit_cleanly_on_interrupt();
    let result = match &cli.command {
        Command::Solve(args) => solve::solve_command(args),
        Command::Sweep(args) => sweep::sweep_command(args),
        Command::Merge(args) => sweep::merge_command(args),
        Command::Evaluate(args) => evaluate::evaluate_command(args),
        Command::Chokepoints(args) => evaluate::chokepoints_command(args),
        Command::Exposure(args) => evaluate::exposure_command(args),
        Command::Generate(args) => solve::generate_command(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A path that cannot be written is the user's to fix, like bad input.
        Err(error) if error.is::<crate::output::OutputError>() => {
            to_stderr!("error: {error}");
            ExitCode::from(exit::BAD_INPUT)
        }
        Err(error) => {
            to_stderr!("error: {error:#}");
            ExitCode::from(exit::INTERNAL)
        }
    }
}
