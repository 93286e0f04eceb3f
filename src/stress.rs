//! Stress views of a plan beyond its fills: time to survive (TTS) against
//! time to recover (TTR), per product and scenario.
//!
//! In scenario k, product p keeps S = Σ_o (1 − a_{k,o}) Cap_o units per period
//! of supply. While S covers f·d_p the plan never falls below the floor f
//! (TTS unlimited). Otherwise the reserve r_p bridges the gap f·d_p − S for
//! TTS = r_p / (f·d_p − S) periods. The scenario lasts T_k periods (its time to
//! recover); a product whose TTS is shorter than T_k falls below the floor
//! before the disruption ends. A product assembled in-house holds no reserve:
//! its TTS is 0 if its assembly keeps less than f, unlimited otherwise. With a
//! BOM, a product's TTS is the shortest of its own and its inputs' (it holds
//! the floor only while every input does).

use crate::instance::{Instance, ProductId, ScenarioId};
use crate::plan::Plan;
use crate::report::num;

/// One (product, scenario) pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Survival {
    pub product: ProductId,
    pub scenario: ScenarioId,
    /// T_k, the time to recover (periods).
    pub duration_periods: f64,
    /// Periods the plan keeps serving at least the floor; `None`: the whole
    /// disruption, however long.
    pub tts_periods: Option<f64>,
}

impl Survival {
    /// Whether the plan holds the floor until the scenario ends.
    pub fn survives(&self) -> bool {
        self.tts_periods
            .is_none_or(|tts| tts >= self.duration_periods * (1.0 - 1e-9))
    }
}

/// TTS for every product and scenario at `floor`, products first.
pub fn time_to_survive(instance: &Instance, plan: &Plan, floor: f64) -> Vec<Survival> {
    // own[p][k]: the product's own TTS (its suppliers and reserve, or its
    // in-house assembly, which has no reserve).
    let own: Vec<Vec<Option<f64>>> = instance
        .product_ids()
        .map(|p| {
            let product = instance.product(p);
            let needed = floor * product.demand_per_period;
            instance
                .scenarios
                .iter()
                .map(|scenario| {
                    if product.options.is_empty() {
                        let kept = 1.0 - scenario.assembly_loss(p);
                        return (kept < floor - 1e-9).then_some(0.0);
                    }
                    let surviving: f64 = product
                        .options
                        .iter()
                        .map(|&o| (1.0 - scenario.loss(o)) * plan.capacity_per_period(instance, o))
                        .sum();
                    let gap = needed - surviving;
                    (gap > 1e-9 * product.demand_per_period).then(|| plan.reserve(p) / gap)
                })
                .collect()
        })
        .collect();
    let earliest = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut out = Vec::with_capacity(instance.products.len() * instance.scenarios.len());
    for p in instance.product_ids() {
        let inputs = instance.inputs_of(p);
        for k in instance.scenario_ids() {
            // With a BOM a product holds the floor only while all its inputs do.
            let tts = inputs
                .iter()
                .fold(own[p.0][k.0], |t, c| earliest(t, own[c.0][k.0]));
            out.push(Survival {
                product: p,
                scenario: k,
                duration_periods: instance.scenarios[k.0].duration_periods,
                tts_periods: tts,
            });
        }
    }
    out
}

/// tts.csv: product, scenario, ttr (the scenario's duration), tts (blank:
/// never below the floor), survives, short_periods (how long the product is
/// below the floor before the scenario ends).
pub fn tts_csv(instance: &Instance, rows: &[Survival]) -> String {
    crate::report::csv::render(
        &[
            "product",
            "scenario",
            "ttr",
            "tts",
            "survives",
            "short_periods",
        ],
        rows.iter().map(|row| {
            let short = row
                .tts_periods
                .map_or(0.0, |tts| (row.duration_periods - tts).max(0.0));
            vec![
                instance.product(row.product).name.clone(),
                instance.scenarios[row.scenario.0].name.clone(),
                num(row.duration_periods),
                row.tts_periods.map_or_else(String::new, num),
                row.survives().to_string(),
                num(short),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{OptionId, Product, Scenario, SourcingOption};
    use crate::plan::OptionDecision;

    /// One product (demand 10), one option (capacity 10), one outage losing
    /// 60% for 4 periods; reserve 6 units.
    fn case(reserve: f64) -> (Instance, Plan) {
        let instance = Instance {
            products: vec![Product {
                name: "p".into(),
                demand_per_period: 10.0,
                direct_demand_per_period: 10.0,
                weight: 1.0,
                holding_cost_per_unit: Some(1.0),
                max_reserve_units: None,
                floor: None,
                policy: Default::default(),
                options: vec![OptionId(0)],
            }],
            options: vec![SourcingOption {
                product: ProductId(0),
                supplier: "a".into(),
                region: "X".into(),
                local: false,
                unit_cost: 1.0,
                capacity_per_period: 10.0,
                fixed_cost_per_period: 0.0,
                module: None,
            }],
            scenarios: vec![Scenario {
                name: "outage".into(),
                kind: String::new(),
                duration_periods: 4.0,
                probability: None,
                losses: [(OptionId(0), 0.6)].into_iter().collect(),
                assembly_losses: Vec::new(),
            }],
            bom: Vec::new(),
        };
        let plan = Plan {
            options: vec![OptionDecision {
                selected: true,
                quantity_per_period: 10.0,
                modules: 0,
            }],
            reserve_units: vec![reserve],
        };
        (instance, plan)
    }

    #[test]
    fn reserve_bridges_the_gap_for_reserve_over_gap_periods() {
        // Floor 0.9: need 9, keep 4, gap 5 per period; 6 units last 1.2 periods.
        let (instance, plan) = case(6.0);
        let rows = time_to_survive(&instance, &plan, 0.9);
        assert_eq!(rows.len(), 1);
        approx::assert_relative_eq!(rows[0].tts_periods.unwrap(), 1.2);
        assert!(!rows[0].survives());
        let csv = tts_csv(&instance, &rows);
        assert_eq!(
            csv,
            "product,scenario,ttr,tts,survives,short_periods\np,outage,4,1.2,false,2.8\n"
        );
        // 20 units last 4 periods: exactly the outage.
        let (instance, plan) = case(20.0);
        assert!(time_to_survive(&instance, &plan, 0.9)[0].survives());
    }

    #[test]
    fn enough_surviving_supply_never_falls_below_the_floor() {
        let (instance, plan) = case(0.0);
        // Floor 0.4: need 4, keep 4.
        let rows = time_to_survive(&instance, &plan, 0.4);
        assert_eq!(rows[0].tts_periods, None);
        assert!(rows[0].survives());
    }
}
