//! plan.csv, products.csv and scenarios.csv (schemas in README.md).

use super::{local_share, num, Action};
use crate::evaluate::Evaluation;
use crate::instance::{Instance, ProductId, ScenarioId};
use crate::plan::Plan;

/// A CSV table with `\n` line ends, rendered in memory.
pub fn render(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("all cells are UTF-8")
}

/// plan.csv: one row per option, in input order.
pub fn plan_csv(instance: &Instance, plan: &Plan) -> String {
    render(
        &[
            "product", "supplier", "region", "local", "selected", "quantity", "share", "modules",
            "capacity",
        ],
        instance.option_ids().map(|o| {
            let option = instance.option(o);
            let decision = plan.option(o);
            let demand = instance.product(option.product).demand_per_period;
            vec![
                instance.product(option.product).name.clone(),
                option.supplier.clone(),
                option.region.clone(),
                option.local.to_string(),
                u8::from(decision.selected).to_string(),
                num(decision.quantity_per_period),
                num(decision.quantity_per_period / demand),
                decision.modules.to_string(),
                num(plan.capacity_per_period(instance, o)),
            ]
        }),
    )
}

/// The distinct regions of a product's selected options, in input order.
pub fn selected_regions(instance: &Instance, plan: &Plan, p: ProductId) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    for o in plan.selected(instance, p) {
        let region = &instance.option(o).region;
        if !regions.contains(region) {
            regions.push(region.clone());
        }
    }
    regions
}

/// products.csv: one row per product, in input order. `action` compares the
/// plan with the no-resilience baseline (blank without one).
pub fn products_csv(
    instance: &Instance,
    plan: &Plan,
    evaluation: &Evaluation,
    baseline: Option<&Plan>,
) -> String {
    render(
        &[
            "product",
            "demand",
            "weight",
            "reserve",
            "reserve_periods",
            "suppliers",
            "regions",
            "local_share",
            "worst_fill",
            "worst_scenario",
            "action",
            "requirement",
            "dependents",
        ],
        instance.product_ids().map(|p| {
            let product = instance.product(p);
            let reserve = plan.reserve(p);
            let worst = evaluation.worst_scenario_of(p);
            vec![
                product.name.clone(),
                num(product.direct_demand_per_period),
                num(product.weight),
                num(reserve),
                num(reserve / product.demand_per_period),
                plan.selected(instance, p).count().to_string(),
                selected_regions(instance, plan, p).len().to_string(),
                num(local_share(instance, plan, p)),
                worst.map_or_else(String::new, |k| num(evaluation.fill[[p.0, k.0]])),
                worst.map_or_else(String::new, |k| instance.scenarios[k.0].name.clone()),
                baseline.map_or_else(String::new, |b| Action::of(instance, plan, b, p).label()),
                num(product.demand_per_period),
                instance.final_dependents(p).len().to_string(),
            ]
        }),
    )
}

/// links.csv (with a BOM): for every final product that has inputs, in every
/// scenario where it falls short, the input (or itself) whose own fill caps it.
pub fn links_csv(instance: &Instance, evaluation: &Evaluation) -> String {
    let mut rows = Vec::new();
    for p in instance.product_ids() {
        if instance.product(p).direct_demand_per_period <= 0.0 || instance.inputs_of(p).is_empty() {
            continue;
        }
        for k in instance.scenario_ids() {
            let fill = evaluation.fill[[p.0, k.0]];
            if fill >= 1.0 {
                continue;
            }
            let capping = evaluation.weakest_input(instance, p, k);
            rows.push(vec![
                instance.product(p).name.clone(),
                instance.scenarios[k.0].name.clone(),
                num(fill),
                instance.product(capping).name.clone(),
                num(evaluation.own_fill(capping, k)),
            ]);
        }
    }
    render(
        &["product", "scenario", "fill", "capped_by", "capped_by_fill"],
        rows.into_iter(),
    )
}

/// scenarios.csv: one row per scenario, in input order.
pub fn scenarios_csv(instance: &Instance, evaluation: &Evaluation) -> String {
    render(
        &[
            "scenario",
            "kind",
            "duration",
            "probability",
            "fill",
            "worst_product",
            "worst_product_fill",
        ],
        instance.scenario_ids().map(|k: ScenarioId| {
            let scenario = &instance.scenarios[k.0];
            // A scenario in which every product is at full fill has no worst product.
            let worst = evaluation
                .worst_product_in(instance, k)
                .filter(|p| evaluation.fill[[p.0, k.0]] < 1.0);
            vec![
                scenario.name.clone(),
                scenario.kind.clone(),
                num(scenario.duration_periods),
                scenario.probability.map_or_else(String::new, num),
                num(evaluation.scenario_fill[k.0]),
                worst.map_or_else(String::new, |p| instance.product(p).name.clone()),
                worst.map_or_else(String::new, |p| num(evaluation.fill[[p.0, k.0]])),
            ]
        }),
    )
}
