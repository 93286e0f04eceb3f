//! The independent evaluator: recomputes cost and fills from a [`Plan`]
//! alone, and checks the plan against the instance and a requirement.
//!
//! It deliberately shares nothing with the formulation or the solver (no
//! good_lp here): every plan divopt reports is judged by this second, simple
//! implementation of the model's definitions (models/core.md, "Fill").

use ndarray::{Array2, ShapeBuilder};
use rayon::prelude::*;

use crate::formulation::Requirement;
use crate::instance::{Instance, Measure, ProductId, Scenario, ScenarioId};
use crate::plan::Plan;

/// Relative tolerance for every check: a plan may miss a row by at most
/// this much (defined beside the plan's own rules, [`crate::plan::misfits`]).
pub use crate::plan::TOLERANCE;

/// Products × scenarios from which the scenarios' fills are computed in
/// parallel (below it, waking the threads costs more than it saves). The
/// first evaluation after a solve, on 2 cores, fresh processes, sequential
/// against parallel medians: 100,000 fills (L) 1.33 ms against 1.36 ms,
/// but up to 3.2 ms in parallel; 130,000 fills 1.82 ms against 1.22 ms;
/// 600,000 (XL) 8.8 ms against 5.8 ms.
const PARALLEL_FILLS: usize = 120_000;

/// Cost per period, by part.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Costs {
    /// Σ c_o x_o
    pub purchase: f64,
    /// Σ F_o y_o
    pub qualification: f64,
    /// Σ e_o m_o
    pub localization: f64,
    /// Σ h_p r_p
    pub reserve_holding: f64,
}

impl Costs {
    pub fn total(&self) -> f64 {
        self.purchase + self.qualification + self.localization + self.reserve_holding
    }
}

/// What a plan does in every scenario.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub costs: Costs,
    /// fill[p, k]: the product's own fill, min(1, (T_k Σ_o (1 − a_{k,o}) Cap_o + r_p) / (d_p T_k))
    /// (1 − b_{k,p} if assembled in-house), capped by the fill of each of its inputs.
    pub fill: Array2<f64>,
    /// The own fill alone, before the inputs cap it, where that differs from
    /// `fill` (with a bill of materials); see [`Evaluation::own_fill`].
    own_fill: Option<Array2<f64>>,
    /// Σ_p w_p fill[p, k] / Σ_p w_p (1 when no product carries weight).
    pub scenario_fill: Vec<f64>,
    /// Σ_k π_k scenario_fill\[k\].
    pub expected_fill: f64,
}

impl Evaluation {
    /// Product `p`'s own fill in scenario `k`: what its suppliers and reserve
    /// (or its assembly) allow, before its inputs cap it.
    pub fn own_fill(&self, p: ProductId, k: ScenarioId) -> f64 {
        self.own_fill.as_ref().unwrap_or(&self.fill)[[p.0, k.0]]
    }

    /// The scenario with the lowest weighted fill (first one on ties).
    pub fn worst_scenario(&self) -> Option<ScenarioId> {
        argmin(self.scenario_fill.iter().copied()).map(ScenarioId)
    }

    /// [`Evaluation::worst_scenario`] when its weighted fill is below 1;
    /// none when every scenario is at full fill (within [`TOLERANCE`]), for
    /// then no scenario binds.
    pub fn binding_scenario(&self) -> Option<ScenarioId> {
        self.worst_scenario()
            .filter(|k| self.scenario_fill[k.0] < 1.0 - TOLERANCE)
    }

    /// The value the measure judges: the lowest scenario fill (`worst`), the
    /// lowest fill of a weighted product (`each`; all products if none is
    /// weighted), or the expected fill (`expected`).
    pub fn measure(&self, instance: &Instance, measure: Measure) -> f64 {
        match measure {
            Measure::Worst => self.scenario_fill.iter().copied().fold(1.0, f64::min),
            Measure::Expected => self.expected_fill,
            Measure::Each => {
                let weighted = instance.total_weight() > 0.0;
                instance
                    .product_ids()
                    .filter(|&p| !weighted || instance.product(p).weight > 0.0)
                    .flat_map(|p| self.fill.row(p.0).to_vec())
                    .fold(1.0, f64::min)
            }
        }
    }

    /// The input (or `p` itself) whose own fill caps `p` in scenario `k`: the
    /// lowest own fill among `p` and all its inputs (`p` first on ties, then by id).
    pub fn weakest_input(&self, instance: &Instance, p: ProductId, k: ScenarioId) -> ProductId {
        let mut best = p;
        for q in instance.inputs_of(p) {
            if self.own_fill(q, k) < self.own_fill(best, k) {
                best = q;
            }
        }
        best
    }

    /// The scenario in which product `p` has its lowest fill (first one on ties).
    pub fn worst_scenario_of(&self, p: ProductId) -> Option<ScenarioId> {
        argmin(self.fill.row(p.0).iter().copied()).map(ScenarioId)
    }

    /// The product with the lowest fill in scenario `k` among those that carry
    /// weight (all products if none does; first one on ties).
    pub fn worst_product_in(&self, instance: &Instance, k: ScenarioId) -> Option<ProductId> {
        let weighted = instance.total_weight() > 0.0;
        argmin(instance.product_ids().map(|p| {
            if weighted && instance.product(p).weight == 0.0 {
                f64::INFINITY
            } else {
                self.fill[[p.0, k.0]]
            }
        }))
        .map(ProductId)
    }
}

fn argmin(values: impl Iterator<Item = f64>) -> Option<usize> {
    values
        .enumerate()
        .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
            Some((_, b)) if b <= v => best,
            _ => Some((i, v)),
        })
        .map(|(i, _)| i)
}

/// Computes cost and fills of `plan`. Assumes the plan has one decision per
/// option and one reserve per product (see [`check_plan`]).
pub fn evaluate(instance: &Instance, plan: &Plan) -> Evaluation {
    evaluate_with(instance, plan, PARALLEL_FILLS)
}

/// [`evaluate`], with the scenarios' fills computed in parallel from
/// `parallel_fills` products × scenarios.
fn evaluate_with(instance: &Instance, plan: &Plan, parallel_fills: usize) -> Evaluation {
    let mut costs = Costs::default();
    for (id, option) in instance.option_ids().zip(&instance.options) {
        let decision = plan.option(id);
        costs.purchase += option.unit_cost * decision.quantity_per_period;
        if decision.selected {
            costs.qualification += option.fixed_cost_per_period;
        }
        if let Some(spec) = option.module {
            costs.localization += spec.cost_per_period * f64::from(decision.modules);
        }
    }
    for (id, product) in instance.product_ids().zip(&instance.products) {
        if let Some(h) = product.holding_cost_per_unit {
            costs.reserve_holding += h * plan.reserve(id);
        }
    }

    let capacity: Vec<f64> = instance
        .option_ids()
        .map(|o| plan.capacity_per_period(instance, o))
        .collect();
    // Own fill: what the product's suppliers and reserve (or, for products
    // assembled in-house, the assembly) allow. Capacity surviving scenario k
    // is Σ_o (1 − a_{k,o}) Cap_o over the product's options, in their order;
    // a_{k,o} is 0 for options k does not name, so a product k leaves alone
    // keeps its whole capacity (a scenario with a least loss names them
    // all). `survival` holds 1 − a_{k,o} for the current scenario only (no
    // scenario × option matrix). Each scenario's fills are
    // one column, computed on its own (large instances in parallel) and
    // stored one after another: `fill` is column-major.
    let whole: Vec<f64> = instance
        .products
        .iter()
        .map(|product| product.options.iter().map(|o| capacity[o.0]).sum())
        .collect();
    let (products, scenarios) = (instance.products.len(), instance.scenarios.len());
    // Each option's product, read for every loss (one cache line for eight
    // options instead of one per option).
    let product_of: Vec<usize> = instance.options.iter().map(|o| o.product.0).collect();
    let own_fills = |(survival, touched): &mut (Vec<f64>, Vec<bool>),
                     (column, scenario): (&mut [f64], &Scenario)| {
        // A least loss touches every option.
        let everywhere = scenario.losses.least() > 0.0;
        if everywhere {
            survival.fill(1.0 - scenario.losses.least());
        }
        for &(o, loss) in scenario.losses.more() {
            survival[o.0] = 1.0 - loss;
            touched[product_of[o.0]] = true;
        }
        let duration = scenario.duration_periods;
        for (p, (product, fill)) in instance.products.iter().zip(column).enumerate() {
            if product.options.is_empty() {
                *fill = 1.0 - scenario.assembly_loss(ProductId(p));
                continue;
            }
            let surviving: f64 = if everywhere || touched[p] {
                product
                    .options
                    .iter()
                    .map(|o| survival[o.0] * capacity[o.0])
                    .sum()
            } else {
                whole[p]
            };
            let served = duration * surviving + plan.reserve_units[p];
            *fill = (served / (product.demand_per_period * duration)).min(1.0);
        }
        if everywhere {
            survival.fill(1.0);
        }
        for &(o, _) in scenario.losses.more() {
            survival[o.0] = 1.0;
            touched[product_of[o.0]] = false;
        }
    };
    let scratch = || (vec![1.0; instance.options.len()], vec![false; products]);
    let mut columns = vec![0.0; products * scenarios];
    if products * scenarios < parallel_fills {
        let mut buffers = scratch();
        for column in columns.chunks_mut(products.max(1)).zip(&instance.scenarios) {
            own_fills(&mut buffers, column);
        }
    } else {
        columns
            .par_chunks_mut(products.max(1))
            .zip(&instance.scenarios)
            .for_each_init(scratch, own_fills);
    }
    let mut fill = Array2::from_shape_vec((products, scenarios).f(), columns)
        .expect("one fill per product and scenario");

    // Propagation: a product is filled no better than its weakest input.
    // Relax along the BOM until nothing changes (at most one pass per tier).
    let own_fill = (!instance.bom.is_empty()).then(|| fill.clone());
    for _ in 0..=instance.products.len() {
        let mut changed = false;
        for edge in &instance.bom {
            for k in 0..instance.scenarios.len() {
                let capped = fill[[edge.child.0, k]];
                if capped < fill[[edge.parent.0, k]] {
                    fill[[edge.parent.0, k]] = capped;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }

    let total_weight = instance.total_weight();
    let scenario_fill: Vec<f64> = (0..instance.scenarios.len())
        .map(|k| {
            if total_weight > 0.0 {
                instance
                    .products
                    .iter()
                    .enumerate()
                    .map(|(p, product)| product.weight * fill[[p, k]])
                    .sum::<f64>()
                    / total_weight
            } else {
                1.0
            }
        })
        .collect();
    let expected_fill = instance
        .scenario_weights()
        .iter()
        .zip(&scenario_fill)
        .map(|(pi, f)| pi * f)
        .sum();

    Evaluation {
        costs,
        fill,
        own_fill,
        scenario_fill,
        expected_fill,
    }
}

/// Cost per period of each product's part of the plan: its options'
/// purchase, qualification and modules, and its reserve holding.
pub fn product_costs(instance: &Instance, plan: &Plan) -> Vec<f64> {
    instance
        .product_ids()
        .map(|p| {
            let product = instance.product(p);
            let sourcing: f64 = product
                .options
                .iter()
                .map(|&o| {
                    let option = instance.option(o);
                    let d = plan.option(o);
                    option.unit_cost * d.quantity_per_period
                        + if d.selected {
                            option.fixed_cost_per_period
                        } else {
                            0.0
                        }
                        + option
                            .module
                            .map_or(0.0, |m| m.cost_per_period * f64::from(d.modules))
                })
                .sum();
            sourcing
                + product
                    .holding_cost_per_unit
                    .map_or(0.0, |h| h * plan.reserve(p))
        })
        .collect()
}

/// Everything wrong with a plan as a plan, in words: [`crate::plan::misfits`] described.
pub fn check_plan(instance: &Instance, plan: &Plan) -> Vec<String> {
    crate::plan::misfits(instance, plan)
        .iter()
        .map(|misfit| misfit.describe(instance))
        .collect()
}

/// Every row of the requirement that the evaluated plan misses by more than
/// [`TOLERANCE`].
pub fn check_requirement(
    instance: &Instance,
    evaluation: &Evaluation,
    requirement: Requirement,
) -> Vec<String> {
    let f = requirement.floor.value();
    let mut problems = Vec::new();
    match requirement.measure {
        Measure::Worst => {
            for (scenario, &fill) in instance.scenarios.iter().zip(&evaluation.scenario_fill) {
                if fill < f - TOLERANCE {
                    problems.push(format!(
                        "scenario {:?}: weighted fill {fill:.6} is below the floor {f}",
                        scenario.name
                    ));
                }
            }
        }
        Measure::Expected => {
            if evaluation.expected_fill < f - TOLERANCE {
                problems.push(format!(
                    "expected fill {:.6} is below the floor {f}",
                    evaluation.expected_fill
                ));
            }
        }
        Measure::Each => {
            for (p, product) in instance.products.iter().enumerate() {
                if product.weight == 0.0 {
                    continue;
                }
                for (k, scenario) in instance.scenarios.iter().enumerate() {
                    let fill = evaluation.fill[[p, k]];
                    if fill < f - TOLERANCE {
                        problems.push(format!(
                            "product {:?} in scenario {:?}: fill {fill:.6} is below the floor {f}",
                            product.name, scenario.name
                        ));
                    }
                }
            }
        }
    }
    if requirement.product_floors {
        for (p, product) in instance.products.iter().enumerate() {
            let Some(own) = product.floor else { continue };
            for (k, scenario) in instance.scenarios.iter().enumerate() {
                let fill = evaluation.fill[[p, k]];
                if fill < own.value() - TOLERANCE {
                    problems.push(format!(
                        "product {:?} in scenario {:?}: fill {fill:.6} is below its own floor {}",
                        product.name,
                        scenario.name,
                        own.value()
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fills computed in parallel are those computed one scenario after
    /// another, bit for bit, on an instance large enough to run in parallel
    /// and a plan that leaves products short in many scenarios.
    #[test]
    fn parallel_fills_are_the_sequential_ones() {
        let instance = crate::generate::generated_instance(500, 5, 6, 250, 3);
        assert!(instance.products.len() * instance.scenarios.len() >= PARALLEL_FILLS);
        let mut plan = crate::attainable::strongest_plan(&instance);
        for (o, decision) in plan.options.iter_mut().enumerate() {
            decision.selected = o % 2 == 0;
        }
        for (p, reserve) in plan.reserve_units.iter_mut().enumerate() {
            *reserve *= (p % 4) as f64 / 8.0;
        }
        let one = evaluate_with(&instance, &plan, usize::MAX);
        let parallel = evaluate_with(&instance, &plan, 0);
        assert_eq!(one.fill, parallel.fill);
        assert_eq!(one.scenario_fill, parallel.scenario_fill);
        assert_eq!(one.expected_fill, parallel.expected_fill);
        assert_eq!(one.costs, parallel.costs);
        let short = one.fill.iter().filter(|&&f| f < 1.0).count();
        assert!(short > one.fill.len() / 10, "{short} of {}", one.fill.len());
        // And each fill is the definition's, min(1, (T_k Σ_o (1 − a_{k,o})
        // Cap_o + r_p) / (d_p T_k)), for a sample of products and scenarios
        // (some with a least loss on every option, from a `*` row).
        assert!(instance
            .scenarios
            .iter()
            .step_by(37)
            .any(|s| s.losses.least() > 0.0));
        for (k, scenario) in instance.scenarios.iter().enumerate().step_by(37) {
            for (p, product) in instance.products.iter().enumerate().step_by(29) {
                let surviving: f64 = product
                    .options
                    .iter()
                    .map(|&o| {
                        let loss = scenario
                            .losses
                            .touched(instance.options.len())
                            .find(|(hit, _)| *hit == o)
                            .map_or(0.0, |(_, loss)| loss);
                        (1.0 - loss) * plan.capacity_per_period(&instance, o)
                    })
                    .sum();
                let served = scenario.duration_periods * surviving + plan.reserve_units[p];
                let fill =
                    (served / (product.demand_per_period * scenario.duration_periods)).min(1.0);
                approx::assert_relative_eq!(parallel.fill[[p, k]], fill, max_relative = 1e-12);
            }
        }
    }
}
