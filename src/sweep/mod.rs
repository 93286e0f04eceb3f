//! Batch sweeps of the resilience floor: the cost-of-resilience frontier for
//! every (input, scenario set, measure), solved in parallel, journaled as
//! points complete so an interrupted sweep loses nothing, sliceable into
//! disjoint shards for cluster job arrays, and the merge of shard files.
//! Every row records what it was computed from (see [`provenance`]), so a
//! resume or a merge never mixes results of different inputs.

pub mod frontier;
pub mod knee;
pub mod plot;
pub mod provenance;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::colgen::Prepared;
use crate::formulation::Requirement;
use crate::input::{self, InputError, InputErrors};
use crate::instance::{Floor, Instance, Measure};
use crate::optimize::{baseline, optimize_against, Baseline, OptimizeError, Solution};
use crate::plan::Plan;
use crate::report::{num, Action};
use crate::solve::Settings;
use crate::solve::SolverError;
use frontier::{FrontierRow, SeriesKey};
use provenance::{content_hash, ComputedFrom, Incomplete, RowAt};

/// Parses `a:b:step` (from a to b inclusive) or a comma list `0.5,0.9`.
/// Returns sorted, distinct floors.
pub fn parse_floors(spec: &str) -> Result<Vec<Floor>, String> {
    let parse = |s: &str| s.trim().parse::<Floor>();
    let mut floors = if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [start, end, step] = parts[..] else {
            return Err(format!(
                "{spec:?}: a range is START:END:STEP, e.g. 0:1:0.05"
            ));
        };
        let (start, end) = (parse(start)?.value(), parse(end)?.value());
        let step: f64 = step
            .trim()
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .ok_or_else(|| format!("{spec:?}: the step must be a number > 0"))?;
        if end < start {
            return Err(format!("{spec:?}: END must not be below START"));
        }
        let count = ((end - start) / step + 1e-9).floor() as usize;
        if count > 100_000 {
            return Err(format!("{spec:?}: more than 100000 floors"));
        }
        (0..=count)
            .map(|i| {
                // Round away the binary noise of start + i·step (0.15000000000000002).
                let value: f64 = num(start + i as f64 * step)
                    .parse()
                    .expect("num prints a number");
                Floor::new(value.min(1.0)).expect("inside [start, end]")
            })
            .collect::<Vec<_>>()
    } else {
        spec.split(',').map(parse).collect::<Result<Vec<_>, _>>()?
    };
    floors.sort_by(|a, b| a.value().total_cmp(&b.value()));
    floors.dedup();
    if floors.is_empty() {
        return Err("no floors given".to_string());
    }
    Ok(floors)
}

/// The I-th of N disjoint slices of a sweep (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?} is not I/N with 1 <= I <= N (e.g. 3/8)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the point with this position in the sweep's canonical order is ours.
    pub fn owns(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// A scenario set of a sweep: a scenarios file, or the default regional outages.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioSet {
    File(PathBuf),
    RegionalOutages { duration_periods: f64 },
}

impl ScenarioSet {
    /// The `scenarios` column's value.
    pub fn label(&self) -> String {
        match self {
            ScenarioSet::File(path) => path.display().to_string(),
            ScenarioSet::RegionalOutages { duration_periods } => {
                format!("regional-outages:{}", num(*duration_periods))
            }
        }
    }
}

/// What to sweep.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    pub inputs: Vec<PathBuf>,
    /// A bill of materials applied to every input.
    pub bom: Option<PathBuf>,
    pub scenario_sets: Vec<ScenarioSet>,
    pub measures: Vec<Measure>,
    pub floors: Vec<Floor>,
}

/// How to run it.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Points solved at once.
    pub jobs: usize,
    pub settings: Settings,
    /// Append each finished row here (and read finished rows back on resume).
    pub journal: Option<PathBuf>,
    /// Skip points already in the journal or in `previous`.
    pub resume: bool,
    /// The frontier file of an earlier complete run, whose rows are skipped
    /// on resume (a missing file has none).
    pub previous: Option<PathBuf>,
    pub shard: Option<Shard>,
    /// Solve each series from its highest floor down, starting every solve
    /// from the plan of the floor above (which meets the lower floor).
    pub warm_start: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Input(#[from] InputErrors),
    #[error(transparent)]
    Optimize(#[from] OptimizeError),
    /// The journal or the earlier frontier file cannot be read, written or
    /// locked.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// `--resume` found finished rows computed from other inputs or options.
    #[error(
        "--resume would reuse rows computed from other inputs or options:{}\n\
        Drop --resume to solve every point again, or write to another --out.",
        provenance::listing(.0)
    )]
    Changed(Vec<String>),
    #[error("{0}")]
    Internal(String),
}

/// One point to solve.
#[derive(Debug, Clone, Copy)]
struct Point {
    /// Index into the loaded (input, scenario set) instances.
    instance: usize,
    measure: Measure,
    floor: Floor,
}

/// A loaded (input, scenario set) pair.
struct Loaded {
    input: String,
    scenarios: String,
    instance: Instance,
    /// The files' contents and the options its rows are computed from.
    computed_from: ComputedFrom,
}

/// Progress reports: (points done, points to do this run).
pub trait Progress: Sync {
    fn started(&self, total: usize);
    fn finished(&self, row: &FrontierRow);
}

/// No progress output.
pub struct Quiet;

impl Progress for Quiet {
    fn started(&self, _: usize) {}
    fn finished(&self, _: &FrontierRow) {}
}

/// A file's bytes, read once however many (input, scenario set) pairs use it.
fn read_cached<'a>(
    cache: &'a mut HashMap<PathBuf, Result<Vec<u8>, InputError>>,
    path: &Path,
) -> Result<&'a Vec<u8>, InputError> {
    cache
        .entry(path.to_path_buf())
        .or_insert_with(|| {
            std::fs::read(path).map_err(|e| {
                InputError::file(&path.display().to_string(), format!("cannot be read: {e}"))
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Loads every (input, scenario set) of the sweep; all input errors at once.
/// `options` gives the options part of each pair's [`ComputedFrom`]; the
/// files' hashes are of the very bytes parsed.
fn load_all(
    spec: &SweepSpec,
    options: &ComputedFrom,
) -> Result<(Vec<Loaded>, Vec<String>), InputErrors> {
    let mut loaded = Vec::new();
    let mut warnings = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    let mut files = HashMap::new();
    let note = |error: InputError, errors: &mut Vec<InputError>| {
        if !errors.contains(&error) {
            errors.push(error);
        }
    };
    let bom = match &spec.bom {
        Some(path) => match read_cached(&mut files, path) {
            Ok(bytes) => Some((path.display().to_string(), bytes.clone())),
            Err(e) => {
                note(e, &mut errors);
                None
            }
        },
        None => None,
    };
    for input_path in &spec.inputs {
        let input_bytes = match read_cached(&mut files, input_path) {
            Ok(bytes) => bytes.clone(),
            Err(e) => {
                note(e, &mut errors);
                continue;
            }
        };
        for set in &spec.scenario_sets {
            if spec.bom.is_some() && bom.is_none() {
                break; // unreadable, noted above
            }
            let (scenario_files, default_duration) = match set {
                ScenarioSet::File(path) => match read_cached(&mut files, path) {
                    Ok(bytes) => (vec![(path.display().to_string(), bytes.clone())], None),
                    Err(e) => {
                        note(e, &mut errors);
                        continue;
                    }
                },
                ScenarioSet::RegionalOutages { duration_periods } => {
                    (Vec::new(), Some(*duration_periods))
                }
            };
            let weighted_floor = spec.floors.iter().any(|f| f.value() > 0.0);
            let checked = input::parse_with_bom(
                (&input_path.display().to_string(), &input_bytes),
                &scenario_files,
                default_duration,
                bom.as_ref()
                    .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
            )
            .and_then(|l| {
                for &measure in &spec.measures {
                    l.check_requirement(measure, weighted_floor)?;
                }
                Ok(l)
            });
            match checked {
                Ok(l) => {
                    for w in l.warnings {
                        if !warnings.contains(&w) {
                            warnings.push(w);
                        }
                    }
                    loaded.push(Loaded {
                        input: input_path.display().to_string(),
                        scenarios: set.label(),
                        instance: l.instance,
                        computed_from: ComputedFrom {
                            input: content_hash(&input_bytes),
                            scenarios: scenario_files.first().map(|(_, b)| content_hash(b)),
                            bom: bom.as_ref().map(|(_, b)| content_hash(b)),
                            ..options.clone()
                        },
                    });
                }
                Err(e) => {
                    for error in e.0 {
                        note(error, &mut errors);
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok((loaded, warnings))
    } else {
        Err(InputErrors(errors))
    }
}

/// The sweep a row belongs to: its id and number of points, and the shard
/// of this run.
#[derive(Debug, Clone, Copy)]
struct SweepIdentity {
    id: u64,
    points: u64,
    shard: Option<Shard>,
}

/// The frontier row of one solved point, as it will be written.
fn row_of(loaded: &Loaded, solution: &Solution, sweep: SweepIdentity) -> FrontierRow {
    let instance = &loaded.instance;
    let attainable = &solution.attainable;
    let mut row = FrontierRow {
        input: loaded.input.clone(),
        scenarios: loaded.scenarios.clone(),
        measure: solution.requirement.measure.name().to_string(),
        floor: solution.requirement.floor.value(),
        status: solution.status.name().to_string(),
        max_floor: attainable.max_floor,
        binding_scenario: attainable
            .binding_scenario
            .map_or_else(String::new, |k| instance.scenarios[k.0].name.clone()),
        solve_seconds: solution.solve_seconds,
        gap: solution.gap,
        computed_from: loaded.computed_from.clone(),
        sweep_id: sweep.id,
        sweep_points: sweep.points,
        shard: sweep.shard,
        ..FrontierRow::default()
    };
    let Some(best) = &solution.best else {
        return row.as_written();
    };
    let plan = &best.plan;
    let costs = best.evaluation.costs;
    let cost = costs.total();
    row.cost = Some(cost);
    row.premium_pct = solution.baseline.as_ref().and_then(|b| {
        let base = b.evaluation.costs.total();
        (base > 0.0).then(|| (cost - base) / base * 100.0)
    });
    row.suppliers = Some(plan.options.iter().filter(|d| d.selected).count() as u64);
    if let Some(baseline) = &solution.baseline {
        let mut counts = [0u64; 4];
        for p in instance.product_ids() {
            let action = Action::of(instance, plan, &baseline.plan, p);
            counts[0] += u64::from(action.diversified);
            counts[1] += u64::from(action.stockpiled);
            counts[2] += u64::from(action.localized);
            counts[3] += u64::from(action.untouched());
        }
        row.diversified = Some(counts[0]);
        row.stockpiled = Some(counts[1]);
        row.localized = Some(counts[2]);
        row.untouched = Some(counts[3]);
    }
    let mut reserve_value = 0.0;
    for p in instance.product_ids() {
        let product = instance.product(p);
        let spend: f64 = product
            .options
            .iter()
            .map(|&o| instance.option(o).unit_cost * plan.option(o).quantity_per_period)
            .sum();
        reserve_value += plan.reserve(p) * spend / product.demand_per_period;
    }
    row.reserve_value = Some(reserve_value);
    let local_spend: f64 = instance
        .option_ids()
        .filter(|&o| instance.option(o).local)
        .map(|o| instance.option(o).unit_cost * plan.option(o).quantity_per_period)
        .sum();
    row.local_share = Some(if costs.purchase > 0.0 {
        local_spend / costs.purchase
    } else {
        0.0
    });
    if let Some(k) = best.evaluation.worst_scenario() {
        row.min_fill = Some(best.evaluation.scenario_fill[k.0]);
    }
    if let Some(k) = best.evaluation.binding_scenario() {
        row.binding_scenario = instance.scenarios[k.0].name.clone();
    }
    row.as_written()
}

/// Reads the finished rows of a journal or an earlier frontier file, each
/// with where it was read (a missing file has none). A journal's last line
/// may be torn by an interruption.
fn read_finished(path: &Path, journal: bool) -> Result<Vec<(RowAt, FrontierRow)>, SweepError> {
    let fail = |message: String| SweepError::File {
        path: path.to_path_buf(),
        message,
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fail(format!("cannot be read for --resume: {e}"))),
    };
    let file = path.display().to_string();
    let rows = frontier::parse_numbered(&file, &bytes, journal).map_err(|mut e| {
        e.message
            .push_str("; to start over, drop --resume or use another --out");
        SweepError::Input(e.into())
    })?;
    Ok(rows
        .into_iter()
        .map(|(line, row)| {
            let at = RowAt {
                file: file.clone(),
                line,
            };
            (at, row)
        })
        .collect())
}

fn open_journal(path: &Path, resume: bool) -> Result<File, SweepError> {
    let fail = |e: std::io::Error| SweepError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    // Missing folders are created, as for every output file.
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| SweepError::File {
            path: parent.to_path_buf(),
            message: format!("cannot create this folder for the journal: {e}"),
        })?;
    }
    let fresh = !resume
        || std::fs::metadata(path)
            .map(|m| m.len() == 0)
            .unwrap_or(true);
    // Lock before truncating: a second sweep on the same journal is refused
    // rather than allowed to corrupt it. The lock goes with the process.
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    if let Err(e) = file.try_lock() {
        return Err(SweepError::File {
            path: path.to_path_buf(),
            message: match e {
                std::fs::TryLockError::WouldBlock => {
                    "another divopt sweep is writing this journal; \
                    wait for it to finish or use another --out"
                        .to_string()
                }
                std::fs::TryLockError::Error(e) => format!("cannot lock: {e}"),
            },
        });
    }
    if fresh {
        file.set_len(0).map_err(fail)?;
    }
    if fresh {
        file.write_all(frontier::header_line().as_bytes())
            .map_err(fail)?;
    } else {
        // A torn last line (interrupted write) must not glue onto the next row.
        let bytes = std::fs::read(path).map_err(fail)?;
        if !bytes.ends_with(b"\n") {
            file.write_all(b"\n").map_err(fail)?;
        }
    }
    file.sync_all().map_err(fail)?;
    Ok(file)
}

/// The result of a sweep: every row of this run's shard (finished, sorted,
/// derived columns filled) and the notes to show.
pub struct SweepResult {
    pub rows: Vec<FrontierRow>,
    pub warnings: Vec<String>,
    /// Points solved in this run (the rest came from the journal).
    pub solved: usize,
}

/// Runs the sweep.
pub fn run(
    spec: &SweepSpec,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<SweepResult, SweepError> {
    let result_options = ComputedFrom {
        gap: options.settings.relative_gap,
        time_limit_seconds: options.settings.time_limit_seconds,
        warm_start: options.warm_start,
        ..ComputedFrom::default()
    };
    let (loaded, warnings) = load_all(spec, &result_options)?;
    let key_of = |l: &Loaded, measure: Measure, floor: Floor| -> (SeriesKey, String) {
        (
            (
                l.input.clone(),
                l.scenarios.clone(),
                measure.name().to_string(),
            ),
            num(floor.value()),
        )
    };

    // Canonical order: input, scenario set, measure, floor.
    let mut mine = Vec::new();
    let mut all_points = Vec::new();
    let mut position = 0;
    for (i, l) in loaded.iter().enumerate() {
        for &measure in &spec.measures {
            for &floor in &spec.floors {
                let key = key_of(l, measure, floor);
                all_points.push((key.0.clone(), floor.value()));
                let owned = options.shard.is_none_or(|s| s.owns(position));
                position += 1;
                if owned {
                    mine.push((
                        Point {
                            instance: i,
                            measure,
                            floor,
                        },
                        key,
                    ));
                }
            }
        }
    }
    let all_points = provenance::point_set(all_points);
    let sweep = SweepIdentity {
        id: provenance::sweep_id(&all_points),
        points: all_points.len() as u64,
        shard: options.shard,
    };
    let my_keys: HashSet<&(SeriesKey, String)> = mine.iter().map(|(_, key)| key).collect();

    // Finished points of this run: an earlier frontier file, overridden by
    // the journal's rows (the journal holds each point's own result).
    let mut finished: BTreeMap<(SeriesKey, String), (RowAt, FrontierRow)> = BTreeMap::new();
    if options.resume {
        let previous = match &options.previous {
            Some(path) => read_finished(path, false)?,
            None => Vec::new(),
        };
        let journaled = match &options.journal {
            Some(path) => read_finished(path, true)?,
            None => Vec::new(),
        };
        for (at, row) in previous.into_iter().chain(journaled) {
            if my_keys.contains(&row.key()) {
                finished.insert(row.key(), (at, row));
            }
        }
    }
    // Reused rows must come from the same files and options as this run.
    let computed_from: HashMap<(&str, &str), &ComputedFrom> = loaded
        .iter()
        .map(|l| ((l.input.as_str(), l.scenarios.as_str()), &l.computed_from))
        .collect();
    let mut changes: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for (at, row) in finished.values() {
        let now = computed_from
            .get(&(row.input.as_str(), row.scenarios.as_str()))
            .expect("finished rows are kept only for this run's points");
        for part in row.computed_from.differences(now) {
            let change = provenance::describe_change(part, row, &row.computed_from, now);
            if seen.insert(change.clone()) {
                changes.push(format!("{at}: {change}"));
            }
        }
    }
    if !changes.is_empty() {
        return Err(SweepError::Changed(changes));
    }
    // A row of the earlier file may show the plan of a higher floor (the
    // monotone envelope). It stands only if that floor's point is in this
    // run too, else the point is solved again: its own result is not in the
    // file.
    finished.retain(|_, (_, row)| {
        row.plan_floor
            .is_none_or(|plan_floor| my_keys.contains(&(row.series(), num(plan_floor))))
    });

    let mut rows: Vec<FrontierRow> = finished
        .into_values()
        .map(|(_, row)| FrontierRow {
            sweep_id: sweep.id,
            sweep_points: sweep.points,
            shard: sweep.shard,
            ..row
        })
        .collect();
    let done: HashSet<(SeriesKey, String)> = rows.iter().map(FrontierRow::key).collect();
    let todo: Vec<Point> = mine
        .iter()
        .filter(|(_, key)| !done.contains(key))
        .map(|(p, _)| *p)
        .collect();

    let journal = match &options.journal {
        Some(path) => Some((
            path.clone(),
            Mutex::new(open_journal(path, options.resume)?),
        )),
        None => None,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| SweepError::Internal(format!("cannot start worker threads: {e}")))?;
    // One HiGHS thread per point: the parallelism is across points, and a
    // fixed thread count keeps every point's answer the same whatever --jobs is.
    let settings = Settings {
        threads: Some(1),
        ..options.settings
    };
    progress.started(todo.len());
    let solved = todo.len();
    let new_rows: Vec<FrontierRow> = pool.install(|| -> Result<Vec<FrontierRow>, SweepError> {
        // Baselines: one per (input, scenario set) that still has points to solve.
        let mut needed: Vec<usize> = todo.iter().map(|p| p.instance).collect();
        needed.sort_unstable();
        needed.dedup();
        // Column generation's floor-free part: one per series (input,
        // scenario set, measure) it solves.
        let mut series: Vec<(usize, Measure)> = todo
            .iter()
            .filter(|p| {
                crate::colgen::applies(
                    &loaded[p.instance].instance,
                    Requirement::new(p.floor, p.measure),
                )
            })
            .map(|p| (p.instance, p.measure))
            .collect();
        series.dedup();
        // The baselines first: a series then takes its instance's baseline
        // plans from the exact search as its cheapest columns
        // (`Prepared::with_cheapest`, as a single solve does) instead of
        // searching again.
        let baselines = needed
            .par_iter()
            .map(|&i| Ok((i, baseline(&loaded[i].instance, &settings)?)))
            .collect::<Result<Vec<(usize, Baseline)>, OptimizeError>>()?;
        let baseline_of = |instance: usize| {
            &baselines
                .iter()
                .find(|(i, _)| *i == instance)
                .expect("a baseline for every instance with points")
                .1
        };
        let prepared = series
            .par_iter()
            .map(|&(i, measure)| {
                let requirement = Requirement::new(Floor::ZERO, measure);
                let cheapest = baseline_of(i).cheapest_plans();
                Prepared::with_cheapest(&loaded[i].instance, requirement, &settings, cheapest)
                    .map(|prepared| ((i, measure), prepared))
            })
            .collect::<Result<Vec<((usize, Measure), Prepared)>, SolverError>>()
            .map_err(OptimizeError::from)?;
        let prepared_for = |point: &Point| {
            prepared
                .iter()
                .find(|(key, _)| *key == (point.instance, point.measure))
                .map(|(_, prepared)| prepared)
        };
        // Solves one point, journals and reports its row; returns the plan too.
        let solve_point = |point: &Point,
                           start: Option<&Plan>|
         -> Result<(FrontierRow, Option<Plan>), SweepError> {
            let l = &loaded[point.instance];
            let requirement = Requirement::new(point.floor, point.measure);
            let solution = optimize_against(
                &l.instance,
                requirement,
                &settings,
                baseline_of(point.instance),
                start,
                prepared_for(point),
            )?;
            let row = row_of(l, &solution, sweep);
            if let Some((path, file)) = &journal {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                file.write_all(frontier::row_line(&row).as_bytes())
                    .and_then(|_| file.flush())
                    .map_err(|e| SweepError::File {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
            }
            progress.finished(&row);
            Ok((row, solution.best.map(|b| b.plan)))
        };
        if options.warm_start {
            // One chain per series, from the highest floor down: each plan
            // meets every lower floor and starts the next solve.
            let mut chains: Vec<Vec<Point>> = Vec::new();
            for point in &todo {
                match chains.last_mut() {
                    Some(chain)
                        if chain[0].instance == point.instance
                            && chain[0].measure == point.measure =>
                    {
                        chain.push(*point)
                    }
                    _ => chains.push(vec![*point]),
                }
            }
            let rows: Vec<Vec<FrontierRow>> = chains
                .par_iter()
                .map(|chain| {
                    let mut start: Option<Plan> = None;
                    let mut rows = Vec::with_capacity(chain.len());
                    for point in chain.iter().rev() {
                        let (row, plan) = solve_point(point, start.as_ref())?;
                        if plan.is_some() {
                            start = plan;
                        }
                        rows.push(row);
                    }
                    Ok(rows)
                })
                .collect::<Result<_, SweepError>>()?;
            Ok(rows.concat())
        } else {
            // Highest floors first: they take longest, and a long solve
            // started last would leave the other workers idle. Each worker
            // takes the next point when it is free (one queue, not a split
            // of the list), so the last points to run are the short ones.
            todo.iter()
                .rev()
                .par_bridge()
                .map(|point| solve_point(point, None).map(|(row, _)| row))
                .collect()
        }
    })?;
    rows.extend(new_rows);
    let rows = frontier::finish(rows).map_err(SweepError::Internal)?;
    Ok(SweepResult {
        rows,
        warnings,
        solved,
    })
}

/// The highest achievable floor of every series, for the closing summary.
pub fn max_floors(rows: &[FrontierRow]) -> Vec<(frontier::SeriesKey, f64)> {
    let mut out: Vec<(frontier::SeriesKey, f64)> = Vec::new();
    for row in rows {
        if !out.iter().any(|(k, _)| *k == row.series()) {
            out.push((row.series(), row.max_floor));
        }
    }
    out
}

/// Frontier files that cannot be joined.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error(
        "the files were computed from different inputs or options:{}\n\
        Run the sweeps whose inputs or options differ again, then merge.",
        provenance::listing(.0)
    )]
    DifferentInputs(Vec<String>),
    #[error("the files disagree: {0}")]
    Disagree(String),
    #[error(
        "points are missing: {}\n\
        Was a shard's file left out? Give every shard's file, or add --partial \
        to merge what is there.",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    Incomplete(Vec<Incomplete>),
}

/// Frontier files joined into one.
#[derive(Debug)]
pub struct Merged {
    pub rows: Vec<FrontierRow>,
    /// The sweeps with missing points (only with `partial`).
    pub incomplete: Vec<Incomplete>,
}

/// Joins frontier files `(name, contents)` into the file one run would
/// write: refuses rows computed from other inputs or options than the rest,
/// two results for one point, and (unless `partial`) sweeps with points in
/// none of the files.
pub fn merge(files: &[(String, Vec<u8>)], partial: bool) -> Result<Merged, MergeError> {
    let mut numbered: Vec<(RowAt, FrontierRow)> = Vec::new();
    for (name, bytes) in files {
        for (line, row) in frontier::parse_numbered(name, bytes, false)? {
            let at = RowAt {
                file: name.clone(),
                line,
            };
            numbered.push((at, row));
        }
    }
    let differences = provenance::merge_differences(&numbered);
    if !differences.is_empty() {
        return Err(MergeError::DifferentInputs(differences));
    }
    let rows: Vec<FrontierRow> = numbered.into_iter().map(|(_, row)| row).collect();
    let incomplete = provenance::incomplete_sweeps(&rows).map_err(MergeError::Disagree)?;
    if !incomplete.is_empty() && !partial {
        return Err(MergeError::Incomplete(incomplete));
    }
    let mut rows = frontier::finish(rows).map_err(MergeError::Disagree)?;
    if incomplete.is_empty() {
        // Complete: the rows are one sweep, the union of the files' (for
        // the shards of one sweep, that sweep itself), solved by no single
        // shard. A partial merge keeps the sweeps' own ids and shards, so
        // merging it later with the missing files completes them.
        let points = provenance::point_set(rows.iter().map(|r| (r.series(), r.floor)));
        let id = provenance::sweep_id(&points);
        for row in &mut rows {
            row.sweep_id = id;
            row.sweep_points = points.len() as u64;
            row.shard = None;
        }
    }
    Ok(Merged { rows, incomplete })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(spec: &str) -> Vec<f64> {
        parse_floors(spec)
            .unwrap()
            .iter()
            .map(|f| f.value())
            .collect()
    }

    #[test]
    fn floor_ranges_and_lists() {
        assert_eq!(values("0:1:0.25"), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(values("0:1:0.05").len(), 21);
        assert_eq!(values("0:1:0.05")[3], 0.15);
        assert_eq!(values("0.9, 0.5,0.9"), vec![0.5, 0.9]);
        assert_eq!(values("0.5:0.6:0.3"), vec![0.5]);
        assert!(parse_floors("0:1").is_err());
        assert!(parse_floors("0:1:0").is_err());
        assert!(parse_floors("0:1.5:0.1").is_err());
        assert!(parse_floors("0.9,x").is_err());
        assert!(parse_floors("1:0:0.1").is_err());
    }

    #[test]
    fn shards_partition_the_points() {
        let shards: Vec<Shard> = (1..=3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        for position in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.owns(position)).count(), 1);
        }
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
