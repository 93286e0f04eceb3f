//! Bills of materials: explosion, propagation on a hand-computed 3-tier case,
//! equivalence with the list model, validation, and the exposure view.

use crate::support::{cell, divopt, write};
use std::path::{Path, PathBuf};

use approx::assert_relative_eq;
use predicates::prelude::*;
use tempfile::TempDir;

use divopt::evaluate::{check_plan, check_requirement, evaluate};
use divopt::formulation::Requirement;
use divopt::input::{load_with_bom, ScenarioSource};
use divopt::instance::{Floor, Measure};
use divopt::optimize::optimize;
use divopt::solve::Settings;

/// car (assembled in-house, 10/period) ← 20 mcu each ← 0.01 wafer per mcu.
/// mcu is made in TW (plenty), wafers in JP (cheap) or KR (standby, fixed 30).
/// wafer also has 1 unit/period of direct demand (e.g. research fabs).
const OPTIONS: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost
mcu,tsmc,TW,0,1,1000,0,,
wafer,sumco,JP,1,50,10,0,0,
wafer,siltron,KR,1,60,10,30,0,
";
const BOM: &str = "parent,child,quantity,demand\ncar,mcu,20,10\nmcu,wafer,0.01,\n";
const SCENARIOS: &str =
    "scenario,region,product,loss,duration\njp_quake,JP,,1,2\nline_fire,*,car,0.5,1\n";

struct Case {
    _dir: TempDir,
    options: PathBuf,
    bom: PathBuf,
    scenarios: PathBuf,
}

fn case() -> Case {
    let dir = TempDir::new().unwrap();
    Case {
        options: write(&dir, "o.csv", OPTIONS),
        bom: write(&dir, "bom.csv", BOM),
        scenarios: write(&dir, "s.csv", SCENARIOS),
        _dir: dir,
    }
}

#[test]
fn an_upstream_outage_caps_every_downstream_product() {
    let c = case();
    let files = [c.scenarios.clone()];
    let loaded = load_with_bom(&c.options, ScenarioSource::Files(&files), Some(&c.bom)).unwrap();
    let instance = &loaded.instance;
    // Requirements: car 10; mcu 20·10 = 200; wafer 1 + 0.01·200 = 3.
    let requirement = |name: &str| {
        instance
            .products
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .demand_per_period
    };
    assert_eq!(requirement("car"), 10.0);
    assert_eq!(requirement("mcu"), 200.0);
    assert_relative_eq!(requirement("wafer"), 3.0);
    // Only car carries weight: mcu has no direct demand, wafer's weight is 0.
    assert_eq!(instance.total_weight(), 1.0);

    // At floor 0 the cheapest plan buys wafers from JP only. In jp_quake the
    // wafer fill is 0, so mcu (own fill 1) is capped at 0, and so is car.
    // In line_fire the car line loses half: car 0.5, its inputs untouched.
    let settings = Settings::default();
    let cheap = optimize(
        instance,
        Requirement::new(Floor::ZERO, Measure::Worst),
        &settings,
    )
    .unwrap();
    let evaluation = &cheap.best.as_ref().unwrap().evaluation;
    let fill = |name: &str, scenario: &str| {
        let p = instance
            .products
            .iter()
            .position(|p| p.name == name)
            .unwrap();
        let k = instance
            .scenarios
            .iter()
            .position(|s| s.name == scenario)
            .unwrap();
        evaluation.fill[[p, k]]
    };
    assert_eq!(fill("wafer", "jp_quake"), 0.0);
    assert_eq!(fill("mcu", "jp_quake"), 0.0);
    assert_eq!(fill("car", "jp_quake"), 0.0);
    assert_eq!(fill("car", "line_fire"), 0.5);
    assert_eq!(fill("mcu", "line_fire"), 1.0);

    // At floor 0.5 the plan must protect the cheap upstream wafer: qualify KR
    // (10 per period survive the quake: wafer fill 1 ≥ 0.5) for its fixed 30.
    let protected = optimize(
        instance,
        Requirement::new(Floor::new(0.5).unwrap(), Measure::Worst),
        &settings,
    )
    .unwrap();
    let best = protected.best.as_ref().unwrap();
    assert!(check_plan(instance, &best.plan).is_empty());
    let requirement = Requirement::new(Floor::new(0.5).unwrap(), Measure::Worst);
    assert!(check_requirement(instance, &evaluate(instance, &best.plan), requirement).is_empty());
    assert_relative_eq!(
        best.evaluation.costs.total() - evaluation.costs.total(),
        30.0,
        max_relative = 1e-6
    );
    // Floor 0.6 is out of reach: the car line fire caps car at 0.5.
    let too_high = optimize(
        instance,
        Requirement::new(Floor::new(0.6).unwrap(), Measure::Worst),
        &settings,
    )
    .unwrap();
    assert_eq!(too_high.status, divopt::solve::Status::Infeasible);
    assert_relative_eq!(too_high.attainable.max_floor, 0.5);
}

#[test]
fn solve_reports_the_weakest_link_and_the_requirement() {
    let c = case();
    let out = c._dir.path().join("out");
    divopt()
        .args([
            "solve",
            c.options.to_str().unwrap(),
            "--floor",
            "0",
            "--bom",
        ])
        .arg(&c.bom)
        .arg("--scenarios")
        .arg(&c.scenarios)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Weakest links"))
        .stderr(predicate::str::contains("links.csv"));
    let links = std::fs::read_to_string(out.join("links.csv")).unwrap();
    assert!(links.contains("car,jp_quake,0,wafer,0\n"), "{links}");
    assert!(links.contains("car,line_fire,0.5,car,0.5\n"), "{links}");
    let products = out.join("products.csv");
    assert_eq!(cell(&products, "wafer", "requirement"), "3");
    assert_eq!(cell(&products, "wafer", "demand"), "1");
    assert_eq!(cell(&products, "wafer", "dependents"), "1");
    assert_eq!(cell(&products, "car", "dependents"), "0");
}

#[test]
fn a_bom_of_final_products_without_inputs_is_the_list_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = root.join("data/semis.csv");
    let dir = TempDir::new().unwrap();
    // Every product final, no children: the BOM only restates demands.
    let loaded = divopt::input::load(
        &options,
        ScenarioSource::RegionalOutages {
            duration_periods: 3.0,
        },
    )
    .unwrap();
    let mut bom = String::from("parent,child,quantity,demand\n");
    for p in &loaded.instance.products {
        bom.push_str(&format!("{},,,{}\n", p.name, p.demand_per_period));
    }
    let bom = write(&dir, "bom.csv", &bom);
    let objective = |extra: &[&str]| -> f64 {
        let output = divopt()
            .args([
                "solve",
                options.to_str().unwrap(),
                "--floor",
                "0.9",
                "--gap",
                "1e-9",
                "--json",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success());
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        doc["summary"]["objective"].as_f64().unwrap()
    };
    assert_relative_eq!(
        objective(&[]),
        objective(&["--bom", bom.to_str().unwrap()]),
        max_relative = 1e-9
    );
}

#[test]
fn bad_boms_are_rejected_with_clear_messages() {
    let c = case();
    let reject = |bom: &str, message: &str| {
        let path = write(&c._dir, "bad-bom.csv", bom);
        divopt()
            .args(["solve", c.options.to_str().unwrap(), "--bom"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    };
    reject(
        "parent,child,quantity\ncar,mcu,20\nmcu,wafer,1\nwafer,car,1\n",
        "the BOM has a cycle: car → mcu → wafer → car",
    );
    reject(
        "parent,child,quantity\ncar,mcu,0\n",
        "row 2, column \"quantity\"",
    );
    reject(
        "parent,child,quantity\ncar,mcu,-2\n",
        "row 2, column \"quantity\"",
    );
    reject(
        "parent,child,quantity\ncar,chip,2\n",
        "\"chip\" has no sourcing options",
    );
    reject(
        "parent,child,quantity\ntruck,mcu,2\n",
        "\"truck\" has no demand and no parent in the BOM",
    );
    reject(
        "parent,child\ncar,mcu\n",
        "column \"quantity\": required column is missing",
    );
    // Without a BOM, mcu's demand 0 is an error that says what to do.
    divopt()
        .args(["solve", c.options.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("demand 0; demand must be > 0"));
}

#[test]
fn exposure_shares_and_hhi_match_hand_computation() {
    let dir = TempDir::new().unwrap();
    // gas: 100 needed; cheapest CN 60, then UA 30, then JP 10 (of 50): shares
    // 0.6 / 0.3 / 0.1, HHI 0.36 + 0.09 + 0.01 = 0.46. tool: single source.
    let options = write(
        &dir,
        "o.csv",
        "product,supplier,region,demand,unit_cost,capacity,holding_cost,local\n\
         gas,cn,CN,100,1,60,0.1,false\n\
         gas,ua,UA,100,2,30,0.1,false\n\
         gas,jp,JP,100,3,50,0.1,false\n\
         tool,asml,EU,2,100,3,,false\n\
         chip,fab,HOME,5,10,5,,true\n",
    );
    let bom = write(
        &dir,
        "bom.csv",
        "parent,child,quantity\nchip,gas,1\nchip,tool,0.1\n",
    );
    let out = dir.path().join("exposure.csv");
    divopt()
        .args([
            "exposure",
            options.to_str().unwrap(),
            "--bom",
            bom.to_str().unwrap(),
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("single-source"));
    // With the BOM, gas needs 100 + 5 = 105: CN 60, UA 30, JP 15.
    let hhi: f64 = cell(&out, "gas", "hhi").parse().unwrap();
    let (cn, ua, jp) = (60.0 / 105.0, 30.0 / 105.0, 15.0 / 105.0);
    assert_relative_eq!(hhi, cn * cn + ua * ua + jp * jp, max_relative = 1e-8);
    assert_eq!(cell(&out, "gas", "top_region"), "CN");
    assert_eq!(
        cell(&out, "gas", "region_shares"),
        "CN:0.571428571;UA:0.285714286;JP:0.142857143"
    );
    assert_eq!(cell(&out, "gas", "dependents"), "1");
    assert_eq!(cell(&out, "tool", "single_source"), "true");
    assert_eq!(cell(&out, "tool", "stockpilable"), "false");
    assert_eq!(cell(&out, "chip", "domestic_option"), "true");
    // Most concentrated first.
    let text = std::fs::read_to_string(&out).unwrap();
    let order: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(order, vec!["tool", "chip", "gas"]);
    // Without the BOM: 60/30/10, HHI 0.46.
    let plain = dir.path().join("plain.csv");
    divopt()
        .args(["exposure", options.to_str().unwrap(), "--out"])
        .arg(&plain)
        .assert()
        .success();
    assert_relative_eq!(
        cell(&plain, "gas", "hhi").parse::<f64>().unwrap(),
        0.46,
        max_relative = 1e-8
    );
}
