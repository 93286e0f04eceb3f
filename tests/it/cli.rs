//! The command line as a user meets it: exit codes, messages, the files
//! written by --out, byte-identical reruns.

use crate::support::{divopt, generate, json, read, write};
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

pub const OPTIONS: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,max_reserve,floor,local,module_size,module_cost,max_modules
wafer,jp1,JP,100,10,100,50,2,0.3,,,false,,,
wafer,tw1,TW,100,11,60,50,2,0.3,,,false,,,
wafer,home,HOME,100,14,0,80,2,0.3,,,true,20,100,5
gas,ua,UA,10,1,10,5,1,0.05,,,false,,,
gas,cn,CN,10,1.5,10,20,1,0.05,,,false,,,
foundry,tw,TW,50,100,50,100,3,,,,false,,,
foundry,kr,KR,50,105,20,200,3,,,,false,,,
foundry,home,HOME,50,140,0,100,3,,,,true,10,1500,5
";

/// A product that only Taiwan can make, with nothing to stockpile: caps every floor.
pub const CHOKEPOINT: &str = "\
product,supplier,region,demand,unit_cost,capacity,weight,holding_cost
chip,tsmc,TW,10,5,10,1,
chip,samsung,KR,10,6,4,1,
resin,jp,JP,5,1,5,1,0.1
";

#[test]
fn solve_writes_four_files_with_the_documented_headers() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let out = dir.path().join("out");
    divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--floor",
            "0.9",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Status: optimal"))
        .stdout(predicate::str::contains("Premium for resilience"))
        .stderr(predicate::str::contains("wrote plan.csv"));
    let first_line = |name: &str| read(&out.join(name)).lines().next().unwrap().to_string();
    assert_eq!(
        first_line("plan.csv"),
        "product,supplier,region,local,selected,quantity,share,modules,capacity"
    );
    assert_eq!(
        first_line("products.csv"),
        "product,demand,weight,reserve,reserve_periods,suppliers,regions,local_share,worst_fill,worst_scenario,action,requirement,dependents"
    );
    assert_eq!(
        first_line("scenarios.csv"),
        "scenario,kind,duration,probability,fill,worst_product,worst_product_fill"
    );
    assert_eq!(read(&out.join("plan.csv")).lines().count(), 1 + 8);
    assert_eq!(read(&out.join("scenarios.csv")).lines().count(), 1 + 6);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["status"], "optimal");
    assert_eq!(summary["measure"], "worst");
    for key in [
        "objective",
        "baseline_cost",
        "premium_pct",
        "gap",
        "min_fill",
        "solve_seconds",
    ] {
        assert!(summary[key].is_number(), "{key} missing in {summary}");
    }
    assert!(summary["min_fill"].as_f64().unwrap() >= 0.9 - 1e-6);
    // Nothing else (no temporary files) is left behind.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 4);
}

#[test]
fn reruns_give_byte_identical_csv_files() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    for run in ["a", "b"] {
        divopt()
            .args([
                "solve",
                options.to_str().unwrap(),
                "--floor",
                "0.95",
                "--out",
            ])
            .arg(dir.path().join(run))
            .assert()
            .success();
    }
    for name in ["plan.csv", "products.csv", "scenarios.csv"] {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(name)).unwrap(),
            std::fs::read(dir.path().join("b").join(name)).unwrap(),
            "{name} differs between runs"
        );
    }
}

#[test]
fn infeasible_floor_exits_3_and_names_what_caps_it() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "chips.csv", CHOKEPOINT);
    let out = dir.path().join("out");
    // In outage:TW only samsung's 4 of 10 survive: chip fill 0.4, resin 1, so the
    // weighted fill is at most 0.7.
    divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--floor",
            "0.9",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("highest achievable floor is 0.7"))
        .stdout(predicate::str::contains("outage:TW"))
        .stdout(predicate::str::contains("chip (best fill 40.0%)"))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());
    divopt()
        .args(["solve", options.to_str().unwrap(), "--floor", "0.7"])
        .assert()
        .success();
}

#[test]
fn json_output_carries_summary_and_plan() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let output = divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--json",
            "--measure",
            "expected",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["summary"]["measure"], "expected");
    assert_eq!(doc["summary"]["scenarios_equally_likely"], true);
    assert_eq!(doc["plan"].as_array().unwrap().len(), 8);
    assert_eq!(doc["products"].as_array().unwrap().len(), 3);
}

#[test]
fn infeasible_json_has_status_and_max_floor() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "chips.csv", CHOKEPOINT);
    let output = divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--json",
            "--floor",
            "0.8",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["summary"]["status"], "infeasible");
    approx::assert_relative_eq!(
        doc["summary"]["max_floor"].as_f64().unwrap(),
        0.7,
        epsilon = 1e-9
    );
    assert_eq!(doc["summary"]["capping_products"][0], "chip");
}

#[test]
fn bad_cells_exit_2_naming_file_row_and_column() {
    let dir = TempDir::new().unwrap();
    let text = OPTIONS.replace("wafer,tw1,TW,100,11,60", "wafer,tw1,TW,100,11,6O");
    let options = write(&dir, "typo.csv", &text);
    divopt()
        .args(["solve", options.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "typo.csv: row 3, column \"capacity\": \"6O\" is not a number",
        ));
}

#[test]
fn every_row_error_is_listed() {
    let dir = TempDir::new().unwrap();
    let text = OPTIONS
        .replace("gas,ua,UA,10,1,10", "gas,ua,UA,ten,1,10")
        .replace("foundry,kr,KR,50,105", "foundry,kr,KR,50,-105");
    let options = write(&dir, "bad.csv", &text);
    divopt()
        .args(["solve", options.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("row 5, column \"demand\""))
        .stderr(predicate::str::contains("row 8, column \"unit_cost\""));
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let path = options.to_str().unwrap();
    divopt()
        .args(["solve", path, "--floor", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("outside [0, 1]"));
    divopt()
        .args(["solve", path, "--floor", "90%"])
        .assert()
        .code(2);
    divopt()
        .args(["solve", path, "--measure", "best"])
        .assert()
        .code(2);
    let scenarios = write(&dir, "s.csv", "scenario,region,duration\nq,JP,2\n");
    divopt()
        .args(["solve", path, "--duration", "2", "--scenarios"])
        .arg(&scenarios)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    divopt().args(["solve"]).assert().code(2);
    divopt()
        .args(["solve", path, "--threads", "0"])
        .assert()
        .code(2);
    divopt()
        .args(["solve", path, "--threads", "257"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1..=256"));
}

#[test]
fn missing_and_empty_files_exit_2() {
    let dir = TempDir::new().unwrap();
    divopt()
        .args(["solve", "does/not/exist.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does/not/exist.csv: cannot be read",
        ));
    let empty = write(&dir, "empty.csv", "");
    divopt()
        .args(["solve", empty.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.csv: the file is empty"));
}

#[test]
fn excel_exports_are_read() {
    let dir = TempDir::new().unwrap();
    let excel = format!("\u{feff}{}", OPTIONS.replace('\n', "\r\n"));
    let plain = write(&dir, "plain.csv", OPTIONS);
    let excel = write(&dir, "excel.csv", &excel);
    let semicolons = write(&dir, "semi.csv", &OPTIONS.replace(',', ";"));
    let run = |path: &Path, out: &str| {
        divopt()
            .args(["solve", path.to_str().unwrap(), "--out"])
            .arg(dir.path().join(out))
            .assert()
            .success();
        read(&dir.path().join(out).join("plan.csv"))
    };
    let expected = run(&plain, "plain");
    assert_eq!(run(&excel, "excel"), expected);
    assert_eq!(run(&semicolons, "semi"), expected);
}

#[test]
fn unknown_columns_and_unmatched_scenario_rows_are_noted() {
    let dir = TempDir::new().unwrap();
    let options = write(
        &dir,
        "options.csv",
        &OPTIONS.replacen("max_modules", "max_modules,comment", 1),
    );
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,supplier,loss,duration\nquake,JP,,0.5,2\nfire,TW,tsmc_typo,1,3\n",
    );
    divopt()
        .args(["solve", options.to_str().unwrap(), "--scenarios"])
        .arg(&scenarios)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "ignoring unknown column(s): comment",
        ))
        .stderr(predicate::str::contains("s.csv: row 3: matches no option"));
}

#[test]
fn mixed_probabilities_are_an_input_error() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,duration,probability\nquake,JP,2,0.1\nwar,TW,6,\n",
    );
    divopt()
        .args(["solve", options.to_str().unwrap(), "--scenarios"])
        .arg(&scenarios)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "s.csv: row 3, column \"probability\"",
        ));
}

#[test]
fn scenario_ids_must_be_unique_across_files() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let a = write(&dir, "a.csv", "scenario,region,duration\nquake,JP,2\n");
    let b = write(&dir, "b.csv", "scenario,region,duration\nquake,TW,2\n");
    divopt()
        .args(["solve", options.to_str().unwrap(), "--scenarios"])
        .arg(&a)
        .arg("--scenarios")
        .arg(&b)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("also defined in"));
}

/// An output path that cannot be written is the user's to fix: exit 2, one
/// message (the system's reason once) that says what is in the way, before
/// any solving, and nothing written.
#[test]
fn output_paths_in_the_way_exit_2_before_any_work() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let blocker = write(&dir, "out", "not a directory");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let once =
        |needle: &'static str| predicate::function(move |s: &str| s.matches(needle).count() == 1);
    divopt()
        .args(["solve", options.to_str().unwrap(), "--out"])
        .arg(&blocker)
        .assert()
        .code(2)
        .stderr(once("cannot write"))
        .stderr(predicate::str::contains("give a folder name"))
        // Refused while reading the command line (the message names the
        // flag), before the solve.
        .stderr(predicate::str::contains("'--out <DIR>'"));
    assert_eq!(read(&blocker), "not a directory");
    for command in ["exposure", "chokepoints"] {
        divopt()
            .args([command, options.to_str().unwrap(), "--out"])
            .arg(&folder)
            .assert()
            .code(2)
            .stderr(once("cannot write"))
            .stderr(predicate::str::contains("give a file name"))
            .stderr(predicate::str::contains("'--out <FILE>'"));
    }
}

/// A folder where one of the output files should go stops the whole set:
/// no file of an earlier run is replaced, so no new file sits beside an old one.
#[test]
fn a_folder_in_the_way_of_one_output_file_replaces_none() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("plan.csv"), "earlier run").unwrap();
    std::fs::create_dir(out.join("summary.json")).unwrap();
    divopt()
        .args(["solve", options.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("summary.json"))
        .stderr(predicate::str::contains(
            "a folder of that name is in the way",
        ));
    assert_eq!(read(&out.join("plan.csv")), "earlier run");
    assert!(!out.join("products.csv").exists());
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
}

/// Negative values reach the value check (its range message), instead of
/// being taken for flags.
#[test]
fn negative_numbers_get_the_range_message() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let path = options.to_str().unwrap();
    for (args, message) in [
        (["solve", path, "--floor", "-0.1"], "-0.1 is outside [0, 1]"),
        (
            ["solve", path, "--budget", "-5"],
            "\"-5\" is not a number >= 0",
        ),
        (
            ["solve", path, "--gap", "-1"],
            "\"-1\" is not a number >= 0",
        ),
        (
            ["chokepoints", path, "--floor", "-0.5"],
            "-0.5 is outside [0, 1]",
        ),
    ] {
        divopt()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("unexpected argument").not());
    }
}

#[test]
fn help_teaches_the_command() {
    divopt()
        .args(["solve", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--floor"))
        .stdout(predicate::str::contains("plan.csv"))
        .stdout(predicate::str::contains("default 3"));
    // README: every command's help has its exit codes.
    for command in ["solve", "evaluate", "chokepoints", "exposure", "generate"] {
        divopt()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Exit codes"));
    }
}

/// The shipped example, with both scenario sets, gives an instructive answer.
#[test]
fn semis_example_solves_with_both_scenario_sets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = root.join("data/semis.csv");
    let scenarios = root.join("models/scenarios/semis.csv");
    for extra in [
        vec![],
        vec!["--scenarios".to_string(), scenarios.display().to_string()],
    ] {
        let output = divopt()
            .args([
                "solve",
                options.to_str().unwrap(),
                "--floor",
                "0.9",
                "--json",
            ])
            .args(&extra)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(doc["summary"]["status"], "optimal");
        assert!(doc["summary"]["premium_pct"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn write_model_writes_what_highs_solves() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let lp = dir.path().join("model.lp");
    divopt()
        .args(["solve", options.to_str().unwrap(), "--write-model"])
        .arg(&lp)
        .assert()
        .success();
    let text = read(&lp);
    assert!(text.contains("min"), "{text}");
    // 8 binaries (one per option), 2 module counts.
    assert!(text.contains("bin"), "{text}");
    divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--write-model",
            "model.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".lp or .mps"));
}

/// The summary says how the plan was found: column generation for the
/// coupled measures on a generated instance, the exact search for `each`,
/// the whole model with a bill of materials. JSON carries it as `method`.
#[test]
fn the_summary_names_the_method() {
    let dir = TempDir::new().unwrap();
    generate(&dir, 40, 5, 12, 1);
    let options = dir.path().join("options.csv");
    let scenarios = dir.path().join("scenarios.csv");
    let method = |extra: &[&str]| {
        let mut args = vec![
            "solve",
            options.to_str().unwrap(),
            "--scenarios",
            scenarios.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, doc) = json(&args);
        assert_eq!(code, 0);
        doc["summary"]["method"].as_str().unwrap().to_string()
    };
    assert_eq!(
        method(&["--floor", "0.3", "--measure", "each"]),
        "search_per_product"
    );
    assert_eq!(method(&["--floor", "0.6"]), "column_generation");
    divopt()
        .arg("solve")
        .arg(&options)
        .arg("--scenarios")
        .arg(&scenarios)
        .args(["--floor", "0.3", "--measure", "each"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Method: exact search per product (each product's cheapest plan; no solver model)",
        ));

    let chain = write(&dir, "chain.csv", OPTIONS);
    let bom = write(&dir, "bom.csv", "parent,child,quantity\nfoundry,wafer,1\n");
    divopt()
        .arg("solve")
        .arg(&chain)
        .arg("--bom")
        .arg(&bom)
        .assert()
        .success()
        .stdout(predicate::str::contains("Method: whole model; model: "));
}

/// `divopt … 2>&1 | head -1`: messages to a closed stderr are dropped, not a
/// panic (exit 101); the run ends as it would have.
#[test]
fn a_closed_stderr_does_not_change_the_outcome() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let run = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        std::process::Command::new(env!("CARGO_BIN_EXE_divopt"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap()
            .code()
    };
    let out = dir.path().join("out");
    // Writes the files and says so on stderr.
    assert_eq!(
        run(&[
            "solve",
            options.to_str().unwrap(),
            "--floor",
            "0.9",
            "--out",
            out.to_str().unwrap()
        ]),
        Some(0)
    );
    assert!(out.join("plan.csv").exists());
    // An input error, reported on stderr.
    assert_eq!(run(&["solve", "no-such-file.csv"]), Some(2));
}

/// When a plan can keep every scenario at full fill, no scenario caps the
/// floor, and when the plan does, none is its worst: summary.json names
/// none (it named the first scenario before).
#[test]
fn nothing_binds_at_full_fill() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", CHOKEPOINT);
    let binding = |scenarios: &str| {
        let scenarios = write(&dir, "s.csv", scenarios);
        let (code, doc) = json(&[
            "solve",
            options.to_str().unwrap(),
            "--scenarios",
            scenarios.to_str().unwrap(),
            "--floor",
            "0.3",
        ]);
        assert_eq!(code, 0);
        // The plan's worst scenario, like the ceiling's, is none at full fill.
        assert_eq!(
            doc["summary"]["worst_scenario"].is_null(),
            doc["summary"]["min_fill"] == 1.0
        );
        (
            doc["summary"]["max_floor"].clone(),
            doc["summary"]["binding_scenario"].clone(),
        )
    };
    // Half of Korea's chips for a period: Taiwan's supplier covers it.
    let (max_floor, scenario) = binding("scenario,region,loss,duration\nkr,KR,0.5,1\n");
    assert_eq!(max_floor, 1.0);
    assert!(scenario.is_null(), "{scenario}");
    // Taiwan out: the chip cannot be replaced nor stockpiled.
    let (max_floor, scenario) = binding("scenario,region,duration\ntw,TW,2\n");
    assert!(max_floor.as_f64().unwrap() < 1.0);
    assert_eq!(scenario, "tw");
}
