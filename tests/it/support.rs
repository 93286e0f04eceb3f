//! Shared fixtures for the model tests: a builder for hand-written instances,
//! a proptest strategy for random small instances, and helpers that judge
//! every plan with the independent evaluator.

#![allow(dead_code)] // each test module uses a different subset

use std::ops::RangeInclusive;

use divopt::evaluate::{check_plan, check_requirement, evaluate, Evaluation};
use divopt::formulation::Requirement;
use divopt::instance::{
    Floor, Instance, Losses, Measure, ModuleSpec, OptionId, Product, ProductId, Scenario,
    SourcingOption,
};
use divopt::plan::Plan;
use divopt::solve::Settings;
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------
// Small conveniences
// ---------------------------------------------------------------------------

/// Solver settings for tests that compare optima: the default gap (1e-4)
/// would let HiGHS stop at a plan that is slightly more expensive.
pub fn exact() -> Settings {
    Settings {
        relative_gap: 1e-9,
        ..Settings::default()
    }
}

/// A floor from a literal known to be in [0, 1].
pub fn floor(value: f64) -> Floor {
    Floor::new(value).unwrap_or_else(|| panic!("{value} is not a floor"))
}

/// `Requirement::new` from a plain number.
pub fn requirement(value: f64, measure: Measure) -> Requirement {
    Requirement::new(floor(value), measure)
}

pub const MEASURES: [Measure; 3] = [Measure::Worst, Measure::Each, Measure::Expected];

/// Proptest configuration: `cases` cases (or `PROPTEST_CASES` from the
/// environment, for a longer hunt) and no regression files (a failure prints
/// the shrunk instance instead).
pub fn proptest_config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Judging plans
// ---------------------------------------------------------------------------

/// Runs every check of the independent evaluator on `plan` and panics with
/// the problems found; returns the evaluation for further assertions.
#[track_caller]
pub fn assert_plan_ok(instance: &Instance, plan: &Plan, requirement: Requirement) -> Evaluation {
    let mut problems = check_plan(instance, plan);
    assert!(
        problems.is_empty(),
        "plan fails check_plan: {problems:#?}\nplan: {plan:#?}\ninstance: {instance:#?}"
    );
    let evaluation = evaluate(instance, plan);
    problems = check_requirement(instance, &evaluation, requirement);
    assert!(
        problems.is_empty(),
        "plan fails check_requirement for {requirement:?}: {problems:#?}\nplan: {plan:#?}\nfills: {:?}\ninstance: {instance:#?}",
        evaluation.fill
    );
    evaluation
}

/// The plan's cost per period as the evaluator computes it.
pub fn plan_cost(instance: &Instance, plan: &Plan) -> f64 {
    evaluate(instance, plan).costs.total()
}

/// Asserts the invariants input validation guarantees (the library assumes
/// them; a fixture that broke them would test nothing meaningful).
#[track_caller]
pub fn assert_valid(instance: &Instance) {
    for (p, product) in instance.products.iter().enumerate() {
        assert!(
            product.demand_per_period > 0.0,
            "demand of {}",
            product.name
        );
        assert!(product.weight >= 0.0, "weight of {}", product.name);
        let most: f64 = product
            .options
            .iter()
            .map(|&o| instance.option(o).max_capacity_per_period())
            .sum();
        assert!(
            most >= product.demand_per_period,
            "product {} cannot be served even with every option and module ({most} < {})",
            product.name,
            product.demand_per_period
        );
        for &o in &product.options {
            assert_eq!(
                instance.option(o).product,
                ProductId(p),
                "option {o:?} points elsewhere"
            );
        }
    }
    let listed: usize = instance.products.iter().map(|p| p.options.len()).sum();
    assert_eq!(
        listed,
        instance.options.len(),
        "every option belongs to exactly one product"
    );
    assert!(!instance.scenarios.is_empty(), "at least one scenario");
    let with_probability = instance
        .scenarios
        .iter()
        .filter(|s| s.probability.is_some())
        .count();
    assert!(
        with_probability == 0 || with_probability == instance.scenarios.len(),
        "all scenarios have a probability or none does"
    );
    for s in &instance.scenarios {
        assert!(s.duration_periods > 0.0);
        let (least, more) = (s.losses.least(), s.losses.more());
        assert!((0.0..=1.0).contains(&least), "least loss a share: {s:?}");
        assert!(
            more.windows(2).all(|w| w[0].0 < w[1].0),
            "losses sorted: {s:?}"
        );
        assert!(more
            .iter()
            .all(|&(o, a)| o.0 < instance.options.len() && a > least && a <= 1.0));
    }
}

// ---------------------------------------------------------------------------
// Hand-written instances
// ---------------------------------------------------------------------------

/// Builds an instance by hand, keeping option ids, product back-pointers and
/// sorted sparse losses consistent.
#[derive(Debug)]
pub struct Builder {
    instance: Instance,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            instance: Instance {
                products: Vec::new(),
                options: Vec::new(),
                scenarios: Vec::new(),
                bom: Vec::new(),
            },
        }
    }

    /// A product that cannot be stockpiled and has no own floor.
    pub fn product(&mut self, name: &str, demand: f64, weight: f64) -> ProductId {
        self.instance.products.push(Product {
            name: name.to_string(),
            demand_per_period: demand,
            direct_demand_per_period: demand,
            weight,
            holding_cost_per_unit: None,
            max_reserve_units: None,
            floor: None,
            policy: Default::default(),
            options: Vec::new(),
        });
        ProductId(self.instance.products.len() - 1)
    }

    /// Lets `p` be stockpiled at `holding_cost` per unit per period, up to `max_reserve` units.
    pub fn stockpile(
        &mut self,
        p: ProductId,
        holding_cost: f64,
        max_reserve: Option<f64>,
    ) -> &mut Self {
        let product = &mut self.instance.products[p.0];
        product.holding_cost_per_unit = Some(holding_cost);
        product.max_reserve_units = max_reserve;
        self
    }

    /// Gives `p` its own floor.
    pub fn own_floor(&mut self, p: ProductId, value: f64) -> &mut Self {
        self.instance.products[p.0].floor = Some(floor(value));
        self
    }

    pub fn option(
        &mut self,
        p: ProductId,
        supplier: &str,
        region: &str,
        unit_cost: f64,
        capacity: f64,
        fixed_cost: f64,
    ) -> OptionId {
        let id = OptionId(self.instance.options.len());
        self.instance.options.push(SourcingOption {
            product: p,
            supplier: supplier.to_string(),
            region: region.to_string(),
            local: false,
            unit_cost,
            capacity_per_period: capacity,
            fixed_cost_per_period: fixed_cost,
            module: None,
        });
        self.instance.products[p.0].options.push(id);
        id
    }

    /// Lets option `o` be extended by up to `max` modules of `size` units at `cost` each.
    pub fn module(&mut self, o: OptionId, size: f64, cost: f64, max: u32) -> &mut Self {
        self.instance.options[o.0].module = Some(ModuleSpec {
            size_per_period: size,
            cost_per_period: cost,
            max_modules: max,
        });
        self
    }

    /// A scenario in which the listed options lose the given shares.
    pub fn scenario(
        &mut self,
        name: &str,
        duration: f64,
        probability: Option<f64>,
        losses: &[(OptionId, f64)],
    ) -> &mut Self {
        self.instance.scenarios.push(Scenario {
            name: name.to_string(),
            kind: String::new(),
            duration_periods: duration,
            probability,
            losses: losses.iter().copied().collect(),
            assembly_losses: Vec::new(),
        });
        self
    }

    /// A scenario in which every option in `region` loses everything.
    pub fn outage(&mut self, region: &str, duration: f64, probability: Option<f64>) -> &mut Self {
        let losses: Vec<(OptionId, f64)> = self
            .instance
            .option_ids()
            .filter(|&o| self.instance.option(o).region == region)
            .map(|o| (o, 1.0))
            .collect();
        self.scenario(&format!("outage:{region}"), duration, probability, &losses)
    }

    /// The instance, checked against input validation's invariants.
    #[track_caller]
    pub fn build(&self) -> Instance {
        assert_valid(&self.instance);
        self.instance.clone()
    }
}

// ---------------------------------------------------------------------------
// Random small instances
// ---------------------------------------------------------------------------

/// What the random instances may contain.
#[derive(Debug, Clone)]
pub struct Shape {
    /// How many products.
    pub products: RangeInclusive<usize>,
    /// Whether some products may be stockpiled.
    pub stockpiling: bool,
}

impl Shape {
    /// Everything the model supports, 1–3 products.
    pub fn any() -> Shape {
        Shape {
            products: 1..=3,
            stockpiling: true,
        }
    }
}

/// Most options and scenarios a random instance can have (3 products x 3 options).
const MAX_OPTIONS: usize = 9;
const MAX_SCENARIOS: usize = 3;

#[derive(Debug, Clone)]
struct OptionSpec {
    unit_cost: f64,
    /// Capacity as a percentage of the product's demand (rounded up to a whole unit).
    capacity_pct: u32,
    fixed_cost: f64,
    /// (size as a percentage of demand, cost per module, max modules)
    module: Option<(u32, f64, u32)>,
    region: usize,
}

#[derive(Debug, Clone)]
struct ProductSpec {
    demand: u32,
    weight: f64,
    /// (holding cost, max reserve as a percentage of demand)
    stockpile: Option<(f64, Option<u32>)>,
    floor: Option<f64>,
    options: Vec<OptionSpec>,
}

#[derive(Debug, Clone)]
struct ScenarioSpec {
    duration: u32,
    /// Loss of the i-th option of the instance (only the first `options` are used).
    losses: [f64; MAX_OPTIONS],
    /// A least loss every option takes (as from a `*` row), often 0.
    least: f64,
    probability: f64,
}

/// Costs on a half-unit grid keep the arithmetic readable in failure output.
fn half_units(range: RangeInclusive<u32>) -> impl Strategy<Value = f64> {
    range.prop_map(|n| f64::from(n) / 2.0)
}

fn option_spec() -> impl Strategy<Value = OptionSpec> {
    (
        half_units(0..=40),                                    // unit cost 0-20
        0u32..=150,                                            // capacity 0-150 % of demand
        prop_oneof![1 => Just(0.0), 2 => half_units(0..=100)], // fixed cost 0-50
        prop::option::weighted(0.35, (5u32..=60, half_units(0..=200), 0u32..=2)),
        0usize..3,
    )
        .prop_map(
            |(unit_cost, capacity_pct, fixed_cost, module, region)| OptionSpec {
                unit_cost,
                capacity_pct,
                fixed_cost,
                module,
                region,
            },
        )
}

fn product_spec(stockpiling: bool) -> impl Strategy<Value = ProductSpec> {
    let stockpile = if stockpiling {
        prop::option::weighted(0.5, (half_units(0..=10), prop::option::of(0u32..=300))).boxed()
    } else {
        Just(None).boxed()
    };
    (
        1u32..=100,
        prop_oneof![1 => Just(0.0), 7 => (1u32..=3).prop_map(f64::from)],
        stockpile,
        prop::option::weighted(0.1, prop::sample::select(vec![0.3, 0.5, 0.8, 1.0])),
        prop::collection::vec(option_spec(), 1..=3),
    )
        .prop_map(|(demand, weight, stockpile, floor, options)| ProductSpec {
            demand,
            weight,
            stockpile,
            floor,
            options,
        })
}

fn loss() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => Just(0.0),
        1 => Just(0.5),
        2 => Just(1.0),
        2 => 0.0..=1.0f64,
    ]
}

fn scenario_spec() -> impl Strategy<Value = ScenarioSpec> {
    (
        1u32..=4,
        prop::array::uniform9(loss()),
        prop_oneof![3 => Just(0.0), 1 => 0.05..=0.5f64],
        prop_oneof![1 => Just(0.0), 4 => 0.05..=1.0f64],
    )
        .prop_map(|(duration, losses, least, probability)| ScenarioSpec {
            duration,
            losses,
            least,
            probability,
        })
}

/// Random small valid instances of the given shape: 1–3 options per product
/// (some with 0–2 modules), integer demands 1–100, capacities in whole units
/// topped up so every product can be served, 1–3 scenarios of 1–4 periods
/// with losses in {0, 0.5, 1} or uniform in [0, 1], probabilities on all
/// scenarios or none.
pub fn instances(shape: Shape) -> impl Strategy<Value = Instance> {
    (
        prop::collection::vec(product_spec(shape.stockpiling), shape.products),
        prop::collection::vec(scenario_spec(), 1..=MAX_SCENARIOS),
        any::<bool>(),
    )
        .prop_map(|(products, scenarios, with_probabilities)| {
            build_instance(&products, &scenarios, with_probabilities)
        })
}

/// Random instances of any supported structure.
pub fn any_instance() -> impl Strategy<Value = Instance> {
    instances(Shape::any())
}

fn build_instance(
    products: &[ProductSpec],
    scenarios: &[ScenarioSpec],
    with_probabilities: bool,
) -> Instance {
    const REGIONS: [&str; 3] = ["asia", "europe", "americas"];
    let mut instance = Instance {
        products: Vec::new(),
        options: Vec::new(),
        scenarios: Vec::new(),
        bom: Vec::new(),
    };
    for (p, spec) in products.iter().enumerate() {
        let demand = f64::from(spec.demand);
        let whole = |pct: u32| (demand * f64::from(pct) / 100.0).ceil();
        let mut option_ids = Vec::new();
        for (i, o) in spec.options.iter().enumerate() {
            option_ids.push(OptionId(instance.options.len()));
            instance.options.push(SourcingOption {
                product: ProductId(p),
                supplier: format!("s{p}{i}"),
                region: REGIONS[o.region].to_string(),
                local: o.region == 1,
                unit_cost: o.unit_cost,
                capacity_per_period: whole(o.capacity_pct),
                fixed_cost_per_period: o.fixed_cost,
                module: o.module.map(|(size_pct, cost, max)| ModuleSpec {
                    size_per_period: whole(size_pct).max(1.0),
                    cost_per_period: cost,
                    max_modules: max,
                }),
            });
        }
        // Top up the last option so that everything together covers demand
        // (input validation rejects instances where it does not).
        let most: f64 = option_ids
            .iter()
            .map(|&o| instance.option(o).max_capacity_per_period())
            .sum();
        if most < demand {
            let last = *option_ids.last().expect("at least one option");
            instance.options[last.0].capacity_per_period += demand - most;
        }
        instance.products.push(Product {
            name: format!("p{p}"),
            demand_per_period: demand,
            direct_demand_per_period: demand,
            weight: spec.weight,
            holding_cost_per_unit: spec.stockpile.map(|(h, _)| h),
            max_reserve_units: spec
                .stockpile
                .and_then(|(_, max)| max)
                .map(|pct| demand * f64::from(pct) / 100.0),
            floor: spec.floor.map(floor),
            policy: Default::default(),
            options: option_ids,
        });
    }
    let n = instance.options.len();
    let mut probabilities: Vec<f64> = scenarios.iter().map(|s| s.probability).collect();
    if probabilities.iter().sum::<f64>() <= 0.0 {
        probabilities[0] = 1.0; // all zero is rejected by input validation
    }
    for (k, spec) in scenarios.iter().enumerate() {
        instance.scenarios.push(Scenario {
            name: format!("k{k}"),
            kind: String::new(),
            duration_periods: f64::from(spec.duration),
            probability: with_probabilities.then_some(probabilities[k]),
            losses: Losses::new(
                spec.least,
                (0..n)
                    .filter(|&o| spec.losses[o] > spec.least)
                    .map(|o| (OptionId(o), spec.losses[o]))
                    .collect(),
            ),
            assembly_losses: Vec::new(),
        });
    }
    assert_valid(&instance);
    instance
}

// ---- Helpers for the command-line tests ----

/// The divopt binary under test.
pub fn divopt() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("divopt").expect("the divopt binary is built")
}

/// Runs `divopt ARGS --json`: its exit code and the JSON it printed.
pub fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let output = divopt().args(args).arg("--json").output().unwrap();
    let code = output.status.code().unwrap();
    let doc = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, doc)
}

/// `divopt generate` into `dir`: options.csv and scenarios.csv.
pub fn generate(dir: &tempfile::TempDir, products: u32, options: u32, scenarios: u32, seed: u32) {
    divopt()
        .arg("generate")
        .args(["--products", &products.to_string()])
        .args(["--options", &options.to_string()])
        .args(["--scenarios", &scenarios.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(dir.path())
        .assert()
        .success();
}

/// The instance of an options CSV and a scenarios CSV given as text.
pub fn instance_from_csv(options: &str, scenarios: &str) -> Instance {
    divopt::input::parse(
        ("options.csv", options.as_bytes()),
        &[("scenarios.csv".to_string(), scenarios.as_bytes().to_vec())],
        None,
    )
    .expect("a valid instance")
    .instance
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

pub fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The cell of `column` in the CSV row whose first cell is `key`.
pub fn cell(path: &std::path::Path, key: &str, column: &str) -> String {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let i = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {}", path.display()));
    reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == key)
        .unwrap_or_else(|| panic!("no row {key} in {}", path.display()))[i]
        .to_string()
}
