//! plan.csv, products.csv and scenarios.csv (schemas in README.md).

use rayon::prelude::*;

use super::{local_share, num, Action};
use crate::evaluate::Evaluation;
use crate::instance::{Instance, OptionId, ProductId, ScenarioId};
use crate::plan::Plan;

/// A CSV table with `\n` line ends, rendered in memory.
pub fn render(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut text = render_rows(std::iter::once(header));
    text.push_str(&render_rows(rows));
    text
}

/// Rows per block that [`render_parallel`] renders on one worker.
const RENDER_BLOCK: usize = 2048;

/// [`render`] for `count` rows, row `i` made by `row(i)` (a plan's options,
/// its products): blocks of rows made and rendered on the rayon workers,
/// then joined in order. The same text as [`render`]: each record is
/// written on its own.
pub fn render_parallel(
    header: &[&str],
    count: usize,
    row: impl Fn(usize) -> Vec<String> + Sync,
) -> String {
    let blocks: Vec<String> = (0..count.div_ceil(RENDER_BLOCK))
        .into_par_iter()
        .map(|block| {
            let rows = block * RENDER_BLOCK..((block + 1) * RENDER_BLOCK).min(count);
            render_rows(rows.map(&row))
        })
        .collect();
    let mut text = render_rows(std::iter::once(header));
    text.reserve(blocks.iter().map(String::len).sum());
    for block in blocks {
        text.push_str(&block);
    }
    text
}

/// CSV records, each ended by `\n`.
fn render_rows<R: AsRef<[C]>, C: AsRef<[u8]>>(rows: impl Iterator<Item = R>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.as_ref())
            .expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("all cells are UTF-8")
}

/// plan.csv: one row per option, in input order.
pub fn plan_csv(instance: &Instance, plan: &Plan) -> String {
    render_parallel(
        &[
            "product", "supplier", "region", "local", "selected", "quantity", "share", "modules",
            "capacity",
        ],
        instance.options.len(),
        |o| {
            let o = OptionId(o);
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
        },
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
    render_parallel(
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
        instance.products.len(),
        |p| {
            let p = ProductId(p);
            let product = instance.product(p);
            let reserve = plan.reserve(p);
            let worst = evaluation.worst_scenario_of(p);
            // A product at full fill everywhere has no worst scenario to
            // name (as in the text summary and scenarios.csv).
            let short_in = worst.filter(|k| evaluation.fill[[p.0, k.0]] < 1.0);
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
                short_in.map_or_else(String::new, |k| instance.scenarios[k.0].name.clone()),
                baseline.map_or_else(String::new, |b| Action::of(instance, plan, b, p).label()),
                num(product.demand_per_period),
                instance.final_dependents(p).len().to_string(),
            ]
        },
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

#[cfg(test)]
mod tests {
    use super::{render, render_parallel, RENDER_BLOCK};

    /// Rows over several blocks, some cells needing quotes (a comma, a quote,
    /// a line break) and some empty.
    fn row(i: usize) -> Vec<String> {
        vec![
            format!("p{i}"),
            match i % 4 {
                0 => format!("a,{i}"),
                1 => format!("say \"{i}\""),
                2 => format!("two\nlines {i}"),
                _ => String::new(),
            },
            (i as f64 / 7.0).to_string(),
        ]
    }

    #[test]
    fn parallel_blocks_give_the_sequential_text() {
        let header = ["product", "note", "value"];
        for count in [0, 1, RENDER_BLOCK, 2 * RENDER_BLOCK + 17] {
            let parallel = render_parallel(&header, count, row);
            assert_eq!(
                parallel,
                render(&header, (0..count).map(row)),
                "{count} rows"
            );
            // Every row, in order: the records read back.
            let mut reader = ::csv::Reader::from_reader(parallel.as_bytes());
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            assert_eq!(read, (0..count).map(row).collect::<Vec<_>>());
        }
    }
}
