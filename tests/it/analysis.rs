//! Analysis commands and policy levers: evaluate (round trip, today's plan,
//! time to survive, Monte Carlo), chokepoints on crafted instances whose
//! classes are known, and every lever binding and not binding.

use crate::support::{cell, divopt, json, read, write};
use std::path::Path;

use approx::assert_relative_eq;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::cli::OPTIONS;

#[test]
fn evaluating_the_plan_solve_wrote_gives_the_fills_solve_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = root.join("data/semis.csv");
    let scenarios = root.join("models/scenarios/semis.csv");
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan");
    let eval = dir.path().join("eval");
    divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--floor",
            "0.9",
            "--scenarios",
        ])
        .arg(&scenarios)
        .arg("--out")
        .arg(&plan)
        .assert()
        .success();
    divopt()
        .args(["evaluate", options.to_str().unwrap(), "--scenarios"])
        .arg(&scenarios)
        .arg("--plan")
        .arg(&plan)
        .arg("--out")
        .arg(&eval)
        .assert()
        .success()
        .stdout(predicate::str::contains("Meets floor 0.9"));
    assert_eq!(
        read(&plan.join("scenarios.csv")),
        read(&eval.join("scenarios.csv"))
    );
    // products.csv matches but for `action`, which needs the baseline plan.
    let without_action = |path: &Path| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let action = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "action")
            .unwrap();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (0..r.len())
                    .filter(|&i| i != action)
                    .map(|i| r[i].to_string())
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        without_action(&plan.join("products.csv")),
        without_action(&eval.join("products.csv"))
    );
    assert_eq!(cell(&eval.join("products.csv"), "neon_gas", "action"), "");
}

/// Today's sourcing, filled in by hand: one supplier per product, no reserve.
const TODAY: &str = "product,supplier,quantity\nwafer,jp1,100\ngas,ua,10\nfoundry,tw,50\n";

#[test]
fn a_hand_filled_plan_is_scored_against_any_scenarios() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let plan = write(&dir, "today.csv", TODAY);
    let out = dir.path().join("eval");
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--plan",
            plan.to_str().unwrap(),
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "5 option(s) of the options file are not in the plan",
        ))
        .stdout(predicate::str::contains("Misses floor 0.9"))
        .stdout(predicate::str::contains("Cost per period 6165.00"));
    // outage:JP stops the only wafer supplier: (2·0 + 1·1 + 3·1) / 6.
    assert_relative_eq!(
        cell(&out.join("scenarios.csv"), "outage:JP", "fill")
            .parse::<f64>()
            .unwrap(),
        4.0 / 6.0,
        max_relative = 1e-8
    );
    assert_eq!(
        cell(&out.join("scenarios.csv"), "outage:JP", "worst_product"),
        "wafer"
    );
    // No reserve: wafer's time to survive in outage:JP is 0 of 3 periods.
    let tts = read(&out.join("tts.csv"));
    assert!(tts.contains("wafer,outage:JP,3,0,false,3\n"), "{tts}");
    assert!(tts.contains("wafer,outage:TW,3,,true,0\n"), "{tts}");
}

#[test]
fn plans_that_do_not_fit_the_options_exit_2() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let too_much = write(&dir, "a.csv", &TODAY.replace("gas,ua,10", "gas,ua,12"));
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--plan",
            too_much.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a.csv: row 3, column \"quantity\": product \"gas\", supplier \"ua\": buys 12 units per period, above the 10 it can supply",
        ));
    let unknown = write(&dir, "b.csv", &TODAY.replace("gas,ua,10", "gas,ru,10"));
    divopt()
        .args(["evaluate", options.to_str().unwrap(), "--plan", unknown.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "b.csv: row 3, column \"supplier\": supplier \"ru\" is not an option of product \"gas\"",
        ));
}

#[test]
fn monte_carlo_needs_probabilities_and_is_deterministic() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS);
    let plan = write(&dir, "today.csv", TODAY);
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--plan",
            plan.to_str().unwrap(),
            "--sample",
            "100",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("probability"));
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,duration,probability\njp_quake,JP,2,0.05\ntw_block,TW,3,0.02\n",
    );
    let run = |out: &str| {
        divopt()
            .args([
                "evaluate",
                options.to_str().unwrap(),
                "--plan",
                plan.to_str().unwrap(),
            ])
            .args([
                "--scenarios",
                scenarios.to_str().unwrap(),
                "--sample",
                "2000",
                "--seed",
                "7",
            ])
            .args(["--hist"])
            .arg(dir.path().join(format!("{out}.svg")))
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Monte Carlo: 2000 samples of 12 periods",
            ));
        read(&dir.path().join(out).join("montecarlo.csv"))
    };
    let first = run("a");
    assert_eq!(first, run("b"));
    assert!(read(&dir.path().join("a.svg")).starts_with("<svg"));
    assert!(read(&dir.path().join("a").join("montecarlo_products.csv")).contains("wafer"));
}

/// One product per class; the scenario stops region X for 2 periods.
const CLASSES: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,holding_cost,local,module_size,module_cost,max_modules
fine,a,Y,10,1,10,0,,false,,,
fine,b,X,10,2,10,0,,false,,,
spread,a,X,10,1,10,0,,false,,,
spread,b,Y,10,1.5,10,5,,false,,,
store,a,X,10,1,10,0,0.1,false,,,
store,b,Y,10,1.5,10,500,0.1,false,,,
build,a,X,10,1,10,0,,false,,,
build,home,HOME,10,3,0,10,,true,5,40,2
stuck,a,X,10,1,10,0,,false,,,
";

#[test]
fn chokepoint_classes_on_a_crafted_instance() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "classes.csv", CLASSES);
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,loss,duration\nx_out,X,1,2\n",
    );
    let out = dir.path().join("chokepoints.csv");
    divopt()
        .args([
            "chokepoints",
            options.to_str().unwrap(),
            "--floor",
            "0.9",
            "--scenarios",
        ])
        .arg(&scenarios)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 chokepoint(s), 1 to localize, 1 to stockpile, 1 to diversify, 1 ok.",
        ));
    let class = |p: &str| cell(&out, p, "class");
    assert_eq!(class("fine"), "ok");
    assert_eq!(class("spread"), "diversify");
    assert_eq!(class("store"), "stockpile");
    assert_eq!(class("build"), "localize");
    assert_eq!(class("stuck"), "chokepoint");
    let cost = |p: &str| cell(&out, p, "protection_cost").parse::<f64>().unwrap();
    // spread: qualify b as standby (fixed 5). store: 0.9·10·2 = 18 units at 0.1.
    // build: two modules (0.9 needs 9 ≥ 5·2 = 10 of home capacity) at 40 plus fixed 10.
    assert_relative_eq!(cost("spread"), 5.0, max_relative = 1e-6);
    assert_relative_eq!(cost("store"), 1.8, max_relative = 1e-6);
    assert_relative_eq!(cost("build"), 90.0, max_relative = 1e-6);
    assert_eq!(cost("fine"), 0.0);
    assert_eq!(cell(&out, "stuck", "protection_cost"), "");
    assert_eq!(cell(&out, "stuck", "best_fill"), "0");
    assert_eq!(cell(&out, "stuck", "binding_scenario"), "x_out");
    // Ranked: chokepoint first, then by protection cost, ok last.
    let order: Vec<String> = read(&out)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(order, vec!["stuck", "build", "spread", "store", "fine"]);
}

/// Cheap foreign supply and dearer domestic supply of one product.
const LEVERS: &str = "\
product,supplier,region,demand,unit_cost,capacity,local,min_local_share,max_region_share
steel,jp,JP,100,10,100,false,LOCAL,REGION
steel,ch,CH,100,12,100,false,LOCAL,REGION
steel,home,HOME,100,15,100,true,LOCAL,REGION
";

fn levers(dir: &TempDir, local: &str, region: &str) -> String {
    let text = LEVERS.replace("LOCAL", local).replace("REGION", region);
    write(dir, &format!("levers-{local}-{region}.csv"), &text)
        .display()
        .to_string()
}

fn cost_at_floor_0(path: &str, extra: &[&str]) -> f64 {
    let mut args = vec!["solve", path, "--floor", "0"];
    args.extend_from_slice(extra);
    let (code, doc) = json(&args);
    assert_eq!(code, 0, "{doc}");
    doc["summary"]["objective"].as_f64().unwrap()
}

#[test]
fn min_local_share_binds_when_it_should_and_costs_nothing_otherwise() {
    let dir = TempDir::new().unwrap();
    let free = cost_at_floor_0(&levers(&dir, "", ""), &[]);
    assert_relative_eq!(free, 1000.0);
    // 30% from home at 15 instead of Japan at 10: +30·5.
    assert_relative_eq!(
        cost_at_floor_0(&levers(&dir, "0.3", ""), &[]),
        1150.0,
        max_relative = 1e-6
    );
    assert_relative_eq!(cost_at_floor_0(&levers(&dir, "0", ""), &[]), free);
}

#[test]
fn max_region_share_binds_when_it_should_and_costs_nothing_otherwise() {
    let dir = TempDir::new().unwrap();
    // At most 60 from Japan: 40 more from Switzerland at 12: +40·2.
    assert_relative_eq!(
        cost_at_floor_0(&levers(&dir, "", "0.6"), &[]),
        1080.0,
        max_relative = 1e-6
    );
    assert_relative_eq!(
        cost_at_floor_0(&levers(&dir, "", "1"), &[]),
        1000.0,
        max_relative = 1e-6
    );
    // The flag does the same, and the stricter of flag and column wins.
    let plain = levers(&dir, "", "");
    assert_relative_eq!(
        cost_at_floor_0(&plain, &["--max-region-share", "0.6"]),
        1080.0,
        max_relative = 1e-6
    );
    assert_relative_eq!(
        cost_at_floor_0(&levers(&dir, "", "0.9"), &["--max-region-share", "0.6"]),
        1080.0,
        max_relative = 1e-6
    );
    // A rule no sourcing can meet: exit 3, naming the product.
    divopt()
        .args(["solve", &plain, "--floor", "0", "--max-region-share", "0.3"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "Product \"steel\" cannot meet its policy rules",
        ));
}

#[test]
fn a_budget_buys_the_highest_floor_it_can() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", OPTIONS).display().to_string();
    let (_, at_09) = json(&["solve", &options, "--floor", "0.9", "--gap", "1e-9"]);
    let cost_09 = at_09["summary"]["objective"].as_f64().unwrap();
    // A budget equal to the cost of floor 0.9 buys at least 0.9, at no more than that cost.
    let (code, doc) = json(&[
        "solve",
        &options,
        "--budget",
        &cost_09.to_string(),
        "--gap",
        "1e-9",
    ]);
    assert_eq!(code, 0);
    let floor = doc["summary"]["floor"].as_f64().unwrap();
    assert!(floor >= 0.9 - 1e-6, "budget {cost_09} bought only {floor}");
    assert!(doc["summary"]["objective"].as_f64().unwrap() <= cost_09 * (1.0 + 1e-9));
    assert_eq!(doc["summary"]["budget"].as_f64().unwrap(), cost_09);
    // An ample budget buys the highest achievable floor.
    let (_, rich) = json(&["solve", &options, "--budget", "1e9"]);
    assert_relative_eq!(
        rich["summary"]["floor"].as_f64().unwrap(),
        rich["summary"]["max_floor"].as_f64().unwrap(),
        max_relative = 1e-6
    );
    // A budget below the cheapest sourcing buys nothing: exit 3.
    let (code, doc) = json(&["solve", &options, "--budget", "100"]);
    assert_eq!(code, 3);
    assert_eq!(doc["summary"]["status"], "infeasible");
    divopt()
        .args(["solve", &options, "--budget", "100"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "Budget 100: below the cost of the cheapest plan",
        ));
}

/// The small chain of the QA report: kit = widget + 2 gadget, assembled in-house.
const KIT_OPTIONS: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,max_reserve,floor,local
widget,a,CN,100,10,120,50,1,0.5,,,false
widget,b,US,100,12,80,50,1,0.5,,,false
gadget,c,CN,50,5,60,10,2,,,,false
gadget,d,HOME,50,9,60,10,2,,,,true
";
const KIT_BOM: &str = "parent,child,quantity,demand\nkit,widget,1,\nkit,gadget,2,\nkit,,,10\n";

/// Regression: with a BOM, a product assembled in-house (no options) made
/// chokepoints hand HiGHS an empty model (exit 1, "empty model").
#[test]
fn chokepoints_judge_products_assembled_in_house() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", KIT_OPTIONS);
    let bom = write(&dir, "bom.csv", KIT_BOM);
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,product,loss,duration\nkit_fire,*,kit,0.5,2\ncn,CN,,1,3\n",
    );
    let run = |extra: &[&Path], out: &str| {
        let out = dir.path().join(out);
        let mut command = divopt();
        command.args([
            "chokepoints",
            options.to_str().unwrap(),
            "--bom",
            bom.to_str().unwrap(),
        ]);
        for file in extra {
            command.arg("--scenarios").arg(file);
        }
        command.arg("--out").arg(&out).assert().success().stdout(
            predicate::str::contains("Assembled in-house").and(predicate::str::contains(": kit.")),
        );
        out
    };
    // Regional outages do not touch the assembly: ok, at no cost.
    let out = run(&[], "outages.csv");
    assert_eq!(cell(&out, "kit", "class"), "ok");
    assert_eq!(cell(&out, "kit", "protection_cost"), "0");
    assert_eq!(cell(&out, "kit", "binding_scenario"), "");
    assert_eq!(cell(&out, "widget", "class"), "stockpile");
    // A fire halves the assembly for 2 periods: nothing can protect it.
    let out = run(&[&scenarios], "fire.csv");
    assert_eq!(cell(&out, "kit", "class"), "chokepoint");
    assert_eq!(cell(&out, "kit", "best_fill"), "0.5");
    assert_eq!(cell(&out, "kit", "binding_scenario"), "kit_fire");
    assert_eq!(cell(&out, "kit", "protection_cost"), "");
    assert_eq!(cell(&out, "kit", "baseline_cost"), "0");
}

#[test]
fn chokepoints_of_the_shipped_chain_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("chokepoints.csv");
    divopt()
        .arg("chokepoints")
        .arg(root.join("data/semis-chain.csv"))
        .arg("--bom")
        .arg(root.join("data/semis-bom.csv"))
        .arg("--scenarios")
        .arg(root.join("models/scenarios/semis.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("chokepoint(s)"));
    // Every product of the chain has a verdict, the in-house ones included.
    let text = read(&out);
    assert_eq!(text.lines().count(), 1 + 23, "{text}");
    for product in ["car", "smartphone", "server", "home_fab_wafers"] {
        assert_eq!(cell(&out, product, "class"), "ok", "{product}");
    }
    assert_eq!(cell(&out, "euv_lithography", "class"), "chokepoint");
}

/// Regression: exposure called a product with max_reserve 0 stockpilable,
/// while the model (and chokepoints) can hold no stock of it.
#[test]
fn a_max_reserve_of_0_means_no_stock_in_exposure_and_chokepoints() {
    let dir = TempDir::new().unwrap();
    let capped = KIT_OPTIONS
        .replace(
            "widget,a,CN,100,10,120,50,1,0.5,,",
            "widget,a,CN,100,10,120,50,1,0.5,0,",
        )
        .replace(
            "widget,b,US,100,12,80,50,1,0.5,,",
            "widget,b,US,100,12,80,50,1,0.5,0,",
        );
    let options = write(&dir, "f.csv", &capped);
    let out = dir.path().join("x.csv");
    divopt()
        .args(["exposure", options.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"widget .* no stock").unwrap());
    assert_eq!(cell(&out, "widget", "stockpilable"), "false");
    assert_eq!(cell(&out, "gadget", "stockpilable"), "false");
    // Without the cap, widget can be stockpiled.
    let free = write(&dir, "g.csv", KIT_OPTIONS);
    divopt()
        .args(["exposure", free.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(cell(&out, "widget", "stockpilable"), "true");
    // chokepoints agrees: no stock can protect widget in the CN outage.
    let choke = dir.path().join("c.csv");
    divopt()
        .args(["chokepoints", options.to_str().unwrap(), "--out"])
        .arg(&choke)
        .assert()
        .success();
    assert_eq!(cell(&choke, "widget", "class"), "chokepoint");
}

/// Regression: products.csv named a worst scenario for products never
/// short (worst_fill 1), where the text table and scenarios.csv name none.
#[test]
fn products_never_short_have_no_worst_scenario() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", KIT_OPTIONS);
    let out = dir.path().join("plan");
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
        .success();
    let products = out.join("products.csv");
    assert_eq!(cell(&products, "gadget", "worst_fill"), "1");
    assert_eq!(cell(&products, "gadget", "worst_scenario"), "");
    assert_eq!(cell(&products, "widget", "worst_fill"), "0.8");
    assert_eq!(cell(&products, "widget", "worst_scenario"), "outage:CN");
    // evaluate writes the same schema, with the same rule.
    let eval = dir.path().join("eval");
    divopt()
        .args(["evaluate", options.to_str().unwrap(), "--plan"])
        .arg(&out)
        .arg("--out")
        .arg(&eval)
        .assert()
        .success();
    assert_eq!(
        cell(&eval.join("products.csv"), "gadget", "worst_scenario"),
        ""
    );
}

/// Regression: the baseline (no floors at all, the products' own too) was
/// labelled "Cost at floor 0", beside the dearer plan of a `--floor 0` run.
#[test]
fn the_baseline_is_labelled_as_the_cost_with_no_floors() {
    let dir = TempDir::new().unwrap();
    let own_floor = KIT_OPTIONS
        .replace(
            "widget,a,CN,100,10,120,50,1,0.5,,,",
            "widget,a,CN,100,10,120,50,1,0.5,,0.9,",
        )
        .replace(
            "widget,b,US,100,12,80,50,1,0.5,,,",
            "widget,b,US,100,12,80,50,1,0.5,,0.9,",
        );
    let options = write(&dir, "o.csv", &own_floor);
    let output = divopt()
        .args(["solve", options.to_str().unwrap(), "--floor", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("floor 0"), "{stdout}");
    assert!(
        predicate::str::is_match(r"Cost with no floors \(no product floors either\) +1310\.00\n")
            .unwrap()
            .eval(&stdout),
        "{stdout}"
    );
    assert!(
        stdout.contains("Against the plan with no floors:"),
        "{stdout}"
    );
    // Without product floors the label needs no remark.
    let plain = write(&dir, "p.csv", KIT_OPTIONS);
    divopt()
        .args(["solve", plain.to_str().unwrap(), "--floor", "0.9"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\nCost with no floors +1310\.00\n").unwrap());
}

/// Regression: a plan directory without products.csv was evaluated with
/// every reserve taken as 0, silently changing the fills.
#[test]
fn a_plan_directory_without_products_csv_is_rejected() {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "o.csv", KIT_OPTIONS);
    let solved = dir.path().join("solved");
    divopt()
        .args([
            "solve",
            options.to_str().unwrap(),
            "--floor",
            "0.95",
            "--out",
        ])
        .arg(&solved)
        .assert()
        .success();
    assert_ne!(cell(&solved.join("products.csv"), "widget", "reserve"), "0");
    let partial = dir.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    std::fs::copy(solved.join("plan.csv"), partial.join("plan.csv")).unwrap();
    let products = partial.join("products.csv");
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--floor",
            "0.95",
            "--plan",
        ])
        .arg(&partial)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: not found; a plan directory keeps each product's reserve there",
            products.display()
        )))
        .stderr(predicate::str::contains(format!(
            "give --plan {} to evaluate the plan with no reserves",
            partial.join("plan.csv").display()
        )));
    // The plan file itself is evaluated as it stands (no reserves), and the
    // whole directory with its reserves.
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--floor",
            "0.95",
            "--plan",
        ])
        .arg(partial.join("plan.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Misses floor 0.95"));
    divopt()
        .args([
            "evaluate",
            options.to_str().unwrap(),
            "--floor",
            "0.95",
            "--plan",
        ])
        .arg(&solved)
        .assert()
        .success()
        .stdout(predicate::str::contains("Meets floor 0.95"));
}

/// A product whose own floor is above F is judged against both: its
/// cheapest sourcing meeting F but not its own floor is not `ok`, and the
/// protection cost is what its own floor costs (the same rule for every
/// product; before, `a` was ok at 0 while `b` paid for its own floor).
#[test]
fn chokepoints_hold_a_product_to_its_own_floor_as_well() {
    let dir = TempDir::new().unwrap();
    let options = write(
        &dir,
        "o.csv",
        "product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,floor\n\
         a,a1,X,100,10,100,0,1,1,0.8\n\
         a,a2,Y,100,12,50,50,1,1,0.8\n\
         c,c1,X,100,10,100,0,1,1,\n\
         c,c2,Y,100,12,50,50,1,1,\n",
    );
    let scenarios = write(
        &dir,
        "s.csv",
        "scenario,region,supplier,product,loss,duration\nkx,X,,,0.5,2\n",
    );
    let out = dir.path().join("c.csv");
    divopt()
        .args([
            "chokepoints",
            options.to_str().unwrap(),
            "--floor",
            "0.5",
            "--scenarios",
        ])
        .arg(&scenarios)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    // The cheapest sourcing (a1 alone) keeps 50% in kx: enough for F, not
    // for a's own 0.8, which qualifying a2 (fixed cost 50) reaches.
    assert_eq!(cell(&out, "a", "class"), "diversify");
    assert_eq!(cell(&out, "a", "protection_cost"), "50");
    assert_eq!(cell(&out, "c", "class"), "ok");
    assert_eq!(cell(&out, "c", "protection_cost"), "0");
}
