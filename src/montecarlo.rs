//! Monte Carlo stress test of a plan: how often, and how badly, the plan
//! falls short when disruptions arrive at random over a horizon, overlap and
//! drain the reserve that only spare capacity can refill.
//!
//! [`crate::evaluate`] judges a plan one scenario at a time. This module runs
//! the same plan through `N` random histories of `H` periods each instead.
//!
//! # The model
//!
//! The model has no bill of materials: an instance with one (or with a
//! product assembled in-house, without sourcing options) is refused with
//! [`MonteCarloError::BillOfMaterials`].
//!
//! Inputs: the instance's products (demand `d_p`, criticality weight `w_p`),
//! options and scenarios (per-period probability `π_k`, duration `T_k`,
//! losses `a_{k,o}`), and the plan (capacity `Cap_o` =
//! [`Plan::capacity_per_period`], reserve `r_p` = [`Plan::reserve`]).
//!
//! 1. **Arrivals.** In every period `t = 0 … H−1` every scenario `k`
//!    independently *starts* an event with probability `π_k`, the scenario's
//!    `probability` exactly as given in the input (a per-period probability,
//!    not normalized). Every scenario must have one
//!    ([`MonteCarloError::MissingProbability`]) in [0, 1]. Nothing is active
//!    before period 0.
//! 2. **Duration.** An event started in period `t` is active in periods
//!    `t … t + D_k − 1`, `D_k = ceil(T_k)` (so `T_k = 1.5` lasts 2 periods).
//!    Events may overlap, including events of the same scenario (a scenario
//!    may start again while it is active).
//! 3. **Capacity.** Active events combine multiplicatively: in a period with
//!    `n_k` active events of scenario `k`, option `o` supplies
//!    `Cap_o · Π_k (1 − a_{k,o})^{n_k}`, and product `p` gets
//!    `supply_p = Σ_{o of p} Cap_o Π_k (1 − a_{k,o})^{n_k}`.
//! 4. **Reserve.** Product `p` starts the horizon with stock `s_p = r_p`.
//!    Every period, with `d = d_p`:
//!    - `supply_p ≥ d`: `served_p = d`; the spare capacity restocks,
//!      `s_p ← min(r_p, s_p + (supply_p − d))`. Stock is refilled *only* from
//!      spare capacity: a plan whose capacity just covers demand never
//!      refills a reserve it has drawn.
//!    - `supply_p < d`: `drawn = min(s_p, d − supply_p)`, `s_p ← s_p − drawn`,
//!      `served_p = min(d, supply_p + drawn)` (exactly `d` when the stock
//!      covers the gap).
//!
//!    `fill_p = served_p / d_p`, and the period's fill is the
//!    criticality-weighted mean `F = Σ_p w_p fill_p / Σ_p w_p` (every product
//!    weighted 1 if all weights are 0; products in input order).
//!
//! # The statistics
//!
//! Over all `n = N · H` sample-periods (every period of every sample counts
//! once; `floor` is `f`):
//! - `mean_fill`: the mean of `F`, computed as `1 − Σ(1 − F) / n`;
//! - `p5_fill`, `p1_fill`: nearest-rank percentiles, exact (no binning): the
//!   value at 1-based rank `ceil(q · n)` (q = 5/100, 1/100, in integer
//!   arithmetic) of the `n` values of `F` sorted ascending;
//! - `prob_below_floor`: the share of sample-periods with `F < f − 1e-9`;
//! - per product: `mean_fill` (mean of `fill_p`, as `1 − Σ(1 − fill_p)/n`),
//!   `prob_below_floor` (share with `fill_p < f − 1e-9`) and
//!   `expected_unmet_per_period` (mean of `d_p − served_p`, in units);
//! - `histogram`: 100 counts; a value `F` goes to bin
//!   `min(99, floor(100 · F))` (computed in f64), so bin `i` holds
//!   `[i/100, (i+1)/100)` and `F = 1` is in the last bin. The counts sum to `n`.
//!
//! # Randomness and reproducibility
//!
//! Sample `i` (0-based) draws from ChaCha8 (the `rand` crate's
//! [`ChaCha8Rng`]) keyed by the 32-byte seed whose first 8 bytes are
//! `spec.seed` in little-endian order and the rest zero, on stream (nonce) `i`
//! from word 0. It draws one `u64` `x` per (period, scenario), periods in
//! order and scenarios in input order within a period, and scenario `k` starts
//! iff `(x >> 11) < ceil(π_k · 2^53)`, i.e. iff `u < π_k` for the 53-bit
//! uniform `u = (x >> 11) / 2^53`. A sample's history thus depends only on
//! (seed, i), not on how samples are scheduled.
//!
//! Samples are split into fixed chunks of [`CHUNK_SAMPLES`]; each chunk sums
//! its samples in order, and the chunks (run in parallel with rayon) are
//! combined in chunk order. The result is therefore bit-identical for a given
//! seed whatever the number of threads.
//!
//! # Cost
//!
//! Time is linear in `N · H · (K + P)` with a fast path for quiet periods (no
//! active event, every stock full, every product's plan capacity covering its
//! demand), which are skipped exactly: they score `F = 1` and change nothing.
//! Memory holds one `f64` per sample-period with `F < 1` (for the exact
//! percentiles).

use plotters::coord::Shift;
use plotters::prelude::*;
use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::instance::Instance;
use crate::plan::Plan;
use crate::report::num;
use crate::sweep::plot::Format;

/// A fill is below the floor `f` when it is below `f − FLOOR_TOLERANCE`.
pub const FLOOR_TOLERANCE: f64 = 1e-9;
/// Bins of [`MonteCarloResult::histogram`], each 0.01 wide.
pub const HISTOGRAM_BINS: usize = 100;
/// Samples per chunk: the unit of parallel work and of floating-point
/// summation (part of what makes results independent of the thread count).
pub const CHUNK_SAMPLES: usize = 1024;

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonteCarloSpec {
    /// N, independent histories (> 0).
    pub samples: usize,
    /// Seed of the random streams; the same seed gives the same result.
    pub seed: u64,
    /// H, periods per history (> 0).
    pub horizon_periods: usize,
    /// f, the resilience floor the fills are compared with, in [0, 1].
    pub floor: f64,
}

/// What one product risks over the horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProductRisk {
    /// Mean of fill_p over all sample-periods.
    pub mean_fill: f64,
    /// Share of sample-periods with fill_p < floor − 1e-9.
    pub prob_below_floor: f64,
    /// Mean of d_p − served_p over all sample-periods (units per period).
    pub expected_unmet_per_period: f64,
}

/// The statistics of a simulation (definitions in the module docs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonteCarloResult {
    pub samples: usize,
    pub horizon_periods: usize,
    pub seed: u64,
    pub floor: f64,
    /// Mean period fill.
    pub mean_fill: f64,
    /// Nearest-rank 5th percentile of the period fill.
    pub p5_fill: f64,
    /// Nearest-rank 1st percentile of the period fill.
    pub p1_fill: f64,
    /// Share of sample-periods with period fill < floor − 1e-9.
    pub prob_below_floor: f64,
    /// Indexed like `instance.products`.
    pub products: Vec<ProductRisk>,
    /// [`HISTOGRAM_BINS`] counts of sample-periods by period fill; bin i holds
    /// [i/100, (i+1)/100), fill 1 is in the last bin.
    pub histogram: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MonteCarloError {
    #[error(
        "Monte Carlo needs a per-period probability on every scenario; scenario {scenario:?} has none"
    )]
    MissingProbability { scenario: String },
    #[error("scenario {scenario:?}: per-period probability {probability} is outside [0, 1]")]
    InvalidProbability { scenario: String, probability: f64 },
    #[error("Monte Carlo needs at least one sample")]
    NoSamples,
    #[error("Monte Carlo needs a horizon of at least one period")]
    NoHorizon,
    #[error("{samples} samples of {horizon} periods are too many to simulate")]
    TooLarge { samples: usize, horizon: usize },
    #[error("the floor {0} is outside [0, 1]")]
    InvalidFloor(f64),
    #[error("the plan does not fit the instance: {0}")]
    PlanMismatch(String),
    #[error(
        "Monte Carlo does not model a bill of materials (in-house assembly, inputs capping their parents) yet; run it without --bom"
    )]
    BillOfMaterials,
}

/// Runs the Monte Carlo stress test of `plan` (model and statistics in the
/// module docs).
pub fn simulate(
    instance: &Instance,
    plan: &Plan,
    spec: &MonteCarloSpec,
) -> Result<MonteCarloResult, MonteCarloError> {
    simulate_with(instance, plan, spec, true)
}

/// [`simulate`], with the quiet-period fast path switchable (for the test
/// that it changes nothing).
fn simulate_with(
    instance: &Instance,
    plan: &Plan,
    spec: &MonteCarloSpec,
    fast_path: bool,
) -> Result<MonteCarloResult, MonteCarloError> {
    let model = Model::new(instance, plan, spec)?;
    let chunks = spec.samples.div_ceil(CHUNK_SAMPLES);
    let tallies: Vec<Tally> = (0..chunks)
        .into_par_iter()
        .map(|chunk| {
            let first = chunk * CHUNK_SAMPLES;
            let last = (first + CHUNK_SAMPLES).min(spec.samples);
            model.run(spec.seed, first..last, fast_path)
        })
        .collect();

    let mut total = Tally::new(&model, 0);
    let mut low_fills = Vec::with_capacity(tallies.iter().map(|t| t.low_fills.len()).sum());
    for mut tally in tallies {
        low_fills.append(&mut tally.low_fills);
        total.merge(&tally);
    }
    let n = total.periods;
    let nf = n as f64;
    let mut percentile = |percent: u64| -> f64 {
        // nearest rank: ceil(percent · n / 100), at least 1
        let rank = ((u128::from(percent) * u128::from(n)).div_ceil(100)).max(1) as usize;
        if rank <= low_fills.len() {
            let (_, value, _) = low_fills.select_nth_unstable_by(rank - 1, f64::total_cmp);
            *value
        } else {
            1.0
        }
    };
    let p5_fill = percentile(5);
    let p1_fill = percentile(1);
    Ok(MonteCarloResult {
        samples: spec.samples,
        horizon_periods: spec.horizon_periods,
        seed: spec.seed,
        floor: spec.floor,
        mean_fill: 1.0 - total.shortfall / nf,
        p5_fill,
        p1_fill,
        prob_below_floor: total.below_floor as f64 / nf,
        products: (0..model.demand.len())
            .map(|p| ProductRisk {
                mean_fill: 1.0 - total.product_shortfall[p] / nf,
                prob_below_floor: total.product_below[p] as f64 / nf,
                expected_unmet_per_period: total.product_unmet[p] / nf,
            })
            .collect(),
        histogram: total.histogram.to_vec(),
    })
}

/// The instance and plan flattened for the inner loop.
struct Model {
    horizon: usize,
    /// f − 1e-9
    floor_cut: f64,
    demand: Vec<f64>,
    reserve: Vec<f64>,
    /// w_p, or 1 for every product when all weights are 0.
    weight: Vec<f64>,
    total_weight: f64,
    /// Σ_o Cap_o of each product, summed in the product's option order.
    full_supply: Vec<f64>,
    /// full_supply[p] ≥ d_p for every product.
    all_covered: bool,
    /// Cap_o
    capacity: Vec<f64>,
    /// The options of product p are product_options[product_start[p]..product_start[p + 1]].
    product_options: Vec<usize>,
    product_start: Vec<usize>,
    /// (option, 1 − a_{k,o}) for the options scenario k touches that have capacity.
    survival: Vec<Vec<(usize, f64)>>,
    /// D_k = ceil(T_k), capped at the horizon.
    duration: Vec<usize>,
    /// Scenario k starts iff (x >> 11) < threshold[k].
    threshold: Vec<u64>,
}

impl Model {
    fn new(
        instance: &Instance,
        plan: &Plan,
        spec: &MonteCarloSpec,
    ) -> Result<Model, MonteCarloError> {
        if spec.samples == 0 {
            return Err(MonteCarloError::NoSamples);
        }
        if spec.horizon_periods == 0 {
            return Err(MonteCarloError::NoHorizon);
        }
        let too_large = MonteCarloError::TooLarge {
            samples: spec.samples,
            horizon: spec.horizon_periods,
        };
        let periods = spec
            .samples
            .checked_mul(spec.horizon_periods)
            .ok_or(too_large.clone())?;
        if u64::try_from(periods).is_err() || spec.samples.checked_add(CHUNK_SAMPLES).is_none() {
            return Err(too_large);
        }
        if !(spec.floor.is_finite() && (0.0..=1.0).contains(&spec.floor)) {
            return Err(MonteCarloError::InvalidFloor(spec.floor));
        }
        if plan.options.len() != instance.options.len()
            || plan.reserve_units.len() != instance.products.len()
        {
            return Err(MonteCarloError::PlanMismatch(format!(
                "the plan has {} option decisions and {} reserves; the instance has {} options and {} products",
                plan.options.len(),
                plan.reserve_units.len(),
                instance.options.len(),
                instance.products.len()
            )));
        }
        // Products assembled in-house have no options; without the BOM rules
        // they would be simulated as never supplied.
        if !instance.bom.is_empty() || instance.products.iter().any(|p| p.options.is_empty()) {
            return Err(MonteCarloError::BillOfMaterials);
        }
        let mut threshold = Vec::with_capacity(instance.scenarios.len());
        for scenario in &instance.scenarios {
            let probability =
                scenario
                    .probability
                    .ok_or_else(|| MonteCarloError::MissingProbability {
                        scenario: scenario.name.clone(),
                    })?;
            if !(0.0..=1.0).contains(&probability) {
                return Err(MonteCarloError::InvalidProbability {
                    scenario: scenario.name.clone(),
                    probability,
                });
            }
            // π · 2^53 is exact (a power-of-two scaling) and at most 2^53.
            threshold.push((probability * (1u64 << 53) as f64).ceil() as u64);
        }

        let capacity: Vec<f64> = instance
            .option_ids()
            .map(|o| plan.capacity_per_period(instance, o))
            .collect();
        for (i, (&c, option)) in capacity.iter().zip(&instance.options).enumerate() {
            if !(c.is_finite() && c >= 0.0) {
                return Err(MonteCarloError::PlanMismatch(format!(
                    "option {i} ({}, {}) has capacity {c}",
                    instance.product(option.product).name,
                    option.supplier
                )));
            }
        }
        let reserve = plan.reserve_units.clone();
        for (product, &r) in instance.products.iter().zip(&reserve) {
            if !(r.is_finite() && r >= 0.0) {
                return Err(MonteCarloError::PlanMismatch(format!(
                    "product {:?} has reserve {r}",
                    product.name
                )));
            }
        }

        let mut product_options = Vec::with_capacity(instance.options.len());
        let mut product_start = vec![0];
        let mut full_supply = Vec::with_capacity(instance.products.len());
        for product in &instance.products {
            let mut supply = 0.0;
            for o in &product.options {
                product_options.push(o.0);
                supply += capacity[o.0];
            }
            product_start.push(product_options.len());
            full_supply.push(supply);
        }
        let demand: Vec<f64> = instance
            .products
            .iter()
            .map(|p| p.demand_per_period)
            .collect();
        let all_covered = full_supply.iter().zip(&demand).all(|(s, d)| s >= d);
        let weighted = instance.products.iter().any(|p| p.weight > 0.0);
        let weight: Vec<f64> = instance
            .products
            .iter()
            .map(|p| if weighted { p.weight } else { 1.0 })
            .collect();
        let total_weight = weight.iter().sum();

        let survival = instance
            .scenarios
            .iter()
            .map(|s| {
                s.losses
                    .touched(instance.options.len())
                    .filter(|&(o, _)| capacity[o.0] > 0.0)
                    .map(|(o, a)| (o.0, 1.0 - a))
                    .collect()
            })
            .collect();
        let duration = instance
            .scenarios
            .iter()
            .map(|s| {
                let periods = s.duration_periods.ceil();
                if periods >= spec.horizon_periods as f64 {
                    spec.horizon_periods
                } else {
                    (periods as usize).max(1)
                }
            })
            .collect();

        Ok(Model {
            horizon: spec.horizon_periods,
            floor_cut: spec.floor - FLOOR_TOLERANCE,
            demand,
            reserve,
            weight,
            total_weight,
            full_supply,
            all_covered,
            capacity,
            product_options,
            product_start,
            survival,
            duration,
            threshold,
        })
    }

    /// Simulates the samples `samples` and sums their statistics in order.
    fn run(&self, seed: u64, samples: std::ops::Range<usize>, fast_path: bool) -> Tally {
        let scenarios = self.threshold.len();
        let products = self.demand.len();
        let mut tally = Tally::new(self, samples.len() * self.horizon);
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let mut rng = ChaCha8Rng::from_seed(key);
        // started[t * K + k]: scenario k started an event in period t
        let mut started = vec![false; self.horizon * scenarios];
        // active[k]: events of scenario k active in the current period
        let mut active = vec![0u32; scenarios];
        // factor[o] = Π_k (1 − a_{k,o})^{n_k}; 1 outside disrupted periods
        let mut factor = vec![1.0_f64; self.capacity.len()];
        let mut stock = vec![0.0_f64; products];

        for sample in samples {
            rng.set_stream(sample as u64);
            stock.copy_from_slice(&self.reserve);
            active.fill(0);
            let mut total_active = 0u32;
            let mut stock_full = true;
            for t in 0..self.horizon {
                for k in 0..scenarios {
                    let start = (rng.next_u64() >> 11) < self.threshold[k];
                    started[t * scenarios + k] = start;
                    if start {
                        active[k] += 1;
                        total_active += 1;
                    }
                    let d = self.duration[k];
                    if t >= d && started[(t - d) * scenarios + k] {
                        active[k] -= 1;
                        total_active -= 1;
                    }
                }
                if fast_path && total_active == 0 && stock_full && self.all_covered {
                    // Every fill is exactly 1 and every stock stays at r_p.
                    tally.periods += 1;
                    tally.histogram[HISTOGRAM_BINS - 1] += 1;
                    continue;
                }
                if total_active > 0 {
                    for (k, &n) in active.iter().enumerate() {
                        for &(o, keep) in &self.survival[k] {
                            for _ in 0..n {
                                factor[o] *= keep;
                            }
                        }
                    }
                }
                stock_full = true;
                let mut weighted = 0.0;
                for (p, stock) in stock.iter_mut().enumerate() {
                    let demand = self.demand[p];
                    let supply = if total_active > 0 {
                        let options =
                            &self.product_options[self.product_start[p]..self.product_start[p + 1]];
                        let mut supply = 0.0;
                        for &o in options {
                            supply += self.capacity[o] * factor[o];
                        }
                        supply
                    } else {
                        self.full_supply[p]
                    };
                    let served;
                    (served, *stock) = serve(demand, supply, self.reserve[p], *stock);
                    stock_full &= *stock == self.reserve[p];
                    let fill = served / demand;
                    weighted += self.weight[p] * fill;
                    tally.product_shortfall[p] += 1.0 - fill;
                    tally.product_unmet[p] += demand - served;
                    if fill < self.floor_cut {
                        tally.product_below[p] += 1;
                    }
                }
                tally.record(weighted / self.total_weight, self.floor_cut);
                if total_active > 0 {
                    for (k, &n) in active.iter().enumerate() {
                        if n > 0 {
                            for &(o, _) in &self.survival[k] {
                                factor[o] = 1.0;
                            }
                        }
                    }
                }
            }
        }
        tally
    }
}

/// One period of one product: (served, stock after), from demand, supply,
/// reserve target and stock before (step 4 of the model).
fn serve(demand: f64, supply: f64, reserve: f64, stock: f64) -> (f64, f64) {
    if supply >= demand {
        (demand, (stock + (supply - demand)).min(reserve))
    } else {
        let gap = demand - supply;
        if stock >= gap {
            (demand, stock - gap)
        } else {
            ((supply + stock).min(demand), 0.0)
        }
    }
}

/// Sums over a run of sample-periods.
struct Tally {
    periods: u64,
    /// Σ (1 − F)
    shortfall: f64,
    below_floor: u64,
    histogram: [u64; HISTOGRAM_BINS],
    /// Every F < 1, in simulation order.
    low_fills: Vec<f64>,
    /// Σ (1 − fill_p)
    product_shortfall: Vec<f64>,
    /// Σ (d_p − served_p)
    product_unmet: Vec<f64>,
    product_below: Vec<u64>,
}

impl Tally {
    fn new(model: &Model, expected_periods: usize) -> Tally {
        let products = model.demand.len();
        Tally {
            periods: 0,
            shortfall: 0.0,
            below_floor: 0,
            histogram: [0; HISTOGRAM_BINS],
            low_fills: Vec::with_capacity(expected_periods / 4),
            product_shortfall: vec![0.0; products],
            product_unmet: vec![0.0; products],
            product_below: vec![0; products],
        }
    }

    fn record(&mut self, fill: f64, floor_cut: f64) {
        self.periods += 1;
        self.shortfall += 1.0 - fill;
        if fill < floor_cut {
            self.below_floor += 1;
        }
        let bin = ((fill * HISTOGRAM_BINS as f64).floor() as usize).min(HISTOGRAM_BINS - 1);
        self.histogram[bin] += 1;
        if fill < 1.0 {
            self.low_fills.push(fill);
        }
    }

    /// Adds `other`'s sums (not its low fills) to these.
    fn merge(&mut self, other: &Tally) {
        self.periods += other.periods;
        self.shortfall += other.shortfall;
        self.below_floor += other.below_floor;
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
        }
        for (a, b) in self
            .product_shortfall
            .iter_mut()
            .zip(&other.product_shortfall)
        {
            *a += b;
        }
        for (a, b) in self.product_unmet.iter_mut().zip(&other.product_unmet) {
            *a += b;
        }
        for (a, b) in self.product_below.iter_mut().zip(&other.product_below) {
            *a += b;
        }
    }
}

/// The headline figures, one row:
/// samples,horizon,seed,floor,mean_fill,p5_fill,p1_fill,prob_below_floor.
pub fn summary_csv(result: &MonteCarloResult) -> String {
    crate::report::csv::render(
        &[
            "samples",
            "horizon",
            "seed",
            "floor",
            "mean_fill",
            "p5_fill",
            "p1_fill",
            "prob_below_floor",
        ],
        std::iter::once(vec![
            result.samples.to_string(),
            result.horizon_periods.to_string(),
            result.seed.to_string(),
            num(result.floor),
            num(result.mean_fill),
            num(result.p5_fill),
            num(result.p1_fill),
            num(result.prob_below_floor),
        ]),
    )
}

/// One row per product, in input order:
/// product,mean_fill,prob_below_floor,expected_unmet_per_period.
pub fn products_csv(instance: &Instance, result: &MonteCarloResult) -> String {
    crate::report::csv::render(
        &[
            "product",
            "mean_fill",
            "prob_below_floor",
            "expected_unmet_per_period",
        ],
        instance
            .products
            .iter()
            .zip(&result.products)
            .map(|(product, risk)| {
                vec![
                    product.name.clone(),
                    num(risk.mean_fill),
                    num(risk.prob_below_floor),
                    num(risk.expected_unmet_per_period),
                ]
            }),
    )
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    result: &MonteCarloResult,
    floor: f64,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let total: u64 = result.histogram.iter().sum();
    let total = total.max(1) as f64;
    let shares: Vec<f64> = result.histogram.iter().map(|&c| c as f64 / total).collect();
    let smallest = shares
        .iter()
        .copied()
        .filter(|&s| s > 0.0)
        .fold(1.0_f64, f64::min);
    // a decade below the smallest share, so every non-empty bin shows
    let bottom = 10f64.powf(smallest.log10().floor() - 1.0);
    let top = 2.0;
    // from the tenth strictly below the lowest non-empty bin, the floor and
    // P1 (0 at the least), to 1
    let lowest_bin = result.histogram.iter().position(|&c| c > 0).unwrap_or(0);
    let lowest = (lowest_bin as f64 / HISTOGRAM_BINS as f64)
        .min(floor)
        .min(result.p1_fill);
    let left = ((lowest * 10.0).ceil() - 1.0).clamp(0.0, 9.0) / 10.0;

    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Fill per period: {} samples × {} periods, mean {:.4}",
                result.samples, result.horizon_periods, result.mean_fill
            ),
            ("sans-serif", 24),
        )
        .margin(18)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(left..1.0_f64, (bottom..top).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("period fill (criticality-weighted share of demand served), bins of 0.01")
        .y_desc("share of sample-periods (log scale)")
        .y_label_formatter(&|&v| {
            if v >= 0.001 {
                num(v)
            } else {
                format!("{v:.0e}")
            }
        })
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;

    let bar = RGBColor(70, 110, 170);
    chart
        .draw_series(
            shares
                .iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .map(|(i, &s)| {
                    let from = i as f64 / HISTOGRAM_BINS as f64;
                    let to = (i + 1) as f64 / HISTOGRAM_BINS as f64;
                    Rectangle::new([(from, bottom), (to, s)], bar.filled())
                }),
        )
        .map_err(err)?
        .label("share of sample-periods in each bin")
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], bar.filled()));

    let mut marker = |at: f64, color: RGBColor, text: String, width: u32| -> Result<(), String> {
        chart
            .draw_series(LineSeries::new(
                [(at, bottom), (at, top)],
                color.stroke_width(width),
            ))
            .map_err(err)?
            .label(text)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width))
            });
        Ok(())
    };
    let floor_label = if floor == result.floor {
        format!(
            "floor {}: P(fill < floor) = {:.3}%",
            num(floor),
            100.0 * result.prob_below_floor
        )
    } else {
        format!("floor {}", num(floor))
    };
    marker(floor, RED, floor_label, 3)?;
    marker(
        result.p5_fill,
        RGBColor(230, 140, 0),
        format!("P5 = {:.4}", result.p5_fill),
        2,
    )?;
    marker(
        result.p1_fill,
        RGBColor(130, 50, 160),
        format!("P1 = {:.4}", result.p1_fill),
        2,
    )?;

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// A bar chart of the period-fill histogram (log-scale shares, since most
/// periods usually have fill 1) with the floor, P5 and P1 marked, as SVG or
/// PNG.
pub fn histogram_chart(
    result: &MonteCarloResult,
    floor: f64,
    format: Format,
) -> Result<Vec<u8>, String> {
    struct Histogram<'a>(&'a MonteCarloResult, f64);
    impl crate::sweep::plot::Chart for Histogram<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
        where
            DB::ErrorType: 'static,
        {
            draw(root, self.0, self.1)
        }
    }
    crate::sweep::plot::render_chart(&Histogram(result, floor), format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{OptionId, Product, ProductId, Scenario, SourcingOption};
    use crate::plan::OptionDecision;

    fn product(name: &str, demand: f64, options: Vec<OptionId>) -> Product {
        Product {
            name: name.to_string(),
            demand_per_period: demand,
            direct_demand_per_period: demand,
            weight: 1.0,
            holding_cost_per_unit: Some(1.0),
            max_reserve_units: None,
            floor: None,
            policy: Default::default(),
            options,
        }
    }

    fn option(product: usize, capacity: f64) -> SourcingOption {
        SourcingOption {
            product: ProductId(product),
            supplier: format!("s{product}"),
            region: "R".to_string(),
            local: false,
            unit_cost: 1.0,
            capacity_per_period: capacity,
            fixed_cost_per_period: 0.0,
            module: None,
        }
    }

    fn scenario(name: &str, probability: f64, duration: f64, losses: &[(usize, f64)]) -> Scenario {
        Scenario {
            name: name.to_string(),
            kind: String::new(),
            duration_periods: duration,
            probability: Some(probability),
            losses: losses.iter().map(|&(o, a)| (OptionId(o), a)).collect(),
            assembly_losses: Vec::new(),
        }
    }

    /// One product with demand 10 and one option of `capacity`, the given
    /// scenarios (all on option 0), and a plan that selects the option and
    /// holds `reserve`.
    fn single(capacity: f64, reserve: f64, scenarios: Vec<Scenario>) -> (Instance, Plan) {
        let instance = Instance {
            products: vec![product("p", 10.0, vec![OptionId(0)])],
            options: vec![option(0, capacity)],
            scenarios,
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

    fn spec(samples: usize, horizon: usize) -> MonteCarloSpec {
        MonteCarloSpec {
            samples,
            seed: 7,
            horizon_periods: horizon,
            floor: 0.9,
        }
    }

    /// `observed` is within 4 standard errors of `expected`, the standard
    /// error from a bound on the variance of the per-sample count of hits.
    /// For H indicators with variances v_t, Var(Σ I_t) ≤ H Σ v_t
    /// (Cauchy–Schwarz), whatever their correlation.
    fn assert_share(observed: f64, per_period: &[f64], samples: usize, what: &str) {
        let h = per_period.len() as f64;
        let expected = per_period.iter().sum::<f64>() / h;
        let variance_bound: f64 = h * per_period.iter().map(|p| p * (1.0 - p)).sum::<f64>();
        let se = (variance_bound / samples as f64).sqrt() / h;
        assert!(
            (observed - expected).abs() <= 4.0 * se,
            "{what}: observed {observed}, expected {expected} ± {}",
            4.0 * se
        );
    }

    #[test]
    fn single_period_outages_hit_with_their_probability() {
        let pi = 0.1;
        let (instance, plan) = single(10.0, 0.0, vec![scenario("k", pi, 1.0, &[(0, 1.0)])]);
        let (samples, horizon) = (20_000, 10);
        let result = simulate(&instance, &plan, &spec(samples, horizon)).unwrap();
        // periods are independent here: a binomial share of N·H draws
        let se = (pi * (1.0 - pi) / (samples * horizon) as f64).sqrt();
        assert!(
            (result.prob_below_floor - pi).abs() < 4.0 * se,
            "{result:?}"
        );
        assert!((result.mean_fill - (1.0 - pi)).abs() < 4.0 * se);
        let risk = &result.products[0];
        assert_eq!(risk.prob_below_floor, result.prob_below_floor);
        assert!((risk.expected_unmet_per_period - 10.0 * pi).abs() < 40.0 * se);
        // an outage serves nothing: fill 0 or 1, nothing in between
        assert_eq!(
            result.histogram[0] + result.histogram[99],
            (samples * horizon) as u64
        );
        assert_eq!(
            result.histogram[0] as f64 / (samples * horizon) as f64,
            result.prob_below_floor
        );
        // nearest rank: 5% of periods (and 1%) are outages, so both percentiles are 0
        assert_eq!(result.p5_fill, 0.0);
        assert_eq!(result.p1_fill, 0.0);
    }

    #[test]
    fn events_last_ceil_duration_periods() {
        let pi = 0.1;
        let horizon = 8;
        // P(active in t) = π for t = 0 (nothing before the horizon), 1 − (1 − π)² after
        let per_period: Vec<f64> = (0..horizon)
            .map(|t| {
                if t == 0 {
                    pi
                } else {
                    1.0 - (1.0 - pi) * (1.0 - pi)
                }
            })
            .collect();
        for duration in [2.0, 1.5] {
            let (instance, plan) =
                single(10.0, 0.0, vec![scenario("k", pi, duration, &[(0, 1.0)])]);
            let samples = 25_000;
            let result = simulate(&instance, &plan, &spec(samples, horizon)).unwrap();
            assert_share(
                result.prob_below_floor,
                &per_period,
                samples,
                &format!("duration {duration}"),
            );
            assert_share(
                1.0 - result.mean_fill,
                &per_period,
                samples,
                &format!("mean fill, duration {duration}"),
            );
        }
    }

    #[test]
    fn reserve_covers_the_first_period_of_a_two_period_outage() {
        // capacity = demand (no spare), reserve = one period, π = 1: an
        // outage from period 0 on; period 0 is served from stock, period 1 is not.
        let (instance, plan) = single(10.0, 10.0, vec![scenario("k", 1.0, 2.0, &[(0, 1.0)])]);
        let result = simulate(&instance, &plan, &spec(3, 2)).unwrap();
        assert_eq!(result.mean_fill, 0.5);
        assert_eq!(result.prob_below_floor, 0.5);
        assert_eq!(result.products[0].expected_unmet_per_period, 5.0);
        assert_eq!(result.histogram[0], 3);
        assert_eq!(result.histogram[99], 3);
        // half a period of stock: fill 0.5 in period 0, 0 in period 1
        let (instance, plan) = single(10.0, 5.0, vec![scenario("k", 1.0, 2.0, &[(0, 1.0)])]);
        let result = simulate(&instance, &plan, &spec(1, 2)).unwrap();
        assert_eq!(result.mean_fill, 0.25);
        assert_eq!(result.histogram[50], 1);
        assert_eq!(result.histogram[0], 1);
        assert_eq!(result.products[0].expected_unmet_per_period, 7.5);
    }

    #[test]
    fn stock_refills_only_from_spare_capacity() {
        // The step itself.
        assert_eq!(serve(10.0, 10.0, 10.0, 0.0), (10.0, 0.0));
        assert_eq!(serve(10.0, 13.0, 10.0, 0.0), (10.0, 3.0));
        assert_eq!(serve(10.0, 13.0, 10.0, 9.0), (10.0, 10.0));
        assert_eq!(serve(10.0, 4.0, 10.0, 9.0), (10.0, 3.0));
        assert_eq!(serve(10.0, 4.0, 10.0, 2.0), (6.0, 0.0));

        // Whole runs: one-period outages (π), reserve of one period.
        let pi = 0.3;
        let horizon = 6;
        let samples = 40_000;
        // No spare capacity: the first outage empties the stock for good, so
        // period t is short iff an outage starts in t and one started before:
        // π (1 − (1 − π)^t).
        let (instance, plan) = single(10.0, 10.0, vec![scenario("k", pi, 1.0, &[(0, 1.0)])]);
        let result = simulate(&instance, &plan, &spec(samples, horizon)).unwrap();
        let never_refilled: Vec<f64> = (0..horizon)
            .map(|t| pi * (1.0 - (1.0 - pi).powi(t as i32)))
            .collect();
        assert_share(
            result.prob_below_floor,
            &never_refilled,
            samples,
            "no spare",
        );
        // Spare capacity of a full period (capacity 2d): one quiet period
        // refills the stock, so t is short iff outages in t − 1 and t: π² for t ≥ 1.
        let (instance, plan) = single(20.0, 10.0, vec![scenario("k", pi, 1.0, &[(0, 1.0)])]);
        let result = simulate(&instance, &plan, &spec(samples, horizon)).unwrap();
        let refilled: Vec<f64> = (0..horizon)
            .map(|t| if t == 0 { 0.0 } else { pi * pi })
            .collect();
        assert_share(result.prob_below_floor, &refilled, samples, "full spare");
    }

    #[test]
    fn overlapping_events_multiply() {
        // Two certain scenarios, each losing half of the same option: a quarter survives.
        let (instance, plan) = single(
            10.0,
            0.0,
            vec![
                scenario("a", 1.0, 1.0, &[(0, 0.5)]),
                scenario("b", 1.0, 1.0, &[(0, 0.5)]),
            ],
        );
        let result = simulate(&instance, &plan, &spec(10, 4)).unwrap();
        assert_eq!(result.mean_fill, 0.25);
        assert_eq!(result.histogram[25], 40);
        assert_eq!(result.p5_fill, 0.25);
        assert_eq!(result.products[0].expected_unmet_per_period, 7.5);
        // One certain scenario lasting 2 periods overlaps itself from period 1 on:
        // fills 0.5, 0.25, 0.25.
        let (instance, plan) = single(10.0, 0.0, vec![scenario("a", 1.0, 2.0, &[(0, 0.5)])]);
        let result = simulate(&instance, &plan, &spec(1, 3)).unwrap();
        assert!((result.mean_fill - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(result.histogram[50], 1);
        assert_eq!(result.histogram[25], 2);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        // π = 1, loss 0.01, duration ≥ horizon: fill 0.99^(t+1) in period t,
        // 100 distinct values; rank ceil(0.05 · 100) = 5 is 0.99^96, rank 1 is 0.99^100.
        let (instance, plan) = single(1.0, 0.0, vec![scenario("a", 1.0, 500.0, &[(0, 0.01)])]);
        let mut instance = instance;
        instance.products[0].demand_per_period = 1.0;
        let result = simulate(&instance, &plan, &spec(1, 100)).unwrap();
        assert!(
            (result.p5_fill - 0.99f64.powi(96)).abs() < 1e-12,
            "{}",
            result.p5_fill
        );
        assert!((result.p1_fill - 0.99f64.powi(100)).abs() < 1e-12);
        // with 3 samples: n = 300, rank 15 is the 15th smallest: 0.99^96 again (3 copies each)
        let result3 = simulate(&instance, &plan, &spec(3, 100)).unwrap();
        assert_eq!(result3.p5_fill, result.p5_fill);
        assert_eq!(result3.histogram.iter().sum::<u64>(), 300);
    }

    fn semis() -> (Instance, Plan) {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let scenarios = vec![root.join("models/scenarios/semis.csv")];
        let instance = crate::input::load(
            &root.join("data/semis.csv"),
            crate::input::ScenarioSource::Files(&scenarios),
        )
        .expect("the example loads")
        .instance;
        // Every option selected, each buying its capacity share of demand;
        // a reserve of half a period where stockpiling is allowed.
        let options = instance
            .options
            .iter()
            .map(|o| {
                let product = instance.product(o.product);
                let capacity: f64 = product
                    .options
                    .iter()
                    .map(|&q| instance.option(q).capacity_per_period)
                    .sum();
                OptionDecision {
                    selected: true,
                    quantity_per_period: product.demand_per_period * o.capacity_per_period
                        / capacity,
                    modules: 0,
                }
            })
            .collect();
        let reserve_units = instance
            .products
            .iter()
            .map(|p| {
                if p.can_stockpile() {
                    p.demand_per_period * 0.5
                } else {
                    0.0
                }
            })
            .collect();
        let plan = Plan {
            options,
            reserve_units,
        };
        (instance, plan)
    }

    #[test]
    fn deterministic_for_a_seed_and_any_thread_count() {
        let (instance, plan) = semis();
        let spec = MonteCarloSpec {
            samples: 5_000,
            seed: 42,
            horizon_periods: 12,
            floor: 0.9,
        };
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| simulate(&instance, &plan, &spec).unwrap())
        };
        let one = on(1);
        let two = on(2);
        let again = on(2);
        // Debug prints the shortest round-tripping decimal: equal text, equal bits
        assert_eq!(format!("{one:?}"), format!("{two:?}"));
        assert_eq!(format!("{two:?}"), format!("{again:?}"));
        assert!(one.prob_below_floor > 0.0 && one.mean_fill < 1.0, "{one:?}");
        let other = simulate(&instance, &plan, &MonteCarloSpec { seed: 43, ..spec }).unwrap();
        assert_ne!(format!("{one:?}"), format!("{other:?}"));
    }

    #[test]
    fn a_sample_depends_only_on_seed_and_index() {
        // Samples 1000..1600 in one run, or split at 1300 into two runs that
        // start mid-chunk: the same histories, hence the same counts.
        let (instance, plan) = semis();
        let model = Model::new(&instance, &plan, &spec(2_000, 12)).unwrap();
        let whole = model.run(9, 1000..1600, true);
        let mut split = model.run(9, 1000..1300, true);
        let second = model.run(9, 1300..1600, true);
        split.merge(&second);
        assert_eq!(whole.periods, 7_200);
        assert_eq!(whole.histogram, split.histogram);
        assert_eq!(whole.below_floor, split.below_floor);
        assert_eq!(whole.product_below, split.product_below);
        assert!(whole.histogram[99] < 7_200);
        assert!((whole.shortfall - split.shortfall).abs() < 1e-9);
    }

    #[test]
    fn the_fast_path_changes_nothing() {
        let (instance, plan) = semis();
        let spec = MonteCarloSpec {
            samples: 3_000,
            seed: 5,
            horizon_periods: 12,
            floor: 0.95,
        };
        let fast = simulate_with(&instance, &plan, &spec, true).unwrap();
        let slow = simulate_with(&instance, &plan, &spec, false).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        assert_eq!(fast.histogram.iter().sum::<u64>(), 36_000);
    }

    #[test]
    fn rejects_what_it_cannot_simulate() {
        let (mut instance, plan) = single(10.0, 0.0, vec![scenario("k", 0.1, 1.0, &[(0, 1.0)])]);
        assert_eq!(
            simulate(&instance, &plan, &spec(0, 12)).unwrap_err(),
            MonteCarloError::NoSamples
        );
        assert_eq!(
            simulate(&instance, &plan, &spec(10, 0)).unwrap_err(),
            MonteCarloError::NoHorizon
        );
        let bad_floor = MonteCarloSpec {
            floor: 1.5,
            ..spec(10, 12)
        };
        assert!(matches!(
            simulate(&instance, &plan, &bad_floor),
            Err(MonteCarloError::InvalidFloor(_))
        ));
        instance.scenarios[0].probability = None;
        let error = simulate(&instance, &plan, &spec(10, 12)).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("Monte Carlo needs a per-period probability on every scenario"));
        instance.scenarios[0].probability = Some(1.2);
        assert!(matches!(
            simulate(&instance, &plan, &spec(10, 12)),
            Err(MonteCarloError::InvalidProbability { .. })
        ));
        instance.scenarios[0].probability = Some(0.1);
        let mut assembled = instance.clone();
        assembled.products[0].options.clear();
        assert_eq!(
            simulate(&assembled, &plan, &spec(10, 12)).unwrap_err(),
            MonteCarloError::BillOfMaterials
        );
        let short = Plan {
            options: vec![],
            reserve_units: vec![0.0],
        };
        assert!(matches!(
            simulate(&instance, &short, &spec(10, 12)),
            Err(MonteCarloError::PlanMismatch(_))
        ));
    }

    #[test]
    fn unweighted_products_count_equally() {
        // two products, all weights 0; product 1 is always out: period fill 0.5
        let mut instance = Instance {
            products: vec![
                product("a", 10.0, vec![OptionId(0)]),
                product("b", 10.0, vec![OptionId(1)]),
            ],
            options: vec![option(0, 10.0), option(1, 10.0)],
            scenarios: vec![scenario("k", 1.0, 1.0, &[(1, 1.0)])],
            bom: Vec::new(),
        };
        for p in &mut instance.products {
            p.weight = 0.0;
        }
        let decision = OptionDecision {
            selected: true,
            quantity_per_period: 10.0,
            modules: 0,
        };
        let plan = Plan {
            options: vec![decision; 2],
            reserve_units: vec![0.0, 0.0],
        };
        let result = simulate(&instance, &plan, &spec(4, 3)).unwrap();
        assert_eq!(result.mean_fill, 0.5);
        assert_eq!(result.products[0].mean_fill, 1.0);
        assert_eq!(result.products[1].mean_fill, 0.0);
        assert_eq!(result.products[1].prob_below_floor, 1.0);
        assert_eq!(result.products[1].expected_unmet_per_period, 10.0);
    }

    #[test]
    fn reports_render() {
        let (instance, plan) = single(10.0, 0.0, vec![scenario("k", 0.2, 1.0, &[(0, 0.5)])]);
        let result = simulate(&instance, &plan, &spec(1000, 12)).unwrap();
        let summary = summary_csv(&result);
        let mut lines = summary.lines();
        assert_eq!(
            lines.next(),
            Some("samples,horizon,seed,floor,mean_fill,p5_fill,p1_fill,prob_below_floor")
        );
        assert!(lines.next().unwrap().starts_with("1000,12,7,0.9,"));
        assert!(summary.ends_with('\n') && !summary.contains('\r'));
        let products = products_csv(&instance, &result);
        assert!(products
            .starts_with("product,mean_fill,prob_below_floor,expected_unmet_per_period\np,"));
        let svg = histogram_chart(&result, 0.9, Format::Svg).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg") && svg.contains("floor 0.9"));
        let png = histogram_chart(&result, 0.9, Format::Png).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
