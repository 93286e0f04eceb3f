//! `divopt sweep` and `divopt merge` as a user runs them: the frontier's
//! shape, shards that merge into the unsharded file, an interrupted sweep
//! that resumes to the same file, and charts that are real images.

use crate::support::{divopt, write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::cli::{CHOKEPOINT, OPTIONS};

/// The CSV without its timing column (solve_seconds), for comparisons.
fn without_timings(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let timing = headers.iter().position(|h| h == "solve_seconds").unwrap();
    let mut out = String::new();
    for record in std::iter::once(Ok(headers.clone())).chain(reader.records()) {
        let record = record.unwrap();
        let cells: Vec<&str> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != timing)
            .map(|(_, c)| c)
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

fn column(path: &Path, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let i = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[i].to_string())
        .collect()
}

#[test]
fn frontier_is_non_decreasing_with_a_knee_and_infeasible_rows() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "chips.csv", OPTIONS);
    let chokepoint = write(&dir, "choke.csv", CHOKEPOINT);
    let out = dir.path().join("frontier.csv");
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            chokepoint.to_str().unwrap(),
        ])
        .args([
            "--floors",
            "0:1:0.05",
            "--measure",
            "worst",
            "--measure",
            "each",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "choke.csv (regional-outages:3, worst): highest achievable floor 0.7",
        ));
    let records = rows(&out);
    assert_eq!(records.len(), 2 * 2 * 21);
    // Series in order, floors ascending, cost never falls as the floor rises.
    let mut last: Option<(String, f64, f64)> = None;
    for record in &records {
        let series = format!("{}|{}|{}", &record[0], &record[1], &record[2]);
        let floor: f64 = record[3].parse().unwrap();
        let cost: Option<f64> = record[6].parse().ok();
        if let (Some((s, f, c)), Some(cost)) = (&last, cost) {
            if *s == series {
                assert!(floor > *f);
                assert!(
                    cost >= *c - 1e-9 * c.abs(),
                    "{series}: cost {cost} at {floor} below {c} at {f}"
                );
            }
        }
        if let Some(cost) = cost {
            last = Some((series, floor, cost));
        } else if last.as_ref().is_some_and(|l| l.0 != series) {
            last = None;
        }
    }
    let status = column(&out, "status");
    let floors = column(&out, "floor");
    let inputs = column(&out, "input");
    let measures = column(&out, "measure");
    for i in 0..records.len() {
        let floor: f64 = floors[i].parse().unwrap();
        if inputs[i].ends_with("choke.csv") && measures[i] == "worst" {
            assert_eq!(
                status[i] == "infeasible",
                floor > 0.7 + 1e-9,
                "floor {floor}"
            );
        }
    }
    let knees = column(&out, "knee").iter().filter(|k| *k == "true").count();
    assert!(knees >= 1);
}

#[test]
fn results_do_not_depend_on_jobs() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    for jobs in ["1", "2"] {
        divopt()
            .args([
                "sweep",
                options.to_str().unwrap(),
                "--floors",
                "0:1:0.1",
                "--jobs",
                jobs,
                "--out",
            ])
            .arg(dir.path().join(format!("j{jobs}.csv")))
            .assert()
            .success();
    }
    assert_eq!(
        without_timings(&dir.path().join("j1.csv")),
        without_timings(&dir.path().join("j2.csv"))
    );
}

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let chokepoint = write(&dir, "c.csv", CHOKEPOINT);
    let sweep = |extra: &[&str], out: &str| {
        divopt()
            .args([
                "sweep",
                options.to_str().unwrap(),
                chokepoint.to_str().unwrap(),
            ])
            .args([
                "--floors",
                "0:1:0.05",
                "--measure",
                "worst",
                "--measure",
                "expected",
            ])
            .args(extra)
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
            .success();
    };
    sweep(&[], "whole.csv");
    let mut shard_files = Vec::new();
    for i in 1..=3 {
        let name = format!("shard{i}.csv");
        sweep(&["--shard", &format!("{i}/3")], &name);
        shard_files.push(dir.path().join(name));
    }
    let sizes: usize = shard_files.iter().map(|f| rows(f).len()).sum();
    assert_eq!(sizes, rows(&dir.path().join("whole.csv")).len());
    let merged = dir.path().join("merged.csv");
    divopt()
        .arg("merge")
        .args(&shard_files)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(
        without_timings(&merged),
        without_timings(&dir.path().join("whole.csv"))
    );
}

#[test]
fn merge_refuses_files_that_disagree() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let a = dir.path().join("a.csv");
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            "0.5,0.9",
            "--out",
        ])
        .arg(&a)
        .assert()
        .success();
    let text = std::fs::read_to_string(&a).unwrap();
    let cost = column(&a, "cost")[0].clone();
    let altered = write(
        &dir,
        "b.csv",
        &text.replacen(&format!(",{cost},"), ",1,", 1),
    );
    divopt()
        .args([
            "merge",
            a.to_str().unwrap(),
            altered.to_str().unwrap(),
            "-o",
        ])
        .arg(dir.path().join("m.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two different results"));
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_file() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let floors = "0:1:0.002"; // 501 points: long enough to interrupt
    let out = dir.path().join("frontier.csv");
    let journal = dir.path().join("frontier.csv.journal");
    let binary = assert_cmd::cargo::cargo_bin("divopt");
    let mut child = std::process::Command::new(&binary)
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            floors,
            "--jobs",
            "1",
            "--out",
        ])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some rows are journaled (SIGKILL: no chance to clean up).
    let started = Instant::now();
    loop {
        let lines = std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
        if lines > 40 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the sweep journaled nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the sweep finished before it could be interrupted"
    );
    assert!(
        !out.exists(),
        "an interrupted sweep must not leave a frontier file"
    );
    let journaled = std::fs::read_to_string(&journal).unwrap().lines().count() - 1;
    assert!(journaled < 501);

    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            floors,
            "--jobs",
            "2",
            "--resume",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(
            predicate::str::contains(format!("{} solved in this run", 501 - journaled)).or(
                // the last journaled line may have been torn by the kill and is solved again
                predicate::str::contains(format!("{} solved in this run", 502 - journaled)),
            ),
        );
    assert!(
        !journal.exists(),
        "the journal is removed once the frontier is written"
    );

    let reference = dir.path().join("reference.csv");
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            floors,
            "--out",
        ])
        .arg(&reference)
        .assert()
        .success();
    assert_eq!(without_timings(&out), without_timings(&reference));
}

#[test]
fn charts_are_real_images_with_every_series() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let chokepoint = write(&dir, "c.csv", CHOKEPOINT);
    let svg = dir.path().join("frontier.svg");
    let png = dir.path().join("frontier.png");
    for chart in [&svg, &png] {
        divopt()
            .args([
                "sweep",
                options.to_str().unwrap(),
                chokepoint.to_str().unwrap(),
                "--floors",
                "0:1:0.1",
                "--plot",
            ])
            .arg(chart)
            .assert()
            .success();
    }
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    assert!(text.trim_end().ends_with("</svg>"));
    assert!(text.contains("o.csv"), "series label missing");
    assert!(text.contains("c.csv"), "series label missing");
    assert!(text.contains("knee"), "knee label missing");
    assert!(
        text.contains("no plan reaches floors above 0.7"),
        "infeasible shading missing"
    );
    assert!(
        text.matches("<polyline").count() >= 2,
        "expected a line per series"
    );

    let image = image::open(&png).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (1000, 640));
    let white = image.pixels().filter(|p| p.0 == [255, 255, 255]).count();
    let total = (image.width() * image.height()) as usize;
    assert!(white < total * 98 / 100, "the PNG is almost blank");
}

#[test]
fn bad_sweep_arguments_exit_2() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let path = options.to_str().unwrap();
    divopt()
        .args(["sweep", path, "--floors", "0:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("START:END:STEP"));
    divopt()
        .args(["sweep", path, "--plot", "chart.pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".svg or .png"));
    divopt().args(["sweep", path, "--resume"]).assert().code(2);
    divopt()
        .args(["sweep", path, "--shard", "4/3"])
        .assert()
        .code(2);
    divopt()
        .args(["sweep", "missing.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.csv: cannot be read"));
}

/// Starts a long sweep writing `out` and waits until it has journaled a few rows.
fn start_long_sweep(options: &Path, out: &Path) -> std::process::Child {
    let journal = PathBuf::from(format!("{}.journal", out.display()));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("divopt"))
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            "0:1:0.001",
            "--jobs",
            "1",
            "--out",
        ])
        .arg(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count()) < 10 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the sweep journaled nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[test]
fn ctrl_c_leaves_no_partial_files_and_a_resumable_journal() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let out = dir.path().join("frontier.csv");
    let child = start_long_sweep(&options, &out);
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!out.exists());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let journal = dir.path().join("frontier.csv.journal");
    let rows = frontier_rows(&journal);
    assert!(rows >= 9, "the journal lost its rows ({rows} left)");
}

fn frontier_rows(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

#[test]
fn a_second_sweep_on_the_same_journal_is_refused() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let out = dir.path().join("frontier.csv");
    let mut first = start_long_sweep(&options, &out);
    let before = frontier_rows(&dir.path().join("frontier.csv.journal"));
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            "0:1:0.5",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "another divopt sweep is writing this journal",
        ));
    // The refused sweep did not truncate the running one's journal.
    assert!(frontier_rows(&dir.path().join("frontier.csv.journal")) >= before);
    first.kill().unwrap();
    first.wait().unwrap();
}

/// Replaces the first `from` in the file with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Regression: `--resume` reused the rows of a finished sweep after the
/// options file had changed (exit 0, "0 points to solve", the old costs).
#[test]
fn resume_refuses_rows_computed_from_other_inputs_or_options() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let out = dir.path().join("fr.csv");
    let sweep = |extra: &[&str]| {
        let mut command = divopt();
        command
            .args(["sweep", options.to_str().unwrap(), "--floors", "0,0.5,0.9"])
            .args(extra)
            .arg("--out")
            .arg(&out);
        command
    };
    sweep(&[]).assert().success();
    edit(&options, "wafer,jp1,JP,100,10,", "wafer,jp1,JP,100,12,");
    sweep(&["--resume"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "fr.csv, row 2: {} has changed since the row was computed",
            options.display()
        )))
        .stderr(predicate::str::contains(
            "Drop --resume to solve every point again, or write to another --out.",
        ))
        .stderr(predicate::str::contains("points to solve").not());
    edit(&options, "wafer,jp1,JP,100,12,", "wafer,jp1,JP,100,10,");
    sweep(&["--resume", "--gap", "0.001", "--warm-start"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--gap was 0.0001, is 0.001 now"))
        .stderr(predicate::str::contains("--warm-start was off, is on now"));
    // The journal's rows are checked the same way.
    std::fs::rename(&out, dir.path().join("fr.csv.journal")).unwrap();
    let bom = write(&dir, "bom.csv", "parent,child,quantity\nfoundry,wafer,1\n");
    sweep(&["--resume", "--bom", bom.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "fr.csv.journal, row 2: --bom is given now but was not then",
        ));
    // Unchanged inputs and options: every row is reused.
    sweep(&["--resume"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0 solved in this run"));
}

/// Regression: `merge` joined shard files computed from different contents
/// of the same options file.
#[test]
fn merge_refuses_shards_computed_from_different_inputs() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let shard = |i: u32| {
        let out = dir.path().join(format!("s{i}.csv"));
        divopt()
            .args(["sweep", options.to_str().unwrap(), "--floors", "0:1:0.25"])
            .args(["--shard", &format!("{i}/2"), "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let first = shard(1);
    edit(&options, "gas,cn,CN,10,1.5,", "gas,cn,CN,10,1.6,");
    let second = shard(2);
    divopt()
        .arg("merge")
        .args([&first, &second])
        .arg("-o")
        .arg(dir.path().join("m.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{} had other contents: hash ",
            options.display()
        )))
        .stderr(predicate::str::contains(format!(
            "({}, row 2) against hash ",
            first.display()
        )));
    assert!(!dir.path().join("m.csv").exists());
}

/// Stops a sweep (by a panic, as an interrupt would: rows journaled so far
/// stay) once `rows` points are finished.
struct InterruptAfter(std::sync::atomic::AtomicUsize);

impl divopt::sweep::Progress for InterruptAfter {
    fn started(&self, _: usize) {}

    fn finished(&self, _: &divopt::sweep::frontier::FrontierRow) {
        if self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            panic!("interrupted by the test");
        }
    }
}

/// Regression: a merged or resumed sweep derived marginal_cost from costs
/// read back at 9 digits, a single run from the unrounded costs, so their
/// files differed (18.9816 against 18.98).
#[test]
fn sharded_merged_and_resumed_sweeps_equal_one_run_byte_for_byte() {
    use divopt::sweep::{self, RunOptions, ScenarioSet, SweepSpec};

    let dir = TempDir::new().unwrap();
    divopt()
        .args([
            "generate",
            "--products",
            "8",
            "--options",
            "3",
            "--regions",
            "4",
        ])
        .args(["--scenarios", "6", "--seed", "3", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let options = dir.path().join("options.csv");
    let scenarios = dir.path().join("scenarios.csv");
    let floors = "0:1:0.1";
    let sweep = |extra: &[&str], out: &Path| {
        divopt()
            .arg("sweep")
            .arg(&options)
            .arg("--scenarios")
            .arg(&scenarios)
            .args(["--floors", floors, "--jobs", "1"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    let whole = dir.path().join("whole.csv");
    sweep(&[], &whole);

    let shards: Vec<PathBuf> = (1..=2)
        .map(|i| {
            let out = dir.path().join(format!("shard{i}.csv"));
            sweep(&["--shard", &format!("{i}/2")], &out);
            out
        })
        .collect();
    let merged = dir.path().join("merged.csv");
    divopt()
        .arg("merge")
        .args(&shards)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(without_timings(&merged), without_timings(&whole));

    // Interrupted after 4 points, then resumed.
    let resumed = dir.path().join("resumed.csv");
    let spec = SweepSpec {
        inputs: vec![options.clone()],
        bom: None,
        scenario_sets: vec![ScenarioSet::File(scenarios.clone())],
        measures: vec![divopt::instance::Measure::Worst],
        floors: sweep::parse_floors(floors).unwrap(),
    };
    let run = RunOptions {
        jobs: 1,
        settings: divopt::solve::Settings::default(),
        journal: Some(PathBuf::from(format!("{}.journal", resumed.display()))),
        resume: false,
        previous: None,
        shard: None,
        warm_start: false,
    };
    let interrupted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sweep::run(&spec, &run, &InterruptAfter(4.into()))
    }));
    assert!(interrupted.is_err(), "the sweep was not interrupted");
    divopt()
        .arg("sweep")
        .arg(&options)
        .arg("--scenarios")
        .arg(&scenarios)
        .args(["--floors", floors, "--resume", "--out"])
        .arg(&resumed)
        .assert()
        .success()
        .stderr(predicate::str::contains("7 solved in this run"));
    assert_eq!(without_timings(&resumed), without_timings(&whole));
}

/// Regression: merging one shard's file of two wrote half a frontier (its
/// knee found on half the points) without a word.
#[test]
fn merge_names_missing_shards_and_floors() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let sweep = |extra: &[&str], out: &Path| {
        divopt()
            .args(["sweep", options.to_str().unwrap(), "--floors", "0:1:0.1"])
            .args(["--measure", "worst", "--measure", "expected"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    let whole = dir.path().join("whole.csv");
    sweep(&[], &whole);
    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let out = dir.path().join(format!("shard{i}.csv"));
            sweep(&["--shard", &format!("{i}/3")], &out);
            out
        })
        .collect();
    let merge = |files: &[&PathBuf], out: &str| {
        let mut command = divopt();
        command
            .arg("merge")
            .args(files)
            .arg("-o")
            .arg(dir.path().join(out));
        command
    };
    merge(&[&shards[0], &shards[2]], "m.csv")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has 22 points; 7 of them are in none of the files",
        ))
        .stderr(predicate::str::contains("no file has rows of --shard 2/3"));
    assert!(!dir.path().join("m.csv").exists());

    // A shard file cut short: its missing floors are named.
    let text = std::fs::read_to_string(&shards[1]).unwrap();
    let cut: Vec<&str> = text.lines().take(3).collect();
    let short = write(&dir, "short.csv", &(cut.join("\n") + "\n"));
    merge(&[&shards[0], &short, &shards[2]], "m.csv")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "5 of them are in none of the files",
        ))
        .stderr(predicate::str::contains(format!(
            "{} (regional-outages:3, worst): floors 0.1, 0.4, 0.7, 1\n",
            options.display()
        )));

    // --partial writes what is there, says what is missing, and the partial
    // file merges with the missing shard into the whole sweep.
    merge(&[&shards[0], &shards[2]], "partial.csv")
        .arg("--partial")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: --partial: sweep "))
        .stderr(predicate::str::contains("no file has rows of --shard 2/3"));
    let partial = dir.path().join("partial.csv");
    merge(&[&partial, &shards[1]], "full.csv")
        .assert()
        .success();
    assert_eq!(
        without_timings(&dir.path().join("full.csv")),
        without_timings(&whole)
    );
}

/// Regression: `--out` naming a folder failed (exit 1) only after every
/// point was solved, leaving FOLDER.journal; a missing parent folder failed
/// too, where every other command creates it.
#[test]
fn output_paths_are_checked_before_solving_and_missing_folders_created() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let folder = dir.path().join("adir");
    std::fs::create_dir(&folder).unwrap();
    let sweep = |flag: &str, path: &Path| {
        let mut command = divopt();
        command
            .args(["sweep", options.to_str().unwrap(), "--floors", "0,0.5"])
            .arg(flag)
            .arg(path);
        command
    };
    sweep("--out", &folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'--out <FILE>'"))
        .stderr(predicate::str::contains(
            "a folder of that name is in the way; give a file name",
        ))
        .stderr(predicate::str::contains("points to solve").not());
    assert!(!dir.path().join("adir.journal").exists());
    let chart_folder = dir.path().join("chart.svg");
    std::fs::create_dir(&chart_folder).unwrap();
    sweep("--plot", &chart_folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'--plot <FILE>'"));
    sweep("--out", &options.join("f.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a file is in the way"));

    let nested = dir.path().join("new").join("deeper").join("f.csv");
    let chart = dir.path().join("charts").join("f.svg");
    sweep("--out", &nested)
        .arg("--plot")
        .arg(&chart)
        .assert()
        .success();
    assert_eq!(rows(&nested).len(), 2);
    assert!(chart.exists());

    divopt()
        .arg("merge")
        .arg(&nested)
        .arg("-o")
        .arg(&folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a folder of that name is in the way",
        ));
    let merged = dir.path().join("m").join("merged.csv");
    divopt()
        .arg("merge")
        .arg(&nested)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&merged).unwrap(),
        std::fs::read_to_string(&nested).unwrap()
    );
}

/// `sweep --help` and README.md name every frontier.csv column, in order,
/// and the help of sweep and merge lists their exit codes.
#[test]
fn help_and_readme_describe_every_frontier_column_and_exit_code() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let out = dir.path().join("f.csv");
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            "0.5",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let header = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let help = |command: &str| {
        let output = divopt().args([command, "--help"]).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let readme_columns = readme
        .split("frontier.csv columns")
        .nth(1)
        .expect("README lists the frontier.csv columns")
        .split("\n\n")
        .next()
        .unwrap()
        .to_string();
    for (what, text) in [
        ("sweep --help", help("sweep")),
        ("README.md", readme_columns),
    ] {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut from = 0;
        for column in header.split(',') {
            // A list item: after ", ", ": ", " and " or " / ".
            let at = [", ", ": ", " and ", " / "]
                .iter()
                .flat_map(|start| [" ", ",", ".", ")"].map(|end| format!("{start}{column}{end}")))
                .filter_map(|item| text[from..].find(&item))
                .min()
                .unwrap_or_else(|| panic!("{what} lacks column {column} (or not in order)"));
            from += at + column.len();
        }
    }
    for command in ["sweep", "merge"] {
        let text = help(command);
        assert!(text.contains("Exit codes: 0 "), "{command} --help: {text}");
        assert!(text.contains("2 bad input or usage"), "{command} --help");
    }
}

/// A finished row may show the plan of a higher floor (plan_floor). Resumed
/// into a sweep without that floor, it is solved again: its own result is
/// not in the file, and a single run of the new floors would not show it.
#[test]
fn resume_solves_again_a_row_showing_the_plan_of_a_floor_not_in_the_sweep() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let sweep = |floors: &str, extra: &[&str], out: &Path| {
        let mut command = divopt();
        command
            .args(["sweep", options.to_str().unwrap(), "--floors", floors])
            .args(extra)
            .arg("--out")
            .arg(out);
        command
    };
    let out = dir.path().join("fr.csv");
    sweep("0,0.5,0.9", &[], &out).assert().success();
    edit(&out, ",worst,0.5,0.5,", ",worst,0.5,0.9,");
    sweep("0,0.5", &["--resume"], &out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 solved in this run"));
    let fresh = dir.path().join("fresh.csv");
    sweep("0,0.5", &[], &fresh).assert().success();
    assert_eq!(without_timings(&out), without_timings(&fresh));
}

/// binding_scenario names where min_fill is, and none at full fill (it
/// named the first scenario there before).
#[test]
fn no_binding_scenario_at_full_fill() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", CHOKEPOINT);
    // Half of Korea's chips for a period: Taiwan's supplier covers it at a cost.
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,loss,duration\nkr,KR,0.5,1\n",
    );
    let out = dir.path().join("f.csv");
    divopt()
        .args([
            "sweep",
            options.to_str().unwrap(),
            "--floors",
            "0,1",
            "--scenarios",
        ])
        .arg(&scenarios)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(column(&out, "min_fill"), ["1", "1"]);
    assert_eq!(column(&out, "binding_scenario"), ["", ""]);
}
