//! Hands a [`Formulation`] to HiGHS and reads the plan back; runs HiGHS
//! (time limit, threads, log) and reads its statuses for every caller. Only
//! this module and [`crate::colgen`] (which builds its master problems
//! directly in HiGHS) name the solver.

use std::time::Instant;

use good_lp::solvers::highs::highs;
use good_lp::SolverModel;

use crate::formulation::{formulate, Formulation, ModelSize, Requirement};
use crate::instance::{Instance, OptionId};
use crate::plan::{OptionDecision, Plan};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Stop once the relative gap between the plan and the best bound is at most this.
    pub relative_gap: f64,
    /// Stop after this many seconds with the best plan found so far.
    pub time_limit_seconds: Option<f64>,
    /// Threads HiGHS may use (its own default when `None`).
    pub threads: Option<u32>,
    /// Show HiGHS's log on stderr.
    pub verbose: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            relative_gap: 1e-4,
            time_limit_seconds: None,
            threads: None,
            verbose: false,
        }
    }
}

impl Settings {
    /// The same settings with `spent` seconds taken off the time limit (not
    /// below 0), for what runs after them.
    pub fn after(&self, spent: f64) -> Settings {
        Settings {
            time_limit_seconds: self
                .time_limit_seconds
                .map(|limit| (limit - spent).max(0.0)),
            ..*self
        }
    }
}

/// HiGHS's feasibility-jump heuristic (before the first LP) runs only on
/// models at least this large (columns). At
/// 340,000 columns (XL) it found the only plan within 120 s, because the first
/// LP takes longer; at 70,000 (L) it made no difference; at 11,000 (M) the
/// solve took 4.3 s with it and 3.5 s without; it took over half the time of
/// the per-product blocks.
pub const FEASIBILITY_JUMP_MIN_COLUMNS: usize = 100_000;

/// How a solve ended. A plan stopped by the time limit is never `Optimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Optimal within the requested gap.
    Optimal,
    /// The time limit stopped the search; the plan is feasible, its gap is larger.
    TimeLimit,
    /// No plan meets the requirement.
    Infeasible,
    /// The time limit stopped the search before any plan was found.
    NoPlanInTime,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::TimeLimit => "time_limit",
            Status::Infeasible => "infeasible",
            Status::NoPlanInTime => "no_plan_in_time",
        }
    }
}

/// How a plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The compact (lean) model of models/core.md, handed whole to HiGHS.
    WholeModel,
    /// One small HiGHS model per product (nothing couples the products).
    HighsPerProduct,
    /// Each product's cheapest plan by exact search, without a solver
    /// (nothing couples the products; src/pricing.rs).
    SearchPerProduct,
    /// Column generation: a master problem over whole product plans
    /// (src/colgen.rs).
    ColumnGeneration,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::WholeModel => "whole model",
            Method::HighsPerProduct => "HiGHS per product",
            Method::SearchPerProduct => "exact search per product",
            Method::ColumnGeneration => "column generation",
        }
    }
}

/// The solver's answer.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    /// Present for `Optimal` and `TimeLimit`.
    pub plan: Option<Plan>,
    /// The solver's objective (cost per period) for the plan.
    pub objective: Option<f64>,
    /// Relative gap between the plan's cost and the best bound.
    pub gap: Option<f64>,
    pub seconds: f64,
    /// The size of the last model HiGHS solved (zero for the search).
    pub size: ModelSize,
    pub method: Method,
}

impl Outcome {
    /// An outcome without a plan (`Infeasible` or `NoPlanInTime`).
    pub fn without_plan(status: Status, seconds: f64, size: ModelSize, method: Method) -> Outcome {
        Outcome {
            status,
            plan: None,
            objective: None,
            gap: None,
            seconds,
            size,
            method,
        }
    }
}

/// The solver failed in a way that says nothing about the instance.
#[derive(Debug, thiserror::Error)]
#[error("HiGHS failed: {0}")]
pub struct SolverError(pub String);

/// Builds the model of `instance` under `requirement` and solves it.
pub fn solve(
    instance: &Instance,
    requirement: Requirement,
    settings: &Settings,
) -> Result<Outcome, SolverError> {
    let formulation = formulate(instance, requirement);
    solve_formulation(instance, formulation, settings, None)
}

/// The plan's discrete decisions (y and m) as a partial starting solution
/// for HiGHS: (column, value) pairs. HiGHS completes it by solving the LP
/// with these fixed, so purchases, reserves and fills are the best ones for
/// the plan's choices. (A full start of a plan whose reserve exceeds what
/// its fills need made HiGHS 1.16 return that start's columns with the
/// objective of a better solution; see the regression test
/// `a_start_with_excess_reserve_is_improved`.)
fn start_decisions(formulation: &Formulation, plan: &Plan) -> (Vec<highs_sys::HighsInt>, Vec<f64>) {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for (o, option_columns) in formulation.options.iter().enumerate() {
        let decision = plan.options[o];
        columns.push(option_columns.used.index as highs_sys::HighsInt);
        values.push(f64::from(u8::from(decision.selected)));
        if let Some(m) = option_columns.modules {
            columns.push(m.index as highs_sys::HighsInt);
            values.push(f64::from(decision.modules));
        }
    }
    (columns, values)
}

/// Solves an already built model, optionally starting from a known plan
/// (e.g. a higher floor's plan, which meets every lower floor).
pub fn solve_formulation(
    instance: &Instance,
    formulation: Formulation,
    settings: &Settings,
    start: Option<&Plan>,
) -> Result<Outcome, SolverError> {
    let start = start.map(|plan| start_decisions(&formulation, plan));
    let Formulation {
        variables,
        objective,
        constraints,
        options,
        reserve,
        size,
        ..
    } = formulation;
    let mut model = to_highs(variables, objective, constraints)?;
    set_option(&mut model, "mip_rel_gap", settings.relative_gap)?;
    set_option(
        &mut model,
        "mip_heuristic_run_feasibility_jump",
        size.variables >= FEASIBILITY_JUMP_MIN_COLUMNS,
    )?;
    if let Some((columns, values)) = &start {
        // SAFETY: a live HiGHS object; both slices have columns.len() entries.
        let status = unsafe {
            highs_sys::Highs_setSparseSolution(
                model.as_mut_ptr(),
                columns.len() as highs_sys::HighsInt,
                columns.as_ptr(),
                values.as_ptr(),
            )
        };
        if status == highs_sys::STATUS_ERROR {
            return Err(SolverError("cannot pass the starting plan".to_string()));
        }
    }
    let (mut solved, mut seconds) = run(model, settings)?;
    let mut status = status_of(&solved)?;
    if start.is_some() && matches!(status, Status::Optimal | Status::TimeLimit) {
        // HiGHS 1.16 can return a starting plan's columns with the objective
        // of a better plan it found in its presolved space (regression test
        // `a_start_that_presolve_improves_is_not_returned_as_is`). Such an
        // answer is solved again without the start.
        let (plan, objective) = read_plan(instance, &solved, &options, &reserve);
        let cost: f64 = crate::evaluate::product_costs(instance, &plan).iter().sum();
        if (cost - objective).abs() > 1e-7 * cost.abs().max(1.0) {
            if settings.verbose {
                to_stderr!(
                    "divopt: HiGHS returned the starting plan (cost {cost}) with the objective \
                     {objective}; solving again without it"
                );
            }
            let mut model = highs::Model::from(solved);
            // SAFETY: a live HiGHS object; clears its solution and basis.
            unsafe { highs_sys::Highs_clearSolver(model.as_mut_ptr()) };
            let (again, more) = run(model, &settings.after(seconds))?;
            solved = again;
            seconds += more;
            status = status_of(&solved)?;
        }
    }
    if matches!(status, Status::Infeasible | Status::NoPlanInTime) {
        return Ok(Outcome::without_plan(
            status,
            seconds,
            size,
            Method::WholeModel,
        ));
    }
    let gap = solved.mip_gap();
    let gap = if gap.is_finite() { gap.max(0.0) } else { 0.0 };
    let (plan, objective) = read_plan(instance, &solved, &options, &reserve);
    Ok(Outcome {
        status,
        plan: Some(plan),
        objective: Some(objective),
        gap: Some(gap),
        seconds,
        size,
        method: Method::WholeModel,
    })
}

/// The plan in HiGHS's solution, and HiGHS's objective for it.
fn read_plan(
    instance: &Instance,
    solved: &highs::SolvedModel,
    options: &[crate::formulation::OptionColumns],
    reserve: &[Option<crate::formulation::Column>],
) -> (Plan, f64) {
    let solution = solved.get_solution();
    let value = |index: usize| solution.columns()[index];
    let mut plan = Plan {
        options: instance
            .options
            .iter()
            .zip(options)
            .map(|(option, columns)| {
                let demand = instance.product(option.product).demand_per_period;
                let selected = value(columns.used.index) > 0.5;
                OptionDecision {
                    selected,
                    quantity_per_period: clean(
                        demand * value(columns.share.index) / columns.share.unit,
                        demand,
                    ),
                    modules: columns
                        .modules
                        .map_or(0, |m| value(m.index).round().max(0.0) as u32),
                }
            })
            .collect(),
        reserve_units: instance
            .products
            .iter()
            .zip(reserve)
            .map(|(product, rho)| {
                let demand = product.demand_per_period;
                rho.map_or(0.0, |rho| {
                    clean(demand * value(rho.index) / rho.unit, demand)
                })
            })
            .collect(),
    };
    // Kept only when it passes every plan rule (a move of noise could in
    // principle tip a policy row); else the plan checks see HiGHS's own.
    let mut tidied = plan.clone();
    tidy(instance, &mut tidied);
    if crate::plan::misfits(instance, &tidied).is_empty() {
        plan = tidied;
    }
    (plan, solved.objective_value())
}

/// Removes what HiGHS's floating point leaves in a plan, without changing
/// its cost or its fills beyond that noise:
///
/// - an option selected with no capacity under the plan and no fixed cost
///   (it costs and supplies nothing; HiGHS may leave y = 1 there) is not
///   selected, so it is not shown as a standby supplier;
/// - a quantity above its capacity by at most 10^-6 of the product's
///   requirement (e.g. 25.0000002 of 25) is the capacity, when the
///   product's other options have room for the excess: it goes to them, in
///   input order, so the requirement stays met.
fn tidy(instance: &Instance, plan: &mut Plan) {
    for p in instance.product_ids() {
        let options = &instance.product(p).options;
        for &o in options {
            let idle = plan.capacity_per_period(instance, o) == 0.0
                && plan.option(o).quantity_per_period == 0.0
                && instance.option(o).fixed_cost_per_period == 0.0;
            if idle {
                plan.options[o.0].selected = false;
            }
        }
        let tolerance = 1e-6 * instance.product(p).demand_per_period;
        let over = |plan: &Plan, o: OptionId| {
            let over = plan.option(o).quantity_per_period - plan.capacity_per_period(instance, o);
            if over > 0.0 && over <= tolerance {
                over
            } else {
                0.0
            }
        };
        let room = |plan: &Plan, o: OptionId| {
            (plan.capacity_per_period(instance, o) - plan.option(o).quantity_per_period).max(0.0)
        };
        let mut excess: f64 = options.iter().map(|&o| over(plan, o)).sum();
        if excess == 0.0 || options.iter().map(|&o| room(plan, o)).sum::<f64>() < excess {
            continue;
        }
        for &o in options {
            if over(plan, o) > 0.0 {
                plan.options[o.0].quantity_per_period = plan.capacity_per_period(instance, o);
            }
        }
        for &o in options {
            let moved = excess.min(room(plan, o));
            if moved > 0.0 {
                let decision = &mut plan.options[o.0];
                decision.quantity_per_period =
                    crate::report::rounded(decision.quantity_per_period + moved);
                excess -= moved;
            }
        }
    }
}

/// Runs HiGHS on `model` with the settings' time limit (counted from now,
/// and enforced by an interrupt callback), threads and log; returns the
/// solved model and the seconds it took.
pub(crate) fn run(
    mut model: highs::Model,
    settings: &Settings,
) -> Result<(highs::SolvedModel, f64), SolverError> {
    if let Some(limit) = settings.time_limit_seconds {
        set_option(&mut model, "time_limit", limit)?;
    }
    if let Some(threads) = settings.threads {
        set_option(&mut model, "threads", threads as i32)?;
    }
    if settings.verbose {
        set_option(&mut model, "output_flag", true)?;
        set_option(&mut model, "log_to_console", true)?;
    }
    let started = Instant::now();
    // HiGHS checks its own time_limit only between long steps (a root cut
    // round can overrun it by minutes); the guard also interrupts it from its
    // simplex, IPM and MIP callbacks as soon as the deadline passes.
    let guard = Box::new(Deadline {
        at: settings
            .time_limit_seconds
            .map(|limit| started + std::time::Duration::from_secs_f64(limit)),
    });
    if guard.at.is_some() {
        // SAFETY: `guard` outlives the solve (it is dropped after try_solve
        // returns) and the callback only reads it.
        unsafe {
            let data = &*guard as *const Deadline as *mut std::ffi::c_void;
            highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(interrupt_at_deadline), data);
            for kind in [
                highs_sys::kHighsCallbackSimplexInterrupt,
                highs_sys::kHighsCallbackIpmInterrupt,
                highs_sys::kHighsCallbackMipInterrupt,
            ] {
                highs_sys::Highs_startCallback(model.as_mut_ptr(), kind);
            }
        }
    }
    let mut solved = {
        let _redirect = settings.verbose.then(StdoutToStderr::new);
        model.try_solve()
    }
    .map_err(|e| SolverError(format!("{e:?}")))?;
    if guard.at.is_some() {
        // SAFETY: a live HiGHS object. The model may be solved again
        // (column generation), so its callbacks must not outlive `guard`.
        unsafe {
            for kind in [
                highs_sys::kHighsCallbackSimplexInterrupt,
                highs_sys::kHighsCallbackIpmInterrupt,
                highs_sys::kHighsCallbackMipInterrupt,
            ] {
                highs_sys::Highs_stopCallback(solved.as_mut_ptr(), kind);
            }
        }
    }
    drop(guard);
    Ok((solved, started.elapsed().as_secs_f64()))
}

/// HiGHS's own model status (a `MODEL_STATUS_*` constant).
pub(crate) fn raw_status(solved: &highs::SolvedModel) -> highs_sys::HighsInt {
    // SAFETY: reads a status from a live HiGHS object.
    unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr() as *mut _) }
}

/// The status of a finished HiGHS run, read raw (the highs crate's enum
/// lacks some of HiGHS's statuses); errors for statuses that say nothing
/// about the instance.
pub(crate) fn status_of(solved: &highs::SolvedModel) -> Result<Status, SolverError> {
    let raw_status = raw_status(solved);
    let feasible = || solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    Ok(match raw_status {
        highs_sys::MODEL_STATUS_OPTIMAL => Status::Optimal,
        highs_sys::MODEL_STATUS_INFEASIBLE | highs_sys::MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE => {
            Status::Infeasible
        }
        highs_sys::MODEL_STATUS_REACHED_TIME_LIMIT
        | highs_sys::MODEL_STATUS_REACHED_ITERATION_LIMIT
        | highs_sys::MODEL_STATUS_REACHED_SOLUTION_LIMIT
        | highs_sys::MODEL_STATUS_REACHED_INTERRUPT
        | highs_sys::MODEL_STATUS_HIGHS_INTERRUPT => {
            if feasible() {
                Status::TimeLimit
            } else {
                Status::NoPlanInTime
            }
        }
        highs_sys::MODEL_STATUS_UNBOUNDED => {
            return Err(SolverError(
                "HiGHS reports the model unbounded, which a cost minimization with \
                 non-negative costs cannot be; please report it with the input"
                    .to_string(),
            ))
        }
        other => {
            return Err(SolverError(format!(
                "HiGHS stopped with model status {other} ({})",
                status_name(other)
            )))
        }
    })
}

/// When to interrupt HiGHS.
struct Deadline {
    at: Option<Instant>,
}

/// HiGHS's interrupt callback: asks it to stop once the deadline has passed.
unsafe extern "C" fn interrupt_at_deadline(
    _callback_type: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    _data_out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user_data: *mut std::ffi::c_void,
) {
    // SAFETY: user_data is the `Deadline` passed to Highs_setCallback, alive
    // for the whole solve; data_in is HiGHS's own, valid during the call.
    let deadline = unsafe { &*(user_data as *const Deadline) };
    if deadline.at.is_some_and(|at| Instant::now() >= at) && !data_in.is_null() {
        unsafe { (*data_in).user_interrupt = 1 };
    }
}

fn status_name(status: highs_sys::HighsInt) -> &'static str {
    match status {
        highs_sys::MODEL_STATUS_LOAD_ERROR => "load error",
        highs_sys::MODEL_STATUS_MODEL_ERROR => "model error",
        highs_sys::MODEL_STATUS_PRESOLVE_ERROR => "presolve error",
        highs_sys::MODEL_STATUS_SOLVE_ERROR => "solve error",
        highs_sys::MODEL_STATUS_POSTSOLVE_ERROR => "postsolve error",
        highs_sys::MODEL_STATUS_MODEL_EMPTY => "empty model",
        highs_sys::MODEL_STATUS_REACHED_MEMORY_LIMIT => "memory limit reached",
        _ => "unknown",
    }
}

/// Writes the model of `instance` under `requirement`, exactly as it is
/// handed to HiGHS, to `path` (.lp or .mps, by extension).
pub fn write_model(
    instance: &Instance,
    requirement: Requirement,
    path: &std::path::Path,
) -> Result<(), SolverError> {
    let Formulation {
        variables,
        objective,
        constraints,
        ..
    } = formulate(instance, requirement);
    let mut model = to_highs(variables, objective, constraints)?;
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| SolverError(format!("{}: not a usable file name", path.display())))?;
    // SAFETY: a live HiGHS object and a NUL-terminated path.
    let status = unsafe { highs_sys::Highs_writeModel(model.as_mut_ptr(), name.as_ptr()) };
    if status == highs_sys::STATUS_ERROR {
        return Err(SolverError(format!(
            "HiGHS could not write {}",
            path.display()
        )));
    }
    Ok(())
}

/// Solver round-off (|v| below 1e-9 of the product's demand) becomes 0, and
/// values keep the 9 significant digits the CSV files print, so a plan written
/// by `solve --out` and read back is the same plan.
fn clean(value: f64, scale: f64) -> f64 {
    if value.abs() <= 1e-9 * scale {
        0.0
    } else {
        crate::report::rounded(value)
    }
}

/// The HiGHS model of a minimization (quiet: HiGHS prints nothing unless asked).
fn to_highs(
    variables: good_lp::ProblemVariables,
    objective: good_lp::Expression,
    constraints: Vec<good_lp::Constraint>,
) -> Result<highs::Model, SolverError> {
    let mut problem = variables.minimise(objective).using(highs);
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    problem
        .try_into_inner()
        .map_err(|e| SolverError(e.to_string()))
}

fn set_option<V: highs::HighsOptionValue>(
    model: &mut highs::Model,
    name: &str,
    value: V,
) -> Result<(), SolverError> {
    model
        .try_set_option(name, value)
        .map_err(|e| SolverError(format!("cannot set HiGHS option {name}: {e:?}")))
}

/// While alive, the process's stdout goes to stderr, so that HiGHS's log
/// (which it prints on stdout) never mixes with divopt's own output.
struct StdoutToStderr {
    saved: libc::c_int,
}

impl StdoutToStderr {
    fn new() -> StdoutToStderr {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        // SAFETY: dup/dup2 on the process's standard descriptors; restored in drop.
        let saved = unsafe { libc::dup(1) };
        if saved >= 0 {
            unsafe { libc::dup2(2, 1) };
        }
        StdoutToStderr { saved }
    }
}

impl Drop for StdoutToStderr {
    fn drop(&mut self) {
        if self.saved >= 0 {
            // SAFETY: flush C's buffers into the redirected descriptor, then restore it.
            unsafe {
                libc::fflush(std::ptr::null_mut());
                libc::dup2(self.saved, 1);
                libc::close(self.saved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_removes_solver_noise_and_keeps_the_requirement() {
        let options = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,local,module_size,module_cost,max_modules
p,a,X,50,8,15,0,false,,,
p,b,X,50,15,25,20,false,,,
p,c,H,50,10,25,20,true,,,
q,d,X,10,1,10,0,false,,,
q,e,H,10,2,0,0,true,5,10,2
";
        let instance = crate::input::parse(("o.csv", options.as_bytes()), &[], Some(3.0))
            .unwrap()
            .instance;
        let decision = |quantity_per_period| OptionDecision {
            selected: true,
            quantity_per_period,
            modules: 0,
        };
        let mut plan = Plan {
            options: vec![
                decision(15.0),
                decision(9.9999998),
                decision(25.0000002),
                decision(10.0),
                // Selected, no capacity, no modules, no fixed cost.
                decision(0.0),
            ],
            reserve_units: vec![0.0, 0.0],
        };
        tidy(&instance, &mut plan);
        let quantities: Vec<f64> = plan.options.iter().map(|d| d.quantity_per_period).collect();
        assert_eq!(quantities, [15.0, 10.0, 25.0, 10.0, 0.0]);
        let selected: Vec<bool> = plan.options.iter().map(|d| d.selected).collect();
        assert_eq!(selected, [true, true, true, true, false]);

        // More than noise above capacity is left for the plan check to report.
        plan.options[2].quantity_per_period = 26.0;
        plan.options[1].quantity_per_period = 9.0;
        let before = plan.clone();
        tidy(&instance, &mut plan);
        assert_eq!(plan, before);
    }
}
