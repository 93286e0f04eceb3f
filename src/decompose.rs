//! Products solved one at a time, in parallel, when nothing couples them.
//!
//! Products share rows only through the measure rows (5) of `worst` and
//! `expected` and through the bill of materials (row 9). Without a BOM and
//! without (5) rows (the `each` measure, a floor of 0, or no weighted
//! product: e.g. the baseline), the model is one independent block per
//! product, so its optimum is the sum of the blocks' optima. Each block is
//! one product's options and the scenarios that touch it, solved by the
//! exact search of [`crate::pricing`] or, for products it does not take, as
//! a small model in HiGHS (models/core.md, "Products one at a time").

use std::time::Instant;

use rayon::prelude::*;

use crate::formulation::{formulate, ModelSize, Requirement};
use crate::instance::{Instance, Losses, Measure, OptionId, ProductId, Scenario};
use crate::plan::Plan;
use crate::pricing::{least_fill, scenarios_touching, ProductModel};
use crate::solve::{solve_formulation, Method, Outcome, Settings, SolverError, Status};

/// Whether `requirement` leaves the products of `instance` independent.
pub fn separable(instance: &Instance, requirement: Requirement) -> bool {
    let no_measure_rows = requirement.floor.value() == 0.0 || instance.total_weight() == 0.0;
    instance.bom.is_empty() && (requirement.measure == Measure::Each || no_measure_rows)
}

/// One block per product: the product (its own weight, floor and policy),
/// its options renumbered from 0, and the scenarios that touch them
/// ([`scenarios_touching`]), in input order, with their losses renumbered.
pub fn blocks(instance: &Instance) -> Vec<Instance> {
    instance
        .products
        .iter()
        .zip(scenarios_touching(instance))
        .map(|(product, touches)| Instance {
            products: vec![crate::instance::Product {
                options: (0..product.options.len()).map(OptionId).collect(),
                ..product.clone()
            }],
            options: product
                .options
                .iter()
                .map(|&o| crate::instance::SourcingOption {
                    product: ProductId(0),
                    ..instance.option(o).clone()
                })
                .collect(),
            scenarios: touches
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let scenario = &instance.scenarios[k.0];
                    Scenario {
                        name: scenario.name.clone(),
                        kind: scenario.kind.clone(),
                        duration_periods: scenario.duration_periods,
                        probability: scenario.probability,
                        losses: Losses::listed(
                            touches
                                .row(i)
                                .iter()
                                .enumerate()
                                .filter(|(_, &loss)| loss != 0.0)
                                .map(|(position, &loss)| (OptionId(position), loss))
                                .collect(),
                        ),
                        assembly_losses: Vec::new(),
                    }
                })
                .collect(),
            bom: Vec::new(),
        })
        .collect()
}

/// Solves `instance` product by product (call only when [`separable`]).
/// When every product can be priced ([`ProductModel::supports`]), each
/// product's cheapest plan comes from the exact search of src/pricing.rs
/// at zero prices ([`search`]); otherwise from a small HiGHS model per
/// product ([`solve_blocks`]).
pub fn solve(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
    start: Option<&Plan>,
) -> Result<Outcome, SolverError> {
    if instance
        .product_ids()
        .all(|p| ProductModel::supports(instance, p))
    {
        search(instance, requirement, settings)
    } else {
        solve_blocks(instance, requirement, settings, start)
    }
}

/// Each product's cheapest plan that reaches its least fill (its own floor,
/// and the floor of the `each` measure), found by exact search, as many
/// products at once as `settings.threads` (default: the machine's cores).
/// The search is exact, so the gap is 0; it has no time limit (a product
/// has at most [`crate::pricing::MAX_OPTIONS`] options, and the search
/// takes milliseconds on generated products of 10 options).
pub fn search(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
) -> Result<Outcome, SolverError> {
    let started = Instant::now();
    if settings.verbose {
        to_stderr!(
            "divopt: nothing couples the products in this model (the floor-0 baseline, or \
             the `each` measure); each product's cheapest plan comes from an exact search"
        );
    }
    let workers = Workers::new(settings)?;
    let touching = scenarios_touching(instance);
    let columns: Vec<Option<crate::pricing::ProductPlan>> =
        workers.map(touching, |p, scenarios| {
            let p = ProductId(p);
            let model =
                ProductModel::new(instance, p, least_fill(instance, p, requirement), scenarios);
            let prices = vec![0.0; model.scenarios.len()];
            model.price(&prices, f64::INFINITY)
        });
    let seconds = started.elapsed().as_secs_f64();
    let Some(columns) = columns.into_iter().collect::<Option<Vec<_>>>() else {
        return Ok(Outcome::without_plan(
            Status::Infeasible,
            seconds,
            ModelSize::default(),
            Method::SearchPerProduct,
        ));
    };
    Ok(cheapest_plans(instance, columns.iter(), seconds))
}

/// The outcome that joins each product's cheapest plan (one column per
/// product, in product order): optimal with gap 0, since nothing couples
/// the products or the joined plan already meets every coupling row.
pub(crate) fn cheapest_plans<'a>(
    instance: &Instance,
    columns: impl Iterator<Item = &'a crate::pricing::ProductPlan>,
    seconds: f64,
) -> Outcome {
    let (plan, objective) = crate::pricing::join(instance, instance.product_ids().zip(columns));
    Outcome {
        status: Status::Optimal,
        plan: Some(plan),
        objective: Some(objective),
        gap: Some(0.0),
        seconds,
        size: ModelSize::default(),
        method: Method::SearchPerProduct,
    }
}

/// Where per-product work runs: a pool of `settings.threads` workers, the
/// global rayon pool (one worker per core) when no thread count is given, or
/// this thread when one thread is asked for or this thread is itself a
/// rayon worker (a sweep's point): a worker that waits on a nested pool runs
/// other points meanwhile, on its own stack, and 500 points overflowed it.
/// The global pool is the one the readers and the evaluator use: no threads
/// are started and stopped per solve (M's solve 34.4 → 32.1 ms, L's
/// 243.5 → 235.7 ms). Work that calls HiGHS gets threads of its own
/// ([`Workers::own_threads`]).
pub(crate) enum Workers {
    Pool(rayon::ThreadPool),
    Global,
    Here,
}

impl Workers {
    /// Workers for work that does not call HiGHS.
    pub(crate) fn new(settings: &Settings) -> Result<Workers, SolverError> {
        if settings.threads.is_none() && rayon::current_thread_index().is_none() {
            return Ok(Workers::Global);
        }
        Workers::own_threads(settings)
    }

    /// Workers on threads of their own (or this thread), for work that calls
    /// HiGHS: HiGHS fixes a thread's worker count the first time it solves
    /// there, so these threads must not be shared with other solves.
    pub(crate) fn own_threads(settings: &Settings) -> Result<Workers, SolverError> {
        if settings.threads == Some(1) || rayon::current_thread_index().is_some() {
            return Ok(Workers::Here);
        }
        let workers = settings.threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |n| n as usize,
        );
        rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .map(Workers::Pool)
            .map_err(|e| SolverError(format!("cannot start {workers} worker threads: {e}")))
    }

    /// `f(index, item)` for every item, results in order.
    pub(crate) fn map<T, R, F>(&self, items: Vec<T>, f: F) -> Vec<R>
    where
        T: Send,
        R: Send,
        F: Fn(usize, T) -> R + Sync + Send,
    {
        match self {
            Workers::Pool(pool) => pool.install(|| Workers::Global.map(items, f)),
            Workers::Global => items
                .into_par_iter()
                .enumerate()
                .map(|(i, item)| f(i, item))
                .collect(),
            Workers::Here => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| f(i, item))
                .collect(),
        }
    }
}

/// Solves `instance` block by block (call only when [`separable`]): each
/// block with one HiGHS thread, as many blocks at once as `settings.threads`
/// (default: the machine's cores), all within the time limit. The plans are
/// joined; the gap is the blocks' combined gap, Σ (cost − bound) / Σ cost.
/// A block that ends without a plan (time limit) leaves the whole without one.
pub fn solve_blocks(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
    start: Option<&Plan>,
) -> Result<Outcome, SolverError> {
    let started = Instant::now();
    let blocks = blocks(instance);
    if settings.verbose {
        to_stderr!(
            "divopt: solving {} products one at a time, since nothing couples them in \
             this model (the floor-0 baseline, or the `each` measure); their HiGHS logs \
             are not shown",
            blocks.len()
        );
    }
    // HiGHS fixes a thread's worker count the first time it solves there,
    // so the blocks (one HiGHS thread each) run on threads of their own, or
    // here when this thread already solves with one.
    let outcomes: Vec<Outcome> = Workers::own_threads(settings)?
        .map(blocks, |p, block| {
            let block_settings = Settings {
                threads: Some(1),
                verbose: false,
                ..settings.after(started.elapsed().as_secs_f64())
            };
            let block_start = start.map(|plan| block_plan(instance, ProductId(p), plan));
            solve_formulation(
                &block,
                formulate(&block, requirement),
                &block_settings,
                block_start.as_ref(),
            )
        })
        .into_iter()
        .collect::<Result<_, _>>()?;

    let mut size = ModelSize::default();
    for outcome in &outcomes {
        size += outcome.size;
    }
    let seconds = started.elapsed().as_secs_f64();
    let worst_status = [Status::Infeasible, Status::NoPlanInTime, Status::TimeLimit]
        .into_iter()
        .find(|&status| outcomes.iter().any(|o| o.status == status));
    if let Some(status @ (Status::Infeasible | Status::NoPlanInTime)) = worst_status {
        return Ok(Outcome::without_plan(
            status,
            seconds,
            size,
            Method::HighsPerProduct,
        ));
    }

    // Join the blocks' plans: block option i of product p is the instance's
    // option p.options[i].
    let mut plan = Plan::empty(instance);
    let (mut objective, mut slack) = (0.0, 0.0);
    for (p, outcome) in instance.product_ids().zip(outcomes) {
        let block_plan = outcome.plan.expect("a feasible block has a plan");
        plan.set_product(instance, p, block_plan.options, block_plan.reserve_units[0]);
        let cost = outcome.objective.unwrap_or(0.0);
        objective += cost;
        slack += outcome.gap.unwrap_or(0.0) * cost.abs();
    }
    Ok(Outcome {
        status: worst_status.unwrap_or(Status::Optimal),
        plan: Some(plan),
        objective: Some(objective),
        gap: Some(if objective.abs() > 0.0 {
            slack / objective.abs()
        } else {
            0.0
        }),
        seconds,
        size,
        method: Method::HighsPerProduct,
    })
}

/// The part of `plan` that belongs to product `p`, in its block's numbering.
fn block_plan(instance: &Instance, p: ProductId, plan: &Plan) -> Plan {
    Plan {
        options: instance
            .product(p)
            .options
            .iter()
            .map(|&o| plan.options[o.0])
            .collect(),
        reserve_units: vec![plan.reserve_units[p.0]],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-product work runs on the global pool (on a pool of its own for a
    /// given thread count, or when it calls HiGHS), except with one thread
    /// or on a rayon worker (a sweep's point), where a nested pool's wait
    /// would run other points on the worker's stack.
    #[test]
    fn per_product_work_stays_on_a_rayon_workers_thread() {
        let default = Settings::default();
        assert!(matches!(Workers::new(&default), Ok(Workers::Global)));
        assert!(matches!(
            Workers::own_threads(&default),
            Ok(Workers::Pool(_))
        ));
        let two = Settings {
            threads: Some(2),
            ..Settings::default()
        };
        assert!(matches!(Workers::new(&two), Ok(Workers::Pool(_))));
        let one = Settings {
            threads: Some(1),
            ..Settings::default()
        };
        assert!(matches!(Workers::new(&one), Ok(Workers::Here)));
        let sweep = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool");
        sweep.install(|| assert!(matches!(Workers::new(&default), Ok(Workers::Here))));
        // Either way, results come back in order.
        for workers in [
            Workers::Here,
            Workers::Global,
            Workers::new(&two).expect("a pool"),
        ] {
            assert_eq!(
                workers.map((0..100).collect(), |i, x: usize| i * x),
                (0..100).map(|i| i * i).collect::<Vec<_>>()
            );
        }
    }
}
