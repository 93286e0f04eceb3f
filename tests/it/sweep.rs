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
