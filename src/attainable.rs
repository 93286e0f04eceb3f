//! The most resilience any plan can reach: the max-min variant of the model.
//!
//! Fills only grow with capacity and reserve, and rows (1)–(3) stay feasible
//! when every option is qualified with every module built (input validation
//! guarantees total capacity covers demand). So the plan that qualifies
//! everything, builds every module and holds the largest useful reserve
//! maximizes every fill at once; its evaluated fills give the highest floor
//! each measure can reach, exactly, without a solver.

use crate::evaluate::{evaluate, Evaluation};
use crate::formulation::Requirement;
use crate::instance::{Instance, Measure, ProductId, ScenarioId};
use crate::plan::{OptionDecision, Plan};

/// Where the requirement's ceiling is and what sets it.
#[derive(Debug, Clone)]
pub struct Attainable {
    /// The highest floor the measure can reach (1 = fully resilient).
    pub max_floor: f64,
    /// The scenario that caps it (none when it is 1: nothing caps it).
    pub binding_scenario: Option<ScenarioId>,
    /// Products short of full fill in the binding scenario, with their best
    /// fill, most limiting first (largest weighted shortfall).
    pub capping_products: Vec<(ProductId, f64)>,
    /// Products whose own floor no plan can meet: (product, scenario, best fill).
    pub unreachable_product_floors: Vec<(ProductId, ScenarioId, f64)>,
    /// Products whose policy rules (min_local_share, max_region_share) no
    /// sourcing can meet, with the reason.
    pub unreachable_policies: Vec<(ProductId, String)>,
}

impl Attainable {
    /// Whether some plan meets `requirement`.
    pub fn allows(&self, requirement: Requirement) -> bool {
        requirement.floor.value() <= self.max_floor + crate::evaluate::TOLERANCE
            && (!requirement.product_floors || self.unreachable_product_floors.is_empty())
            && self.unreachable_policies.is_empty()
    }
}

/// The plan with the most capacity and reserve the input allows.
pub fn strongest_plan(instance: &Instance) -> Plan {
    let longest = instance
        .scenarios
        .iter()
        .map(|s| s.duration_periods)
        .fold(0.0, f64::max);
    let mut options = vec![OptionDecision::default(); instance.options.len()];
    for product in &instance.products {
        let total: f64 = product
            .options
            .iter()
            .map(|&o| instance.option(o).max_capacity_per_period())
            .sum();
        for &o in &product.options {
            let option = instance.option(o);
            // Buy in proportion to capacity, so every option stays within its own.
            options[o.0] = OptionDecision {
                selected: true,
                quantity_per_period: product.demand_per_period * option.max_capacity_per_period()
                    / total,
                modules: option.module.map_or(0, |m| m.max_modules),
            };
        }
    }
    let reserve_units = instance
        .products
        .iter()
        .map(|p| match p.holding_cost_per_unit {
            None => 0.0,
            Some(_) => {
                let useful = p.demand_per_period * longest;
                p.max_reserve_units.map_or(useful, |r| r.min(useful))
            }
        })
        .collect();
    Plan {
        options,
        reserve_units,
    }
}

/// The highest floor `measure` can reach, and what caps it.
pub fn attainable(instance: &Instance, measure: Measure) -> Attainable {
    let best = evaluate(instance, &strongest_plan(instance));
    let weighted: Vec<ProductId> = instance
        .product_ids()
        .filter(|&p| instance.product(p).weight > 0.0)
        .collect();
    let (max_floor, binding_scenario) = match measure {
        Measure::Worst => match best.worst_scenario() {
            Some(k) => (best.scenario_fill[k.0], Some(k)),
            None => (1.0, None),
        },
        Measure::Expected => (best.expected_fill, best.worst_scenario()),
        Measure::Each => weighted
            .iter()
            .flat_map(|&p| instance.scenario_ids().map(move |k| (p, k)))
            .map(|(p, k)| (best.fill[[p.0, k.0]], Some(k)))
            .fold((1.0, None), |a, b| if b.0 < a.0 { b } else { a }),
    };
    // At full fill nothing caps the measure.
    let binding_scenario =
        binding_scenario.filter(|_| max_floor < 1.0 - crate::evaluate::TOLERANCE);
    let capping_products = binding_scenario
        .map(|k| capping_products(instance, &best, k))
        .unwrap_or_default();
    let unreachable_product_floors = instance
        .product_ids()
        .filter_map(|p| {
            let own = instance.product(p).floor?.value();
            let k = best.worst_scenario_of(p)?;
            let fill = best.fill[[p.0, k.0]];
            (fill < own - crate::evaluate::TOLERANCE).then_some((p, k, fill))
        })
        .collect();
    Attainable {
        max_floor: max_floor.min(1.0),
        binding_scenario,
        capping_products,
        unreachable_product_floors,
        unreachable_policies: unreachable_policies(instance),
    }
}

/// Products whose normal-time sourcing cannot satisfy their policy rules
/// even with every option and module. With region allowance A = S_p d_p,
/// a sourcing exists iff Σ_r min(cap_r, A) ≥ d_p and Σ_r min(local cap_r, A) ≥ L_p d_p
/// (take local supply first in every region, then fill up; models/core.md).
fn unreachable_policies(instance: &Instance) -> Vec<(ProductId, String)> {
    let mut out = Vec::new();
    for p in instance.product_ids() {
        let product = instance.product(p);
        let policy = product.policy;
        if policy.min_local_share.is_none() && policy.max_region_share.is_none() {
            continue;
        }
        let d = product.demand_per_period;
        let allowance = policy.max_region_share.map_or(f64::INFINITY, |s| s * d);
        let (mut total, mut local) = (0.0, 0.0);
        for region in crate::formulation::product_regions(instance, p) {
            let in_region = product
                .options
                .iter()
                .map(|&o| instance.option(o))
                .filter(|o| o.region == region);
            let cap: f64 = in_region.clone().map(|o| o.max_capacity_per_period()).sum();
            let local_cap: f64 = in_region
                .filter(|o| o.local)
                .map(|o| o.max_capacity_per_period())
                .sum();
            total += cap.min(allowance);
            local += local_cap.min(allowance);
        }
        let tolerance = crate::evaluate::TOLERANCE * d;
        if total < d - tolerance {
            out.push((
                p,
                format!(
                    "with at most {} of demand per region, its regions can supply only {} of {d} units per period",
                    policy.max_region_share.unwrap_or(1.0),
                    crate::report::num(total)
                ),
            ));
        } else if let Some(min_local) = policy.min_local_share {
            if local < min_local * d - tolerance {
                out.push((
                    p,
                    format!(
                        "local options can supply only {} of the {} units per period that min_local_share {min_local} asks for",
                        crate::report::num(local),
                        crate::report::num(min_local * d)
                    ),
                ));
            }
        }
    }
    out
}

fn capping_products(
    instance: &Instance,
    best: &Evaluation,
    k: ScenarioId,
) -> Vec<(ProductId, f64)> {
    let weighted = instance.total_weight() > 0.0;
    let mut short: Vec<(ProductId, f64)> = instance
        .product_ids()
        .filter(|&p| !weighted || instance.product(p).weight > 0.0)
        .map(|p| (p, best.fill[[p.0, k.0]]))
        .filter(|&(_, fill)| fill < 1.0 - crate::evaluate::TOLERANCE)
        .collect();
    let shortfall = |&(p, fill): &(ProductId, f64)| instance.product(p).weight * (1.0 - fill);
    short.sort_by(|a, b| shortfall(b).total_cmp(&shortfall(a)).then(a.0.cmp(&b.0)));
    short
}
