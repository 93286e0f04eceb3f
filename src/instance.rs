//! The pure domain: products, sourcing options, disruption scenarios and the
//! resilience requirement, with typed ids and units stated in the names.
//!
//! Everything here is plain data that has already been validated by
//! [`crate::input`]; it knows nothing about CSV files, solvers or reports.
//! Quantities are in product units per period; costs are per period.

use std::fmt;

/// Index of a product in [`Instance::products`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductId(pub usize);

/// Index of a sourcing option in [`Instance::options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionId(pub usize);

/// Index of a scenario in [`Instance::scenarios`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScenarioId(pub usize);

/// A share of demand in [0, 1]: the resilience floor, a product's own
/// floor, or a fill.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Floor(f64);

impl Floor {
    /// `None` unless `value` is a finite number in [0, 1].
    pub fn new(value: f64) -> Option<Floor> {
        (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(Floor(value))
    }

    pub const ZERO: Floor = Floor(0.0);

    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Floor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Floor {
    type Err = String;

    fn from_str(s: &str) -> Result<Floor, String> {
        let value: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a number; give a share such as 0.9"))?;
        Floor::new(value).ok_or_else(|| format!("{s} is outside [0, 1]; give a share such as 0.9"))
    }
}

/// How the resilience floor is measured across products and scenarios
/// (row (5) of the model in models/core.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// In every scenario, the criticality-weighted fill is at least the floor.
    Worst,
    /// Every weighted product meets the floor on its own in every scenario.
    Each,
    /// The probability-weighted average of the scenario fills meets the floor.
    Expected,
}

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::Worst => "worst",
            Measure::Each => "each",
            Measure::Expected => "expected",
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A product whose demand the chain must serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub name: String,
    /// d_p, units per period (> 0) its suppliers must cover: the product's
    /// total requirement, its direct demand plus what its parents in the bill
    /// of materials need (models/core.md, "Chains").
    pub demand_per_period: f64,
    /// Direct demand per period (final use); equals `demand_per_period` without a BOM.
    pub direct_demand_per_period: f64,
    /// w_p, criticality weight (>= 0).
    pub weight: f64,
    /// h_p, cost per reserve unit per period; `None`: cannot be stockpiled.
    pub holding_cost_per_unit: Option<f64>,
    /// R_p, cap on reserve units; `None`: no cap.
    pub max_reserve_units: Option<f64>,
    /// f_p, the product's own floor in every scenario.
    pub floor: Option<Floor>,
    /// Policy levers that constrain normal-time sourcing.
    pub policy: ProductPolicy,
    /// The product's options, in input order.
    pub options: Vec<OptionId>,
}

/// Policy rules on a product's normal-time sourcing (models/core.md, rows 7 and 8).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProductPolicy {
    /// L_p: at least this share of demand bought from local options.
    pub min_local_share: Option<f64>,
    /// S_p: no region supplies more than this share of demand.
    pub max_region_share: Option<f64>,
}

impl Product {
    /// Whether the product can hold any reserve: it has a holding cost and
    /// its `max_reserve` (if any) is above 0. A cap of 0 allows no stock, so
    /// every view (exposure, the text summary) calls it unstockable, as the
    /// model does.
    pub fn can_stockpile(&self) -> bool {
        self.holding_cost_per_unit.is_some() && self.max_reserve_units.is_none_or(|cap| cap > 0.0)
    }
}

/// A localization build on an option: each module adds `size_per_period`
/// units per period of capacity at `cost_per_period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModuleSpec {
    /// u_o, units per period one module adds (> 0).
    pub size_per_period: f64,
    /// e_o, cost per period of one module.
    pub cost_per_period: f64,
    /// M_o, at most this many modules.
    pub max_modules: u32,
}

/// One way to source a product: a supplier at a site in a region.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcingOption {
    pub product: ProductId,
    pub supplier: String,
    pub region: String,
    /// Domestic option (counts toward the local share).
    pub local: bool,
    /// c_o, cost per unit in normal operation.
    pub unit_cost: f64,
    /// cap_o, units per period the option can already supply.
    pub capacity_per_period: f64,
    /// F_o, cost per period of keeping the option qualified.
    pub fixed_cost_per_period: f64,
    pub module: Option<ModuleSpec>,
}

impl SourcingOption {
    /// cap_o + u_o M_o: the most this option can supply once every module is built.
    pub fn max_capacity_per_period(&self) -> f64 {
        self.capacity_per_period
            + self
                .module
                .map_or(0.0, |m| m.size_per_period * f64::from(m.max_modules))
    }
}

/// A disruption: for `duration_periods`, option o loses the share `loss[o]`
/// of its capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// natural | logistics | geopolitical | regional | ... (free text, may be empty).
    pub kind: String,
    /// T_k, periods (> 0).
    pub duration_periods: f64,
    /// Probability as given in the input (not normalized), if any.
    pub probability: Option<f64>,
    /// a_{k,o} for every option.
    pub losses: Losses,
    /// b_{k,p} > 0: share of in-house assembly lost, for products without
    /// sourcing options that a scenario names (sorted by product).
    pub assembly_losses: Vec<(ProductId, f64)>,
}

impl Scenario {
    /// b_{k,p}: the share of product p's in-house assembly lost (0 if untouched).
    pub fn assembly_loss(&self, product: ProductId) -> f64 {
        self.assembly_losses
            .iter()
            .find(|(p, _)| *p == product)
            .map_or(0.0, |&(_, loss)| loss)
    }

    /// Whether this scenario hits every option at least as hard as `other`
    /// (a_{k,o} ≥ a_{k',o} for every o) for at least as long (T_k ≥ T_k'),
    /// with no in-house assembly losses on either: every product's fill is
    /// then no higher here than under `other`, whatever the plan. (A
    /// scenario whose least loss is below the other's is taken as not as
    /// hard even if it lists every option above it: a row kept, never a
    /// wrong one dropped.)
    pub fn at_least_as_hard_as(&self, other: &Scenario) -> bool {
        let (mine, theirs) = (&self.losses, &other.losses);
        if self.duration_periods < other.duration_periods
            || mine.least < theirs.least
            || (mine.least == 0.0 && mine.more.len() < theirs.more.len())
            || !self.assembly_losses.is_empty()
            || !other.assembly_losses.is_empty()
        {
            return false;
        }
        // An option only this scenario lists loses more than its least,
        // so more than the other's least. Every option the other lists
        // loses here what this scenario lists, or its least: one merge.
        let mut listed = mine.more.iter().peekable();
        theirs.more.iter().all(|&(option, loss)| {
            while listed.next_if(|&&(o, _)| o < option).is_some() {}
            let own = listed
                .next_if(|&&(o, _)| o == option)
                .map_or(mine.least, |&(_, own)| own);
            own >= loss
        })
    }

    /// a_{k,o}: the share of option o's capacity lost (0 if untouched).
    pub fn loss(&self, option: OptionId) -> f64 {
        self.losses.of(option)
    }
}

/// A scenario's losses a_{k,o}: a least loss that every option of the
/// instance takes (from a row that names every option, `*` and no other
/// filter; 0 without one), and the options that lose more, sorted by
/// option. A scenario with a `*` row at XL lists only the options that
/// lose more (a region's 3,750), instead of all 30,000: XL's scenarios
/// list 0.83 million losses instead of 1.82 million (29 MB).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Losses {
    least: f64,
    more: Vec<(OptionId, f64)>,
}

impl Losses {
    /// Every option loses at least `least`; the options in `more` (sorted
    /// by option, each loss above `least`) lose what they list.
    pub fn new(least: f64, more: Vec<(OptionId, f64)>) -> Losses {
        debug_assert!(more.windows(2).all(|w| w[0].0 < w[1].0), "sorted by option");
        debug_assert!(more.iter().all(|&(_, loss)| loss > least));
        Losses { least, more }
    }

    /// Only the options in `listed` (sorted by option, each loss > 0) lose anything.
    pub fn listed(listed: Vec<(OptionId, f64)>) -> Losses {
        Losses::new(0.0, listed)
    }

    /// The loss every option takes at least.
    pub fn least(&self) -> f64 {
        self.least
    }

    /// The options that lose more than [`Losses::least`], with their
    /// losses, sorted by option.
    pub fn more(&self) -> &[(OptionId, f64)] {
        &self.more
    }

    /// a_{k,o} for option `option`.
    pub fn of(&self, option: OptionId) -> f64 {
        self.more
            .binary_search_by_key(&option, |&(o, _)| o)
            .map_or(self.least, |i| self.more[i].1)
    }

    /// Whether no option loses anything.
    pub fn is_empty(&self) -> bool {
        self.least == 0.0 && self.more.is_empty()
    }

    /// Every option of `options` (the instance's option count) that loses
    /// something, with its loss, in option order.
    pub fn touched(&self, options: usize) -> Touched<'_> {
        Touched {
            least: self.least,
            more: &self.more,
            next: 0,
            options,
        }
    }
}

/// Only the options listed lose anything: the (option, loss) pairs in any
/// order, those with a loss above 0 kept.
impl FromIterator<(OptionId, f64)> for Losses {
    fn from_iter<I: IntoIterator<Item = (OptionId, f64)>>(pairs: I) -> Losses {
        let mut listed: Vec<(OptionId, f64)> =
            pairs.into_iter().filter(|&(_, loss)| loss > 0.0).collect();
        listed.sort_by_key(|&(o, _)| o);
        Losses::listed(listed)
    }
}

/// The iterator of [`Losses::touched`].
pub struct Touched<'a> {
    least: f64,
    more: &'a [(OptionId, f64)],
    /// The next option to report, when every option loses something.
    next: usize,
    options: usize,
}

impl Iterator for Touched<'_> {
    type Item = (OptionId, f64);

    fn next(&mut self) -> Option<(OptionId, f64)> {
        if self.least == 0.0 {
            let (&first, rest) = self.more.split_first()?;
            self.more = rest;
            return Some(first);
        }
        if self.next >= self.options {
            return None;
        }
        let option = OptionId(self.next);
        self.next += 1;
        Some(match self.more.split_first() {
            Some((&(o, loss), rest)) if o == option => {
                self.more = rest;
                (option, loss)
            }
            _ => (option, self.least),
        })
    }
}

/// One line of the bill of materials: each unit of `parent` needs
/// `quantity` units of `child`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BomEdge {
    pub parent: ProductId,
    pub child: ProductId,
    /// q, units of child per unit of parent (> 0).
    pub quantity: f64,
}

/// A validated problem instance: what to source and what can go wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub products: Vec<Product>,
    pub options: Vec<SourcingOption>,
    pub scenarios: Vec<Scenario>,
    /// The bill of materials (empty: products are an independent list).
    pub bom: Vec<BomEdge>,
}

impl Instance {
    pub fn product(&self, id: ProductId) -> &Product {
        &self.products[id.0]
    }

    pub fn option(&self, id: OptionId) -> &SourcingOption {
        &self.options[id.0]
    }

    pub fn product_ids(&self) -> impl Iterator<Item = ProductId> {
        (0..self.products.len()).map(ProductId)
    }

    pub fn option_ids(&self) -> impl Iterator<Item = OptionId> {
        (0..self.options.len()).map(OptionId)
    }

    pub fn scenario_ids(&self) -> impl Iterator<Item = ScenarioId> {
        (0..self.scenarios.len()).map(ScenarioId)
    }

    /// Applies a global max_region_share: every product's limit becomes the
    /// lower of its own and `limit`.
    pub fn limit_region_share(&mut self, limit: f64) {
        for product in &mut self.products {
            let own = product.policy.max_region_share.unwrap_or(1.0);
            product.policy.max_region_share = Some(own.min(limit));
        }
    }

    /// The instance of product `p` alone: its options (renumbered from 0),
    /// every scenario restricted to them, weight 1.
    pub fn only_product(&self, p: ProductId) -> Instance {
        let product = self.product(p);
        let renumber = |o: OptionId| {
            OptionId(
                product
                    .options
                    .iter()
                    .position(|&x| x == o)
                    .expect("o is an option of p"),
            )
        };
        Instance {
            products: vec![Product {
                weight: 1.0,
                options: (0..product.options.len()).map(OptionId).collect(),
                ..product.clone()
            }],
            options: product
                .options
                .iter()
                .map(|&o| SourcingOption {
                    product: ProductId(0),
                    ..self.option(o).clone()
                })
                .collect(),
            scenarios: self
                .scenarios
                .iter()
                .map(|s| Scenario {
                    losses: Losses::new(
                        s.losses.least(),
                        s.losses
                            .more()
                            .iter()
                            .filter(|(o, _)| self.option(*o).product == p)
                            .map(|&(o, loss)| (renumber(o), loss))
                            .collect(),
                    ),
                    assembly_losses: s
                        .assembly_losses
                        .iter()
                        .filter(|(q, _)| *q == p)
                        .map(|&(_, loss)| (ProductId(0), loss))
                        .collect(),
                    ..s.clone()
                })
                .collect(),
            bom: Vec::new(),
        }
    }

    /// The products reachable from `p` through the BOM, downwards (its inputs,
    /// direct or indirect) or upwards (the products that use it); `p` excluded,
    /// sorted by id.
    fn bom_closure(&self, p: ProductId, downwards: bool) -> Vec<ProductId> {
        let mut seen = vec![false; self.products.len()];
        seen[p.0] = true;
        let mut found = Vec::new();
        let mut frontier = vec![p];
        while let Some(q) = frontier.pop() {
            for edge in &self.bom {
                let (from, to) = if downwards {
                    (edge.parent, edge.child)
                } else {
                    (edge.child, edge.parent)
                };
                if from == q && !seen[to.0] {
                    seen[to.0] = true;
                    found.push(to);
                    frontier.push(to);
                }
            }
        }
        found.sort();
        found
    }

    /// Every input of `p`, direct or indirect.
    pub fn inputs_of(&self, p: ProductId) -> Vec<ProductId> {
        self.bom_closure(p, true)
    }

    /// The final products (direct demand > 0) that use `p`, directly or indirectly.
    pub fn final_dependents(&self, p: ProductId) -> Vec<ProductId> {
        self.bom_closure(p, false)
            .into_iter()
            .filter(|&a| self.product(a).direct_demand_per_period > 0.0)
            .collect()
    }

    /// Σ_p w_p.
    pub fn total_weight(&self) -> f64 {
        self.products.iter().map(|p| p.weight).sum()
    }

    /// π_k: scenario probabilities normalized to sum 1; all equal when no
    /// scenario has one. Input validation guarantees that either all or none
    /// have a probability. When every given one is 0 they are taken as
    /// equal here too, but the expected fill means nothing then: the command
    /// line refuses the `expected` measure for such input
    /// ([`crate::input::Loaded::check_requirement`]) and summary.json leaves
    /// `expected_fill` empty ([`Instance::probabilities_all_zero`]).
    pub fn scenario_weights(&self) -> Vec<f64> {
        let k = self.scenarios.len();
        let given: Vec<f64> = self
            .scenarios
            .iter()
            .filter_map(|s| s.probability)
            .collect();
        let total: f64 = given.iter().sum();
        if given.len() == k && total > 0.0 {
            given.iter().map(|p| p / total).collect()
        } else {
            vec![1.0 / k as f64; k]
        }
    }

    /// True when no scenario states a probability (all are taken as equally likely).
    pub fn probabilities_assumed_equal(&self) -> bool {
        self.scenarios.iter().all(|s| s.probability.is_none())
    }

    /// True when every scenario states probability 0: no expected fill is
    /// defined.
    pub fn probabilities_all_zero(&self) -> bool {
        !self.scenarios.is_empty() && self.scenarios.iter().all(|s| s.probability == Some(0.0))
    }

    /// The default scenario set: one scenario per distinct region (in order of
    /// first appearance) in which that region loses all capacity for
    /// `duration_periods`.
    pub fn regional_outages(options: &[SourcingOption], duration_periods: f64) -> Vec<Scenario> {
        let mut regions: Vec<&str> = Vec::new();
        for option in options {
            if !regions.contains(&option.region.as_str()) {
                regions.push(&option.region);
            }
        }
        regions
            .into_iter()
            .map(|region| Scenario {
                name: format!("outage:{region}"),
                kind: "regional".to_string(),
                duration_periods,
                probability: None,
                losses: Losses::listed(
                    options
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.region == region)
                        .map(|(i, _)| (OptionId(i), 1.0))
                        .collect(),
                ),
                assembly_losses: Vec::new(),
            })
            .collect()
    }
}

#[cfg(test)]
impl Scenario {
    /// A scenario for unit tests: `losses` as (option index, a_{k,o}) in
    /// option order.
    pub(crate) fn for_test(duration: f64, losses: &[(usize, f64)]) -> Scenario {
        Scenario {
            name: "k".into(),
            kind: String::new(),
            duration_periods: duration,
            probability: None,
            losses: Losses::listed(losses.iter().map(|&(o, a)| (OptionId(o), a)).collect()),
            assembly_losses: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(duration: f64, losses: &[(usize, f64)]) -> Scenario {
        Scenario::for_test(duration, losses)
    }

    #[test]
    fn a_scenario_is_harder_when_it_hits_every_option_as_hard_for_as_long() {
        let outage = scenario(6.0, &[(0, 1.0), (2, 0.5), (5, 0.3)]);
        let partial = scenario(3.0, &[(0, 0.4), (5, 0.3)]);
        assert!(outage.at_least_as_hard_as(&partial));
        assert!(!partial.at_least_as_hard_as(&outage));
        // Shorter: a reserve covers more of it.
        assert!(!scenario(2.0, &[(0, 1.0), (2, 0.5), (5, 0.3)]).at_least_as_hard_as(&partial));
        // A lighter loss on one option, or an option it leaves alone.
        assert!(!scenario(6.0, &[(0, 1.0), (5, 0.2)]).at_least_as_hard_as(&partial));
        assert!(!scenario(6.0, &[(0, 1.0), (4, 0.9)]).at_least_as_hard_as(&partial));
        // Equal scenarios are each as hard as the other.
        assert!(partial.at_least_as_hard_as(&partial.clone()));
        // In-house assembly losses are not compared.
        let mut assembly = outage.clone();
        assembly.assembly_losses.push((ProductId(0), 0.5));
        assert!(!assembly.at_least_as_hard_as(&partial));
        assert!(!outage.at_least_as_hard_as(&assembly));
    }

    /// A least loss counts for every option, listed or not.
    #[test]
    fn a_least_loss_is_compared_on_every_option() {
        let everywhere = |least: f64, more: &[(usize, f64)]| Scenario {
            losses: Losses::new(least, more.iter().map(|&(o, a)| (OptionId(o), a)).collect()),
            ..scenario(3.0, &[])
        };
        let broad = everywhere(0.3, &[(2, 0.5)]);
        assert!(broad.at_least_as_hard_as(&scenario(3.0, &[(0, 0.3), (2, 0.5)])));
        assert!(!broad.at_least_as_hard_as(&scenario(3.0, &[(0, 0.4)])));
        assert!(!broad.at_least_as_hard_as(&scenario(3.0, &[(2, 0.6)])));
        // Options the other leaves alone lose 0 there: `broad` is not as light.
        assert!(!scenario(3.0, &[(0, 0.3), (2, 0.5)]).at_least_as_hard_as(&broad));
        assert!(everywhere(0.4, &[]).at_least_as_hard_as(&everywhere(0.3, &[])));
        assert!(!everywhere(0.3, &[]).at_least_as_hard_as(&everywhere(0.4, &[])));
        assert!(!everywhere(0.4, &[]).at_least_as_hard_as(&everywhere(0.3, &[(1, 0.5)])));
        assert!(everywhere(0.4, &[(1, 0.5)]).at_least_as_hard_as(&everywhere(0.3, &[(1, 0.5)])));
        assert_eq!(broad.loss(OptionId(0)), 0.3);
        assert_eq!(broad.loss(OptionId(2)), 0.5);
        let touched: Vec<(OptionId, f64)> = broad.losses.touched(3).collect();
        assert_eq!(
            touched,
            vec![(OptionId(0), 0.3), (OptionId(1), 0.3), (OptionId(2), 0.5)]
        );
    }
}
