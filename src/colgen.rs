//! Column generation (Dantzig–Wolfe) for the coupled measures: the model
//! rewritten as a choice of one whole plan per product, priced product by
//! product (models/core.md, "How divopt solves it").
//!
//! Products share rows only through the measure rows (5) of `worst` (one per
//! scenario, none for a scenario another dominates) and `expected` (one).
//! The master problem keeps those rows and one convexity row per product,
//! Σ_j λ_pj = 1, over columns that are whole product plans
//! ([`ProductPlan`]): its LP bound is the convex hull of each
//! product's plans, so it has none of the fixed-charge gap of the compact
//! model's LP. Each round solves the master LP, takes its row duals π as
//! prices on the fills, and asks [`ProductModel::price`] for each product's
//! best plan at those prices (in parallel); the Lagrangian bound
//! Σ_r π_r b_r + Σ_p min_plan (cost − Σ_r π_r a_r) is a valid lower bound in
//! every round. When it meets the master's LP value, the master is solved
//! with λ binary over the columns found. If that plan is not within the
//! requested gap of the bound, the compact model is solved from it, and the
//! better bound of the two is reported.

use std::time::Instant;

use rayon::prelude::*;

use crate::formulation::{formulate, ModelSize, Requirement};
use crate::instance::{Instance, Measure, ProductId};
use crate::plan::Plan;
use crate::pricing::{least_fill, ProductModel, ProductPlan};
use crate::solve::{
    raw_status, run, solve_formulation, status_of, Method, Outcome, Settings, SolverError, Status,
};

/// Whether column generation solves `requirement` on `instance`: no BOM,
/// a coupled measure (`worst` or `expected`) with rows, and every product
/// priceable ([`ProductModel::supports`]).
pub fn applies(instance: &Instance, requirement: Requirement) -> bool {
    instance.bom.is_empty()
        && requirement.measure != Measure::Each
        && requirement.floor.value() > 0.0
        && instance.total_weight() > 0.0
        && instance
            .product_ids()
            .all(|p| ProductModel::supports(instance, p))
}

/// Rounds of column generation at most (generated instances need 3–6).
const MAX_ROUNDS: usize = 200;

/// Binary masters with at most this many choices (the product of the free
/// products' kept column counts) are solved by enumeration
/// ([`Master::enumerate`]) rather than handed to HiGHS. The restricted
/// masters after the LP had 120–400 choices at M and L and 105,000–157,500
/// at XL (0.01 s, as HiGHS took).
const ENUMERATE_AT_MOST: usize = 1 << 20;

/// The share of reduced-cost fixing's threshold that bounds the first, smaller
/// binary master over every product (models/core.md, step 3). At M, floor
/// 0.95, 385 columns instead of 594, and 0.05 s instead of 0.15 s; the
/// plans found at M and L used columns within 0.07 of the threshold.
const NEIGHBOURHOOD: f64 = 0.1;

/// Per scenario, whether another scenario is at least as hard for every
/// option and at least as long ([`crate::instance::Scenario::at_least_as_hard_as`];
/// of identical ones, all but the first). Every plan's row (5) for such a
/// scenario then follows from the harder one's, so the master has no row
/// for it (17 of 40 scenarios at M, 53 of 100 at L, 122 of 200 at XL).
/// The scenarios are compared in parallel (XL's 200: about 11 ms on one
/// thread).
fn dominated_scenarios(instance: &Instance) -> Vec<bool> {
    let scenarios = &instance.scenarios;
    (0..scenarios.len())
        .into_par_iter()
        .map(|k| {
            (0..scenarios.len()).any(|j| {
                j != k
                    && scenarios[j].at_least_as_hard_as(&scenarios[k])
                    && (j < k || !scenarios[k].at_least_as_hard_as(&scenarios[j]))
            })
        })
        .collect()
}

/// A product's part of the master that no floor changes: its pricing data,
/// the coupling row and factor of each of its scenarios, and its first
/// columns.
struct Product {
    model: ProductModel,
    /// Per entry of `model.scenarios`: (coupling row, factor): the fill in that
    /// scenario enters the row times the factor (w_p, or w_p π_k for `expected`).
    links: Vec<Option<(usize, f64)>>,
    /// The product's cheapest plan (at zero prices), if it has a plan.
    cheapest: Option<ProductPlan>,
    /// Its strongest plan (the highest fills of all), if that meets its least fill.
    strongest: Option<ProductPlan>,
    /// The cheapest plan's coefficients on the coupling rows (none without it).
    cheapest_coefficients: Vec<(usize, f64)>,
}

impl Product {
    /// The column's coefficients on the coupling rows.
    fn coefficients(&self, column: &ProductPlan) -> Vec<(usize, f64)> {
        let mut coefficients: Vec<(usize, f64)> = Vec::new();
        for (link, fill) in self.links.iter().zip(&column.fills) {
            if let Some((row, factor)) = *link {
                match coefficients.iter_mut().find(|(r, _)| *r == row) {
                    Some((_, value)) => *value += factor * fill,
                    None => coefficients.push((row, factor * fill)),
                }
            }
        }
        coefficients
    }

    /// The column's coefficients on the coupling rows less those of the
    /// product's cheapest plan (the master LP's columns are relative to it).
    fn relative_coefficients(&self, column: &ProductPlan) -> Vec<(usize, f64)> {
        let mut coefficients = self.coefficients(column);
        // Both lists follow the product's links, so their entries align.
        for ((_, a), (_, base)) in coefficients.iter_mut().zip(&self.cheapest_coefficients) {
            *a -= base;
        }
        coefficients
    }

    /// The prices of the product's fills under row duals `duals`.
    fn prices(&self, duals: &[f64]) -> Vec<f64> {
        self.links
            .iter()
            .map(|link| link.map_or(0.0, |(row, factor)| factor * duals[row].max(0.0)))
            .collect()
    }
}

/// What column generation needs for one instance and measure whatever the
/// floor: every product's `Product`, and the coupling rows. A sweep
/// prepares it once per series; [`solve`] prepares it for one solve.
pub struct Prepared {
    measure: Measure,
    product_floors: bool,
    products: Vec<Product>,
    /// Σ_p w_p: row r's right-hand side is f · total_weight − offsets[r].
    total_weight: f64,
    /// What the products a row leaves out bring to it (their fill is 1).
    offsets: Vec<f64>,
    /// Each row's left-hand side when every product takes its cheapest
    /// plan (`None` when some product has none).
    cheapest_rows: Option<Vec<f64>>,
}

impl Prepared {
    /// Prepares column generation for `requirement`'s measure and product
    /// floors (its floor does not matter), the first columns found in parallel.
    pub fn new(
        instance: &Instance,
        requirement: Requirement,
        settings: &Settings,
    ) -> Result<Prepared, SolverError> {
        Prepared::with_cheapest(instance, requirement, settings, None)
    }

    /// [`Prepared::new`], given `cheapest`, every product's cheapest plan
    /// with no floor (the baseline, when the exact search found it): a
    /// product with no least fill of its own takes its part of that plan as
    /// its cheapest column instead of searching for it again (the same
    /// column: the same search at zero prices found it).
    pub fn with_cheapest(
        instance: &Instance,
        requirement: Requirement,
        settings: &Settings,
        cheapest: Option<&Plan>,
    ) -> Result<Prepared, SolverError> {
        let workers = crate::decompose::Workers::new(settings)?;
        let measure = requirement.measure;
        // Each in parallel within, and the two side by side (XL: about 11 ms
        // each on one thread). With the products' models built in parallel
        // below, preparing XL took 56.0 ms instead of 68.5 ms (medians of 20
        // interleaved runs; L unchanged, 11–12 ms).
        let (touching, dominated) = rayon::join(
            || crate::pricing::scenarios_touching(instance),
            || (measure == Measure::Worst).then(|| dominated_scenarios(instance)),
        );
        let total_weight = instance.total_weight();
        let probability = instance.scenario_weights();
        // Each row's offset: what untouched products (fill 1) bring to it.
        let (row_of, mut offsets): (Vec<Option<usize>>, Vec<f64>) = match dominated {
            Some(dominated) => {
                let mut touched_weight = vec![0.0; instance.scenarios.len()];
                for (p, touches) in touching.iter().enumerate() {
                    for k in &touches.scenarios {
                        touched_weight[k.0] += instance.products[p].weight;
                    }
                }
                let mut offsets = Vec::new();
                let row_of = touched_weight
                    .iter()
                    .zip(dominated)
                    .map(|(&w, dominated)| {
                        (w > 0.0 && !dominated).then(|| {
                            offsets.push(total_weight - w);
                            offsets.len() - 1
                        })
                    })
                    .collect();
                (row_of, offsets)
            }
            None => (vec![Some(0); instance.scenarios.len()], vec![0.0]),
        };
        if measure == Measure::Expected {
            for (product, touches) in instance.products.iter().zip(&touching) {
                let untouched: f64 = 1.0
                    - touches
                        .scenarios
                        .iter()
                        .map(|k| probability[k.0])
                        .sum::<f64>();
                offsets[0] += product.weight * untouched;
            }
        }
        // Each product's model and first columns: its cheapest plan and its
        // strongest plan (which together meet any attainable floor).
        let products: Vec<Product> = workers.map(touching, |p, touches| {
            let weight = instance.products[p].weight;
            let links = touches
                .scenarios
                .iter()
                .map(|k| {
                    let factor = match measure {
                        Measure::Expected => weight * probability[k.0],
                        _ => weight,
                    };
                    row_of[k.0]
                        .filter(|_| factor > 0.0)
                        .map(|row| (row, factor))
                })
                .collect();
            let least = least_fill(instance, ProductId(p), requirement);
            let known = cheapest.filter(|_| least == 0.0);
            let model = ProductModel::new(instance, ProductId(p), least, touches);
            let cheapest = match known {
                Some(plan) => Some(model.column_of(instance, plan)),
                None => model.price(&vec![0.0; model.scenarios.len()], f64::INFINITY),
            };
            let mut product = Product {
                cheapest,
                strongest: model.strongest(),
                model,
                links,
                cheapest_coefficients: Vec::new(),
            };
            if let Some(cheapest) = &product.cheapest {
                product.cheapest_coefficients = product.coefficients(cheapest);
            }
            product
        });
        let cheapest_rows = products
            .iter()
            .all(|product| product.cheapest.is_some())
            .then(|| {
                let mut rows = vec![0.0; offsets.len()];
                for product in &products {
                    for &(r, a) in &product.cheapest_coefficients {
                        rows[r] += a;
                    }
                }
                rows
            });
        Ok(Prepared {
            measure,
            product_floors: requirement.product_floors,
            products,
            total_weight,
            offsets,
            cheapest_rows,
        })
    }

    /// Whether it was prepared for `requirement`'s measure and product floors.
    pub fn fits(&self, requirement: Requirement) -> bool {
        self.measure == requirement.measure && self.product_floors == requirement.product_floors
    }

    /// The coupling rows' right-hand sides at `requirement`'s floor.
    fn rows(&self, requirement: Requirement) -> CouplingRows {
        let target = requirement.floor.value() * self.total_weight;
        CouplingRows {
            rhs: self.offsets.iter().map(|offset| target - offset).collect(),
        }
    }
}

/// A product in one solve: its prepared part and its columns so far.
struct Block<'a> {
    product: &'a Product,
    columns: Vec<ProductPlan>,
    /// Which of `columns` is the strongest plan (the highest fills of all).
    strongest: Option<usize>,
}

/// The coupling rows: Σ (coefficients) ≥ rhs.
struct CouplingRows {
    rhs: Vec<f64>,
}

/// Solves `instance` by column generation (call only when [`applies`]).
/// `start`, a plan that meets the requirement, seeds the columns.
pub fn solve(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
    start: Option<&Plan>,
) -> Result<Outcome, SolverError> {
    let started = Instant::now();
    let prepared = Prepared::new(instance, requirement, settings)?;
    let mut outcome = solve_prepared(
        instance,
        &prepared,
        requirement,
        &settings.after(started.elapsed().as_secs_f64()),
        start,
    )?;
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// [`solve`] with the floor-free part already prepared (`prepared` must
/// [`Prepared::fits`] the requirement).
pub fn solve_prepared(
    instance: &Instance,
    prepared: &Prepared,
    requirement: Requirement,
    settings: &Settings,
    start: Option<&Plan>,
) -> Result<Outcome, SolverError> {
    assert!(
        prepared.fits(requirement),
        "column generation prepared for another measure"
    );
    let started = Instant::now();
    let remaining = |settings: &Settings| settings.after(started.elapsed().as_secs_f64());
    let rows = prepared.rows(requirement);

    // When every product's cheapest plan together meets the rows, that is
    // the optimum: each product is at its own minimum.
    if let Some(lhs) = &prepared.cheapest_rows {
        let met = lhs
            .iter()
            .zip(&rows.rhs)
            .all(|(a, b)| *a >= b - 1e-9 * b.abs().max(1.0));
        if met {
            let cheapest = prepared
                .products
                .iter()
                .map(|product| product.cheapest.as_ref().expect("every product has one"));
            return Ok(crate::decompose::cheapest_plans(
                instance,
                cheapest,
                started.elapsed().as_secs_f64(),
            ));
        }
    }

    let workers = crate::decompose::Workers::new(settings)?;
    // Columns: the prepared ones and each product's part of the start plan.
    let mut blocks: Vec<Block> = prepared
        .products
        .iter()
        .map(|product| {
            let mut columns: Vec<ProductPlan> = product.cheapest.iter().cloned().collect();
            let mut strongest = None;
            if let Some(column) = &product.strongest {
                strongest = Some(columns.len());
                columns.push(column.clone());
            }
            if let Some(plan) = start {
                let column = product.model.column_of(instance, plan);
                if product.model.meets_least_fill(&column) {
                    columns.push(column);
                }
            }
            Block {
                product,
                columns,
                strongest,
            }
        })
        .collect();
    // With every product's cheapest plan, every block has it as column 0.
    let Some(cheapest_rows) = &prepared.cheapest_rows else {
        // A product with no plan at all (the search is exact, so no
        // cheapest plan means none): its rules or own floor cannot be met.
        return Ok(Outcome::without_plan(
            Status::Infeasible,
            started.elapsed().as_secs_f64(),
            ModelSize::default(),
            Method::ColumnGeneration,
        ));
    };

    // The master LP, relative to the cheapest plans (column 0 of every
    // block): λ_p0 = 1 − Σ_{j≥1} λ_pj leaves the LP, so each product's
    // convexity row is Σ_{j≥1} λ_pj ≤ 1 and every other column enters with
    // its cost and coefficients less the cheapest plan's. All λ = 0 (every
    // product at its cheapest plan) is then dual feasible, as no plan is
    // cheaper than the cheapest. Presolve has no equations to substitute
    // and the LP is smaller: first master LP at XL 0.02 s instead of 0.09 s,
    // and every later round faster too (XL at 0.9: 3.35 s → 2.0 s in all).
    // Rows: convexity 0..P, then the coupling rows.
    let products = blocks.len();
    let base_cost: f64 = blocks.iter().map(|block| block.columns[0].cost).sum();
    let mut problem = highs::ColProblem::default();
    let convexity: Vec<highs::Row> = (0..products).map(|_| problem.add_row(..=1.0)).collect();
    let coupling: Vec<highs::Row> = rows
        .rhs
        .iter()
        .zip(cheapest_rows)
        .map(|(&b, &cheapest)| problem.add_row(b - cheapest..))
        .collect();
    // owner[j]: (product, column index) of master column j; in_lp[i]: the
    // master column that is LP column i (all but the cheapest plans).
    let mut owner: Vec<(usize, usize)> = Vec::new();
    let mut in_lp: Vec<usize> = Vec::new();
    let relative_column = |block: &Block, p: usize, column: &ProductPlan| {
        let factors: Vec<(highs::Row, f64)> = std::iter::once((convexity[p], 1.0))
            .chain(
                block
                    .product
                    .relative_coefficients(column)
                    .into_iter()
                    .map(|(r, a)| (coupling[r], a)),
            )
            .collect();
        (column.cost - block.columns[0].cost, factors)
    };
    for (p, block) in blocks.iter().enumerate() {
        for (j, column) in block.columns.iter().enumerate() {
            if j > 0 {
                let (cost, factors) = relative_column(block, p, column);
                problem.add_column(cost, 0.0.., factors);
                in_lp.push(owner.len());
            }
            owner.push((p, j));
        }
    }
    let mut master = problem.optimise(highs::Sense::Minimise);
    let mut bound = f64::NEG_INFINITY;
    // λ and reduced costs of the last master LP solved, per master column
    // (later columns: λ = 0 and a negative reduced cost).
    let mut lambda: Vec<f64> = Vec::new();
    let mut reduced_cost: Vec<f64> = Vec::new();
    let mut master_value = f64::INFINITY;
    let mut last_lagrangian = f64::NEG_INFINITY;
    let mut round = 0;
    let target_gap = settings.relative_gap / 2.0;
    loop {
        round += 1;
        let lp_settings = Settings {
            verbose: false,
            ..remaining(settings)
        };
        if round == 2 {
            // New columns leave the last basis primal feasible: the primal
            // simplex goes on from it (at XL 1–3 s a round, against 3–9 s
            // for the default dual simplex and for a solve from scratch).
            // Its PRICE row-wise ("row switch", 2) rather than HiGHS's
            // default (3, which also switches to column-wise PRICE): XL's
            // rounds 2–5 at floor 0.9 took 0.9 s instead of 1.3 s; M and L
            // the same.
            for (option, value) in [("simplex_strategy", 4), ("simplex_price_strategy", 2)] {
                master
                    .try_set_option(option, value)
                    .map_err(|e| SolverError(format!("cannot set HiGHS option {option}: {e:?}")))?;
            }
        }
        let (solved, lp_seconds) = run(master, &lp_settings)?;
        match status_of(&solved)? {
            Status::Optimal => {}
            Status::Infeasible => {
                return Ok(Outcome::without_plan(
                    Status::Infeasible,
                    started.elapsed().as_secs_f64(),
                    ModelSize::default(),
                    Method::ColumnGeneration,
                ))
            }
            // Out of time: go on to the binary master with what there is.
            Status::TimeLimit | Status::NoPlanInTime => {
                master = highs::Model::from(solved);
                break;
            }
        }
        master_value = base_cost + solved.objective_value();
        let solution = solved.get_solution();
        let duals: Vec<f64> = solution.dual_rows()[products..].to_vec();
        // Back to every master column: a cheapest plan's λ is its convexity
        // row's slack, and its reduced cost that slack's (−dual of the row).
        lambda = vec![0.0; owner.len()];
        reduced_cost = vec![0.0; owner.len()];
        for (j, &(p, c)) in owner.iter().enumerate() {
            if c == 0 {
                lambda[j] = 1.0 - solution.rows()[p];
                reduced_cost[j] = -solution.dual_rows()[p];
            }
        }
        for (i, &j) in in_lp.iter().enumerate() {
            lambda[j] = solution.columns()[i];
            reduced_cost[j] = solution.dual_columns()[i];
        }
        master = highs::Model::from(solved);

        // Price every product; the Lagrangian bound needs each one's best value.
        let priced: Vec<(f64, Option<ProductPlan>)> =
            workers.map(blocks.iter().collect(), |_, block: &Block| {
                let prices = block.product.prices(&duals);
                let known = block
                    .columns
                    .iter()
                    .map(|column| column.value(&prices))
                    .fold(f64::INFINITY, f64::min);
                // At zero prices the product's cheapest plan, a column from
                // the start, is its best.
                if prices.iter().all(|&price| price == 0.0) {
                    return (known, None);
                }
                match block.product.model.price(&prices, known) {
                    Some(column) => (column.value(&prices), Some(column)),
                    None => (known, None),
                }
            });
        let priced_rows: f64 = rows
            .rhs
            .iter()
            .zip(&duals)
            .map(|(b, pi)| b * pi.max(0.0))
            .sum();
        let lagrangian = priced_rows + priced.iter().map(|(v, _)| v).sum::<f64>();
        bound = bound.max(lagrangian);
        last_lagrangian = lagrangian;
        let mut added = 0;
        for (p, (_, column)) in priced.into_iter().enumerate() {
            if let Some(column) = column {
                let (cost, factors) = relative_column(&blocks[p], p, &column);
                master
                    .try_add_column(cost, 0.0.., factors)
                    .map_err(|e| SolverError(format!("cannot add a plan to the master: {e:?}")))?;
                in_lp.push(owner.len());
                owner.push((p, blocks[p].columns.len()));
                blocks[p].columns.push(column);
                added += 1;
            }
        }
        let lp_gap = (master_value - bound) / master_value.abs().max(1e-9);
        if settings.verbose {
            to_stderr!(
                "divopt: column generation round {round}: master LP {master_value:.6e} \
                 ({lp_seconds:.2} s), bound {bound:.6e} (gap {lp_gap:.2e}), {added} new plans, \
                 {} in all, {:.2} s",
                owner.len(),
                started.elapsed().as_secs_f64()
            );
        }
        // Every round adds plans strictly better than the known ones, so the
        // loop ends; the round cap only guards against round-off cycling.
        if added == 0 || lp_gap <= target_gap || round >= MAX_ROUNDS {
            break;
        }
        if settings
            .time_limit_seconds
            .is_some_and(|limit| started.elapsed().as_secs_f64() >= limit)
        {
            break;
        }
    }

    drop(master);
    lambda.resize(owner.len(), 0.0);
    reduced_cost.resize(owner.len(), f64::NEG_INFINITY);
    let size = ModelSize {
        variables: owner.len(),
        binaries: owner.len(),
        integers: 0,
        constraints: products + rows.rhs.len(),
    };
    // Without a bound (no master LP solved in time) the gap is unknown: 1.
    let gap_of = |cost: f64| {
        if bound.is_finite() {
            ((cost - bound) / cost.abs().max(1e-9)).clamp(0.0, 1.0)
        } else {
            1.0
        }
    };
    let master = Master {
        blocks: &blocks,
        rows: &rows,
        owner: &owner,
    };
    // The master with λ binary: first only over the products the LP leaves
    // fractional (the others keep the one column they use whole); if that
    // plan is not within the gap, over every column that reduced-cost fixing
    // keeps, starting from it.
    let whole = |j: usize| lambda[j] >= 1.0 - 1e-6;
    let mut settled = vec![false; products];
    for (j, &(p, _)) in owner.iter().enumerate() {
        settled[p] |= whole(j);
    }
    let keep: Vec<bool> = (0..owner.len())
        .map(|j| !settled[owner[j].0] || whole(j))
        .collect();
    // A feasible choice: each settled product's column, and the strongest
    // plan of every other (its fills are at least those of any mix of its
    // plans, so the LP's rows stay met; without an LP, every product's
    // strongest plan meets any attainable floor). Even out of time, the
    // answer then has a plan.
    let feasible = Choice {
        columns: (0..owner.len())
            .filter(|&j| {
                let (p, c) = owner[j];
                if settled[p] {
                    whole(j)
                } else {
                    blocks[p].strongest == Some(c)
                }
            })
            .collect(),
        cost: 0.0,
    };
    let feasible = Choice {
        cost: feasible
            .columns
            .iter()
            .map(|&j| blocks[owner[j].0].columns[owner[j].1].cost)
            .sum(),
        ..feasible
    };
    let out_of_time = || {
        settings
            .time_limit_seconds
            .is_some_and(|limit| started.elapsed().as_secs_f64() >= limit)
    };
    // The most a plan within the requested gap of the bound may cost.
    let within_gap = if bound.is_finite() {
        bound / (1.0 - settings.relative_gap).max(1e-9)
    } else {
        f64::INFINITY
    };
    let mut choice = if out_of_time() {
        Some(feasible)
    } else {
        // Handing HiGHS that start made it stop early with worse plans
        // (XL at 0.9: 15 s instead of 8 s to gap 1e-4), so it is only the
        // fallback.
        let found = master.binary(&keep, None, target_gap, within_gap, &remaining(settings))?;
        let found = match found {
            Some(found) if found.cost <= feasible.cost => found,
            _ => feasible,
        };
        Some(if gap_of(found.cost) > settings.relative_gap {
            master.improve(found)
        } else {
            found
        })
    };
    if settings.verbose {
        to_stderr!(
            "divopt: binary master over the {} products the LP leaves fractional: {}, {:.2} s",
            settled.iter().filter(|&&s| !s).count(),
            choice
                .as_ref()
                .map_or("no plan".to_string(), |c| format!("cost {:.6e}", c.cost)),
            started.elapsed().as_secs_f64()
        );
    }
    if !out_of_time()
        && choice
            .as_ref()
            .is_none_or(|c| gap_of(c.cost) > settings.relative_gap)
    {
        // Reduced-cost fixing: any choice costs at least the last master LP
        // value plus the reduced costs (at the last LP's duals) of its
        // columns, and the products' best reduced costs sum to (last
        // Lagrangian bound − LP value). So a choice that uses a column whose
        // reduced cost exceeds (C − last Lagrangian bound) costs more than C.
        // C is the cost found, or the most a plan within the requested gap
        // of LB may cost, whichever is lower: only the other columns enter.
        let slack = choice
            .as_ref()
            .map_or(within_gap, |c| c.cost.min(within_gap))
            - last_lagrangian;
        // First a neighbourhood of the LP (the columns within a tenth of
        // that threshold: a small MIP), then, if its plan is not within the
        // gap either, every column the threshold keeps.
        let within = |share: f64| -> Vec<bool> {
            reduced_cost
                .iter()
                .map(|&rc| rc <= share * slack + 1e-9 * master_value.abs())
                .collect()
        };
        let all = within(1.0);
        for share in [NEIGHBOURHOOD, 1.0] {
            let mut promising = within(share);
            // The choice so far is the start: its columns stay.
            for &j in choice.iter().flat_map(|c| &c.columns) {
                promising[j] = true;
            }
            if share < 1.0 && promising == all {
                continue;
            }
            let better = master.binary(
                &promising,
                choice.as_ref(),
                target_gap,
                within_gap,
                &remaining(settings),
            )?;
            if let Some(better) = better {
                if choice.as_ref().is_none_or(|c| better.cost < c.cost) {
                    choice = Some(better);
                }
            }
            if settings.verbose {
                to_stderr!(
                    "divopt: binary master over the {} plans whose reduced cost is within {share} \
                     of the room: {}, {:.2} s",
                    promising.iter().filter(|&&p| p).count(),
                    choice
                        .as_ref()
                        .map_or("no plan".to_string(), |c| format!("cost {:.6e}", c.cost)),
                    started.elapsed().as_secs_f64()
                );
            }
            if out_of_time()
                || choice
                    .as_ref()
                    .is_some_and(|c| gap_of(c.cost) <= settings.relative_gap)
            {
                break;
            }
        }
    }
    let plan = choice.map(|c| (master.join(instance, &c), c.cost));
    if let Some((plan, cost)) = &plan {
        if gap_of(*cost) <= settings.relative_gap {
            return Ok(Outcome {
                status: Status::Optimal,
                plan: Some(plan.clone()),
                objective: Some(*cost),
                gap: Some(gap_of(*cost)),
                seconds: started.elapsed().as_secs_f64(),
                size,
                method: Method::ColumnGeneration,
            });
        }
    }

    // The plan found here, stopped by the time limit before it was proven.
    let stopped_with = |plan: Plan, cost: f64, seconds: f64| Outcome {
        status: Status::TimeLimit,
        plan: Some(plan),
        objective: Some(cost),
        gap: Some(gap_of(cost)),
        seconds,
        size,
        method: Method::ColumnGeneration,
    };
    // Not within the gap: the compact model, from the best plan found.
    // Out of time: the plan found, if any; building the compact model alone
    // would overrun the limit (0.8 s at XL).
    let left = remaining(settings);
    if left.time_limit_seconds == Some(0.0) {
        let seconds = started.elapsed().as_secs_f64();
        return Ok(match plan {
            Some((plan, cost)) => stopped_with(plan, cost, seconds),
            None => Outcome::without_plan(
                Status::NoPlanInTime,
                seconds,
                size,
                Method::ColumnGeneration,
            ),
        });
    }
    if settings.verbose {
        to_stderr!(
            "divopt: the column-generation plan is not within the gap; solving the whole \
             model from it"
        );
    }
    let mut outcome = solve_formulation(
        instance,
        formulate(instance, requirement),
        &left,
        plan.as_ref().map(|(plan, _)| plan),
    )?;
    outcome.seconds = started.elapsed().as_secs_f64();
    let Some(objective) = outcome.objective else {
        // No plan from HiGHS: the one found here, if any.
        return Ok(match plan {
            Some((plan, cost)) => stopped_with(plan, cost, outcome.seconds),
            None => outcome,
        });
    };
    // The cheaper of the two plans (HiGHS starts from the plan found here but
    // may drop it, a start it had to solve again without, or stop early),
    // with the smaller of two gaps: HiGHS's own, and against the better of
    // the two bounds (HiGHS's gap is (objective − bound) / |objective|, so
    // its bound is objective − gap × |objective|). HiGHS's `Optimal` stands.
    let highs_gap = outcome.gap.unwrap_or(1.0);
    let highs_bound = objective - highs_gap * objective.abs();
    let bound = bound.max(highs_bound);
    // A plan no dearer than HiGHS's has a gap no larger than HiGHS's.
    let gap_at = |cost: f64| {
        ((cost - bound) / cost.abs().max(1e-9))
            .clamp(0.0, 1.0)
            .min(highs_gap)
    };
    let status_at = |gap: f64| {
        if outcome.status == Status::Optimal || gap <= settings.relative_gap {
            Status::Optimal
        } else {
            Status::TimeLimit
        }
    };
    if let Some((plan, cost)) = plan {
        if cost < objective {
            return Ok(Outcome {
                status: status_at(gap_at(cost)),
                plan: Some(plan),
                objective: Some(cost),
                gap: Some(gap_at(cost)),
                seconds: outcome.seconds,
                size,
                method: Method::ColumnGeneration,
            });
        }
    }
    let gap = gap_at(objective);
    outcome.status = status_at(gap);
    outcome.gap = Some(gap);
    Ok(outcome)
}

/// A choice of one master column per product, and its cost per period.
#[derive(Debug, Clone)]
struct Choice {
    /// Master column indices (into `owner`).
    columns: Vec<usize>,
    cost: f64,
}

/// One column a free product may take in an enumerated binary master.
struct Pick {
    /// Master column index.
    column: usize,
    cost: f64,
    /// Its coefficients on the coupling rows.
    coefficients: Vec<(usize, f64)>,
}

/// The depth-first search of [`Master::enumerate`].
struct Enumeration<'a> {
    /// Per free product, its picks, cheapest first.
    picks: &'a [Vec<Pick>],
    /// From product i on: the least cost, and the most each row can gain.
    least_rest: &'a [f64],
    most_rest: &'a [Vec<f64>],
    /// Per free product, the rows its picks have entries in.
    rows_of: Vec<Vec<usize>>,
    rhs: &'a [f64],
    /// How far below its right-hand side a row may end (round-off).
    tolerance: Vec<f64>,
    /// The rows' left-hand sides over the products picked so far.
    lhs: Vec<f64>,
    /// The columns picked so far.
    path: Vec<usize>,
    /// The cheapest full choice found: (cost, columns).
    best: Option<(f64, Vec<usize>)>,
}

impl Enumeration<'_> {
    /// Picks a column for product `i` on, having `spent` on the ones before.
    fn visit(&mut self, i: usize, spent: f64) {
        if self
            .best
            .as_ref()
            .is_some_and(|(best, _)| spent + self.least_rest[i] >= *best)
        {
            return;
        }
        let Some(picks) = self.picks.get(i) else {
            self.best = Some((spent, self.path.clone()));
            return;
        };
        for pick in picks {
            for &(r, a) in &pick.coefficients {
                self.lhs[r] += a;
            }
            // Only the rows of product i moved.
            if !self.short(&self.rows_of[i], i + 1) {
                self.path.push(pick.column);
                self.visit(i + 1, spent + pick.cost);
                self.path.pop();
            }
            for &(r, a) in &pick.coefficients {
                self.lhs[r] -= a;
            }
        }
    }

    /// Whether one of `rows` stays short of its right-hand side even when
    /// the products from `i` on add the most they can to it.
    fn short(&self, rows: &[usize], i: usize) -> bool {
        rows.iter()
            .any(|&r| self.lhs[r] + self.most_rest[i][r] < self.rhs[r] - self.tolerance[r])
    }
}

/// The master's columns, for the binary solves.
struct Master<'a> {
    blocks: &'a [Block<'a>],
    rows: &'a CouplingRows,
    /// (product, column of its block) per master column.
    owner: &'a [(usize, usize)],
}

impl Master<'_> {
    /// Solves the master with λ binary over the columns `keep` marks, at
    /// relative gap `gap`, from `start` when given (it must use only kept
    /// columns), stopping at the first choice that costs less than `enough`.
    /// `None` when no choice was found (infeasible or out of time).
    /// A product with one kept column takes it: HiGHS sees only the other
    /// products, with the fixed ones' share moved to the right-hand sides.
    fn binary(
        &self,
        keep: &[bool],
        start: Option<&Choice>,
        gap: f64,
        enough: f64,
        settings: &Settings,
    ) -> Result<Option<Choice>, SolverError> {
        let mut kept_of: Vec<Vec<usize>> = vec![Vec::new(); self.blocks.len()];
        for (j, &(p, _)) in self.owner.iter().enumerate() {
            if keep[j] {
                kept_of[p].push(j);
            }
        }
        if kept_of.iter().any(Vec::is_empty) {
            return Ok(None);
        }
        let column_of = |j: usize| {
            let (p, c) = self.owner[j];
            (&self.blocks[p], &self.blocks[p].columns[c])
        };
        // The fixed products: their columns, cost and share of each row.
        let mut fixed: Vec<usize> = Vec::new();
        let mut fixed_cost = 0.0;
        let mut rhs = self.rows.rhs.clone();
        for kept in kept_of.iter().filter(|kept| kept.len() == 1) {
            let (block, column) = column_of(kept[0]);
            fixed.push(kept[0]);
            fixed_cost += column.cost;
            for (r, a) in block.product.coefficients(column) {
                rhs[r] -= a;
            }
        }
        // free[i]: the master column of the binary problem's column i.
        let free: Vec<usize> = kept_of
            .iter()
            .filter(|kept| kept.len() > 1)
            .flatten()
            .copied()
            .collect();
        if free.is_empty() {
            // Nothing left to choose (HiGHS calls an empty model an error):
            // the fixed columns either meet every row or not.
            let met = rhs
                .iter()
                .zip(&self.rows.rhs)
                .all(|(left, b)| *left <= 1e-7 * b.abs().max(1.0));
            fixed.sort_unstable();
            return Ok(met.then_some(Choice {
                columns: fixed,
                cost: fixed_cost,
            }));
        }
        let choices = kept_of
            .iter()
            .filter(|kept| kept.len() > 1)
            .try_fold(1usize, |n, kept| n.checked_mul(kept.len()))
            .filter(|&n| n <= ENUMERATE_AT_MOST);
        if choices.is_some() {
            let free: Vec<&[usize]> = kept_of
                .iter()
                .filter(|kept| kept.len() > 1)
                .map(Vec::as_slice)
                .collect();
            return Ok(self.enumerate(&free, &rhs).map(|mut choice| {
                choice.columns.extend(fixed);
                choice.columns.sort_unstable();
                choice.cost += fixed_cost;
                choice
            }));
        }
        let mut problem = highs::ColProblem::default();
        let mut convexity: Vec<Option<highs::Row>> = vec![None; self.blocks.len()];
        for (p, kept) in kept_of.iter().enumerate() {
            if kept.len() > 1 {
                convexity[p] = Some(problem.add_row(1.0..=1.0));
            }
        }
        let coupling: Vec<highs::Row> = rhs.iter().map(|&b| problem.add_row(b..)).collect();
        for &j in &free {
            let (block, column) = column_of(j);
            let convexity = convexity[self.owner[j].0].expect("a free product has a row");
            let factors = std::iter::once((convexity, 1.0)).chain(
                block
                    .product
                    .coefficients(column)
                    .into_iter()
                    .map(|(r, a)| (coupling[r], a)),
            );
            problem.add_integer_column(column.cost, 0.0..=1.0, factors);
        }
        let mut model = problem.optimise(highs::Sense::Minimise);
        // HiGHS's gaps see only the free products' cost; an absolute gap of
        // `gap` times the fixed cost keeps the relative gap on the whole.
        // A choice within the requested gap of the bound is all the caller
        // needs: HiGHS stops at the first one (its objective is the free
        // products' cost).
        let target = if enough.is_finite() {
            enough - fixed_cost - 1e-9 * enough.abs()
        } else {
            f64::NEG_INFINITY
        };
        // Feasibility jump off: on these masters of a few hundred columns
        // the heuristic was 2% of an M sweep's work; without it the sweep is
        // 2% faster, with the same frontier and the same plans at S to XL.
        model
            .try_set_option("mip_heuristic_run_feasibility_jump", false)
            .map_err(|e| SolverError(format!("cannot set a HiGHS option: {e:?}")))?;
        for (option, value) in [
            ("mip_rel_gap", gap),
            ("mip_abs_gap", gap * fixed_cost),
            ("objective_target", target),
        ] {
            model
                .try_set_option(option, value)
                .map_err(|e| SolverError(format!("cannot set HiGHS option {option}: {e:?}")))?;
        }
        if let Some(start) = start {
            let mut position = vec![None; self.owner.len()];
            for (i, &j) in free.iter().enumerate() {
                position[j] = Some(i);
            }
            let mut values = vec![0.0; free.len()];
            for &j in &start.columns {
                if let Some(i) = position[j] {
                    values[i] = 1.0;
                }
            }
            model
                .try_set_solution(Some(&values), None, None, None)
                .map_err(|e| SolverError(format!("cannot pass the starting choice: {e:?}")))?;
        }
        let (solved, _) = run(model, settings)?;
        let reached_target = raw_status(&solved) == highs_sys::MODEL_STATUS_OBJECTIVE_TARGET;
        if !reached_target && !matches!(status_of(&solved)?, Status::Optimal | Status::TimeLimit) {
            return Ok(None);
        }
        let solution = solved.get_solution();
        let mut columns: Vec<usize> = free
            .iter()
            .zip(solution.columns())
            .filter(|&(_, &lambda)| lambda > 0.5)
            .map(|(&j, _)| j)
            .chain(fixed)
            .collect();
        columns.sort_unstable();
        let cost = columns.iter().map(|&j| column_of(j).1.cost).sum();
        Ok(Some(Choice { columns, cost }))
    }

    /// The cheapest choice of one column from each of `free` (per product,
    /// its kept master columns) that meets the rows with right-hand sides
    /// `rhs` (what the fixed products leave), by a depth-first search over
    /// the products: columns cheapest first, a branch cut when its cost
    /// plus the cheapest rest reaches the best found, or when the most the
    /// rest can add leaves a row short. Exact; `None` when no choice meets
    /// the rows. The first of equally cheap choices in that order wins.
    fn enumerate(&self, free: &[&[usize]], rhs: &[f64]) -> Option<Choice> {
        let picks: Vec<Vec<Pick>> = free
            .iter()
            .map(|kept| {
                let mut picks: Vec<Pick> = kept
                    .iter()
                    .map(|&j| {
                        let (p, c) = self.owner[j];
                        let block = &self.blocks[p];
                        Pick {
                            column: j,
                            cost: block.columns[c].cost,
                            coefficients: block.product.coefficients(&block.columns[c]),
                        }
                    })
                    .collect();
                picks.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.column.cmp(&b.column)));
                picks
            })
            .collect();
        // From product i on: the least cost, and the most each row can gain
        // (a column without a row's entry adds 0 to it).
        let n = picks.len();
        let mut least_rest = vec![0.0; n + 1];
        let mut most_rest = vec![vec![0.0; rhs.len()]; n + 1];
        for i in (0..n).rev() {
            least_rest[i] = least_rest[i + 1] + picks[i][0].cost;
            let mut gain = vec![0.0_f64; rhs.len()];
            for pick in &picks[i] {
                for &(r, a) in &pick.coefficients {
                    gain[r] = gain[r].max(a);
                }
            }
            most_rest[i] = most_rest[i + 1]
                .iter()
                .zip(&gain)
                .map(|(rest, gain)| rest + gain)
                .collect();
        }
        let rows_of = picks
            .iter()
            .map(|picks| {
                let mut rows: Vec<usize> = picks
                    .iter()
                    .flat_map(|pick| pick.coefficients.iter().map(|&(r, _)| r))
                    .collect();
                rows.sort_unstable();
                rows.dedup();
                rows
            })
            .collect();
        let mut search = Enumeration {
            picks: &picks,
            least_rest: &least_rest,
            most_rest: &most_rest,
            rows_of,
            rhs,
            tolerance: self
                .rows
                .rhs
                .iter()
                .map(|b| 1e-7 * b.abs().max(1.0))
                .collect(),
            lhs: vec![0.0; rhs.len()],
            path: Vec::with_capacity(n),
            best: None,
        };
        let every_row: Vec<usize> = (0..rhs.len()).collect();
        if !search.short(&every_row, 0) {
            search.visit(0, 0.0);
        }
        search.best.map(|(cost, columns)| Choice { columns, cost })
    }

    /// `choice` improved by moves of one product to a cheaper column of its
    /// own that keeps every row met, the cheapest such move per product,
    /// products in turn, until none is left.
    fn improve(&self, choice: Choice) -> Choice {
        let coefficients: Vec<Vec<(usize, f64)>> = self
            .owner
            .iter()
            .map(|&(p, c)| {
                let block = &self.blocks[p];
                block.product.coefficients(&block.columns[c])
            })
            .collect();
        let cost = |j: usize| {
            let (p, c) = self.owner[j];
            self.blocks[p].columns[c].cost
        };
        let mut columns_of: Vec<Vec<usize>> = vec![Vec::new(); self.blocks.len()];
        for (j, &(p, _)) in self.owner.iter().enumerate() {
            columns_of[p].push(j);
        }
        let rhs = &self.rows.rhs;
        let mut lhs = vec![0.0; rhs.len()];
        let mut chosen = vec![usize::MAX; self.blocks.len()];
        for &j in &choice.columns {
            chosen[self.owner[j].0] = j;
            for &(r, a) in &coefficients[j] {
                lhs[r] += a;
            }
        }
        let met = |r: usize, value: f64| value >= rhs[r] - 1e-7 * rhs[r].abs().max(1.0);
        let mut change = vec![0.0; rhs.len()];
        let mut improved = true;
        while improved {
            improved = false;
            for p in 0..self.blocks.len() {
                let current = chosen[p];
                let mut best: Option<usize> = None;
                for &j in &columns_of[p] {
                    // Only a column cheaper than the best move so far (and
                    // than the current one, beyond round-off) is a move.
                    let bar = best.map_or(cost(current) - 1e-9 * cost(current).abs(), cost);
                    if cost(j) >= bar {
                        continue;
                    }
                    for &(r, a) in &coefficients[current] {
                        change[r] -= a;
                    }
                    for &(r, a) in &coefficients[j] {
                        change[r] += a;
                    }
                    let feasible = coefficients[current]
                        .iter()
                        .chain(&coefficients[j])
                        .all(|&(r, _)| met(r, lhs[r] + change[r]));
                    for &(r, _) in coefficients[current].iter().chain(&coefficients[j]) {
                        change[r] = 0.0;
                    }
                    if feasible {
                        best = Some(j);
                    }
                }
                if let Some(j) = best {
                    for &(r, a) in &coefficients[current] {
                        lhs[r] -= a;
                    }
                    for &(r, a) in &coefficients[j] {
                        lhs[r] += a;
                    }
                    chosen[p] = j;
                    improved = true;
                }
            }
        }
        let mut columns = chosen;
        columns.sort_unstable();
        let cost = columns.iter().map(|&j| cost(j)).sum();
        Choice { columns, cost }
    }

    /// The plan of a choice: each product's chosen column.
    fn join(&self, instance: &Instance, choice: &Choice) -> Plan {
        let columns = choice.columns.iter().map(|&j| {
            let (p, c) = self.owner[j];
            (ProductId(p), &self.blocks[p].columns[c])
        });
        crate::pricing::join(instance, columns).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{check_requirement, evaluate};
    use crate::generate::generated_instance;
    use crate::instance::{Floor, Scenario};

    /// (product, column) of every column of `blocks`, in order.
    fn owners(blocks: &[Block]) -> Vec<(usize, usize)> {
        blocks
            .iter()
            .enumerate()
            .flat_map(|(p, block)| (0..block.columns.len()).map(move |c| (p, c)))
            .collect()
    }

    fn one_thread() -> Settings {
        Settings {
            threads: Some(1),
            ..Settings::default()
        }
    }

    /// Improving the choice of every product's strongest plan keeps the
    /// floor (checked by the evaluator) and lowers the cost; no product is
    /// left with a cheaper column that keeps the rows met.
    #[test]
    fn improving_a_choice_keeps_the_floor_and_lowers_the_cost() {
        let instance = generated_instance(30, 4, 5, 12, 4);
        let settings = one_thread();
        let requirement = Requirement::new(Floor::new(0.8).unwrap(), Measure::Worst);
        let prepared = Prepared::new(&instance, requirement, &settings).unwrap();
        let rows = prepared.rows(requirement);
        let blocks: Vec<Block> = prepared
            .products
            .iter()
            .map(|product| Block {
                product,
                columns: product
                    .cheapest
                    .iter()
                    .chain(&product.strongest)
                    .cloned()
                    .collect(),
                strongest: None,
            })
            .collect();
        let owner = owners(&blocks);
        let master = Master {
            blocks: &blocks,
            rows: &rows,
            owner: &owner,
        };
        let strongest: Vec<usize> = (0..owner.len())
            .filter(|&j| owner[j].1 == blocks[owner[j].0].columns.len() - 1)
            .collect();
        let cost = strongest
            .iter()
            .map(|&j| blocks[owner[j].0].columns[owner[j].1].cost)
            .sum();
        let improved = master.improve(Choice {
            columns: strongest,
            cost,
        });

        assert!(improved.cost < cost, "{} against {cost}", improved.cost);
        let plan = master.join(&instance, &improved);
        let evaluation = evaluate(&instance, &plan);
        approx::assert_relative_eq!(evaluation.costs.total(), improved.cost, max_relative = 1e-9);
        assert_eq!(
            check_requirement(&instance, &evaluation, requirement),
            Vec::<String>::new()
        );
        // A second pass finds nothing left to move.
        let again = master.improve(improved.clone());
        assert_eq!(again.columns, improved.columns);
    }

    /// The enumerated binary master finds the cheapest choice that meets
    /// the rows, the same as trying every choice: products with the plans
    /// priced at several price levels, six of them free, the rest fixed at
    /// their strongest plan, at floors from easy to out of reach.
    #[test]
    fn an_enumerated_binary_master_is_the_cheapest_choice() {
        let instance = generated_instance(20, 4, 5, 10, 9);
        let settings = one_thread();
        let requirement = Requirement::new(Floor::new(0.5).unwrap(), Measure::Worst);
        let prepared = Prepared::new(&instance, requirement, &settings).unwrap();
        // Columns: the cheapest, plans priced at rising prices, the strongest.
        let blocks: Vec<Block> = prepared
            .products
            .iter()
            .map(|product| {
                let mut columns: Vec<ProductPlan> = product.cheapest.iter().cloned().collect();
                for level in [0.2, 1.0, 5.0] {
                    let prices = vec![level * 1e4; product.model.scenarios.len()];
                    if let Some(column) = product.model.price(&prices, f64::INFINITY) {
                        if !columns.iter().any(|c| c.fills == column.fills) {
                            columns.push(column);
                        }
                    }
                }
                columns.extend(product.strongest.iter().cloned());
                Block {
                    product,
                    columns,
                    strongest: None,
                }
            })
            .collect();
        let owner = owners(&blocks);
        // The six products with the most columns are free.
        let mut by_columns: Vec<usize> = (0..blocks.len()).collect();
        by_columns.sort_by_key(|&p| std::cmp::Reverse(blocks[p].columns.len()));
        let free: Vec<usize> = by_columns[..6].to_vec();
        assert!(free.iter().all(|&p| blocks[p].columns.len() >= 3));
        let keep: Vec<bool> = owner
            .iter()
            .map(|&(p, c)| free.contains(&p) || c == blocks[p].columns.len() - 1)
            .collect();
        let mut feasible = 0;
        for floor in [0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99] {
            let requirement = Requirement::new(Floor::new(floor).unwrap(), Measure::Worst);
            let rows = prepared.rows(requirement);
            let master = Master {
                blocks: &blocks,
                rows: &rows,
                owner: &owner,
            };
            let found = master
                .binary(&keep, None, 0.0, f64::NEG_INFINITY, &settings)
                .unwrap();
            // Every choice, tried in turn.
            let kept: Vec<Vec<usize>> = (0..blocks.len())
                .map(|p| {
                    (0..owner.len())
                        .filter(|&j| keep[j] && owner[j].0 == p)
                        .collect()
                })
                .collect();
            let mut best: Option<f64> = None;
            let mut digits = vec![0usize; blocks.len()];
            loop {
                let mut lhs = vec![0.0; rows.rhs.len()];
                let mut cost = 0.0;
                for (p, &d) in digits.iter().enumerate() {
                    let (_, c) = owner[kept[p][d]];
                    cost += blocks[p].columns[c].cost;
                    for (r, a) in blocks[p].product.coefficients(&blocks[p].columns[c]) {
                        lhs[r] += a;
                    }
                }
                let met = lhs
                    .iter()
                    .zip(&rows.rhs)
                    .all(|(a, b)| *a >= b - 1e-7 * b.abs().max(1.0));
                if met && best.is_none_or(|b| cost < b) {
                    best = Some(cost);
                }
                let Some(p) = (0..blocks.len()).find(|&p| digits[p] + 1 < kept[p].len()) else {
                    break;
                };
                digits[p] += 1;
                for digit in &mut digits[..p] {
                    *digit = 0;
                }
            }
            match (&found, best) {
                (Some(found), Some(best)) => {
                    feasible += 1;
                    approx::assert_relative_eq!(found.cost, best, max_relative = 1e-12);
                    let plan = master.join(&instance, found);
                    let evaluation = evaluate(&instance, &plan);
                    approx::assert_relative_eq!(
                        evaluation.costs.total(),
                        found.cost,
                        max_relative = 1e-9
                    );
                    assert_eq!(
                        check_requirement(&instance, &evaluation, requirement),
                        Vec::<String>::new(),
                        "floor {floor}"
                    );
                }
                (None, None) => {}
                (found, best) => panic!("floor {floor}: found {found:?}, every choice {best:?}"),
            }
        }
        assert!(feasible >= 3, "only {feasible} floors can be met");
    }

    /// The baseline's plans, taken as the cheapest columns, are the columns
    /// the search finds again; products with a floor of their own (a least
    /// fill the baseline ignores) are searched.
    #[test]
    fn the_baselines_plans_are_the_cheapest_columns() {
        let instance = generated_instance(60, 5, 6, 15, 3);
        let settings = one_thread();
        let baseline = crate::decompose::search(&instance, Requirement::none(), &settings)
            .unwrap()
            .plan
            .expect("a baseline plan");
        let floored = instance
            .products
            .iter()
            .filter(|p| p.floor.is_some())
            .count();
        assert!(floored > 0, "the instance has product floors");
        for measure in [Measure::Worst, Measure::Expected] {
            let requirement = Requirement::new(Floor::new(0.9).unwrap(), measure);
            let searched = Prepared::new(&instance, requirement, &settings).unwrap();
            let reused =
                Prepared::with_cheapest(&instance, requirement, &settings, Some(&baseline))
                    .unwrap();
            for (a, b) in searched.products.iter().zip(&reused.products) {
                assert_eq!(a.cheapest, b.cheapest);
                assert_eq!(a.cheapest_coefficients, b.cheapest_coefficients);
            }
            assert_eq!(searched.cheapest_rows, reused.cheapest_rows);
        }
    }

    #[test]
    fn dominated_scenarios_keep_one_hardest_of_each_chain() {
        let scenario = Scenario::for_test;
        let instance = Instance {
            products: Vec::new(),
            options: Vec::new(),
            scenarios: vec![
                scenario(3.0, &[(0, 0.5)]),           // under 1 and 2
                scenario(6.0, &[(0, 1.0), (1, 1.0)]), // the hardest
                scenario(6.0, &[(0, 1.0), (1, 1.0)]), // equal to 1: dropped
                scenario(12.0, &[(1, 0.2)]),          // longer: kept
            ],
            bom: Vec::new(),
        };
        assert_eq!(
            dominated_scenarios(&instance),
            vec![true, false, true, false]
        );
    }
}
