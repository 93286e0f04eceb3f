//! `divopt sweep` and `divopt merge`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use super::{exit, print_stdout, MergeArgs, SweepArgs};
use crate::report::num;
use crate::solve::Settings;
use crate::sweep::frontier::{self, FrontierRow};
use crate::sweep::plot::{self, Format};
use crate::sweep::{self as sweeping, Progress, RunOptions, ScenarioSet, SweepSpec};

/// A progress bar on a terminal, plain lines otherwise.
enum Reporter {
    Bar(ProgressBar),
    Lines {
        done: AtomicUsize,
        total: Mutex<usize>,
    },
}

impl Reporter {
    fn new() -> Reporter {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} points  {elapsed} (eta {eta})  {msg}",
                )
                .expect("a valid template"),
            );
            Reporter::Bar(bar)
        } else {
            Reporter::Lines {
                done: AtomicUsize::new(0),
                total: Mutex::new(0),
            }
        }
    }

    fn finish(&self) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Reporter {
    fn started(&self, total: usize) {
        match self {
            Reporter::Bar(bar) => bar.set_length(total as u64),
            Reporter::Lines { total: t, .. } => {
                *t.lock().unwrap_or_else(|e| e.into_inner()) = total;
                to_stderr!("sweep: {total} points to solve");
            }
        }
    }

    fn finished(&self, row: &FrontierRow) {
        let what = format!(
            "{} {} floor {}: {}",
            row.input,
            row.measure,
            num(row.floor),
            row.status
        );
        match self {
            Reporter::Bar(bar) => {
                bar.inc(1);
                bar.set_message(what);
            }
            Reporter::Lines { done, total } => {
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                let total = *total.lock().unwrap_or_else(|e| e.into_inner());
                to_stderr!("sweep: {n}/{total} {what}");
            }
        }
    }
}

fn journal_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn write_plot(path: &Path, rows: &[FrontierRow]) -> anyhow::Result<()> {
    let format = Format::from_path(path).expect("checked by the parser");
    let bytes =
        plot::render(rows, format).map_err(|e| anyhow::anyhow!("cannot draw the chart: {e}"))?;
    crate::output::write_file(path, &bytes)?;
    to_stderr!("wrote {}", path.display());
    Ok(())
}

fn print_max_floors(rows: &[FrontierRow]) {
    for ((input, scenarios, measure), max_floor) in sweeping::max_floors(rows) {
        let knee = rows
            .iter()
            .find(|r| {
                r.knee && r.input == input && r.scenarios == scenarios && r.measure == measure
            })
            .map_or_else(
                || "no knee".to_string(),
                |r| format!("knee at floor {}", num(r.floor)),
            );
        to_stderr!(
            "{input} ({scenarios}, {measure}): highest achievable floor {}, {knee}",
            num(max_floor)
        );
    }
}

pub fn sweep_command(args: &SweepArgs) -> anyhow::Result<u8> {
    let floors = match sweeping::parse_floors(&args.floors) {
        Ok(floors) => floors,
        Err(message) => {
            to_stderr!("error: --floors {message}");
            return Ok(exit::BAD_INPUT);
        }
    };
    let scenario_sets = if args.scenarios.is_empty() {
        vec![ScenarioSet::RegionalOutages {
            duration_periods: args.duration.unwrap_or(3.0),
        }]
    } else {
        args.scenarios
            .iter()
            .cloned()
            .map(ScenarioSet::File)
            .collect()
    };
    let mut measures: Vec<crate::instance::Measure> =
        args.measure.iter().map(|&m| m.into()).collect();
    measures.dedup();
    let spec = SweepSpec {
        inputs: args.inputs.clone(),
        bom: args.bom.clone(),
        scenario_sets,
        measures,
        floors,
    };
    let journal = args.out.as_deref().map(journal_path);
    let options = RunOptions {
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        ),
        settings: Settings {
            relative_gap: args.gap,
            time_limit_seconds: args.time_limit,
            threads: None,
            verbose: false,
        },
        journal: journal.clone(),
        resume: args.resume,
        previous: args.out.clone(),
        shard: args.shard,
        warm_start: args.warm_start,
    };
    let reporter = Reporter::new();
    let result = sweeping::run(&spec, &options, &reporter);
    reporter.finish();
    let result = match result {
        Ok(result) => result,
        Err(sweeping::SweepError::Input(errors)) => return Ok(super::input_failed(&errors)),
        Err(error @ (sweeping::SweepError::File { .. } | sweeping::SweepError::Changed(_))) => {
            to_stderr!("error: {error}");
            return Ok(exit::BAD_INPUT);
        }
        Err(other) => return Err(other.into()),
    };
    for warning in &result.warnings {
        to_stderr!("note: {warning}");
    }
    let table = frontier::render(&result.rows);
    match &args.out {
        Some(out) => {
            crate::output::write_file(out, table.as_bytes())?;
            if let Some(journal) = &journal {
                // Every row is now in the frontier file.
                let _ = std::fs::remove_file(journal);
            }
            to_stderr!(
                "wrote {} ({} rows, {} solved in this run)",
                out.display(),
                result.rows.len(),
                result.solved
            );
        }
        None => print_stdout(&table)?,
    }
    if let Some(plot) = &args.plot {
        write_plot(plot, &result.rows)?;
    }
    print_max_floors(&result.rows);
    Ok(exit::SOLVED)
}

pub fn merge_command(args: &MergeArgs) -> anyhow::Result<u8> {
    let mut files = Vec::with_capacity(args.files.len());
    for file in &args.files {
        match std::fs::read(file) {
            Ok(bytes) => files.push((file.display().to_string(), bytes)),
            Err(e) => {
                to_stderr!("error: {}: cannot be read: {e}", file.display());
                return Ok(exit::BAD_INPUT);
            }
        }
    }
    let merged = match sweeping::merge(&files, args.partial) {
        Ok(merged) => merged,
        Err(error) => {
            to_stderr!("error: {error}");
            return Ok(exit::BAD_INPUT);
        }
    };
    for sweep in &merged.incomplete {
        to_stderr!("warning: --partial: {sweep}");
    }
    let rows = merged.rows;
    crate::output::write_file(&args.out, frontier::render(&rows).as_bytes())?;
    to_stderr!("wrote {} ({} rows)", args.out.display(), rows.len());
    if let Some(plot) = &args.plot {
        write_plot(plot, &rows)?;
    }
    print_max_floors(&rows);
    Ok(exit::SOLVED)
}
