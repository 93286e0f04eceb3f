//! Column generation (Dantzig–Wolfe) for the coupled measures: the model
//! rewritten as a choice of one whole plan per product, priced product by
//! product (models/core.md, "How divopt solves it").
//!
//! Products share rows only through the measure rows (5) of `worst` (one per
//! scenario) and `expected` (one). The master problem keeps those rows and
//! one convexity row per product, Σ_j λ_pj = 1, over columns that are whole
//! product plans ([`ProductPlan`]): its LP bound is the convex hull of each
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

use crate::formulation::{formulate, ModelSize, Requirement};
use crate::instance::{Instance, Measure, ProductId};
use crate::plan::Plan;
use crate::pricing::{least_fill, ProductModel, ProductPlan};
use crate::solve::{
    run, solve_formulation, status_of, Method, Outcome, Settings, SolverError, Status,
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

/// A product in the master: its pricing data, the master row and factor of
/// each of its scenarios, and its columns so far.
struct Block {
    model: ProductModel,
    /// Per entry of `model.scenarios`: (coupling row, factor): the fill in that
    /// scenario enters the row times the factor (w_p, or w_p π_k for `expected`).
    links: Vec<Option<(usize, f64)>>,
    columns: Vec<ProductPlan>,
    /// Which of `columns` is the strongest plan (the highest fills of all).
    strongest: Option<usize>,
}

impl Block {
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

    /// The prices of the product's fills under row duals `duals`.
    fn prices(&self, duals: &[f64]) -> Vec<f64> {
        self.links
            .iter()
            .map(|link| link.map_or(0.0, |(row, factor)| factor * duals[row].max(0.0)))
            .collect()
    }
}

/// The coupling rows: Σ (coefficients) ≥ rhs.
struct CouplingRows {
    rhs: Vec<f64>,
}

/// Builds one block per product and the coupling rows of the measure.
fn blocks(instance: &Instance, requirement: Requirement) -> (Vec<Block>, CouplingRows) {
    let touching = crate::pricing::scenarios_touching(instance);
    let total_weight = instance.total_weight();
    let target = requirement.floor.value() * total_weight;
    let probability = instance.scenario_weights();
    // Each row's rhs: the target less what untouched products (fill 1) bring.
    let (row_of, mut rhs): (Vec<Option<usize>>, Vec<f64>) = match requirement.measure {
        Measure::Worst => {
            let mut touched_weight = vec![0.0; instance.scenarios.len()];
            for (p, touches) in touching.iter().enumerate() {
                for touch in touches {
                    touched_weight[touch.scenario.0] += instance.products[p].weight;
                }
            }
            let mut rhs = Vec::new();
            let row_of = touched_weight
                .iter()
                .map(|&w| {
                    (w > 0.0).then(|| {
                        rhs.push(target - (total_weight - w));
                        rhs.len() - 1
                    })
                })
                .collect();
            (row_of, rhs)
        }
        _ => (vec![Some(0); instance.scenarios.len()], vec![target]),
    };
    let blocks = touching
        .into_iter()
        .enumerate()
        .map(|(p, touches)| {
            let weight = instance.products[p].weight;
            let links = touches
                .iter()
                .map(|touch| touch.scenario)
                .map(|k| {
                    let factor = match requirement.measure {
                        Measure::Expected => weight * probability[k.0],
                        _ => weight,
                    };
                    row_of[k.0]
                        .filter(|_| factor > 0.0)
                        .map(|row| (row, factor))
                })
                .collect();
            if requirement.measure == Measure::Expected {
                let untouched: f64 = 1.0
                    - touches
                        .iter()
                        .map(|touch| probability[touch.scenario.0])
                        .sum::<f64>();
                rhs[0] -= weight * untouched;
            }
            Block {
                model: ProductModel::new(
                    instance,
                    ProductId(p),
                    least_fill(instance, ProductId(p), requirement),
                    touches,
                ),
                links,
                columns: Vec::new(),
                strongest: None,
            }
        })
        .collect();
    (blocks, CouplingRows { rhs })
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
    let remaining = |settings: &Settings| settings.after(started.elapsed().as_secs_f64());
    let workers = crate::decompose::Workers::new(settings)?;

    let (blocks, rows) = blocks(instance, requirement);
    // First columns: each product's cheapest plan, its strongest plan (which
    // together meet any attainable floor) and its part of the start plan.
    let blocks: Vec<Block> = workers.map(blocks, |_, mut block| {
        let prices = vec![0.0; block.model.scenarios.len()];
        block
            .columns
            .extend(block.model.price(&prices, f64::INFINITY));
        if let Some(strongest) = block.model.strongest() {
            block.strongest = Some(block.columns.len());
            block.columns.push(strongest);
        }
        if let Some(plan) = start {
            let column = block.model.column_of(instance, plan);
            if block.model.meets_least_fill(&column) {
                block.columns.push(column);
            }
        }
        block
    });
    let mut blocks = blocks;
    if blocks.iter().any(|block| block.columns.is_empty()) {
        // A product with no plan at all: its rules or own floor cannot be met.
        return Ok(Outcome::without_plan(
            Status::Infeasible,
            started.elapsed().as_secs_f64(),
            ModelSize::default(),
            Method::ColumnGeneration,
        ));
    }

    // The master LP: convexity rows 0..P, then the coupling rows.
    let products = blocks.len();
    let mut problem = highs::ColProblem::default();
    let convexity: Vec<highs::Row> = (0..products).map(|_| problem.add_row(1.0..=1.0)).collect();
    let coupling: Vec<highs::Row> = rows.rhs.iter().map(|&b| problem.add_row(b..)).collect();
    // owner[j]: (product, column index) of master column j.
    let mut owner: Vec<(usize, usize)> = Vec::new();
    for (p, block) in blocks.iter().enumerate() {
        for (j, column) in block.columns.iter().enumerate() {
            let factors = std::iter::once((convexity[p], 1.0)).chain(
                block
                    .coefficients(column)
                    .into_iter()
                    .map(|(r, a)| (coupling[r], a)),
            );
            problem.add_column(column.cost, 0.0.., factors);
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
            master.try_set_option("simplex_strategy", 4).map_err(|e| {
                SolverError(format!("cannot set HiGHS option simplex_strategy: {e:?}"))
            })?;
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
        master_value = solved.objective_value();
        let solution = solved.get_solution();
        let duals: Vec<f64> = solution.dual_rows()[products..].to_vec();
        lambda = solution.columns().to_vec();
        reduced_cost = solution.dual_columns().to_vec();
        master = highs::Model::from(solved);

        // Price every product; the Lagrangian bound needs each one's best value.
        let priced: Vec<(f64, Option<ProductPlan>)> =
            workers.map(blocks.iter().collect(), |_, block: &Block| {
                let prices = block.prices(&duals);
                let known = block
                    .columns
                    .iter()
                    .map(|column| column.value(&prices))
                    .fold(f64::INFINITY, f64::min);
                match block.model.price(&prices, known) {
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
                let block = &mut blocks[p];
                let factors = std::iter::once((convexity[p], 1.0)).chain(
                    block
                        .coefficients(&column)
                        .into_iter()
                        .map(|(r, a)| (coupling[r], a)),
                );
                master
                    .try_add_column(column.cost, 0.0.., factors)
                    .map_err(|e| SolverError(format!("cannot add a plan to the master: {e:?}")))?;
                owner.push((p, block.columns.len()));
                block.columns.push(column);
                added += 1;
            }
        }
        let lp_gap = (master_value - bound) / master_value.abs().max(1e-9);
        if settings.verbose {
            eprintln!(
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
    let mut choice = if out_of_time() {
        Some(feasible)
    } else {
        // Handing HiGHS that start made it stop early with worse plans
        // (XL at 0.9: 15 s instead of 8 s to gap 1e-4), so it is only the
        // fallback.
        let found = master.binary(&keep, None, target_gap, &remaining(settings))?;
        Some(match found {
            Some(found) if found.cost <= feasible.cost => found,
            _ => feasible,
        })
    };
    if settings.verbose {
        eprintln!(
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
        let within_gap = if bound.is_finite() {
            bound / (1.0 - settings.relative_gap).max(1e-9)
        } else {
            f64::INFINITY
        };
        let slack = choice
            .as_ref()
            .map_or(within_gap, |c| c.cost.min(within_gap))
            - last_lagrangian;
        let promising: Vec<bool> = reduced_cost
            .iter()
            .map(|&rc| rc <= slack + 1e-9 * master_value.abs())
            .collect();
        let better = master.binary(
            &promising,
            choice.as_ref(),
            target_gap,
            &remaining(settings),
        )?;
        if let Some(better) = better {
            if choice.as_ref().is_none_or(|c| better.cost < c.cost) {
                choice = Some(better);
            }
        }
        if settings.verbose {
            eprintln!(
                "divopt: binary master over the {} plans whose reduced cost leaves room: {}, {:.2} s",
                promising.iter().filter(|&&p| p).count(),
                choice
                    .as_ref()
                    .map_or("no plan".to_string(), |c| format!("cost {:.6e}", c.cost)),
                started.elapsed().as_secs_f64()
            );
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
        eprintln!(
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

/// The master's columns, for the binary solves.
struct Master<'a> {
    blocks: &'a [Block],
    rows: &'a CouplingRows,
    /// (product, column of its block) per master column.
    owner: &'a [(usize, usize)],
}

impl Master<'_> {
    /// Solves the master with λ binary over the columns `keep` marks, at
    /// relative gap `gap`, from `start` when given (it must use only kept
    /// columns). `None` when no choice was found (infeasible or out of time).
    fn binary(
        &self,
        keep: &[bool],
        start: Option<&Choice>,
        gap: f64,
        settings: &Settings,
    ) -> Result<Option<Choice>, SolverError> {
        let mut problem = highs::ColProblem::default();
        let convexity: Vec<highs::Row> = (0..self.blocks.len())
            .map(|_| problem.add_row(1.0..=1.0))
            .collect();
        let coupling: Vec<highs::Row> = self
            .rows
            .rhs
            .iter()
            .map(|&b| problem.add_row(b..))
            .collect();
        // kept[i]: the master column of the binary problem's column i.
        let kept: Vec<usize> = (0..self.owner.len()).filter(|&j| keep[j]).collect();
        for &j in &kept {
            let (p, c) = self.owner[j];
            let block = &self.blocks[p];
            let column = &block.columns[c];
            let factors = std::iter::once((convexity[p], 1.0)).chain(
                block
                    .coefficients(column)
                    .into_iter()
                    .map(|(r, a)| (coupling[r], a)),
            );
            problem.add_integer_column(column.cost, 0.0..=1.0, factors);
        }
        let mut model = problem.optimise(highs::Sense::Minimise);
        model
            .try_set_option("mip_rel_gap", gap)
            .map_err(|e| SolverError(format!("cannot set HiGHS option mip_rel_gap: {e:?}")))?;
        if let Some(start) = start {
            let mut values = vec![0.0; kept.len()];
            for &j in &start.columns {
                if let Ok(i) = kept.binary_search(&j) {
                    values[i] = 1.0;
                }
            }
            model
                .try_set_solution(Some(&values), None, None, None)
                .map_err(|e| SolverError(format!("cannot pass the starting choice: {e:?}")))?;
        }
        let (solved, _) = run(model, settings)?;
        if !matches!(status_of(&solved)?, Status::Optimal | Status::TimeLimit) {
            return Ok(None);
        }
        let solution = solved.get_solution();
        let columns: Vec<usize> = kept
            .iter()
            .zip(solution.columns())
            .filter(|&(_, &lambda)| lambda > 0.5)
            .map(|(&j, _)| j)
            .collect();
        let cost = columns
            .iter()
            .map(|&j| {
                let (p, c) = self.owner[j];
                self.blocks[p].columns[c].cost
            })
            .sum();
        Ok(Some(Choice { columns, cost }))
    }

    /// The plan of a choice: each product's chosen column.
    fn join(&self, instance: &Instance, choice: &Choice) -> Plan {
        let mut plan = Plan::empty(instance);
        for &j in &choice.columns {
            let (p, c) = self.owner[j];
            let column = &self.blocks[p].columns[c];
            plan.set_product(
                instance,
                ProductId(p),
                column.options.iter().copied(),
                column.reserve_units,
            );
        }
        plan
    }
}
