//! Which dependencies are true chokepoints, and which are normal division of
//! labour: every product on its own, judged by what it takes to keep its fill
//! at or above a floor F in every scenario.
//!
//! For each product p, divopt builds the instance of p alone (its options, its
//! own floor and policy rules, every scenario; weight 1) and:
//! 1. computes the highest fill p can reach in its worst scenario (the
//!    max-min variant, [`crate::attainable`]): below F, p is a `chokepoint`;
//!    no combination of suppliers, stock and modules protects it;
//! 2. otherwise solves the baseline (cheapest sourcing, no floor) and the model
//!    at floor F with the `each` measure. If the baseline already holds F
//!    everywhere, p is `ok`. Else the optimal protected plan says what the
//!    cheapest protection is: it builds modules → `localize`; else it holds
//!    reserve → `stockpile`; else it only qualifies more of the listed
//!    suppliers → `diversify`. The protection cost is the protected plan's
//!    cost minus the baseline's.
//!
//! A product assembled in-house (a BOM parent with no options) has nothing
//! to choose: its fill is its assembly's in every scenario, so it is `ok`
//! (protection cost 0) or a `chokepoint`, with no solve. Its inputs are
//! judged as products of their own.

use crate::evaluate::{evaluate, TOLERANCE};
use crate::formulation::Requirement;
use crate::instance::{Floor, Instance, Measure, ProductId, ScenarioId};
use crate::optimize::{optimize, OptimizeError};
use crate::report::{num, Action};
use crate::solve::Settings;

/// What protecting a product to the floor takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Chokepoint,
    Localize,
    Stockpile,
    Diversify,
    Ok,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Chokepoint => "chokepoint",
            Class::Localize => "localize",
            Class::Stockpile => "stockpile",
            Class::Diversify => "diversify",
            Class::Ok => "ok",
        }
    }
}

/// The verdict on one product.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub product: ProductId,
    pub class: Class,
    /// The scenario that sets the protection: where the cheapest plan is
    /// weakest (for a chokepoint, where even the strongest plan falls short).
    pub binding_scenario: Option<ScenarioId>,
    /// The highest fill the product can reach in its worst scenario.
    pub best_fill: f64,
    /// Cost per period of the cheapest sourcing (no floor).
    pub baseline_cost: f64,
    /// Extra cost per period of holding the floor (`None` for a chokepoint).
    pub protection_cost: Option<f64>,
}

/// Classifies every product at floor `floor`, ranked: chokepoints first, then
/// by protection cost (highest first), `ok` last; ties in input order.
pub fn classify(
    instance: &Instance,
    floor: Floor,
    settings: &Settings,
) -> Result<Vec<Verdict>, OptimizeError> {
    let mut verdicts = Vec::with_capacity(instance.products.len());
    for p in instance.product_ids() {
        let alone = instance.only_product(p);
        let requirement = Requirement::new(floor, Measure::Each);
        if alone.options.is_empty() {
            verdicts.push(assembled_in_house(&alone, p, requirement));
            continue;
        }
        let solution = optimize(&alone, requirement, settings)?;
        let attainable = &solution.attainable;
        let baseline = solution.baseline.as_ref();
        let baseline_cost = baseline.map_or(0.0, |b| b.evaluation.costs.total());
        let weakest = baseline.and_then(|b| b.evaluation.worst_scenario_of(ProductId(0)));
        let verdict = match (&solution.best, baseline) {
            (_, Some(base)) if !attainable.allows(requirement) => Verdict {
                product: p,
                class: Class::Chokepoint,
                binding_scenario: attainable.binding_scenario.or(weakest),
                best_fill: attainable.max_floor,
                baseline_cost: base.evaluation.costs.total(),
                protection_cost: None,
            },
            (Some(best), Some(base)) => {
                let base_fill = evaluate(&alone, &base.plan).measure(&alone, Measure::Each);
                // The protected plan is held to the product's own floor too.
                let own_floor = alone.product(ProductId(0)).floor.map_or(0.0, Floor::value);
                let class = if base_fill >= floor.value().max(own_floor) - TOLERANCE {
                    Class::Ok
                } else {
                    let action = Action::of(&alone, &best.plan, &base.plan, ProductId(0));
                    if action.localized {
                        Class::Localize
                    } else if action.stockpiled {
                        Class::Stockpile
                    } else {
                        Class::Diversify
                    }
                };
                Verdict {
                    product: p,
                    class,
                    // A product at full fill everywhere has no binding scenario.
                    binding_scenario: weakest.filter(|_| base_fill < 1.0 - TOLERANCE),
                    best_fill: attainable.max_floor,
                    baseline_cost,
                    protection_cost: Some(if class == Class::Ok {
                        0.0
                    } else {
                        (best.evaluation.costs.total() - baseline_cost).max(0.0)
                    }),
                }
            }
            _ => {
                return Err(OptimizeError::FailedCheck(vec![format!(
                    "product {:?}: no plan found within the time limit; allow more time",
                    instance.product(p).name
                )]))
            }
        };
        verdicts.push(verdict);
    }
    verdicts.sort_by(|a, b| {
        let rank = |v: &Verdict| (v.class == Class::Ok, v.class != Class::Chokepoint);
        rank(a)
            .cmp(&rank(b))
            .then(
                b.protection_cost
                    .unwrap_or(0.0)
                    .total_cmp(&a.protection_cost.unwrap_or(0.0)),
            )
            .then(a.product.cmp(&b.product))
    });
    Ok(verdicts)
}

/// The verdict on a product assembled in-house (`alone`: it on its own, with
/// no options): nothing to buy, stock or build, so its fill in scenario k is
/// its assembly's, 1 − b_{k,p}, whatever the plan. It is `ok` at no cost
/// when that keeps the floor (and its own floor) everywhere, else a
/// `chokepoint`: no listed supplier, stock or module can protect it.
fn assembled_in_house(alone: &Instance, p: ProductId, requirement: Requirement) -> Verdict {
    let attainable = crate::attainable::attainable(alone, Measure::Each);
    let evaluation = evaluate(alone, &crate::plan::Plan::empty(alone));
    let weakest = evaluation
        .worst_scenario_of(ProductId(0))
        .filter(|&k| evaluation.fill[[0, k.0]] < 1.0 - TOLERANCE);
    let reachable = attainable.allows(requirement);
    Verdict {
        product: p,
        class: if reachable {
            Class::Ok
        } else {
            Class::Chokepoint
        },
        // Its only plan is also its strongest: the weakest scenario binds.
        binding_scenario: weakest,
        best_fill: attainable.max_floor,
        baseline_cost: 0.0,
        protection_cost: reachable.then_some(0.0),
    }
}

/// chokepoints.csv: product, class, binding_scenario, best_fill,
/// protection_cost (blank for a chokepoint), baseline_cost, weight.
pub fn chokepoints_csv(instance: &Instance, verdicts: &[Verdict]) -> String {
    crate::report::csv::render(
        &[
            "product",
            "class",
            "binding_scenario",
            "best_fill",
            "protection_cost",
            "baseline_cost",
            "weight",
        ],
        verdicts.iter().map(|v| {
            let product = instance.product(v.product);
            vec![
                product.name.clone(),
                v.class.name().to_string(),
                v.binding_scenario
                    .map_or_else(String::new, |k| instance.scenarios[k.0].name.clone()),
                num(v.best_fill),
                v.protection_cost.map_or_else(String::new, num),
                num(v.baseline_cost),
                num(product.weight),
            ]
        }),
    )
}
