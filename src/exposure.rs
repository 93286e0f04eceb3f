//! The early-warning view (`divopt exposure`): where supply is concentrated,
//! what is single-sourced, which inputs many final products share. No
//! optimization, just the picture of today's cheapest sourcing.
//!
//! Baseline supply: each product's requirement is filled from its options in
//! order of unit cost (ties in input order), each up to its current capacity,
//! then, if still short, from module capacity in the same order. Shares are of
//! that baseline supply; the Herfindahl–Hirschman index is Σ_regions share²
//! (in [0, 1]: 1 = a single region).

use crate::instance::{Instance, ProductId};
use crate::report::num;

/// The exposure of one sourced product.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub product: ProductId,
    /// (region, share of baseline supply), largest first.
    pub region_shares: Vec<(String, f64)>,
    pub hhi: f64,
    pub suppliers: usize,
    pub regions: usize,
    pub stockpilable: bool,
    pub domestic_option: bool,
    /// Final products that use it, directly or indirectly (with a BOM).
    pub dependents: usize,
    /// Their total criticality weight.
    pub dependent_weight: f64,
}

impl Exposure {
    pub fn top(&self) -> (&str, f64) {
        self.region_shares
            .first()
            .map_or(("", 0.0), |(r, s)| (r.as_str(), *s))
    }
    pub fn single_source(&self) -> bool {
        self.suppliers == 1
    }
    pub fn single_region(&self) -> bool {
        self.regions == 1
    }
}

/// Units per period each option supplies in the cheapest-first baseline.
pub fn baseline_supply(instance: &Instance, p: ProductId) -> Vec<f64> {
    let product = instance.product(p);
    let mut order: Vec<usize> = (0..product.options.len()).collect();
    order.sort_by(|&a, &b| {
        let cost = |i: usize| instance.option(product.options[i]).unit_cost;
        cost(a).total_cmp(&cost(b)).then(a.cmp(&b))
    });
    let mut supply = vec![0.0; product.options.len()];
    let mut left = product.demand_per_period;
    for with_modules in [false, true] {
        for &i in &order {
            let option = instance.option(product.options[i]);
            let capacity = if with_modules {
                option.max_capacity_per_period() - option.capacity_per_period
            } else {
                option.capacity_per_period
            };
            let take = capacity.min(left).max(0.0);
            supply[i] += take;
            left -= take;
        }
    }
    supply
}

/// The exposure of every sourced product, most exposed first: by HHI, then
/// by the weight of the final products that depend on it, then by name.
pub fn exposures(instance: &Instance) -> Vec<Exposure> {
    let mut out: Vec<Exposure> = instance
        .product_ids()
        .filter(|&p| !instance.product(p).options.is_empty())
        .map(|p| {
            let product = instance.product(p);
            let supply = baseline_supply(instance, p);
            let total: f64 = supply.iter().sum();
            let mut region_shares: Vec<(String, f64)> = Vec::new();
            for (&o, amount) in product.options.iter().zip(&supply) {
                let region = &instance.option(o).region;
                match region_shares.iter_mut().find(|(r, _)| r == region) {
                    Some((_, share)) => *share += amount / total,
                    None => region_shares.push((region.clone(), amount / total)),
                }
            }
            let regions = region_shares.len();
            region_shares.retain(|(_, share)| *share > 0.0);
            region_shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let dependents = instance.final_dependents(p);
            Exposure {
                product: p,
                hhi: region_shares.iter().map(|(_, s)| s * s).sum(),
                region_shares,
                suppliers: product.options.len(),
                regions,
                stockpilable: product.can_stockpile(),
                domestic_option: product.options.iter().any(|&o| instance.option(o).local),
                dependent_weight: dependents.iter().map(|&d| instance.product(d).weight).sum(),
                dependents: dependents.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.hhi
            .total_cmp(&a.hhi)
            .then(b.dependent_weight.total_cmp(&a.dependent_weight))
            .then(
                instance
                    .product(a.product)
                    .name
                    .cmp(&instance.product(b.product).name),
            )
    });
    out
}

/// exposure.csv.
pub fn exposure_csv(instance: &Instance, rows: &[Exposure]) -> String {
    crate::report::csv::render(
        &[
            "product",
            "hhi",
            "top_region",
            "top_share",
            "region_shares",
            "suppliers",
            "regions",
            "single_source",
            "single_region",
            "stockpilable",
            "domestic_option",
            "dependents",
            "dependent_weight",
        ],
        rows.iter().map(|e| {
            let (top, share) = e.top();
            let shares: Vec<String> = e
                .region_shares
                .iter()
                .map(|(r, s)| format!("{r}:{}", num(*s)))
                .collect();
            vec![
                instance.product(e.product).name.clone(),
                num(e.hhi),
                top.to_string(),
                num(share),
                shares.join(";"),
                e.suppliers.to_string(),
                e.regions.to_string(),
                e.single_source().to_string(),
                e.single_region().to_string(),
                e.stockpilable.to_string(),
                e.domestic_option.to_string(),
                e.dependents.to_string(),
                num(e.dependent_weight),
            ]
        }),
    )
}
