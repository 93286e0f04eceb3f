//! The cheapest plan for one product when its fills carry prices: the
//! pricing problem of column generation, and at zero prices each product's
//! own optimum when nothing couples the products (models/core.md, "The
//! pricing problem").
//!
//! Given prices β_k ≥ 0 per unit of fill in the scenarios that touch product
//! p, [`ProductModel::price`] finds the product plan (y, m, x, r) that
//! minimizes
//!
//!   cost(y, m, x, r) − Σ_k β_k fill_k(y, m, r)
//!
//! under the product's own rows (1)–(3), (6) and (8). It is exact: a
//! depth-first search over each option's (y_o, m_o) that bounds every partial
//! choice by giving the undecided options their largest capacity (fills only
//! grow and the cheapest purchases only get cheaper with capacity, and their
//! fixed and module costs are ≥ 0). With y and m fixed, the cheapest
//! purchases are greedy (cheapest option first, within its region's
//! allowance S_p d_p: the allowances and capacities form a laminar family,
//! where greedy is optimal), and the best reserve is the breakpoint where the
//! convex piecewise-linear reserve term stops falling.
//!
//! Plain arithmetic on the instance: no solver, no good_lp.

use crate::formulation::Requirement;
use crate::instance::{Instance, Measure, ModuleSpec, OptionId, ProductId, ScenarioId};
use crate::plan::{OptionDecision, Plan};
use rayon::prelude::*;

/// Products with more options than this are left to HiGHS (the search is
/// exponential in the options in the worst case).
pub const MAX_OPTIONS: usize = 16;

/// Products whose choices of (y_o, m_o), Π_o (2 + M_o), exceed this are left
/// to HiGHS too. Generated products of 10 options have 3,584; 300 products
/// with three options of 80 modules each (17.6 million) priced in about
/// 1.5 s a round on 2 cores, as fast as HiGHS solved their whole model.
pub const MAX_CHOICES: f64 = 16_777_216.0;

/// The least fill product `p` must reach in every scenario under
/// `requirement`: its own floor f_p (row 6, when product floors apply) and,
/// for the `each` measure, the floor f when the product carries weight (row
/// 5 each); 0 when neither applies.
pub fn least_fill(instance: &Instance, p: ProductId, requirement: Requirement) -> f64 {
    let product = instance.product(p);
    let own = match product.floor {
        Some(f) if requirement.product_floors => f.value(),
        _ => 0.0,
    };
    let each = if requirement.measure == Measure::Each && product.weight > 0.0 {
        requirement.floor.value()
    } else {
        0.0
    };
    own.max(each)
}

/// The scenarios that touch one product (a loss on one of its options), in
/// input order, with their losses on each of the product's options.
#[derive(Debug, Clone, PartialEq)]
pub struct Touches {
    /// The scenarios, in input order.
    pub scenarios: Vec<ScenarioId>,
    /// a_{k,o}, row-major by scenario: entry i·n + j is the loss of the
    /// product's j-th option (of n) in `scenarios[i]`, 0 where that option
    /// is untouched.
    pub losses: Vec<f64>,
}

impl Touches {
    /// The losses of `scenarios[i]` on the product's options, in order.
    pub fn row(&self, i: usize) -> &[f64] {
        let n = self.losses.len() / self.scenarios.len();
        &self.losses[i * n..(i + 1) * n]
    }
}

/// The scenarios that touch each product ([`Touches`]).
///
/// The products are read in chunks of 64 (`TOUCH_CHUNK`) on the rayon
/// workers. A scenario with a least loss touches every product with
/// options, whose row starts at that loss. A chunk then reads, in each
/// scenario, the larger losses between its lowest and highest option (one
/// binary search each way: they are sorted by option), skipping any of
/// another product's options listed between its own. Two passes: the first
/// counts each product's touches, so its rows are allocated once at their
/// size, the second fills them.
///
/// Measured at XL (3.4 million row entries), 2 cores, in a fresh process:
/// a list of (position, loss) pairs per product and scenario took 35–50 ms
/// a call; these rows, read by one thread, 54 ms (25 ms warm); in chunks
/// 20 ms; in chunks with the scenarios' least losses (0.83 instead of 1.82
/// million losses listed) 16 ms.
pub fn scenarios_touching(instance: &Instance) -> Vec<Touches> {
    // Per option: its product and its position among the product's options.
    let mut owner = vec![(0u32, 0u32); instance.options.len()];
    for (p, product) in instance.products.iter().enumerate() {
        for (i, &o) in product.options.iter().enumerate() {
            owner[o.0] = (p as u32, i as u32);
        }
    }
    let chunks: Vec<std::ops::Range<usize>> = (0..instance.products.len())
        .step_by(TOUCH_CHUNK)
        .map(|first| first..(first + TOUCH_CHUNK).min(instance.products.len()))
        .collect();
    let per_chunk: Vec<Vec<Touches>> = chunks
        .into_par_iter()
        .map(|chunk| touches_of_chunk(instance, &owner, chunk))
        .collect();
    per_chunk.into_iter().flatten().collect()
}

/// Products per chunk of [`scenarios_touching`].
const TOUCH_CHUNK: usize = 64;

/// [`scenarios_touching`] for the products in `chunk`; `owner[o]`: option
/// o's product and its position among the product's options.
fn touches_of_chunk(
    instance: &Instance,
    owner: &[(u32, u32)],
    chunk: std::ops::Range<usize>,
) -> Vec<Touches> {
    let products = &instance.products[chunk.clone()];
    let options = products.iter().flat_map(|product| product.options.iter());
    let (Some(lowest), Some(highest)) = (options.clone().min(), options.max()) else {
        return products
            .iter()
            .map(|_| Touches {
                scenarios: Vec::new(),
                losses: Vec::new(),
            })
            .collect();
    };
    // Each scenario's least loss (every option of the chunk takes it) and
    // its larger losses on this chunk's options (and maybe others').
    let spans: Vec<(f64, &[(OptionId, f64)])> = instance
        .scenarios
        .iter()
        .map(|scenario| {
            let more = scenario.losses.more();
            let from = more.partition_point(|&(o, _)| o < *lowest);
            let to = more.partition_point(|&(o, _)| o <= *highest);
            (scenario.losses.least(), &more[from..to])
        })
        .collect();
    // Product p of the instance, as an index into this chunk, when it is in it.
    let local = |p: u32| {
        (p as usize)
            .checked_sub(chunk.start)
            .filter(|&i| i < products.len())
    };
    // `last[i]`: the last scenario seen touching the chunk's i-th product.
    let mut last = vec![usize::MAX; products.len()];
    let mut counts = vec![0usize; products.len()];
    for (k, &(least, span)) in spans.iter().enumerate() {
        if least > 0.0 {
            for (i, product) in products.iter().enumerate() {
                if !product.options.is_empty() {
                    last[i] = k;
                    counts[i] += 1;
                }
            }
        }
        for &(o, _) in span {
            if let Some(i) = local(owner[o.0].0) {
                if last[i] != k {
                    last[i] = k;
                    counts[i] += 1;
                }
            }
        }
    }
    let mut touching: Vec<Touches> = products
        .iter()
        .zip(&counts)
        .map(|(product, &count)| Touches {
            scenarios: Vec::with_capacity(count),
            losses: Vec::with_capacity(count * product.options.len()),
        })
        .collect();
    last.fill(usize::MAX);
    for (k, &(least, span)) in spans.iter().enumerate() {
        if least > 0.0 {
            for (i, product) in products.iter().enumerate() {
                let touches = &mut touching[i];
                if !product.options.is_empty() {
                    last[i] = k;
                    touches.scenarios.push(ScenarioId(k));
                    let n = product.options.len();
                    touches.losses.resize(touches.losses.len() + n, least);
                }
            }
        }
        for &(o, loss) in span {
            let (p, position) = owner[o.0];
            let Some(i) = local(p) else { continue };
            let touches = &mut touching[i];
            let n = products[i].options.len();
            if last[i] != k {
                last[i] = k;
                touches.scenarios.push(ScenarioId(k));
                touches.losses.resize(touches.losses.len() + n, 0.0);
            }
            let row = touches.scenarios.len() - 1;
            touches.losses[row * n + position as usize] = loss;
        }
    }
    touching
}

/// One product's part of a plan with its cost and fills: a column of the
/// column-generation master.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductPlan {
    /// Per option of the product, in the product's order.
    pub options: Vec<OptionDecision>,
    /// r_p, reserve units.
    pub reserve_units: f64,
    /// Cost per period, as the evaluator counts it.
    pub cost: f64,
    /// Fill in each of [`ProductModel::scenarios`], as the evaluator computes it.
    pub fills: Vec<f64>,
}

impl ProductPlan {
    /// Its value at fill prices `prices` (per entry of the product's
    /// scenarios): cost − Σ prices · fills, what the pricing minimizes.
    pub fn value(&self, prices: &[f64]) -> f64 {
        self.cost
            - prices
                .iter()
                .zip(&self.fills)
                .map(|(p, f)| p * f)
                .sum::<f64>()
    }
}

/// The plan that joins one column per product, `(product, column)`, and its
/// cost per period.
pub fn join<'a>(
    instance: &Instance,
    columns: impl IntoIterator<Item = (ProductId, &'a ProductPlan)>,
) -> (Plan, f64) {
    let mut plan = Plan::empty(instance);
    let mut cost = 0.0;
    for (p, column) in columns {
        plan.set_product(
            instance,
            p,
            column.options.iter().copied(),
            column.reserve_units,
        );
        cost += column.cost;
    }
    (plan, cost)
}

/// An option's data, in the product's order.
#[derive(Debug, Clone)]
struct OptionData {
    unit_cost: f64,
    capacity: f64,
    fixed_cost: f64,
    module: Option<ModuleSpec>,
    /// Index into the product's regions.
    region: usize,
    /// cap_o + u_o M_o.
    max_capacity: f64,
}

/// Everything the pricing of one product needs, gathered once.
#[derive(Debug, Clone)]
pub struct ProductModel {
    pub product: ProductId,
    demand: f64,
    holding_cost: Option<f64>,
    /// R_p in units (infinite when there is no cap; 0 when not stockpilable).
    max_reserve: f64,
    /// The least fill the product must reach in every scenario ([`least_fill`]).
    least_fill: f64,
    options: Vec<OptionData>,
    /// Options by unit cost (ties by position): the greedy purchase order.
    purchase_order: Vec<usize>,
    /// Options by largest capacity, largest first: the search order.
    search_order: Vec<usize>,
    /// S_p d_p, units per period any one region may supply (infinite without a rule).
    region_allowance: f64,
    regions: usize,
    /// The scenarios that touch the product (a loss on one of its options), in input order.
    pub scenarios: Vec<ScenarioId>,
    durations: Vec<f64>,
    /// survival[i * options + o] = 1 − a_{k,o} for k = scenarios[i].
    survival: Vec<f64>,
}

impl ProductModel {
    /// Whether [`ProductModel::new`] can price product `p`: it has options, at
    /// most [`MAX_OPTIONS`] of them with at most [`MAX_CHOICES`] choices, and
    /// no minimum local share (a lower bound that breaks the greedy purchase).
    pub fn supports(instance: &Instance, p: ProductId) -> bool {
        let product = instance.product(p);
        let choices: f64 = product
            .options
            .iter()
            .map(|&o| {
                2.0 + instance
                    .option(o)
                    .module
                    .map_or(0.0, |m| f64::from(m.max_modules))
            })
            .product();
        !product.options.is_empty()
            && product.options.len() <= MAX_OPTIONS
            && choices <= MAX_CHOICES
            && product.policy.min_local_share.is_none()
    }

    /// The pricing data of product `p` (call only when [`ProductModel::supports`]).
    /// `least_fill`: the fill it must reach in every scenario ([`least_fill`]).
    /// `touching`: the scenarios that touch p, in input order
    /// ([`scenarios_touching`]).
    pub fn new(
        instance: &Instance,
        p: ProductId,
        least_fill: f64,
        touching: Touches,
    ) -> ProductModel {
        let product = instance.product(p);
        let mut region_names: Vec<&str> = Vec::new();
        let options: Vec<OptionData> = product
            .options
            .iter()
            .map(|&o| {
                let option = instance.option(o);
                let region = match region_names.iter().position(|&r| r == option.region) {
                    Some(i) => i,
                    None => {
                        region_names.push(&option.region);
                        region_names.len() - 1
                    }
                };
                OptionData {
                    unit_cost: option.unit_cost,
                    capacity: option.capacity_per_period,
                    fixed_cost: option.fixed_cost_per_period,
                    module: option.module,
                    region,
                    max_capacity: option.max_capacity_per_period(),
                }
            })
            .collect();
        let mut purchase_order: Vec<usize> = (0..options.len()).collect();
        purchase_order.sort_by(|&a, &b| options[a].unit_cost.total_cmp(&options[b].unit_cost));
        let mut search_order: Vec<usize> = (0..options.len()).collect();
        search_order.sort_by(|&a, &b| options[b].max_capacity.total_cmp(&options[a].max_capacity));
        let n = options.len();
        let durations = touching
            .scenarios
            .iter()
            .map(|k| instance.scenarios[k.0].duration_periods)
            .collect();
        let scenarios = touching.scenarios;
        let mut survival = touching.losses;
        debug_assert_eq!(survival.len(), scenarios.len() * n);
        for entry in &mut survival {
            *entry = 1.0 - *entry;
        }
        ProductModel {
            product: p,
            demand: product.demand_per_period,
            holding_cost: product.holding_cost_per_unit,
            max_reserve: match product.holding_cost_per_unit {
                None => 0.0,
                Some(_) => product.max_reserve_units.unwrap_or(f64::INFINITY),
            },
            least_fill,
            options,
            purchase_order,
            search_order,
            region_allowance: product
                .policy
                .max_region_share
                .map_or(f64::INFINITY, |s| s * product.demand_per_period),
            regions: region_names.len(),
            scenarios,
            durations,
            survival,
        }
    }

    /// The product plan that minimizes cost − Σ_i prices_i fill_i (prices
    /// per entry of [`ProductModel::scenarios`], all ≥ 0), if its value is
    /// below `below`; `None` when no plan is (or the product has no plan at
    /// all). The value is [`ProductPlan::value`].
    pub fn price(&self, prices: &[f64], below: f64) -> Option<ProductPlan> {
        debug_assert_eq!(prices.len(), self.scenarios.len());
        let mut search = Search::new(self, prices, below);
        search.visit(0, 0.0, None);
        let choice = search.best?;
        Some(self.plan_of(&choice, prices))
    }

    /// The product's strongest plan: every option qualified, every module
    /// built, the cheapest purchases within them, and the reserve that fills
    /// its longest scenario (within R_p). Its fills are the highest any plan
    /// reaches. `None` when even it cannot meet demand and the region rule or
    /// the least fill.
    pub fn strongest(&self) -> Option<ProductPlan> {
        let capacities: Vec<f64> = self.options.iter().map(|o| o.max_capacity).collect();
        let mut quantities = vec![0.0; self.options.len()];
        self.purchase(&capacities, Some(&mut quantities))?;
        let longest = self.durations.iter().copied().fold(0.0, f64::max);
        let reserve = (self.demand * longest).min(self.max_reserve);
        let options = self
            .options
            .iter()
            .zip(quantities)
            .map(|(option, quantity)| OptionDecision {
                selected: true,
                quantity_per_period: crate::report::rounded(quantity),
                modules: option.module.map_or(0, |m| m.max_modules),
            })
            .collect();
        let column = self.column(options, crate::report::rounded(reserve));
        self.meets_least_fill(&column).then_some(column)
    }

    /// Whether the column's fills reach the least fill (to the evaluator's
    /// tolerance).
    pub fn meets_least_fill(&self, column: &ProductPlan) -> bool {
        column
            .fills
            .iter()
            .all(|&fill| fill >= self.least_fill - crate::evaluate::TOLERANCE)
    }

    /// The column of product `p`'s part of `plan`.
    pub fn column_of(&self, instance: &Instance, plan: &Plan) -> ProductPlan {
        let product = instance.product(self.product);
        let options: Vec<OptionDecision> =
            product.options.iter().map(|&o| *plan.option(o)).collect();
        self.column(options, plan.reserve(self.product))
    }

    /// The product plan of `choice` ((y_o, m_o) per option), with its best
    /// purchases and reserve under `prices`.
    fn plan_of(&self, choice: &[(bool, u32)], prices: &[f64]) -> ProductPlan {
        let capacities: Vec<f64> = self
            .options
            .iter()
            .zip(choice)
            .map(|(option, &(selected, modules))| option.capacity_of(selected, modules))
            .collect();
        let mut quantities = vec![0.0; self.options.len()];
        self.purchase(&capacities, Some(&mut quantities))
            .expect("the search keeps only plans that meet demand");
        let active = self.active_scenarios(prices);
        let priced = priced_positions(&active, prices);
        let base = self.base_fills(&capacities, &active);
        let (reserve, _) = self
            .best_reserve(&base, &active, &priced, prices, &mut Vec::new())
            .expect("the search keeps only plans that reach the least fill");
        let options = choice
            .iter()
            .zip(quantities)
            .map(|(&(selected, modules), quantity)| OptionDecision {
                selected,
                quantity_per_period: crate::report::rounded(quantity),
                modules,
            })
            .collect();
        self.column(options, crate::report::rounded(reserve))
    }

    /// A column from the product's decisions: cost and fills computed as the
    /// evaluator computes them.
    fn column(&self, options: Vec<OptionDecision>, reserve_units: f64) -> ProductPlan {
        let n = self.options.len();
        let mut cost = self.holding_cost.map_or(0.0, |h| h * reserve_units);
        let mut capacities = Vec::with_capacity(n);
        for (option, decision) in self.options.iter().zip(&options) {
            cost += option.unit_cost * decision.quantity_per_period;
            if decision.selected {
                cost += option.fixed_cost;
            }
            if let Some(module) = option.module {
                cost += module.cost_per_period * f64::from(decision.modules);
            }
            capacities.push(option.capacity_of(decision.selected, decision.modules));
        }
        let fills = (0..self.scenarios.len())
            .map(|i| {
                let duration = self.durations[i];
                let surviving: f64 = self.survival[i * n..(i + 1) * n]
                    .iter()
                    .zip(&capacities)
                    .map(|(s, c)| s * c)
                    .sum();
                ((duration * surviving + reserve_units) / (self.demand * duration)).min(1.0)
            })
            .collect();
        ProductPlan {
            options,
            reserve_units,
            cost,
            fills,
        }
    }

    /// Scenarios that matter in the search: the priced ones, and every one
    /// when a least fill is in force.
    fn active_scenarios(&self, prices: &[f64]) -> Vec<usize> {
        (0..self.scenarios.len())
            .filter(|&i| self.least_fill > 0.0 || prices[i] > 0.0)
            .collect()
    }

    /// Fill from capacity alone, Σ_o (1 − a_{k,o}) Cap_o / d_p, in each active scenario.
    fn base_fills(&self, capacities: &[f64], active: &[usize]) -> Vec<f64> {
        let n = self.options.len();
        active
            .iter()
            .map(|&i| {
                self.survival[i * n..(i + 1) * n]
                    .iter()
                    .zip(capacities)
                    .map(|(s, c)| s * c)
                    .sum::<f64>()
                    / self.demand
            })
            .collect()
    }

    /// The cheapest purchases within `capacities` (cheapest option first,
    /// within each region's allowance): their cost per period, or `None`
    /// when the capacities cannot meet demand. Writes the quantities when asked.
    fn purchase(&self, capacities: &[f64], mut quantities: Option<&mut [f64]>) -> Option<f64> {
        let mut remaining = self.demand;
        let mut cost = 0.0;
        // Each region's allowance left; none to track (and nothing to set
        // up on this hot path) without a region rule.
        let mut allowance_stack;
        let mut allowance_heap;
        let allowance: &mut [f64] = if self.region_allowance.is_infinite() {
            &mut []
        } else if self.regions <= 64 {
            allowance_stack = [self.region_allowance; 64];
            &mut allowance_stack[..self.regions]
        } else {
            allowance_heap = vec![self.region_allowance; self.regions];
            &mut allowance_heap
        };
        for &o in &self.purchase_order {
            if remaining <= 0.0 {
                break;
            }
            let option = &self.options[o];
            let mut take = capacities[o].min(remaining);
            if let Some(left) = allowance.get_mut(option.region) {
                take = take.min(*left);
                if take > 0.0 {
                    *left -= take;
                }
            }
            if take <= 0.0 {
                continue;
            }
            remaining -= take;
            cost += option.unit_cost * take;
            if let Some(q) = quantities.as_deref_mut() {
                q[o] = take;
            }
        }
        (remaining <= 1e-9 * self.demand).then_some(cost)
    }

    /// The best reserve r for fills from capacity `base` (per active
    /// scenario): it minimizes h r − Σ prices · min(1, base + r / (d T)) over
    /// r ∈ [r_floor, R_p], where r_floor is the least reserve that meets the
    /// least fill. Returns (r, that value), or `None` when no reserve within
    /// R_p reaches the least fill.
    ///
    /// The function is convex and piecewise linear with breakpoints where a
    /// scenario's fill reaches 1; its slope is h minus the prices of the
    /// scenarios still below 1 (each over d T), so the best r is the first
    /// breakpoint where that slope is no longer negative.
    fn best_reserve(
        &self,
        base: &[f64],
        active: &[usize],
        priced: &[usize],
        prices: &[f64],
        breaks: &mut Vec<(f64, f64)>,
    ) -> Option<(f64, f64)> {
        let demand = self.demand;
        let mut floor_reserve: f64 = 0.0;
        if self.least_fill > 0.0 {
            for (&i, &b) in active.iter().zip(base) {
                floor_reserve =
                    floor_reserve.max(demand * self.durations[i] * (self.least_fill - b));
            }
        }
        // Round-off: a floor met up to 1e-9 of demand needs no reserve.
        if floor_reserve <= 1e-9 * demand {
            floor_reserve = 0.0;
        }
        if floor_reserve > self.max_reserve * (1.0 + 1e-9) {
            return None;
        }
        let floor_reserve = floor_reserve.min(self.max_reserve);
        let value = |r: f64| {
            let served: f64 = priced
                .iter()
                .map(|&j| {
                    let i = active[j];
                    prices[i] * (base[j] + r / (demand * self.durations[i])).min(1.0)
                })
                .sum();
            self.holding_cost.unwrap_or(0.0) * r - served
        };
        let Some(h) = self.holding_cost else {
            return Some((0.0, value(0.0)));
        };
        // (breakpoint, slope gain lost there) for priced scenarios below 1.
        breaks.clear();
        breaks.extend(
            priced
                .iter()
                .map(|&j| (active[j], base[j]))
                .filter(|&(_, b)| b < 1.0)
                .map(|(i, b)| {
                    let duration = self.durations[i];
                    (
                        demand * duration * (1.0 - b),
                        prices[i] / (demand * duration),
                    )
                }),
        );
        breaks.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut gain: f64 = breaks
            .iter()
            .filter(|&&(at, _)| at > floor_reserve)
            .map(|&(_, g)| g)
            .sum();
        let mut r = floor_reserve;
        for &(at, g) in breaks.iter() {
            if at <= floor_reserve {
                continue;
            }
            if gain <= h {
                break;
            }
            r = at.min(self.max_reserve);
            if at >= self.max_reserve {
                break;
            }
            gain -= g;
        }
        Some((r, value(r)))
    }
}

/// The positions in `active` of the scenarios whose price is positive.
fn priced_positions(active: &[usize], prices: &[f64]) -> Vec<usize> {
    (0..active.len())
        .filter(|&j| prices[active[j]] > 0.0)
        .collect()
}

impl OptionData {
    /// Cap_o = cap_o y_o + u_o m_o.
    fn capacity_of(&self, selected: bool, modules: u32) -> f64 {
        if !selected {
            return 0.0;
        }
        self.capacity
            + self
                .module
                .map_or(0.0, |m| m.size_per_period * f64::from(modules))
    }
}

/// The depth-first search over (y_o, m_o), option by option in search order.
struct Search<'a> {
    model: &'a ProductModel,
    prices: &'a [f64],
    active: Vec<usize>,
    /// Positions in `active` of the scenarios with a price.
    priced: Vec<usize>,
    /// Capacity per option: the chosen one for decided options, the largest
    /// for the others.
    capacities: Vec<f64>,
    /// Fill from capacity in each active scenario, kept in step with
    /// `capacities` (one option changes at a time).
    base: Vec<f64>,
    /// Scratch space for the reserve's breakpoints.
    breaks: Vec<(f64, f64)>,
    choice: Vec<(bool, u32)>,
    best_value: f64,
    best: Option<Vec<(bool, u32)>>,
}

impl<'a> Search<'a> {
    fn new(model: &'a ProductModel, prices: &'a [f64], below: f64) -> Search<'a> {
        let active = model.active_scenarios(prices);
        let priced = priced_positions(&active, prices);
        let capacities: Vec<f64> = model.options.iter().map(|o| o.max_capacity).collect();
        let base = model.base_fills(&capacities, &active);
        Search {
            model,
            prices,
            active,
            priced,
            capacities,
            base,
            breaks: Vec::new(),
            choice: vec![(false, 0); model.options.len()],
            best_value: below,
            best: None,
        }
    }

    /// Sets option `o`'s capacity and moves the fills from capacity with it.
    fn set_capacity(&mut self, o: usize, capacity: f64) {
        let change = (capacity - self.capacities[o]) / self.model.demand;
        if change != 0.0 {
            let n = self.model.options.len();
            for (base, &i) in self.base.iter_mut().zip(&self.active) {
                *base += self.model.survival[i * n + o] * change;
            }
        }
        self.capacities[o] = capacity;
    }

    /// The cheapest purchases and the best reserve's value at the current
    /// capacities; with the decided options' fixed and module costs they are
    /// a lower bound on every completion of the options decided so far,
    /// exact once all are decided (up to the round-off of the running fills;
    /// the plan returned is recomputed from its choice). `None` when no
    /// completion meets demand or the least fill.
    fn variable_costs(&mut self) -> Option<(f64, f64)> {
        let purchase = self.model.purchase(&self.capacities, None)?;
        let (_, reserve) = self.model.best_reserve(
            &self.base,
            &self.active,
            &self.priced,
            self.prices,
            &mut self.breaks,
        )?;
        Some((purchase, reserve))
    }

    /// `known`: [`Search::variable_costs`] when the parent node had the same
    /// capacities (its option qualified with every module: as undecided).
    fn visit(&mut self, depth: usize, fixed: f64, known: Option<(f64, f64)>) {
        let Some((purchase, reserve)) = known.or_else(|| self.variable_costs()) else {
            return;
        };
        let bound = fixed + purchase + reserve;
        // Only strictly better plans (beyond round-off) replace the best.
        if bound >= self.best_value - 1e-9 * self.best_value.abs().max(1.0) {
            return;
        }
        if depth == self.model.search_order.len() {
            self.best_value = bound;
            self.best = Some(self.choice.clone());
            return;
        }
        let o = self.model.search_order[depth];
        let option = &self.model.options[o];
        let most_modules = option.module.map_or(0, |m| m.max_modules);
        // Qualifying an option that adds no capacity only adds its fixed cost.
        if option.max_capacity > 0.0 {
            for modules in (0..=most_modules).rev() {
                self.choice[o] = (true, modules);
                self.set_capacity(o, option.capacity_of(true, modules));
                let cost = option.fixed_cost
                    + option
                        .module
                        .map_or(0.0, |m| m.cost_per_period * f64::from(modules));
                let unchanged = modules == most_modules;
                self.visit(
                    depth + 1,
                    fixed + cost,
                    unchanged.then_some((purchase, reserve)),
                );
            }
        }
        self.choice[o] = (false, 0);
        self.set_capacity(o, 0.0);
        self.visit(depth + 1, fixed, None);
        self.set_capacity(o, option.max_capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{Floor, Losses, Product, ProductPolicy, Scenario, SourcingOption};
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    /// (unit cost, capacity, fixed cost, region 0..2, module (size, cost, max))
    type OptionSpec = (f64, f64, f64, usize, Option<(f64, f64, u32)>);

    /// One product of demand 100 with the given options; scenarios as
    /// (duration, loss per option).
    fn product(
        options: &[OptionSpec],
        scenarios: &[(f64, Vec<f64>)],
        holding: Option<f64>,
        max_reserve: Option<f64>,
        floor: Option<f64>,
        max_region_share: Option<f64>,
    ) -> Instance {
        Instance {
            products: vec![Product {
                name: "p".into(),
                demand_per_period: 100.0,
                direct_demand_per_period: 100.0,
                weight: 1.0,
                holding_cost_per_unit: holding,
                max_reserve_units: max_reserve,
                floor: floor.map(|f| Floor::new(f).expect("a share")),
                policy: ProductPolicy {
                    min_local_share: None,
                    max_region_share,
                },
                options: (0..options.len()).map(OptionId).collect(),
            }],
            options: options
                .iter()
                .enumerate()
                .map(
                    |(i, &(unit_cost, capacity, fixed, region, module))| SourcingOption {
                        product: ProductId(0),
                        supplier: format!("s{i}"),
                        region: format!("r{region}"),
                        local: false,
                        unit_cost,
                        capacity_per_period: capacity,
                        fixed_cost_per_period: fixed,
                        module: module.map(|(size, cost, max)| ModuleSpec {
                            size_per_period: size,
                            cost_per_period: cost,
                            max_modules: max,
                        }),
                    },
                )
                .collect(),
            scenarios: scenarios
                .iter()
                .enumerate()
                .map(|(k, (duration, losses))| Scenario {
                    name: format!("k{k}"),
                    kind: String::new(),
                    duration_periods: *duration,
                    probability: None,
                    losses: losses
                        .iter()
                        .enumerate()
                        .filter(|(_, &loss)| loss > 0.0)
                        .map(|(o, &loss)| (OptionId(o), loss))
                        .collect(),
                    assembly_losses: Vec::new(),
                })
                .collect(),
            bom: Vec::new(),
        }
    }

    fn model_of(instance: &Instance) -> ProductModel {
        let scenarios = scenarios_touching(instance).remove(0);
        let least = least_fill(
            instance,
            ProductId(0),
            Requirement::new(crate::instance::Floor::ZERO, Measure::Worst),
        );
        ProductModel::new(instance, ProductId(0), least, scenarios)
    }

    /// The best value by brute force: every (y, m) of every option, the
    /// greedy purchase, and the reserve term at every candidate point of its
    /// convex piecewise-linear function (the ends of its range and every
    /// breakpoint), evaluated directly.
    fn brute_force(model: &ProductModel, prices: &[f64]) -> Option<f64> {
        let n = model.options.len();
        let all: Vec<usize> = (0..model.scenarios.len()).collect();
        let mut choices: Vec<Vec<(bool, u32)>> = vec![Vec::new()];
        for option in &model.options {
            let most = option.module.map_or(0, |m| m.max_modules);
            let alternatives: Vec<(bool, u32)> = std::iter::once((false, 0))
                .chain((0..=most).map(|m| (true, m)))
                .collect();
            choices = choices
                .into_iter()
                .flat_map(|c| {
                    alternatives.iter().map(move |&a| {
                        let mut c = c.clone();
                        c.push(a);
                        c
                    })
                })
                .collect();
        }
        let mut best: Option<f64> = None;
        for choice in choices {
            let capacities: Vec<f64> = (0..n)
                .map(|o| model.options[o].capacity_of(choice[o].0, choice[o].1))
                .collect();
            let Some(purchase) = model.purchase(&capacities, None) else {
                continue;
            };
            let fixed: f64 = (0..n)
                .map(|o| {
                    let option = &model.options[o];
                    let (selected, modules) = choice[o];
                    if selected {
                        option.fixed_cost
                            + option
                                .module
                                .map_or(0.0, |m| m.cost_per_period * f64::from(modules))
                    } else {
                        0.0
                    }
                })
                .sum();
            let base = model.base_fills(&capacities, &all);
            let d = model.demand;
            let floor_reserve = all
                .iter()
                .map(|&i| d * model.durations[i] * (model.least_fill - base[i]))
                .fold(0.0, f64::max);
            let floor_reserve = if floor_reserve <= 1e-9 * d {
                0.0
            } else {
                floor_reserve
            };
            if floor_reserve > model.max_reserve {
                continue;
            }
            let reserve_value = |r: f64| {
                model.holding_cost.unwrap_or(0.0) * r
                    - all
                        .iter()
                        .map(|&i| prices[i] * (base[i] + r / (d * model.durations[i])).min(1.0))
                        .sum::<f64>()
            };
            let mut candidates = vec![floor_reserve];
            if model.holding_cost.is_some() {
                candidates.extend(
                    all.iter()
                        .map(|&i| d * model.durations[i] * (1.0 - base[i])),
                );
                if model.max_reserve.is_finite() {
                    candidates.push(model.max_reserve);
                }
            }
            let reserve = candidates
                .into_iter()
                .filter(|&r| r >= floor_reserve && r <= model.max_reserve)
                .map(reserve_value)
                .fold(f64::INFINITY, f64::min);
            let total = fixed + purchase + reserve;
            best = Some(best.map_or(total, |b: f64| b.min(total)));
        }
        best
    }

    /// Every scenario touching every product, with its losses on the
    /// product's options, read off each product and scenario directly;
    /// the gathering gives the same. The generated instances list each
    /// product's options together, so some options are moved to the end of
    /// the list here: a product's losses then come apart in its scenarios,
    /// and the chunks of products read apart overlap.
    #[test]
    fn touches_are_each_products_losses_in_scenario_order() {
        let mut instance = crate::generate::generated_instance(150, 5, 6, 25, 11);
        assert!(instance.products.len() > 2 * TOUCH_CHUNK);
        // Every third product's first option moves to the end of the list.
        let moved: Vec<OptionId> = (0..instance.products.len())
            .step_by(3)
            .map(|p| instance.products[p].options[0])
            .collect();
        let mut order: Vec<OptionId> = (0..instance.options.len())
            .map(OptionId)
            .filter(|o| !moved.contains(o))
            .collect();
        order.extend(&moved);
        let mut renumbered = vec![OptionId(0); order.len()];
        for (new, old) in order.iter().enumerate() {
            renumbered[old.0] = OptionId(new);
        }
        instance.options = order
            .iter()
            .map(|o| instance.options[o.0].clone())
            .collect();
        for product in &mut instance.products {
            for o in &mut product.options {
                *o = renumbered[o.0];
            }
        }
        for scenario in &mut instance.scenarios {
            let mut more: Vec<(OptionId, f64)> = scenario
                .losses
                .more()
                .iter()
                .map(|&(o, loss)| (renumbered[o.0], loss))
                .collect();
            more.sort_by_key(|&(o, _)| o);
            scenario.losses = Losses::new(scenario.losses.least(), more);
        }

        let direct: Vec<Touches> = instance
            .products
            .iter()
            .map(|product| {
                let mut touches = Touches {
                    scenarios: Vec::new(),
                    losses: Vec::new(),
                };
                for (k, scenario) in instance.scenarios.iter().enumerate() {
                    let row: Vec<f64> = product.options.iter().map(|&o| scenario.loss(o)).collect();
                    if row.iter().any(|&loss| loss > 0.0) {
                        touches.scenarios.push(ScenarioId(k));
                        touches.losses.extend(row);
                    }
                }
                touches
            })
            .collect();
        assert!(direct.iter().map(|t| t.scenarios.len()).sum::<usize>() > 100);
        assert!(
            instance.scenarios.iter().any(|s| s.losses.least() > 0.0),
            "some scenario has a least loss (a `*` row)"
        );
        let split = instance.scenarios.iter().any(|scenario| {
            moved.iter().any(|&o| {
                let o = renumbered[o.0];
                let p = instance.options[o.0].product;
                scenario.loss(o) > 0.0
                    && instance.products[p.0].options[1..]
                        .iter()
                        .any(|&q| scenario.loss(q) > 0.0)
            })
        });
        assert!(
            split,
            "no scenario hits a moved option and another of its product"
        );
        assert_eq!(scenarios_touching(&instance), direct);
    }

    /// Two options (a cheap one lost in the scenario, a dear standby), a
    /// scenario of 2 periods, and a price of 1000 on its fill. Plans:
    /// cheap only, 100 × 1 + 10 = 110, fill 0, value 110;
    /// cheap + standby (capacity 50), 110 + 5 = 115, fill 0.5, value −385;
    /// cheap + reserve 200 units at 0.1, 110 + 20 = 130, fill 1, value −870;
    /// cheap + standby + reserve 100, 115 + 10 = 125, fill 1, value −875.
    #[test]
    fn prices_a_standby_and_a_reserve_by_hand() {
        let instance = product(
            &[(1.0, 100.0, 10.0, 0, None), (3.0, 50.0, 5.0, 1, None)],
            &[(2.0, vec![1.0, 0.0])],
            Some(0.1),
            None,
            None,
            None,
        );
        let model = model_of(&instance);
        let column = model.price(&[1000.0], f64::INFINITY).expect("a plan");
        assert_eq!(
            column
                .options
                .iter()
                .map(|o| o.selected)
                .collect::<Vec<_>>(),
            [true, true]
        );
        assert_relative_eq!(column.reserve_units, 100.0);
        assert_relative_eq!(column.cost, 125.0);
        assert_relative_eq!(column.fills[0], 1.0);
        assert_relative_eq!(column.value(&[1000.0]), -875.0);
        // Nothing below −875 exists.
        assert_eq!(model.price(&[1000.0], -875.0), None);
    }

    /// A product's own floor of 0.8 forces reserve even at price 0: the
    /// cheap option alone (lost for 2 periods) needs 160 units.
    #[test]
    fn an_own_floor_is_met_at_any_price() {
        let instance = product(
            &[(1.0, 100.0, 10.0, 0, None)],
            &[(2.0, vec![1.0])],
            Some(0.1),
            None,
            Some(0.8),
            None,
        );
        let column = model_of(&instance)
            .price(&[0.0], f64::INFINITY)
            .expect("a plan");
        assert_relative_eq!(column.reserve_units, 160.0);
        assert_relative_eq!(column.fills[0], 0.8);
        // A reserve cap below 160 leaves no plan.
        let capped = product(
            &[(1.0, 100.0, 10.0, 0, None)],
            &[(2.0, vec![1.0])],
            Some(0.1),
            Some(150.0),
            Some(0.8),
            None,
        );
        assert_eq!(model_of(&capped).price(&[0.0], f64::INFINITY), None);
    }

    /// The region allowance moves purchases to the dearer region: at most
    /// 60 of the 100 units from r0.
    #[test]
    fn purchases_respect_the_region_allowance() {
        let instance = product(
            &[(1.0, 100.0, 0.0, 0, None), (2.0, 100.0, 0.0, 1, None)],
            &[],
            None,
            None,
            None,
            Some(0.6),
        );
        let column = model_of(&instance)
            .price(&[], f64::INFINITY)
            .expect("a plan");
        assert_relative_eq!(column.options[0].quantity_per_period, 60.0);
        assert_relative_eq!(column.options[1].quantity_per_period, 40.0);
        assert_relative_eq!(column.cost, 140.0);
    }

    /// The search takes products of up to 16 options and 2^24 choices of
    /// (y, m), without a minimum local share.
    #[test]
    fn products_beyond_the_search_limits_are_left_to_highs() {
        let plain: OptionSpec = (1.0, 100.0, 1.0, 0, None);
        let modular: OptionSpec = (1.0, 0.0, 1.0, 0, Some((10.0, 1.0, 80)));
        let supported = |options: &[OptionSpec]| {
            let instance = product(options, &[], None, None, None, None);
            ProductModel::supports(&instance, ProductId(0))
        };
        assert!(supported(&[plain; 16]));
        assert!(!supported(&[plain; 17]));
        // 82³ · 2⁴ = 8.8 million choices; 82³ · 2⁵ = 17.6 million.
        assert!(supported(&[
            modular, modular, modular, plain, plain, plain, plain
        ]));
        assert!(!supported(&[
            modular, modular, modular, plain, plain, plain, plain, plain
        ]));
        let mut local = product(&[plain], &[], None, None, None, None);
        local.products[0].policy.min_local_share = Some(0.5);
        assert!(!ProductModel::supports(&local, ProductId(0)));
    }

    fn option_spec() -> impl Strategy<Value = OptionSpec> {
        (
            1.0..5.0f64,
            prop_oneof![Just(0.0), 10.0..120.0f64],
            prop_oneof![Just(0.0), 1.0..40.0f64],
            0..3usize,
            prop::option::weighted(0.3, (10.0..60.0f64, 5.0..60.0f64, 1..4u32)),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The search finds the brute-force optimum, and the column it
        /// returns has that value.
        #[test]
        fn the_search_finds_the_brute_force_optimum(
            options in prop::collection::vec(option_spec(), 1..5),
            scenarios in prop::collection::vec(
                (1.0..6.0f64, prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.1..0.9f64], 5)),
                0..4,
            ),
            prices in prop::collection::vec(prop_oneof![Just(0.0), 0.0..500.0f64], 4),
            holding in prop::option::of(0.0..2.0f64),
            max_reserve in prop::option::of(0.0..400.0f64),
            floor in prop::option::weighted(0.3, 0.1..0.9f64),
            max_region_share in prop::option::weighted(0.3, 0.4..1.0f64),
        ) {
            let scenarios: Vec<(f64, Vec<f64>)> = scenarios
                .into_iter()
                .map(|(t, losses)| (t.round(), losses[..options.len()].to_vec()))
                .collect();
            let instance = product(&options, &scenarios, holding, max_reserve, floor, max_region_share);
            let model = model_of(&instance);
            let prices = &prices[..model.scenarios.len()];
            let expected = brute_force(&model, prices);
            let found = model.price(prices, f64::INFINITY);
            match (expected, found) {
                (Some(expected), Some(column)) => {
                    prop_assert!(model.meets_least_fill(&column));
                    let tolerance = 1e-6 * expected.abs().max(1.0);
                    prop_assert!((column.value(prices) - expected).abs() <= tolerance,
                        "search {} vs brute force {}", column.value(prices), expected);
                }
                (None, None) => {}
                (expected, found) => prop_assert!(false, "brute force {expected:?} vs search {found:?}"),
            }
        }
    }
}
