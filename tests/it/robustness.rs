//! Failure paths: badly scaled numbers, the time limit, determinism across
//! thread counts.

use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::{divopt, generate, json, read, write};

/// Demands from 0.001 to 1e9 units and costs from 1e-6 to 1e9: every plan
/// divopt reports must still pass the independent evaluator (which the solve
/// pipeline runs; a failing plan would exit 1).
#[test]
fn badly_scaled_inputs_still_give_checked_plans() {
    let dir = TempDir::new().unwrap();
    let options = write(
        &dir,
        "scaled.csv",
        "product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,local,module_size,module_cost,max_modules\n\
         dust,a,JP,0.001,0.000001,0.001,0.000001,1,0.0000001,false,,,\n\
         dust,b,KR,0.001,0.000002,0.002,0.000003,1,0.0000001,false,,,\n\
         bulk,a,JP,1000000000,1,1000000000,1000000,5,0.01,false,,,\n\
         bulk,b,US,1000000000,1.2,600000000,5000000,5,0.01,false,,,\n\
         bulk,c,HOME,1000000000,2,0,9000000,5,0.01,true,100000000,1000000000,8\n\
         tool,a,EU,3,1000000000,3,1000,2,,false,,,\n\
         tool,b,US,3,1200000000,2,100000000,2,,false,,,\n\
         tool,c,HOME,3,2000000000,0,0,2,,true,1,500000000,3\n",
    );
    for floor in ["0.5", "0.8", "0.9", "0.95"] {
        for measure in ["worst", "each", "expected"] {
            let output = divopt()
                .args([
                    "solve",
                    options.to_str().unwrap(),
                    "--floor",
                    floor,
                    "--measure",
                    measure,
                    "--json",
                ])
                .output()
                .unwrap();
            let code = output.status.code().unwrap();
            assert!(
                code == 0 || code == 3,
                "floor {floor}, {measure}: exit {code}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            if code == 0 {
                let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
                let min_fill = doc["summary"]["min_fill"].as_f64().unwrap();
                if measure == "worst" {
                    let floor: f64 = floor.parse().unwrap();
                    assert!(
                        min_fill >= floor - 1e-6,
                        "{measure} {floor}: min fill {min_fill}"
                    );
                }
            }
        }
    }
}

/// A generated instance of size M (300 products × 8 options, 40 scenarios)
/// whose solve at floor 0.95 and gap 0 takes seconds.
fn generate_m(dir: &TempDir) {
    generate(dir, 300, 8, 40, 3);
}

/// HiGHS alone can overrun its time limit by minutes on large models; divopt's
/// guard interrupts it. The bound here is generous (the test must not be
/// flaky on a loaded machine); the benchmarks measure the real overrun.
#[test]
fn the_time_limit_is_honoured_on_a_model_that_needs_longer() {
    let dir = TempDir::new().unwrap();
    generate_m(&dir);
    let started = Instant::now();
    let output = divopt()
        .args([
            "solve",
            "--floor",
            "0.95",
            "--gap",
            "0",
            "--time-limit",
            "1",
            "--json",
        ])
        .arg(dir.path().join("options.csv"))
        .arg("--scenarios")
        .arg(dir.path().join("scenarios.csv"))
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    let code = output.status.code().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let status = doc["summary"]["status"].as_str().unwrap().to_string();
    match code {
        // A plan stopped by the limit says so and states its gap.
        0 => {
            assert_eq!(status, "time_limit", "gap 0 in 1 s should not be proven");
            assert!(doc["summary"]["gap"].as_f64().unwrap() > 0.0);
        }
        4 => assert_eq!(status, "no_plan_in_time"),
        3 => assert_eq!(status, "infeasible"),
        other => panic!("exit {other}: {}", String::from_utf8_lossy(&output.stderr)),
    }
}

/// Column generation starts from a plan every product can reach (its
/// strongest), so even a time limit that stops it before its first master
/// LP gives a plan, with status `time_limit`, exit 0 and a gap, instead of
/// exit 4.
#[test]
fn a_tiny_time_limit_still_gives_a_plan() {
    let dir = TempDir::new().unwrap();
    generate_m(&dir);
    let options = dir.path().join("options.csv");
    let scenarios = dir.path().join("scenarios.csv");
    let (code, doc) = json(&[
        "solve",
        options.to_str().unwrap(),
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--floor",
        "0.9",
        "--time-limit",
        "0.001",
    ]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["status"], "time_limit");
    assert_eq!(doc["summary"]["method"], "column_generation");
    assert!(doc["summary"]["objective"].as_f64().unwrap() > 0.0);
    assert!(doc["summary"]["gap"].as_f64().unwrap() > 0.0);
    assert!(doc["summary"]["min_fill"].as_f64().unwrap() >= 0.9 - 1e-6);
}

#[test]
fn outputs_are_identical_across_thread_counts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new().unwrap();
    for threads in ["1", "2"] {
        divopt()
            .arg("solve")
            .arg(root.join("data/semis.csv"))
            .arg("--scenarios")
            .arg(root.join("models/scenarios/semis.csv"))
            .args(["--threads", threads, "--out"])
            .arg(dir.path().join(threads))
            .assert()
            .success()
            .stderr(predicate::str::contains("wrote"));
    }
    for name in ["plan.csv", "products.csv", "scenarios.csv"] {
        assert_eq!(
            read(&dir.path().join("1").join(name)),
            read(&dir.path().join("2").join(name)),
            "{name} differs between --threads 1 and 2"
        );
    }
}

/// SIGTERM while HiGHS works on a model that needs seconds: exit 130 and no
/// output file, not even a temporary one.
#[test]
fn sigterm_during_a_solve_writes_nothing() {
    let dir = TempDir::new().unwrap();
    generate_m(&dir);
    let out = dir.path().join("plan");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("divopt"))
        .args(["solve", "--floor", "0.95", "--gap", "0"])
        .arg(dir.path().join("options.csv"))
        .arg("--scenarios")
        .arg(dir.path().join("scenarios.csv"))
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !out.exists(),
        "an interrupted solve created {}",
        out.display()
    );
}
