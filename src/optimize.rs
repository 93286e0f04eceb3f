//! Finding the cheapest resilient plan, end to end: check that the floor can
//! be reached at all, solve the model, solve the no-resilience baseline the
//! premium is measured against, and judge every plan with the independent
//! evaluator before anyone sees it.

use crate::attainable::{attainable, Attainable};
use crate::colgen::Prepared;
use crate::evaluate::{check_plan, check_requirement, evaluate, Evaluation};
use crate::formulation::formulate;
use crate::formulation::{ModelSize, Requirement};
use crate::instance::{Instance, Measure};
use crate::plan::Plan;
use crate::solve::{solve_formulation, Method, Settings, SolverError, Status};

/// A plan that passed the independent check, with what it costs and does.
#[derive(Debug, Clone)]
pub struct CheckedPlan {
    pub plan: Plan,
    pub evaluation: Evaluation,
}

/// The result of `divopt solve`.
#[derive(Debug, Clone)]
pub struct Solution {
    pub requirement: Requirement,
    pub status: Status,
    /// The recommended plan (for `Optimal` and `TimeLimit`).
    pub best: Option<CheckedPlan>,
    /// The cheapest plan with no resilience requirement (floor 0, no product floors).
    pub baseline: Option<CheckedPlan>,
    /// Relative optimality gap of `best`.
    pub gap: Option<f64>,
    /// Seconds solving (HiGHS, column generation or search), for the requirement and the baseline.
    pub solve_seconds: f64,
    /// The size of the model solved (`None` when the floor is out of reach
    /// and no model was solved for it).
    pub size: Option<ModelSize>,
    /// The highest floor the measure can reach and what caps it.
    pub attainable: Attainable,
    /// How the plan was found (`None` when no model was solved).
    pub method: Option<Method>,
}

#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    #[error(transparent)]
    Solver(#[from] SolverError),
    #[error(
        "the solver's plan fails the independent check (this is a bug; please report it with the input):\n  {}",
        .0.join("\n  ")
    )]
    FailedCheck(Vec<String>),
}

/// One solve whose plan (if any) passed the independent check.
struct Checked {
    status: Status,
    plan: Option<CheckedPlan>,
    gap: Option<f64>,
    seconds: f64,
    size: ModelSize,
    method: Method,
}

/// Solves once and judges the plan (if any) with the independent evaluator.
fn solve_checked(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
    start: Option<&Plan>,
    prepared: Option<&Prepared>,
) -> Result<Checked, OptimizeError> {
    let outcome = if crate::decompose::separable(instance, requirement) {
        crate::decompose::solve(instance, requirement, settings, start)?
    } else if crate::colgen::applies(instance, requirement) {
        match prepared.filter(|prepared| prepared.fits(requirement)) {
            Some(prepared) => {
                crate::colgen::solve_prepared(instance, prepared, requirement, settings, start)?
            }
            None => crate::colgen::solve(instance, requirement, settings, start)?,
        }
    } else {
        solve_formulation(instance, formulate(instance, requirement), settings, start)?
    };
    let mut checked = match outcome.plan {
        None => None,
        Some(plan) => {
            let evaluation = evaluate(instance, &plan);
            let mut problems = check_plan(instance, &plan);
            problems.extend(check_requirement(instance, &evaluation, requirement));
            if !problems.is_empty() {
                return Err(OptimizeError::FailedCheck(problems));
            }
            Some(CheckedPlan { plan, evaluation })
        }
    };
    // A solve stopped within its gap may return a plan dearer than the start
    // it was given (a sweep's higher floor, a budget's max-floor plan, which
    // must stay within the budget): the start is then the better answer.
    if let (Some(best), Some(start)) = (&checked, start) {
        let evaluation = evaluate(instance, start);
        if evaluation.costs.total() < best.evaluation.costs.total()
            && check_plan(instance, start).is_empty()
            && check_requirement(instance, &evaluation, requirement).is_empty()
        {
            checked = Some(CheckedPlan {
                plan: start.clone(),
                evaluation,
            });
        }
    }
    Ok(Checked {
        status: outcome.status,
        plan: checked,
        gap: outcome.gap,
        seconds: outcome.seconds,
        size: outcome.size,
        method: outcome.method,
    })
}

/// The cheapest plan with no resilience requirement (floor 0, no product
/// floors), as solved.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// `None` only if the time limit ended the search first.
    pub plan: Option<CheckedPlan>,
    pub status: Status,
    /// Relative gap of `plan` (0 from the exact search).
    pub gap: Option<f64>,
    /// Seconds solving.
    pub seconds: f64,
    /// The size of the last model HiGHS solved for it (zero for the search).
    pub size: ModelSize,
    pub method: Method,
    /// The highest floor of each measure (Worst, Each, Expected), found
    /// once on first use: a sweep's points share the baseline.
    attainable: [std::sync::OnceLock<Attainable>; 3],
}

impl Baseline {
    /// Every product's cheapest plan, when the baseline is the exact
    /// search's optimum: column generation may take it as its cheapest
    /// columns ([`Prepared::with_cheapest`]) instead of searching again.
    pub fn cheapest_plans(&self) -> Option<&Plan> {
        self.plan
            .as_ref()
            .filter(|_| self.method == Method::SearchPerProduct && self.status == Status::Optimal)
            .map(|plan| &plan.plan)
    }

    /// [`attainable`] for `measure` on `instance` (the one this baseline was
    /// solved for), computed once per baseline.
    fn attainable(&self, instance: &Instance, measure: Measure) -> Attainable {
        let slot = match measure {
            Measure::Worst => 0,
            Measure::Each => 1,
            Measure::Expected => 2,
        };
        self.attainable[slot]
            .get_or_init(|| attainable(instance, measure))
            .clone()
    }
}

/// Solves the [`Baseline`].
pub fn baseline(instance: &Instance, settings: &Settings) -> Result<Baseline, OptimizeError> {
    let checked = solve_checked(instance, Requirement::none(), settings, None, None)?;
    Ok(Baseline {
        plan: checked.plan,
        status: checked.status,
        gap: checked.gap,
        seconds: checked.seconds,
        size: checked.size,
        method: checked.method,
        attainable: Default::default(),
    })
}

/// The cheapest plan meeting `requirement`, its baseline, and diagnostics.
pub fn optimize(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
) -> Result<Solution, OptimizeError> {
    let baseline = baseline(instance, settings)?;
    // The time limit covers both solves.
    let settings = settings.after(baseline.seconds);
    let mut solution = optimize_against(instance, requirement, &settings, &baseline, None, None)?;
    solution.solve_seconds += baseline.seconds;
    Ok(solution)
}

/// The answer to the inverse question: the highest floor a budget buys.
#[derive(Debug, Clone)]
pub struct BudgetAnswer {
    /// Cost per period allowed.
    pub budget: f64,
    /// The highest floor the measure reaches within the budget (`None` when
    /// even the cheapest plan meeting the products' own floors costs more).
    pub floor: Option<f64>,
    /// The cheapest plan reaching that floor (its cost is within the budget).
    pub solution: Solution,
}

/// Maximizes the floor `measure` reaches for at most `budget` per period,
/// then finds the cheapest plan at that floor (the max-floor plan is its
/// starting solution, so the cost stays within the budget).
pub fn max_floor_within_budget(
    instance: &Instance,
    measure: crate::instance::Measure,
    budget: f64,
    settings: &Settings,
) -> Result<BudgetAnswer, OptimizeError> {
    let baseline = baseline(instance, settings)?;
    let formulation = crate::formulation::formulate_max_floor(instance, measure, budget);
    let outcome = solve_formulation(instance, formulation, settings, None)?;
    let Some(plan) = outcome.plan else {
        let requirement = Requirement::new(crate::instance::Floor::ZERO, measure);
        return Ok(BudgetAnswer {
            budget,
            floor: None,
            solution: Solution {
                requirement,
                status: outcome.status,
                best: None,
                baseline: baseline.plan,
                gap: None,
                solve_seconds: outcome.seconds,
                size: Some(outcome.size),
                attainable: attainable(instance, measure),
                method: Some(outcome.method),
            },
        });
    };
    let evaluation = evaluate(instance, &plan);
    let mut problems = check_plan(instance, &plan);
    let cost = evaluation.costs.total();
    if cost > budget * (1.0 + crate::evaluate::TOLERANCE) + crate::evaluate::TOLERANCE {
        problems.push(format!("the plan costs {cost}, above the budget {budget}"));
    }
    let reached = evaluation.measure(instance, measure).min(1.0);
    let floor = crate::instance::Floor::new(reached.max(0.0)).expect("a fill is in [0, 1]");
    problems.extend(check_requirement(
        instance,
        &evaluation,
        Requirement::new(floor, measure),
    ));
    if !problems.is_empty() {
        return Err(OptimizeError::FailedCheck(problems));
    }
    let mut solution = optimize_against(
        instance,
        Requirement::new(floor, measure),
        settings,
        &baseline,
        Some(&plan),
        None,
    )?;
    solution.solve_seconds += outcome.seconds;
    Ok(BudgetAnswer {
        budget,
        floor: Some(reached),
        solution,
    })
}

/// Like [`optimize`], with the baseline already computed (a sweep solves it
/// once per instance), optionally a plan to start from that meets the
/// requirement, and optionally column generation's floor-free part (a sweep
/// prepares it once per series; used when it fits the requirement).
/// `solve_seconds` counts only this requirement's solve.
///
/// When the baseline plan already meets the requirement, it is the answer,
/// with the baseline's gap: the baseline solves a relaxation (no floor), so
/// its bound is a bound here too.
pub fn optimize_against(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
    baseline: &Baseline,
    start: Option<&Plan>,
    prepared: Option<&Prepared>,
) -> Result<Solution, OptimizeError> {
    let attainable = baseline.attainable(instance, requirement.measure);
    if !attainable.allows(requirement) {
        return Ok(Solution {
            requirement,
            status: Status::Infeasible,
            best: None,
            baseline: baseline.plan.clone(),
            gap: None,
            solve_seconds: 0.0,
            size: None,
            attainable,
            method: None,
        });
    }
    if let Some(plan) = baseline.plan.as_ref().filter(|plan| {
        baseline.status == Status::Optimal
            && check_requirement(instance, &plan.evaluation, requirement).is_empty()
            && start.is_none_or(|start| {
                plan.evaluation.costs.total() <= evaluate(instance, start).costs.total()
            })
    }) {
        return Ok(Solution {
            requirement,
            status: Status::Optimal,
            best: Some(plan.clone()),
            baseline: Some(plan.clone()),
            gap: baseline.gap,
            solve_seconds: 0.0,
            size: Some(baseline.size),
            attainable,
            method: Some(baseline.method),
        });
    }
    // Without a prepared part, column generation prepares its own, taking
    // the baseline's plans from the exact search as its cheapest columns
    // (the same search; preparing at L took 0.020–0.026 s instead of 0.026 s).
    let started = std::time::Instant::now();
    let own: Option<Prepared> = match (prepared, baseline.cheapest_plans()) {
        (None, Some(plan)) if crate::colgen::applies(instance, requirement) => Some(
            Prepared::with_cheapest(instance, requirement, settings, Some(plan))?,
        ),
        _ => None,
    };
    let preparing = started.elapsed().as_secs_f64();
    let mut checked = solve_checked(
        instance,
        requirement,
        &settings.after(preparing),
        start,
        prepared.or(own.as_ref()),
    )?;
    checked.seconds += preparing;
    Ok(Solution {
        requirement,
        status: checked.status,
        best: checked.plan,
        baseline: baseline.plan.clone(),
        gap: checked.gap,
        solve_seconds: checked.seconds,
        size: Some(checked.size),
        attainable,
        method: Some(checked.method),
    })
}
