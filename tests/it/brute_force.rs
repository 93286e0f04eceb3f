//! The MILP against an exact optimum computed without it.
//!
//! The oracle enumerates every qualification y ∈ {0,1}^n and every module
//! count m, buys demand greedily from the cheapest capacity, and prices the
//! reserve in closed form. That closed form exists when the floor rows do not
//! couple the reserves of different products:
//! - a product whose rows involve only itself (a single weighted product under
//!   `Worst`/`Expected`, every product under `Each`, own floors), and
//! - coupled `Worst`/`Expected` rows when no product can be stockpiled (r = 0).
//!
//! Tolerances: the solver and the evaluator accept rows missed by a little
//! (the evaluator by [`TOLERANCE`] = 1e-6), so the oracle is run twice, with
//! rows met up to 1e-9 (`STRICT`) and up to 1e-6 (`LOOSE`). Every plan that
//! passes the evaluator is feasible for `LOOSE`, and every `STRICT` plan is
//! feasible for the solver, so the solver's optimum must lie between the two.
//! Away from near-ties (almost always) the two are equal and the comparison
//! is exact.

use approx::relative_eq;
use divopt::attainable::attainable;
use divopt::evaluate::TOLERANCE;
use divopt::formulation::Requirement;
use divopt::instance::{Instance, Measure, ProductId};
use divopt::solve::{solve, Status};
use proptest::prelude::*;

use crate::support::{
    assert_plan_ok, exact, instances, plan_cost, proptest_config, requirement, Builder, Shape,
    MEASURES,
};

/// Rows met up to float round-off.
pub const STRICT: f64 = 1e-9;
/// Rows met up to the evaluator's tolerance.
pub const LOOSE: f64 = TOLERANCE;

/// The floors every property is checked at.
const FLOORS: [f64; 4] = [0.0, 0.5, 0.9, 1.0];

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/// One setting of a product's options for fixed y and m, bought optimally.
#[derive(Debug, Clone)]
struct Setting {
    /// Σ F_o y_o + Σ e_o m_o + the cheapest purchase Σ c_o x_o.
    cost: f64,
    /// S_k = Σ_o (1 − a_{k,o}) Cap_o for every scenario.
    surviving: Vec<f64>,
}

/// Every (y, m) for the options of `p` whose capacity covers demand.
fn settings(instance: &Instance, p: ProductId) -> Vec<Setting> {
    let product = instance.product(p);
    let options = &product.options;
    // Per option: None = not qualified, Some(m) = qualified with m modules.
    let choices: Vec<Vec<Option<u32>>> = options
        .iter()
        .map(|&o| {
            let max = instance.option(o).module.map_or(0, |m| m.max_modules);
            std::iter::once(None).chain((0..=max).map(Some)).collect()
        })
        .collect();
    let mut result = Vec::new();
    let mut index = vec![0usize; options.len()];
    loop {
        let mut fixed = 0.0;
        let mut capacity = Vec::with_capacity(options.len());
        for (i, &o) in options.iter().enumerate() {
            let option = instance.option(o);
            capacity.push(match choices[i][index[i]] {
                None => 0.0,
                Some(m) => {
                    fixed += option.fixed_cost_per_period;
                    let spec = option.module;
                    fixed += spec.map_or(0.0, |s| s.cost_per_period * f64::from(m));
                    option.capacity_per_period
                        + spec.map_or(0.0, |s| s.size_per_period * f64::from(m))
                }
            });
        }
        if let Some(purchase) = cheapest_purchase(instance, p, &capacity) {
            let surviving = instance
                .scenarios
                .iter()
                .map(|s| {
                    options
                        .iter()
                        .zip(&capacity)
                        .map(|(&o, cap)| (1.0 - s.loss(o)) * cap)
                        .sum()
                })
                .collect();
            result.push(Setting {
                cost: fixed + purchase,
                surviving,
            });
        }
        // Next combination (mixed radix counter).
        let mut i = 0;
        loop {
            if i == options.len() {
                return result;
            }
            index[i] += 1;
            if index[i] < choices[i].len() {
                break;
            }
            index[i] = 0;
            i += 1;
        }
    }
}

/// min Σ c_o x_o s.t. Σ x_o = d, 0 <= x_o <= Cap_o: cheapest capacity first.
/// `None` when the capacity does not cover demand.
fn cheapest_purchase(instance: &Instance, p: ProductId, capacity: &[f64]) -> Option<f64> {
    let product = instance.product(p);
    let mut by_cost: Vec<(f64, f64)> = product
        .options
        .iter()
        .zip(capacity)
        .map(|(&o, &cap)| (instance.option(o).unit_cost, cap))
        .collect();
    by_cost.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut left = product.demand_per_period;
    let mut cost = 0.0;
    for (unit_cost, cap) in by_cost {
        let take = cap.min(left);
        cost += unit_cost * take;
        left -= take;
    }
    (left <= 1e-9 * product.demand_per_period).then_some(cost)
}

/// fill_{p,k}(r) = min(1, S_k / d + r / (d T_k)).
fn fill(instance: &Instance, d: f64, surviving: &[f64], k: usize, reserve: f64) -> f64 {
    let t = instance.scenarios[k].duration_periods;
    (surviving[k] / d + reserve / (d * t)).min(1.0)
}

/// The cheapest reserve cost for one product on its own: every scenario's
/// fill at least `level`, and (if given) the probability-weighted fill at
/// least `target`. Both already include the slack. `None` if no allowed
/// reserve reaches them.
fn reserve_cost(
    instance: &Instance,
    p: ProductId,
    surviving: &[f64],
    level: f64,
    target: Option<f64>,
) -> Option<f64> {
    let product = instance.product(p);
    let d = product.demand_per_period;
    let scenarios = &instance.scenarios;
    // Per scenario: S_k/d + r/(d T_k) >= level  <=>  r >= T_k (level d − S_k).
    let mut reserve = (0..scenarios.len())
        .map(|k| scenarios[k].duration_periods * (level * d - surviving[k]))
        .fold(0.0, f64::max);
    if let Some(target) = target {
        // g(r) = Σ π_k fill_k(r) is concave, piecewise linear and
        // nondecreasing, with breakpoints where a fill reaches 1:
        // r_k = T_k (d − S_k). Walk the breakpoints above the current r and
        // interpolate on the segment where g crosses the target.
        let pi = instance.scenario_weights();
        let g = |r: f64| -> f64 {
            (0..scenarios.len())
                .map(|k| pi[k] * fill(instance, d, surviving, k, r))
                .sum()
        };
        let mut breakpoints: Vec<f64> = (0..scenarios.len())
            .map(|k| scenarios[k].duration_periods * (d - surviving[k]))
            .filter(|&b| b > reserve)
            .collect();
        breakpoints.sort_by(f64::total_cmp);
        let (mut low, mut g_low) = (reserve, g(reserve));
        if g_low < target {
            let mut reached = false;
            for b in breakpoints {
                let g_b = g(b);
                if g_b >= target {
                    reserve = low + (target - g_low) * (b - low) / (g_b - g_low);
                    reached = true;
                    break;
                }
                (low, g_low) = (b, g_b);
            }
            if !reached {
                return None;
            }
        }
    }
    if reserve <= 0.0 {
        return Some(0.0);
    }
    let h = product.holding_cost_per_unit?;
    if product.max_reserve_units.is_some_and(|max| reserve > max) {
        return None;
    }
    Some(h * reserve)
}

fn weighted_products(instance: &Instance) -> usize {
    instance.products.iter().filter(|p| p.weight > 0.0).count()
}

/// Whether the measure's rows tie several products together.
fn coupled(instance: &Instance, requirement: Requirement) -> bool {
    requirement.measure != Measure::Each
        && requirement.floor.value() > 0.0
        && weighted_products(instance) > 1
}

/// Whether [`oracle`] can price `requirement` on `instance` exactly.
pub fn supports(instance: &Instance, requirement: Requirement) -> bool {
    !coupled(instance, requirement) || instance.products.iter().all(|p| !p.can_stockpile())
}

/// The exact optimal cost per period (`None`: infeasible), with rows met up
/// to `slack`. Panics on structures it cannot price (see [`supports`]).
pub fn oracle(instance: &Instance, requirement: Requirement, slack: f64) -> Option<f64> {
    assert!(
        supports(instance, requirement),
        "oracle cannot price {requirement:?} here"
    );
    let f = requirement.floor.value();
    let own_floor = |p: ProductId| -> f64 {
        let product = instance.product(p);
        match product.floor {
            Some(own) if requirement.product_floors => own.value(),
            _ => 0.0,
        }
    };

    if !coupled(instance, requirement) {
        // Every row concerns one product: optimize each on its own.
        let mut total = 0.0;
        for p in instance.product_ids() {
            let product = instance.product(p);
            let weighted = product.weight > 0.0 && f > 0.0;
            // Under Worst a lone weighted product must reach f in every
            // scenario itself; under Each every weighted product must.
            let measure_level = match requirement.measure {
                Measure::Worst | Measure::Each if weighted => f,
                _ => 0.0,
            };
            let level = measure_level.max(own_floor(p)) - slack;
            let target =
                (requirement.measure == Measure::Expected && weighted).then_some(f - slack);
            let best = settings(instance, p)
                .iter()
                .filter_map(|s| {
                    Some(s.cost + reserve_cost(instance, p, &s.surviving, level, target)?)
                })
                .min_by(f64::total_cmp)?;
            total += best;
        }
        return Some(total);
    }

    // Coupled rows and no reserves: fills are min(1, S_k / d). Keep, per
    // product, the settings that meet the own floor and that no other
    // setting beats on cost and on every fill; then try every combination.
    let per_product: Vec<Vec<(f64, Vec<f64>)>> = instance
        .product_ids()
        .map(|p| {
            let d = instance.product(p).demand_per_period;
            let candidates: Vec<(f64, Vec<f64>)> = settings(instance, p)
                .into_iter()
                .map(|s| {
                    let fills = (0..instance.scenarios.len())
                        .map(|k| fill(instance, d, &s.surviving, k, 0.0))
                        .collect::<Vec<f64>>();
                    (s.cost, fills)
                })
                .filter(|(_, fills)| fills.iter().all(|&x| x >= own_floor(p) - slack))
                .collect();
            let dominated = |(c, fl): &(f64, Vec<f64>), i: usize| {
                candidates.iter().enumerate().any(|(j, (c2, fl2))| {
                    let no_worse = c2 <= c && fl2.iter().zip(fl).all(|(a, b)| a >= b);
                    let better = c2 < c || fl2.iter().zip(fl).any(|(a, b)| a > b);
                    // Equal settings: keep the first only.
                    no_worse && (better || j < i)
                })
            };
            candidates
                .iter()
                .enumerate()
                .filter(|&(i, c)| !dominated(c, i))
                .map(|(_, c)| c.clone())
                .collect()
        })
        .collect();

    let total_weight = instance.total_weight();
    let pi = instance.scenario_weights();
    let meets = |choice: &[&(f64, Vec<f64>)]| -> bool {
        let scenario_fill = |k: usize| -> f64 {
            instance
                .products
                .iter()
                .zip(choice)
                .map(|(product, (_, fills))| product.weight * fills[k])
                .sum::<f64>()
                / total_weight
        };
        let k = instance.scenarios.len();
        match requirement.measure {
            Measure::Worst => (0..k).all(|k| scenario_fill(k) >= f - slack),
            Measure::Expected => (0..k).map(|k| pi[k] * scenario_fill(k)).sum::<f64>() >= f - slack,
            Measure::Each => unreachable!("Each is never coupled"),
        }
    };
    let mut best: Option<f64> = None;
    let mut index = vec![0usize; per_product.len()];
    if per_product.iter().any(Vec::is_empty) {
        return None;
    }
    loop {
        let choice: Vec<&(f64, Vec<f64>)> = per_product
            .iter()
            .zip(&index)
            .map(|(c, &i)| &c[i])
            .collect();
        let cost: f64 = choice.iter().map(|(c, _)| c).sum();
        if best.is_none_or(|b| cost < b) && meets(&choice) {
            best = Some(cost);
        }
        let mut i = 0;
        loop {
            if i == index.len() {
                return best;
            }
            index[i] += 1;
            if index[i] < per_product[i].len() {
                break;
            }
            index[i] = 0;
            i += 1;
        }
    }
}

/// The cheapest sourcing with no resilience rows at all.
pub fn cheapest_sourcing(instance: &Instance) -> f64 {
    oracle(instance, Requirement::none(), STRICT)
        .expect("validated instances can always be sourced")
}

/// Whether two costs agree up to the solver's gap and round-off.
pub fn same_cost(a: f64, b: f64) -> bool {
    relative_eq!(a, b, max_relative = 1e-6, epsilon = 1e-5)
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

/// Solves `requirement` with HiGHS and checks status, plan and cost against
/// the oracle, and the feasibility verdict of `attainable` against both.
fn assert_matches_oracle(instance: &Instance, requirement: Requirement) {
    let strict = oracle(instance, requirement, STRICT);
    let loose = oracle(instance, requirement, LOOSE);
    let outcome = solve(instance, requirement, &exact()).expect("HiGHS runs");
    let allowed = attainable(instance, requirement.measure).allows(requirement);
    let context =
        || format!("{requirement:?}\noracle strict {strict:?}, loose {loose:?}\n{instance:#?}");

    if strict.is_some() {
        assert_eq!(
            outcome.status,
            Status::Optimal,
            "solver misses a feasible plan: {}",
            context()
        );
        assert!(
            allowed,
            "attainable rules out a feasible requirement: {}",
            context()
        );
    }
    if loose.is_none() {
        assert_eq!(
            outcome.status,
            Status::Infeasible,
            "solver finds a plan the oracle rules out: {}",
            context()
        );
        assert!(
            !allowed,
            "attainable allows an infeasible requirement: {}",
            context()
        );
    }
    match outcome.status {
        Status::Optimal => {
            let plan = outcome
                .plan
                .as_ref()
                .expect("optimal outcomes carry a plan");
            assert_plan_ok(instance, plan, requirement);
            let cost = plan_cost(instance, plan);
            let objective = outcome
                .objective
                .expect("optimal outcomes carry an objective");
            assert!(
                same_cost(cost, objective),
                "evaluated cost {cost} vs objective {objective}: {}",
                context()
            );
            let loose = loose.unwrap_or_else(|| {
                panic!(
                    "solver plan {plan:?} but the oracle finds none: {}",
                    context()
                )
            });
            assert!(
                cost >= loose || same_cost(cost, loose),
                "solver {cost} below the optimum {loose}: {}",
                context()
            );
            if let Some(strict) = strict {
                assert!(
                    cost <= strict || same_cost(cost, strict),
                    "solver {cost} above the optimum {strict}: {}",
                    context()
                );
            }
        }
        Status::Infeasible => {}
        other => panic!("unexpected status {other:?}: {}", context()),
    }
}

/// Every floor of [`FLOORS`] under `measure`, plus the attainable ceiling
/// and a floor just below it (where resilience is reachable but not free far
/// more often than at fixed floors).
fn assert_matches_oracle_at_all_floors(instance: &Instance, measure: Measure) {
    let ceiling = attainable(instance, measure).max_floor;
    for f in FLOORS.into_iter().chain([ceiling, 0.8 * ceiling]) {
        assert_matches_oracle(instance, requirement(f, measure));
    }
}

proptest! {
    #![proptest_config(proptest_config(128))]

    /// One product: every measure reduces to a closed-form reserve.
    #[test]
    fn single_product_matches_brute_force(
        instance in instances(Shape { products: 1..=1, stockpiling: true }),
        measure in prop::sample::select(MEASURES.to_vec()),
    ) {
        assert_matches_oracle_at_all_floors(&instance, measure);
    }
}

proptest! {
    #![proptest_config(proptest_config(64))]

    /// `Each` decomposes into one single-product problem per product.
    #[test]
    fn each_measure_matches_brute_force(
        instance in instances(Shape { products: 2..=3, stockpiling: true }),
    ) {
        assert_matches_oracle_at_all_floors(&instance, Measure::Each);
    }

    /// `Worst` and `Expected` couple products; without stockpiles there is
    /// no reserve to price, and the oracle tries every combination.
    #[test]
    fn coupled_measures_without_stock_match_brute_force(
        instance in instances(Shape { products: 2..=3, stockpiling: false }),
        measure in prop::sample::select(vec![Measure::Worst, Measure::Expected]),
    ) {
        assert_matches_oracle_at_all_floors(&instance, measure);
    }
}

// ---------------------------------------------------------------------------
// Hand-computed cases
// ---------------------------------------------------------------------------

/// Solves, checks the plan, and asserts both the solver and the oracle reach
/// the hand-computed optimum.
#[track_caller]
fn assert_optimum(
    instance: &Instance,
    requirement: Requirement,
    expected: f64,
) -> divopt::plan::Plan {
    let strict = oracle(instance, requirement, STRICT).expect("oracle finds a plan");
    assert!(
        same_cost(strict, expected),
        "oracle {strict} vs hand-computed {expected}"
    );
    let outcome = solve(instance, requirement, &exact()).expect("HiGHS runs");
    assert_eq!(outcome.status, Status::Optimal);
    let plan = outcome.plan.expect("plan");
    assert_plan_ok(instance, &plan, requirement);
    let cost = plan_cost(instance, &plan);
    assert!(
        same_cost(cost, expected),
        "solver {cost} vs hand-computed {expected}\n{plan:#?}"
    );
    plan
}

/// One product (demand 100), two suppliers in two regions, each region
/// out for 2 periods; floor 0.9 under `Worst`.
/// - Only A (cost 10, no fixed cost): the asia outage needs
///   r / (100 · 2) >= 0.9, r = 180, so 1000 + 180 h.
/// - Only B (cost 12, fixed 50): 1200 + 50 + 180 h.
/// - Both qualified, buy everything from A: each outage leaves 100 >= 90
///   per period, no stock: 1000 + 50 = 1050.
///
/// With h = 3: stock costs 540, diversifying (1050) wins.
/// With h = 0.2: stock costs 36, A plus stock (1036) wins.
fn two_regions(holding_cost: f64) -> (Instance, [divopt::instance::OptionId; 2]) {
    let mut b = Builder::new();
    let p = b.product("chip", 100.0, 1.0);
    b.stockpile(p, holding_cost, None);
    let a = b.option(p, "A", "asia", 10.0, 100.0, 0.0);
    let m = b.option(p, "B", "americas", 12.0, 100.0, 50.0);
    b.outage("asia", 2.0, None).outage("americas", 2.0, None);
    (b.build(), [a, m])
}

#[test]
fn diversification_beats_expensive_stock() {
    let (instance, [a, m]) = two_regions(3.0);
    let plan = assert_optimum(&instance, requirement(0.9, Measure::Worst), 1050.0);
    assert!(plan.option(a).selected && plan.option(m).selected);
    assert_eq!(plan.reserve_units, vec![0.0]);
    approx::assert_relative_eq!(
        plan.option(a).quantity_per_period,
        100.0,
        max_relative = 1e-6
    );
}

#[test]
fn cheap_stock_beats_diversification() {
    let (instance, [a, m]) = two_regions(0.2);
    let plan = assert_optimum(&instance, requirement(0.9, Measure::Worst), 1036.0);
    assert!(plan.option(a).selected && !plan.option(m).selected);
    approx::assert_relative_eq!(plan.reserve_units[0], 180.0, max_relative = 1e-6);
}

/// An import (cost 4, capacity 50 = demand, asia) and a local plant with no
/// capacity of its own but up to 2 modules of 20 units at 30 each (unit cost
/// 6, fixed 10). Asia out for 3 periods, no stock, `Each`.
/// - floor 0.4: 20 surviving units needed, one module: 200 + 10 + 30 = 240.
/// - floor 0.8: 40 needed, two modules: 200 + 10 + 60 = 270.
/// - floor 0.9: 45 needed, at most 40 can be built: the ceiling is 0.8.
///
/// Buying stays with the import: the modules serve only as standby capacity.
#[test]
fn localization_modules_up_to_the_attainable_ceiling() {
    let mut b = Builder::new();
    let p = b.product("valve", 50.0, 2.0);
    b.option(p, "import", "asia", 4.0, 50.0, 0.0);
    let local = b.option(p, "plant", "home", 6.0, 0.0, 10.0);
    b.module(local, 20.0, 30.0, 2);
    b.outage("asia", 3.0, None);
    let instance = b.build();

    let plan = assert_optimum(&instance, requirement(0.4, Measure::Each), 240.0);
    assert_eq!(plan.option(local).modules, 1);
    let plan = assert_optimum(&instance, requirement(0.8, Measure::Each), 270.0);
    assert_eq!(plan.option(local).modules, 2);
    assert_eq!(plan.option(local).quantity_per_period, 0.0);

    let ceiling = attainable(&instance, Measure::Each).max_floor;
    approx::assert_relative_eq!(ceiling, 0.8, max_relative = 1e-9);
    let too_high = requirement(0.9, Measure::Each);
    assert_eq!(oracle(&instance, too_high, LOOSE), None);
    assert_eq!(
        solve(&instance, too_high, &exact()).unwrap().status,
        Status::Infeasible
    );
}

/// Demand 10 from one supplier (cost 1, region x); stock costs 1 per unit.
/// k1: x loses everything for 1 period; k2: x loses half for 4 periods;
/// probabilities 0.5 each. Fills: k1 min(1, r/10), k2 min(1, 0.5 + r/40).
/// - `Expected` 0.9: at r = 10 the mean fill is 0.5 + 0.5 · 0.75 = 0.875;
///   beyond, 0.75 + r/80 >= 0.9 gives r = 12: cost 10 + 12 = 22.
/// - `Worst` 0.9: k1 needs r >= 9, k2 needs r >= 16: cost 10 + 16 = 26.
#[test]
fn expected_measure_interpolates_between_breakpoints() {
    let mut b = Builder::new();
    let p = b.product("resin", 10.0, 1.0);
    b.stockpile(p, 1.0, None);
    let x = b.option(p, "only", "x", 1.0, 10.0, 0.0);
    b.scenario("k1", 1.0, Some(0.5), &[(x, 1.0)]);
    b.scenario("k2", 4.0, Some(0.5), &[(x, 0.5)]);
    let instance = b.build();

    let plan = assert_optimum(&instance, requirement(0.9, Measure::Expected), 22.0);
    approx::assert_relative_eq!(plan.reserve_units[0], 12.0, max_relative = 1e-6);
    let plan = assert_optimum(&instance, requirement(0.9, Measure::Worst), 26.0);
    approx::assert_relative_eq!(plan.reserve_units[0], 16.0, max_relative = 1e-6);

    // A reserve cap of 14 leaves Expected feasible and Worst not.
    let mut capped = instance.clone();
    capped.products[0].max_reserve_units = Some(14.0);
    assert_optimum(&capped, requirement(0.9, Measure::Expected), 22.0);
    let worst = requirement(0.9, Measure::Worst);
    assert_eq!(oracle(&capped, worst, LOOSE), None);
    assert_eq!(
        solve(&capped, worst, &exact()).unwrap().status,
        Status::Infeasible
    );
}

/// Two products weighted 3 and 1, demand 10 each, no stock. p0 has only
/// supplier x0 (region x); p1 has x1 (region x, cost 1) and y1 (region y,
/// cost 2, fixed 5, capacity 10). Region x is out for 1 period.
/// - `Worst`: (3 · 0 + 1 · fill1) / 4 >= f. Up to f = 0.25 this needs
///   fill1 = 4f, so any f > 0 qualifies y1: 10 + 10 + 5 = 25; at f = 0 the
///   cheapest sourcing is 20; above 0.25 nothing suffices.
/// - `Expected`, with a second, calm scenario of equal probability: mean fill
///   0.5 · fill1 / 4 + 0.5 · 1, so f = 0.5 costs 20 and f = 0.625 needs y1: 25.
fn coupled_products(calm: bool) -> Instance {
    let mut b = Builder::new();
    let p0 = b.product("a", 10.0, 3.0);
    let p1 = b.product("b", 10.0, 1.0);
    let x0 = b.option(p0, "x0", "x", 1.0, 10.0, 0.0);
    let x1 = b.option(p1, "x1", "x", 1.0, 10.0, 0.0);
    b.option(p1, "y1", "y", 2.0, 10.0, 5.0);
    b.scenario("x down", 1.0, None, &[(x0, 1.0), (x1, 1.0)]);
    if calm {
        b.scenario("calm", 1.0, None, &[]);
    }
    b.build()
}

#[test]
fn weighted_fill_couples_products() {
    let instance = coupled_products(false);
    assert_optimum(&instance, requirement(0.25, Measure::Worst), 25.0);
    assert_optimum(&instance, requirement(0.1, Measure::Worst), 25.0);
    assert_optimum(&instance, requirement(0.0, Measure::Worst), 20.0);
    let too_high = requirement(0.3, Measure::Worst);
    assert_eq!(oracle(&instance, too_high, LOOSE), None);
    assert_eq!(
        solve(&instance, too_high, &exact()).unwrap().status,
        Status::Infeasible
    );

    let instance = coupled_products(true);
    assert_optimum(&instance, requirement(0.5, Measure::Expected), 20.0);
    assert_optimum(&instance, requirement(0.625, Measure::Expected), 25.0);
}
