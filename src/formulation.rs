//! The resilience-floor sourcing model as a good_lp problem, written to be
//! read beside models/core.md: the same symbols, the same row numbers.
//!
//! It knows the math and nothing about the solver: [`crate::solve`] hands the
//! result to HiGHS. Variables are scaled so that coefficients sit near 1
//! (models/core.md, "Scaled form"): ξ_o = x_o / d_p, ρ_p = r_p / d_p and
//! φ_{p,k} = s_{p,k} / (d_p T_k).

use std::collections::HashMap;

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable, VariableDefinition};

use crate::instance::{Floor, Instance, Measure, OptionId, ProductId, ScenarioId};

/// What the plan must guarantee.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// f: the resilience floor.
    pub floor: Floor,
    pub measure: Measure,
    /// Whether products' own floors f_p (row 6) apply.
    pub product_floors: bool,
}

impl Requirement {
    pub fn new(floor: Floor, measure: Measure) -> Requirement {
        Requirement {
            floor,
            measure,
            product_floors: true,
        }
    }

    /// No resilience at all: floor 0 and no product floors. Its optimum is
    /// the baseline cost that premiums are measured against.
    pub fn none() -> Requirement {
        Requirement {
            floor: Floor::ZERO,
            measure: Measure::Worst,
            product_floors: false,
        }
    }
}

/// A model variable and its column in the solver (variables become columns
/// in the order they are added).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub var: Variable,
    pub index: usize,
    /// The column's value is `unit` times the scaled quantity of
    /// models/core.md (ξ, ρ or φ): 1 in the scaled shapes, d_p for x_o and
    /// r_p and d_p T_k for s_{p,k} in [`Shape::Raw`].
    pub unit: f64,
}

impl Column {
    /// The scaled quantity (ξ, ρ, φ, y or m) as an expression.
    pub fn scaled(&self) -> Expression {
        self.times(1.0)
    }

    /// `factor` times the scaled quantity.
    pub fn times(&self, factor: f64) -> Expression {
        (factor / self.unit) * self.var
    }
}

/// The variables of one option.
#[derive(Debug, Clone, Copy)]
pub struct OptionColumns {
    /// y_o ∈ {0, 1}: the option is qualified and may be used.
    pub used: Column,
    /// ξ_o = x_o / d_p: the share of the product's demand bought here.
    pub share: Column,
    /// m_o ∈ {0, …, M_o}: modules built (only for options with a module spec).
    pub modules: Option<Column>,
}

/// Counts that describe the model handed to the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ModelSize {
    pub variables: usize,
    pub binaries: usize,
    pub integers: usize,
    pub constraints: usize,
}

impl std::ops::AddAssign for ModelSize {
    fn add_assign(&mut self, other: ModelSize) {
        self.variables += other.variables;
        self.binaries += other.binaries;
        self.integers += other.integers;
        self.constraints += other.constraints;
    }
}

/// The built model: variables, objective and rows, plus the columns needed to
/// read a plan back from a solution.
pub struct Formulation {
    pub variables: ProblemVariables,
    pub objective: Expression,
    pub constraints: Vec<Constraint>,
    pub options: Vec<OptionColumns>,
    /// ρ_p = r_p / d_p, reserve in periods of demand (only stockpilable products).
    pub reserve: Vec<Option<Column>>,
    /// φ_{p,k}, indexed `[product][scenario]`; `None` where the lean model
    /// has no φ: the scenario touches neither the product nor its inputs
    /// (φ = 1), or nothing in the model bounds the product's fill from below.
    pub fill: Vec<Vec<Option<Column>>>,
    /// F, the floor as a variable (only in the budget variant).
    pub floor: Option<Column>,
    pub size: ModelSize,
}

struct Builder {
    variables: ProblemVariables,
    size: ModelSize,
}

impl Builder {
    fn add(&mut self, definition: VariableDefinition) -> Column {
        self.add_in_units(definition, 1.0)
    }

    /// A column whose value is `unit` times the scaled quantity (the
    /// definition's bounds are already in those units).
    fn add_in_units(&mut self, definition: VariableDefinition, unit: f64) -> Column {
        let index = self.variables.len();
        self.size.variables += 1;
        Column {
            var: self.variables.add(definition),
            index,
            unit,
        }
    }
}

/// The distinct regions of a product's options, in input order.
pub fn product_regions(instance: &Instance, p: ProductId) -> Vec<&str> {
    let mut regions: Vec<&str> = Vec::new();
    for &o in &instance.product(p).options {
        let region = instance.option(o).region.as_str();
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    regions
}

/// Which model to build: the same optimum either way (tested), the lean one
/// smaller and tighter (models/core.md, "The lean model").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The model as first written (models/core.md, "Constraints"): physical
    /// units (x_o, r_p, s_{p,k} in units), every (product, scenario) pair,
    /// raw coefficients. The "before" of the benchmarks.
    Raw,
    /// [`Shape::Raw`] in the scaled form (ξ, ρ, φ): every pair, uncapped
    /// coefficients.
    Plain,
    /// No φ or row (4) for pairs a scenario leaves untouched (φ = 1) or for
    /// products whose fill nothing bounds from below; one φ for scenarios
    /// with the same row (4); capacity coefficients capped at 1 (one option
    /// never counts for more than the whole demand).
    Lean,
}

/// Builds the (lean) model of models/core.md for `instance` under `requirement`.
pub fn formulate(instance: &Instance, requirement: Requirement) -> Formulation {
    build(instance, requirement, None, Shape::Lean)
}

/// Builds the model in the given shape (the plain one is the reference for tests and benchmarks).
pub fn formulate_shaped(
    instance: &Instance,
    requirement: Requirement,
    shape: Shape,
) -> Formulation {
    build(instance, requirement, None, shape)
}

/// touched[p][k]: scenario k hits product p or one of its inputs.
fn touched_pairs(instance: &Instance) -> Vec<Vec<bool>> {
    let hits = |p: ProductId, k: usize| {
        let scenario = &instance.scenarios[k];
        scenario.assembly_loss(p) > 0.0
            || instance
                .product(p)
                .options
                .iter()
                .any(|&o| scenario.loss(o) > 0.0)
    };
    instance
        .product_ids()
        .map(|p| {
            let inputs = instance.inputs_of(p);
            (0..instance.scenarios.len())
                .map(|k| hits(p, k) || inputs.iter().any(|&c| hits(c, k)))
                .collect()
        })
        .collect()
}

/// The coefficients of y_o and m_o in rows (2) and (4) for an option keeping
/// the share `survive` of its capacity: survive · cap_o / d_p and
/// survive · u_o / d_p. The lean model caps each at 1 (valid because φ ≤ 1
/// and ξ ≤ 1: a term that reaches 1 alone already allows the whole demand).
fn capacity_coefficients(
    instance: &Instance,
    o: OptionId,
    survive: f64,
    shape: Shape,
) -> (f64, Option<f64>) {
    let option = instance.option(o);
    let d = instance.product(option.product).demand_per_period;
    let coefficient = |c: f64| match shape {
        Shape::Lean => c.min(1.0),
        Shape::Plain | Shape::Raw => c,
    };
    (
        coefficient(survive * option.capacity_per_period / d),
        option
            .module
            .map(|spec| coefficient(survive * spec.size_per_period / d)),
    )
}

/// What row (4) of product p in scenario k depends on, exactly: the lean
/// coefficients of every option and of the reserve. Two scenarios with the
/// same pattern bound φ_{p,k} by the same expression, so (φ only ever helps
/// rows 5, 6 and 9) one variable serves both. Only for products with
/// suppliers and no inputs; an input's fill enters through row (9) instead.
fn row_pattern(instance: &Instance, p: ProductId, k: ScenarioId) -> Vec<u64> {
    let product = instance.product(p);
    let scenario = &instance.scenarios[k.0];
    let mut pattern = Vec::with_capacity(2 * product.options.len() + 1);
    for &o in &product.options {
        let (per_use, per_module) =
            capacity_coefficients(instance, o, 1.0 - scenario.loss(o), Shape::Lean);
        pattern.push(per_use.to_bits());
        pattern.extend(per_module.map(f64::to_bits));
    }
    if product.holding_cost_per_unit.is_some() {
        pattern.push((1.0 / scenario.duration_periods).to_bits());
    }
    pattern
}

/// The budget variant (models/core.md, "The inverse question"): maximize
/// the floor F that `measure` reaches while the cost per period stays within
/// `budget`. Products' own floors still apply.
pub fn formulate_max_floor(instance: &Instance, measure: Measure, budget: f64) -> Formulation {
    build(
        instance,
        Requirement::new(Floor::ZERO, measure),
        Some(budget),
        Shape::Lean,
    )
}

fn build(
    instance: &Instance,
    requirement: Requirement,
    budget: Option<f64>,
    shape: Shape,
) -> Formulation {
    let lean = shape == Shape::Lean;
    // In the raw shape the columns count units and rows keep their physical
    // scale: row (1) × d_p, row (4) × d_p T_k, and so on.
    let physical = shape == Shape::Raw;
    let in_units = |scale: f64| if physical { scale } else { 1.0 };
    let touched = if lean {
        touched_pairs(instance)
    } else {
        vec![vec![true; instance.scenarios.len()]; instance.products.len()]
    };
    let mut b = Builder {
        variables: ProblemVariables::new(),
        size: ModelSize::default(),
    };
    let floor = budget.map(|_| b.add(variable().clamp(0.0, 1.0)));
    let f = requirement.floor.value();
    let longest_scenario = instance
        .scenarios
        .iter()
        .map(|s| s.duration_periods)
        .fold(0.0, f64::max);

    // Option variables: y_o, ξ_o, m_o.
    let options: Vec<OptionColumns> = instance
        .options
        .iter()
        .map(|o| {
            let d = instance.product(o.product).demand_per_period;
            let used = b.add(variable().binary());
            b.size.binaries += 1;
            let unit = in_units(d);
            let share = b.add_in_units(
                variable().clamp(0.0, unit * (o.max_capacity_per_period() / d).min(1.0)),
                unit,
            );
            let modules = o.module.map(|m| {
                b.size.integers += 1;
                b.add(variable().integer().clamp(0.0, f64::from(m.max_modules)))
            });
            OptionColumns {
                used,
                share,
                modules,
            }
        })
        .collect();

    // ρ_p ∈ [0, min(R_p, d_p max_k T_k) / d_p]: stock beyond the longest
    // scenario's demand can never raise a fill.
    let reserve: Vec<Option<Column>> = instance
        .products
        .iter()
        .map(|p| {
            p.holding_cost_per_unit.map(|_| {
                let cap = p.max_reserve_units.map_or(longest_scenario, |r| {
                    (r / p.demand_per_period).min(longest_scenario)
                });
                let unit = in_units(p.demand_per_period);
                b.add_in_units(variable().clamp(0.0, unit * cap), unit)
            })
        })
        .collect();

    // φ_{p,k} ∈ [lower, 1]; rows (5, each) and (6) are these lower bounds.
    let fill: Vec<Vec<Option<Column>>> = instance
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut lower: f64 = 0.0;
            if requirement.measure == Measure::Each && p.weight > 0.0 {
                lower = lower.max(f);
            }
            if requirement.product_floors {
                if let Some(own) = p.floor {
                    lower = lower.max(own.value());
                }
            }
            // A fill that nothing bounds from below (no lower bound, no measure
            // row, no BOM) is free to be 0: the lean model leaves it out.
            let in_measure_rows = p.weight > 0.0
                && (budget.is_some() || (f > 0.0 && requirement.measure != Measure::Each));
            let needed = !lean || !instance.bom.is_empty() || lower > 0.0 || in_measure_rows;
            // Scenarios that give the product the same row (4) share one φ
            // (lean model, products with suppliers and no inputs).
            let p = ProductId(i);
            let p_demand = instance.product(p).demand_per_period;
            let mergeable =
                lean && !instance.product(p).options.is_empty() && instance.inputs_of(p).is_empty();
            let mut shared: HashMap<Vec<u64>, Column> = HashMap::new();
            (0..instance.scenarios.len())
                .map(|k| {
                    if !touched[i][k] || !needed {
                        return None;
                    }
                    let pattern = mergeable.then(|| row_pattern(instance, p, ScenarioId(k)));
                    if let Some(column) = pattern.as_ref().and_then(|q| shared.get(q)) {
                        return Some(*column);
                    }
                    let unit = in_units(p_demand * instance.scenarios[k].duration_periods);
                    let column = b.add_in_units(variable().clamp(unit * lower, unit), unit);
                    if let Some(pattern) = pattern {
                        shared.insert(pattern, column);
                    }
                    Some(column)
                })
                .collect()
        })
        .collect();
    // φ_{p,k} as an expression: the variable, or 1 where it is fixed.
    let phi = |p: ProductId, k: ScenarioId| -> Expression {
        match fill[p.0][k.0] {
            Some(column) => column.scaled(),
            None => 1.0.into(),
        }
    };

    let mut constraints = Vec::new();
    // survive · Cap_o / d_p = survive ((cap_o / d_p) y_o + (u_o / d_p) m_o)
    // (times `scale`, the row's physical scale in the raw shape)
    let scaled_capacity = |o: OptionId, survive: f64, scale: f64| -> Expression {
        let columns = &options[o.0];
        let (per_use, per_module) = capacity_coefficients(instance, o, survive, shape);
        let mut capacity: Expression = (scale * per_use) * columns.used.var;
        if let (Some(per_module), Some(m)) = (per_module, columns.modules) {
            capacity += (scale * per_module) * m.var;
        }
        capacity
    };
    // A φ shared by several scenarios gets its row (4) once.
    let mut bounded = vec![false; b.size.variables];

    for p in instance.product_ids() {
        let product = instance.product(p);
        // Row scales in the raw shape: d_p, and d_p T_k for scenario rows.
        let demand = in_units(product.demand_per_period);
        let over = |k: ScenarioId| demand * in_units(instance.scenarios[k.0].duration_periods);
        if product.options.is_empty() {
            // Assembled in-house: (4') φ_{p,k} ≤ 1 − b_{k,p}; nothing to source.
            for k in instance.scenario_ids() {
                let lost = instance.scenarios[k.0].assembly_loss(p);
                if let (true, Some(column)) = (lost > 0.0, fill[p.0][k.0]) {
                    constraints.push(column.times(over(k)).leq(over(k) * (1.0 - lost)));
                }
            }
            continue;
        }
        let share = |o: OptionId| options[o.0].share.times(demand);
        // (1) Σ_o ξ_o = 1
        let bought: Expression = product.options.iter().map(|&o| share(o)).sum();
        constraints.push(good_lp::constraint::eq(bought, demand));
        for &o in &product.options {
            let columns = &options[o.0];
            // (2) ξ_o ≤ Cap_o / d_p
            constraints.push(share(o).leq(scaled_capacity(o, 1.0, demand)));
            // (3) m_o ≤ M_o y_o
            if let (Some(spec), Some(m)) = (instance.option(o).module, columns.modules) {
                constraints.push(
                    Expression::from(m.var).leq(f64::from(spec.max_modules) * columns.used.var),
                );
            }
        }
        // (7) Σ_{o local} ξ_o ≥ L_p
        if let Some(min_local) = product.policy.min_local_share {
            let local: Expression = product
                .options
                .iter()
                .filter(|&&o| instance.option(o).local)
                .map(|&o| share(o))
                .sum();
            constraints.push(local.geq(demand * min_local));
        }
        // (8) Σ_{o in region r} ξ_o ≤ S_p for every region r of the product
        if let Some(max_share) = product.policy.max_region_share {
            for region in product_regions(instance, p) {
                let from_region: Expression = product
                    .options
                    .iter()
                    .filter(|&&o| instance.option(o).region == region)
                    .map(|&o| share(o))
                    .sum();
                constraints.push(from_region.leq(demand * max_share));
            }
        }
        // (4) φ_{p,k} ≤ Σ_o (1 − a_{k,o}) Cap_o / d_p + ρ_p / T_k
        for k in instance.scenario_ids() {
            let Some(column) = fill[p.0][k.0] else {
                continue; // untouched: φ = 1, nothing to bound
            };
            if std::mem::replace(&mut bounded[column.index], true) {
                continue; // the same row as an earlier scenario's
            }
            let scenario = &instance.scenarios[k.0];
            let mut served: Expression = product
                .options
                .iter()
                .map(|&o| scaled_capacity(o, 1.0 - scenario.loss(o), over(k)))
                .sum();
            if let Some(rho) = reserve[p.0] {
                served += rho.times(over(k) / scenario.duration_periods);
            }
            constraints.push(column.times(over(k)).leq(served));
        }
    }

    // (9) a product is filled no better than each of its inputs: φ_{p,k} ≤ φ_{c,k}
    for edge in &instance.bom {
        for k in instance.scenario_ids() {
            // With the child's φ fixed at 1 the row is void.
            if let (Some(parent), Some(_)) = (fill[edge.parent.0][k.0], fill[edge.child.0][k.0]) {
                constraints.push(parent.scaled().leq(phi(edge.child, k)));
            }
        }
    }

    // (5) the measure rows.
    let total_weight = instance.total_weight();
    let weighted_fill = |k: ScenarioId| -> Expression {
        instance
            .product_ids()
            .filter(|&p| instance.product(p).weight > 0.0)
            .map(|p: ProductId| instance.product(p).weight * phi(p, k))
            .sum()
    };
    // The right-hand side of (5): the floor f, or the variable F of the budget
    // variant. With f = 0 or no weighted product the rows hold for any plan.
    let floor_rhs: Option<Expression> = match floor {
        Some(column) => Some(column.var.into()),
        None => (total_weight > 0.0 && f > 0.0).then(|| f.into()),
    };
    if let Some(rhs) = floor_rhs {
        match requirement.measure {
            Measure::Worst => {
                for k in instance.scenario_ids() {
                    constraints.push(weighted_fill(k).geq(total_weight * rhs.clone()));
                }
            }
            Measure::Expected => {
                let pi = instance.scenario_weights();
                let expected: Expression = instance
                    .scenario_ids()
                    .map(|k| pi[k.0] * weighted_fill(k))
                    .sum();
                constraints.push(expected.geq(total_weight * rhs));
            }
            // A fixed f is a lower bound on φ (above); F needs rows.
            Measure::Each => {
                if let Some(big_f) = floor {
                    for p in instance
                        .product_ids()
                        .filter(|&p| instance.product(p).weight > 0.0)
                    {
                        for k in instance.scenario_ids() {
                            constraints.push(phi(p, k).geq(big_f.var));
                        }
                    }
                }
            }
        }
    }

    // Objective: Σ_o (c_o d_p ξ_o + F_o y_o + e_o m_o) + Σ_p h_p d_p ρ_p
    let mut objective = Expression::with_capacity(3 * options.len() + reserve.len());
    for (option, columns) in instance.options.iter().zip(&options) {
        let d = instance.product(option.product).demand_per_period;
        objective += columns.share.times(option.unit_cost * d);
        objective += option.fixed_cost_per_period * columns.used.var;
        if let (Some(spec), Some(m)) = (option.module, columns.modules) {
            objective += spec.cost_per_period * m.var;
        }
    }
    for (product, rho) in instance.products.iter().zip(&reserve) {
        if let (Some(h), Some(rho)) = (product.holding_cost_per_unit, rho) {
            objective += rho.times(h * product.demand_per_period);
        }
    }

    let objective = match (floor, budget) {
        (Some(floor), Some(budget)) => {
            // Budget row: the cost per period stays within B; maximize F.
            constraints.push(objective.leq(budget));
            -Expression::from(floor.var)
        }
        _ => objective,
    };

    b.size.constraints = constraints.len();
    Formulation {
        variables: b.variables,
        objective,
        constraints,
        options,
        reserve,
        fill,
        floor,
        size: b.size,
    }
}
