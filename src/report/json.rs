//! summary.json and the `--json` document.

use serde::Serialize;

use super::{local_share, rounded};
use crate::evaluate::Costs;
use crate::formulation::ModelSize;
use crate::instance::Instance;
use crate::optimize::Solution;
use crate::plan::Plan;

/// The headline figures of a solve. Costs are per period; all of them are
/// recomputed from the plan by the independent evaluator.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub status: &'static str,
    pub floor: f64,
    pub measure: &'static str,
    /// Total cost of the plan.
    pub objective: Option<f64>,
    pub costs: Option<Costs>,
    /// Cost of the baseline: the cheapest plan with no floors at all
    /// (neither the floor nor the products' own floors; policy rules stay).
    pub baseline_cost: Option<f64>,
    /// (objective − baseline_cost) / baseline_cost × 100.
    pub premium_pct: Option<f64>,
    /// Relative optimality gap.
    pub gap: Option<f64>,
    /// Lowest criticality-weighted scenario fill.
    pub min_fill: Option<f64>,
    pub worst_scenario: Option<String>,
    /// Lowest fill of any weighted product in any scenario.
    pub min_product_fill: Option<f64>,
    /// Expected (probability-weighted) fill; empty when every scenario's
    /// probability is 0.
    pub expected_fill: Option<f64>,
    /// Highest floor the measure can reach with any plan.
    pub max_floor: f64,
    /// Scenario that caps `max_floor`.
    pub binding_scenario: Option<String>,
    /// Products short of full fill in the binding scenario, most limiting first.
    pub capping_products: Vec<String>,
    /// Products whose own floor no plan can reach.
    pub unreachable_product_floors: Vec<String>,
    pub scenarios: usize,
    /// True when no scenario gives a probability (all equally likely).
    pub scenarios_equally_likely: bool,
    /// Products whose policy rules no sourcing can meet.
    pub unreachable_policies: Vec<String>,
    /// With --budget: the cost per period allowed (the floor is the highest it buys).
    pub budget: Option<f64>,
    /// How the plan was found: whole_model, column_generation,
    /// search_per_product or highs_per_product.
    pub method: Option<crate::solve::Method>,
    /// Size of the last model HiGHS solved (all 0 for the search).
    pub model: Option<ModelSize>,
    pub solve_seconds: f64,
}

impl Summary {
    pub fn new(instance: &Instance, solution: &Solution) -> Summary {
        let best = solution.best.as_ref();
        let baseline_cost = solution
            .baseline
            .as_ref()
            .map(|b| b.evaluation.costs.total());
        let objective = best.map(|b| b.evaluation.costs.total());
        let premium_pct = match (objective, baseline_cost) {
            (Some(cost), Some(base)) if base > 0.0 => Some((cost - base) / base * 100.0),
            // Both free: no premium. A cost over a free baseline has no percentage.
            (Some(cost), Some(_)) => (cost == 0.0).then_some(0.0),
            _ => None,
        };
        let worst = best.and_then(|b| b.evaluation.worst_scenario());
        let min_product_fill = best.map(|b| {
            let weighted = instance.total_weight() > 0.0;
            instance
                .product_ids()
                .filter(|&p| !weighted || instance.product(p).weight > 0.0)
                .flat_map(|p| b.evaluation.fill.row(p.0).to_vec())
                .fold(1.0, f64::min)
        });
        let attainable = &solution.attainable;
        let costs = best.map(|b| {
            let c = b.evaluation.costs;
            Costs {
                purchase: rounded(c.purchase),
                qualification: rounded(c.qualification),
                localization: rounded(c.localization),
                reserve_holding: rounded(c.reserve_holding),
            }
        });
        let fill = |k: crate::instance::ScenarioId| {
            rounded(
                best.expect("a worst scenario implies a plan")
                    .evaluation
                    .scenario_fill[k.0],
            )
        };
        Summary {
            status: solution.status.name(),
            floor: solution.requirement.floor.value(),
            measure: solution.requirement.measure.name(),
            objective: objective.map(rounded),
            costs,
            baseline_cost: baseline_cost.map(rounded),
            premium_pct: premium_pct.map(rounded),
            gap: solution.gap.map(rounded),
            min_fill: worst.map(fill),
            // At full fill in every scenario, none is worst.
            worst_scenario: best
                .and_then(|b| b.evaluation.binding_scenario())
                .map(|k| instance.scenarios[k.0].name.clone()),
            min_product_fill: min_product_fill.map(rounded),
            expected_fill: best
                .filter(|_| !instance.probabilities_all_zero())
                .map(|b| rounded(b.evaluation.expected_fill)),
            max_floor: rounded(attainable.max_floor),
            binding_scenario: attainable
                .binding_scenario
                .map(|k| instance.scenarios[k.0].name.clone()),
            capping_products: attainable
                .capping_products
                .iter()
                .map(|(p, _)| instance.product(*p).name.clone())
                .collect(),
            unreachable_product_floors: attainable
                .unreachable_product_floors
                .iter()
                .map(|(p, _, _)| instance.product(*p).name.clone())
                .collect(),
            unreachable_policies: attainable
                .unreachable_policies
                .iter()
                .map(|(p, _)| instance.product(*p).name.clone())
                .collect(),
            budget: None,
            scenarios: instance.scenarios.len(),
            scenarios_equally_likely: instance.probabilities_assumed_equal(),
            method: solution.method,
            model: solution.size,
            solve_seconds: solution.solve_seconds,
        }
    }
}

#[derive(Serialize)]
struct OptionRow<'a> {
    product: &'a str,
    supplier: &'a str,
    region: &'a str,
    local: bool,
    selected: bool,
    quantity: f64,
    share: f64,
    modules: u32,
    capacity: f64,
}

#[derive(Serialize)]
struct ProductRow<'a> {
    product: &'a str,
    reserve: f64,
    reserve_periods: f64,
    local_share: f64,
}

#[derive(Serialize)]
struct Document<'a> {
    summary: &'a Summary,
    plan: Vec<OptionRow<'a>>,
    products: Vec<ProductRow<'a>>,
}

/// summary.json: the summary alone, pretty-printed.
pub fn summary_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("a summary serializes");
    text.push('\n');
    text
}

/// The `--json` document: summary, option decisions and product reserves.
pub fn document_json(instance: &Instance, summary: &Summary, plan: Option<&Plan>) -> String {
    let (plan_rows, product_rows) = match plan {
        None => (Vec::new(), Vec::new()),
        Some(plan) => (
            instance
                .option_ids()
                .map(|o| {
                    let option = instance.option(o);
                    let decision = plan.option(o);
                    OptionRow {
                        product: &instance.product(option.product).name,
                        supplier: &option.supplier,
                        region: &option.region,
                        local: option.local,
                        selected: decision.selected,
                        quantity: decision.quantity_per_period,
                        share: decision.quantity_per_period
                            / instance.product(option.product).demand_per_period,
                        modules: decision.modules,
                        capacity: plan.capacity_per_period(instance, o),
                    }
                })
                .collect(),
            instance
                .product_ids()
                .map(|p| {
                    let product = instance.product(p);
                    ProductRow {
                        product: &product.name,
                        reserve: plan.reserve(p),
                        reserve_periods: plan.reserve(p) / product.demand_per_period,
                        local_share: local_share(instance, plan, p),
                    }
                })
                .collect(),
        ),
    };
    let mut text = serde_json::to_string_pretty(&Document {
        summary,
        plan: plan_rows,
        products: product_rows,
    })
    .expect("a document serializes");
    text.push('\n');
    text
}
