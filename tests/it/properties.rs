//! Properties every optimum must have, on random small instances of every
//! structure (including stockpiles coupled by the `Worst` and `Expected`
//! rows, which the brute-force oracle cannot price).
//!
//! Every plan a solve returns is judged by the independent evaluator.

use divopt::attainable::attainable;
use divopt::formulation::{formulate_shaped, Requirement, Shape};
use divopt::instance::{Instance, Losses, Measure, OptionId};
use divopt::optimize::optimize;
use divopt::solve::{solve, solve_formulation, Status};
use divopt::{colgen, decompose};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::brute_force::{cheapest_sourcing, same_cost};
use crate::support::{
    any_instance, assert_plan_ok, exact, instance_from_csv, plan_cost, proptest_config,
    requirement, MEASURES,
};

/// The optimal cost (`None`: infeasible) of `requirement`, solved directly
/// with HiGHS at gap 1e-9; the plan is checked by the evaluator.
fn optimum(instance: &Instance, requirement: Requirement) -> Option<f64> {
    let outcome = solve(instance, requirement, &exact()).expect("HiGHS runs");
    match outcome.status {
        Status::Optimal => {
            let plan = outcome.plan.expect("optimal outcomes carry a plan");
            assert_plan_ok(instance, &plan, requirement);
            Some(plan_cost(instance, &plan))
        }
        Status::Infeasible => None,
        other => panic!("unexpected status {other:?} for {requirement:?}\n{instance:#?}"),
    }
}

/// `a <= b` up to the solver's gap and round-off.
fn at_most(a: f64, b: f64) -> bool {
    a <= b || same_cost(a, b)
}

fn measure() -> impl Strategy<Value = Measure> {
    prop::sample::select(MEASURES.to_vec())
}

/// Round floors (where ties are common) and arbitrary ones.
fn floor_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(vec![0.0, 0.3, 0.5, 0.6, 0.9, 1.0]),
        0.0..=1.0f64,
    ]
}

proptest! {
    #![proptest_config(proptest_config(64))]

    /// The lean model (no φ for untouched pairs, one φ for scenarios with the
    /// same row (4), capped coefficients) has the optimum of the plain model
    /// and of the raw one (physical units), and all their plans pass the
    /// evaluator.
    #[test]
    fn lean_plain_and_raw_models_have_the_same_optimum(
        instance in any_instance(),
        measure in measure(),
        f in floor_value(),
    ) {
        let requirement = requirement(f, measure);
        let solve_shaped = |shape| {
            let formulation = formulate_shaped(&instance, requirement, shape);
            let outcome = solve_formulation(&instance, formulation, &exact(), None).expect("HiGHS runs");
            outcome.plan.map(|plan| {
                assert_plan_ok(&instance, &plan, requirement);
                plan_cost(&instance, &plan)
            })
        };
        let lean = solve_shaped(Shape::Lean);
        for shape in [Shape::Plain, Shape::Raw] {
            match (lean, solve_shaped(shape)) {
                (Some(a), Some(b)) => prop_assert!(same_cost(a, b), "lean {a} vs {shape:?} {b}"),
                (a, b) => prop_assert_eq!(a.is_some(), b.is_some(), "feasibility differs from {:?}", shape),
            }
        }
    }

    /// When nothing couples the products (the `each` measure, or floor 0
    /// under any measure), solving them one by one, by exact search and by
    /// one HiGHS model each, gives the whole model's status and optimum,
    /// and the joined plans pass the evaluator.
    #[test]
    fn products_solved_one_by_one_match_the_whole_model(
        instance in any_instance(),
        measure in measure(),
        f in floor_value(),
    ) {
        let f = if measure == Measure::Each { f } else { 0.0 };
        let requirement = requirement(f, measure);
        prop_assert!(decompose::separable(&instance, requirement));
        let whole = solve_formulation(&instance, formulate_shaped(&instance, requirement, Shape::Lean), &exact(), None)
            .expect("HiGHS runs");
        let searched = decompose::search(&instance, requirement, &exact()).expect("the search runs");
        let blocks = decompose::solve_blocks(&instance, requirement, &exact(), None).expect("HiGHS runs");
        for (name, parts) in [("search", searched), ("HiGHS blocks", blocks)] {
            prop_assert_eq!(whole.status, parts.status, "{}", name);
            if let (Some(a), Some(plan)) = (whole.objective, parts.plan) {
                assert_plan_ok(&instance, &plan, requirement);
                let cost = plan_cost(&instance, &plan);
                prop_assert!(same_cost(a, cost), "whole {} vs {} {}", a, name, cost);
                prop_assert!(same_cost(cost, parts.objective.expect("a plan has a cost")));
            }
        }
    }

    /// Column generation (coupled measures, floor above 0) gives the whole
    /// model's status and optimum, its plan passes the evaluator, and its
    /// bound (cost × (1 − gap)) is never above the whole model's optimum.
    /// Half the cases also cap every region's share of a product's supply.
    #[test]
    fn column_generation_matches_the_whole_model(
        instance in any_instance(),
        coupled in prop::sample::select(vec![Measure::Worst, Measure::Expected]),
        f in 0.05..=1.0f64,
        region_share in prop::option::of(0.5..=1.0f64),
    ) {
        let mut instance = instance;
        if let Some(limit) = region_share {
            instance.limit_region_share(limit);
        }
        let requirement = requirement(f, coupled);
        prop_assume!(colgen::applies(&instance, requirement));
        let whole = solve_formulation(&instance, formulate_shaped(&instance, requirement, Shape::Lean), &exact(), None)
            .expect("HiGHS runs");
        let columns = colgen::solve(&instance, requirement, &exact(), None).expect("HiGHS runs");
        prop_assert_eq!(whole.status, columns.status);
        if let (Some(optimum), Some(plan)) = (whole.objective, columns.plan) {
            assert_plan_ok(&instance, &plan, requirement);
            let cost = plan_cost(&instance, &plan);
            prop_assert!(same_cost(optimum, cost), "whole {} vs column generation {}", optimum, cost);
            prop_assert!(same_cost(cost, columns.objective.expect("a plan has a cost")));
            let bound = cost * (1.0 - columns.gap.expect("a plan has a gap"));
            prop_assert!(at_most(bound, optimum), "bound {} above the optimum {}", bound, optimum);
        }
    }

    /// optimize's plans pass the evaluator, the evaluator's cost is the
    /// solver's objective, and no plan is cheaper than the baseline.
    #[test]
    fn optimized_plans_pass_the_evaluator_at_the_reported_cost(
        instance in any_instance(),
        measure in measure(),
        f in floor_value(),
    ) {
        let requirement = requirement(f, measure);
        let solution = optimize(&instance, requirement, &exact()).expect("optimize runs");
        let baseline = solution.baseline.as_ref().expect("the baseline is always feasible");
        assert_plan_ok(&instance, &baseline.plan, Requirement::none());
        let baseline_cost = plan_cost(&instance, &baseline.plan);

        let outcome = solve(&instance, requirement, &exact()).expect("HiGHS runs");
        prop_assert_eq!(solution.status, outcome.status);
        match solution.status {
            Status::Optimal => {
                let best = solution.best.as_ref().expect("optimal solutions carry a plan");
                let evaluation = assert_plan_ok(&instance, &best.plan, requirement);
                let cost = evaluation.costs.total();
                prop_assert!(same_cost(cost, best.evaluation.costs.total()));
                let objective = outcome.objective.expect("optimal outcomes carry an objective");
                prop_assert!(same_cost(cost, objective), "evaluated {} vs objective {}", cost, objective);
                prop_assert!(at_most(baseline_cost, cost), "baseline {} above the plan {}", baseline_cost, cost);
            }
            Status::Infeasible => prop_assert!(solution.best.is_none()),
            other => prop_assert!(false, "unexpected status {:?}", other),
        }
    }

    /// Raising the floor never makes the optimum cheaper, and once a floor is
    /// out of reach every higher one is too.
    #[test]
    fn cost_never_decreases_with_the_floor(instance in any_instance(), measure in measure()) {
        let mut previous: Option<f64> = Some(0.0);
        for f in [0.0, 0.3, 0.6, 0.9] {
            let cost = optimum(&instance, requirement(f, measure));
            match (previous, cost) {
                (None, Some(c)) => prop_assert!(false, "floor {} feasible at {} after a lower floor was not", f, c),
                (Some(p), Some(c)) => prop_assert!(at_most(p, c), "floor {} costs {} < {}", f, c, p),
                (_, None) => {}
            }
            previous = cost;
        }
    }

    /// Without any resilience row the optimum is the cheapest sourcing, the
    /// brute-force minimum of qualification, module and purchase cost; it is
    /// also optimize's baseline, whatever the measure.
    #[test]
    fn no_requirement_gives_the_cheapest_sourcing(instance in any_instance(), measure in measure()) {
        let cheapest = cheapest_sourcing(&instance);
        let none = optimum(&instance, Requirement::none()).expect("the baseline is always feasible");
        prop_assert!(same_cost(none, cheapest), "solver {} vs brute force {}", none, cheapest);

        // Floor 0 under any measure, product floors off, is the same problem.
        let zero = Requirement { product_floors: false, ..requirement(0.0, measure) };
        let solution = optimize(&instance, zero, &exact()).expect("optimize runs");
        prop_assert_eq!(solution.status, Status::Optimal);
        let best = solution.best.expect("plan");
        let baseline = solution.baseline.expect("baseline");
        prop_assert!(same_cost(best.evaluation.costs.total(), cheapest));
        prop_assert!(same_cost(baseline.evaluation.costs.total(), cheapest));
    }

    /// Each implies Worst implies Expected (an average of fills at least f in
    /// every scenario is at least f on average): at the same floor the
    /// stricter measure is never cheaper nor feasible when the weaker is not.
    #[test]
    fn stricter_measures_never_cost_less(instance in any_instance(), f in floor_value()) {
        let expected = optimum(&instance, requirement(f, Measure::Expected));
        let worst = optimum(&instance, requirement(f, Measure::Worst));
        let each = optimum(&instance, requirement(f, Measure::Each));
        for ((weaker, a), (stricter, b)) in [
            (("expected", expected), ("worst", worst)),
            (("worst", worst), ("each", each)),
            (("expected", expected), ("each", each)),
        ] {
            match (a, b) {
                (None, Some(b)) => prop_assert!(false, "{} feasible at {} but {} is not", stricter, b, weaker),
                (Some(a), Some(b)) => prop_assert!(at_most(a, b), "{} costs {} > {} {}", weaker, a, stricter, b),
                _ => {}
            }
        }
    }

    /// attainable's ceiling is exact: the floor at the ceiling can be met and
    /// 0.01 above it cannot (checked by solving, not only by optimize's
    /// short cut through `attainable`). Own floors are judged separately:
    /// with them on, floor 0 is feasible iff none is unreachable.
    #[test]
    fn attainable_ceiling_is_tight(instance in any_instance(), measure in measure()) {
        let ceiling = attainable(&instance, measure);
        let max = ceiling.max_floor;
        prop_assert!((0.0..=1.0).contains(&max), "ceiling {} outside [0, 1]", max);
        let at = Requirement { product_floors: false, ..requirement(max, measure) };
        let solution = optimize(&instance, at, &exact()).expect("optimize runs");
        prop_assert_eq!(solution.status, Status::Optimal, "the ceiling {} itself is out of reach", max);
        prop_assert!(optimum(&instance, at).is_some());

        if max + 0.01 <= 1.0 {
            let above = Requirement { product_floors: false, ..requirement(max + 0.01, measure) };
            let solution = optimize(&instance, above, &exact()).expect("optimize runs");
            prop_assert_eq!(solution.status, Status::Infeasible);
            let direct = optimum(&instance, above);
            prop_assert!(direct.is_none(), "solver meets {} above the ceiling {} at cost {:?}", max + 0.01, max, direct);
        }

        let own_floors = requirement(0.0, measure);
        let reachable = ceiling.unreachable_product_floors.is_empty();
        let solution = optimize(&instance, own_floors, &exact()).expect("optimize runs");
        prop_assert_eq!(solution.status == Status::Optimal, reachable);
        prop_assert_eq!(optimum(&instance, own_floors).is_some(), reachable);
    }

    /// A second supplier offering exactly what an existing option offers (same
    /// region, so the same losses) can be ignored, so it never raises the
    /// optimum nor turns a feasible requirement infeasible.
    #[test]
    fn an_extra_option_never_raises_the_cost(
        instance in any_instance(),
        measure in measure(),
        f in floor_value(),
        which in any::<Index>(),
    ) {
        let original = which.index(instance.options.len());
        let extended = with_copy_of(&instance, OptionId(original));
        let requirement = requirement(f, measure);
        let before = optimum(&instance, requirement);
        let after = optimum(&extended, requirement);
        match (before, after) {
            (Some(b), None) => prop_assert!(false, "feasible at {} before the copy, infeasible after", b),
            (Some(b), Some(a)) => prop_assert!(at_most(a, b), "copy raised the cost from {} to {}", b, a),
            _ => {}
        }
    }
}

/// `instance` with option `o` duplicated under another supplier name; the
/// copy gets the next id and the original's loss in every scenario.
fn with_copy_of(instance: &Instance, o: OptionId) -> Instance {
    let mut extended = instance.clone();
    let copy = OptionId(extended.options.len());
    let mut option = instance.option(o).clone();
    option.supplier = format!("{}-copy", option.supplier);
    let product = option.product;
    extended.options.push(option);
    extended.products[product.0].options.push(copy);
    for scenario in &mut extended.scenarios {
        let (least, loss) = (scenario.losses.least(), scenario.loss(o));
        // The new id is the largest, so the list stays sorted; below the
        // least loss the copy takes that, as the original does.
        let mut more = scenario.losses.more().to_vec();
        if loss > least {
            more.push((copy, loss));
        }
        scenario.losses = Losses::new(least, more);
    }
    crate::support::assert_valid(&extended);
    extended
}

/// The copy property above would also hold if the solver ignored new
/// options; here a copy moved to another region must be used. One supplier
/// (cost 1, fixed 2, capacity 10 = demand) is out for 1 period; stock costs 5.
/// - Alone, floor 0.5 under `Worst` needs r / 10 >= 0.5: 10 + 2 + 5 · 5 = 37.
/// - With a copy the outage does not touch, buying everything from the copy
///   needs no stock: 10 + 2 = 12.
#[test]
fn a_copied_option_is_used_when_it_pays() {
    let mut b = crate::support::Builder::new();
    let p = b.product("cell", 10.0, 1.0);
    b.stockpile(p, 5.0, None);
    let a = b.option(p, "a", "asia", 1.0, 10.0, 2.0);
    b.scenario("a down", 1.0, None, &[(a, 1.0)]);
    let instance = b.build();
    let req = requirement(0.5, Measure::Worst);
    let alone = optimum(&instance, req).expect("feasible");
    approx::assert_relative_eq!(alone, 37.0, max_relative = 1e-6);

    let mut extended = with_copy_of(&instance, a);
    assert_eq!(
        extended.scenarios[0].losses,
        Losses::listed(vec![(a, 1.0), (OptionId(1), 1.0)])
    );
    extended.options[1].region = "europe".to_string();
    extended.scenarios[0].losses = Losses::listed(vec![(a, 1.0)]);
    let with_copy = optimum(&extended, req).expect("feasible");
    approx::assert_relative_eq!(with_copy, 12.0, max_relative = 1e-6);
}

/// Scenarios that give a product the same row (4) share one φ in the lean
/// model; a different duration matters only when the product can be
/// stockpiled. The three shapes agree on the optimum (computed by hand).
#[test]
fn scenarios_with_the_same_row_share_one_fill_variable() {
    use crate::support::Builder;
    let mut b = Builder::new();
    let chip = b.product("chip", 100.0, 1.0);
    let hub = b.option(chip, "hub", "R1", 10.0, 100.0, 0.0);
    let spare = b.option(chip, "spare", "R2", 12.0, 100.0, 50.0);
    b.scenario("quake", 2.0, None, &[(hub, 1.0)])
        .scenario("embargo", 6.0, None, &[(hub, 1.0)])
        .scenario("strike", 2.0, None, &[(spare, 1.0)]);
    let instance = b.build();
    let req = crate::support::requirement(0.9, Measure::Worst);
    let fills = |shape| {
        let formulation = formulate_shaped(&instance, req, shape);
        let mut columns: Vec<usize> = formulation.fill[0]
            .iter()
            .flatten()
            .map(|c| c.index)
            .collect();
        columns.dedup();
        columns.len()
    };
    // quake and embargo cut the same supplier and the chip cannot be stored.
    assert_eq!(fills(Shape::Lean), 2);
    assert_eq!(fills(Shape::Plain), 3);
    // With stock, the duration enters row (4): no sharing.
    let mut b2 = b;
    b2.stockpile(chip, 0.5, None);
    let stored = b2.build();
    let formulation = formulate_shaped(&stored, req, Shape::Lean);
    assert_eq!(formulation.fill[0].iter().flatten().count(), 3);
    // The cheapest plan qualifies the spare: 100 × 10 + 50 = 1050 per period.
    for shape in [Shape::Lean, Shape::Plain, Shape::Raw] {
        let outcome = solve_formulation(
            &instance,
            formulate_shaped(&instance, req, shape),
            &exact(),
            None,
        )
        .expect("HiGHS runs");
        let plan = outcome.plan.expect("feasible");
        assert_plan_ok(&instance, &plan, req);
        approx::assert_relative_eq!(plan_cost(&instance, &plan), 1050.0, max_relative = 1e-9);
    }
}

/// On generated instances (realistic structure, several rounds of column
/// generation), column generation and the whole model agree on the optimum
/// at both coupled measures.
#[test]
fn column_generation_matches_the_whole_model_on_generated_instances() {
    use divopt::generate::{generate, GeneratorSpec};
    let settings = divopt::solve::Settings {
        relative_gap: 1e-7,
        ..Default::default()
    };
    for seed in 1..=3 {
        let spec = GeneratorSpec {
            products: 30,
            options_per_product: 4,
            regions: 5,
            scenarios: 12,
            seed,
        };
        let generated = generate(&spec).expect("a valid spec");
        let instance = instance_from_csv(&generated.options_csv, &generated.scenarios_csv);
        for (measure, f) in [(Measure::Worst, 0.9), (Measure::Expected, 0.99)] {
            let requirement = requirement(f, measure);
            assert!(colgen::applies(&instance, requirement));
            let whole = solve_formulation(
                &instance,
                formulate_shaped(&instance, requirement, Shape::Lean),
                &settings,
                None,
            )
            .expect("HiGHS runs");
            let columns =
                colgen::solve(&instance, requirement, &settings, None).expect("HiGHS runs");
            assert_eq!(whole.status, Status::Optimal);
            assert_eq!(columns.status, Status::Optimal);
            let plan = columns.plan.expect("an optimal outcome has a plan");
            assert_plan_ok(&instance, &plan, requirement);
            let (a, b) = (
                whole.objective.expect("a cost"),
                plan_cost(&instance, &plan),
            );
            assert!(
                approx::relative_eq!(a, b, max_relative = 1e-6),
                "seed {seed}, {measure}: whole {a} vs column generation {b}"
            );
        }
    }
}

/// The lean model solved exactly by HiGHS from `start`, which must meet
/// `requirement`.
fn solve_lean_from(
    instance: &Instance,
    requirement: Requirement,
    start: &divopt::plan::Plan,
) -> divopt::solve::Outcome {
    assert_plan_ok(instance, start, requirement);
    solve_formulation(
        instance,
        formulate_shaped(instance, requirement, Shape::Lean),
        &exact(),
        Some(start),
    )
    .expect("HiGHS runs")
}

/// Regression: handed a whole starting plan whose reserve (0.5 units)
/// exceeds what the floor needs (0.395), HiGHS 1.16 returned that plan's
/// columns with the objective of the better one (0.6977 claimed, 0.75
/// delivered). Starts now fix only y and m, and HiGHS completes the rest.
#[test]
fn a_start_with_excess_reserve_is_improved() {
    let options = "product,supplier,region,demand,weight,holding_cost,unit_cost,capacity,fixed_cost,module_size,module_cost,max_modules\n\
                   p0,s00,asia,1,0,,0,1,0.5,,,\n\
                   p0,s01,asia,1,0,,0,0,0,1,0.5,1\n\
                   p0,s02,asia,1,0,,0,1,0.5,,,\n\
                   p1,s10,asia,1,1,0.5,0,1,0,,,\n\
                   p2,s20,asia,1,0,,0,1,0,,,\n";
    let scenarios = "scenario,supplier,product,region,loss,duration\nk0,s10,p1,*,0.5,1\n";
    let instance = instance_from_csv(options, scenarios);
    let requirement = requirement(0.8953, Measure::Worst);
    // s00 buys, s01 is a standby without modules, p1 holds 0.5 units, s20 buys.
    let decision = |selected: bool, quantity_per_period: f64| divopt::plan::OptionDecision {
        selected,
        quantity_per_period,
        modules: 0,
    };
    let start = divopt::plan::Plan {
        options: vec![
            decision(true, 1.0),
            decision(true, 0.0),
            decision(false, 0.0),
            decision(true, 1.0),
            decision(true, 1.0),
        ],
        reserve_units: vec![0.0, 0.5, 0.0],
    };
    let outcome = solve_lean_from(&instance, requirement, &start);
    let plan = outcome.plan.expect("an optimal plan");
    // p0's cheapest option (0.5) and reserve 0.8953 − 0.5 = 0.3953 units at 0.5.
    approx::assert_relative_eq!(
        plan_cost(&instance, &plan),
        0.5 + 0.5 * 0.3953,
        max_relative = 1e-6
    );
    approx::assert_relative_eq!(
        outcome.objective.expect("a cost"),
        plan_cost(&instance, &plan),
        max_relative = 1e-6
    );
}

/// Regression: started from a plan that is optimal for its own choice of
/// suppliers and modules (a standby at 21.5 per period), HiGHS 1.16 found the
/// better plan (reserve 21 units, 22 per period) in its presolved space but
/// returned the start's columns with the better objective. divopt notices
/// that the plan's cost and the objective differ and solves again without
/// the start.
#[test]
fn a_start_that_presolve_improves_is_not_returned_as_is() {
    let options = "product,supplier,region,demand,weight,holding_cost,max_reserve,unit_cost,capacity,fixed_cost,module_size,module_cost,max_modules\n\
                   p0,s00,asia,35,1,1,21,13,27,21.5,,,\n\
                   p0,s01,asia,35,1,1,21,0,27,0.5,8,0.5,2\n\
                   p1,s10,asia,1,1,,,0,1,0,,,\n\
                   p1,s11,asia,1,1,,,0,1,0,,,\n";
    let scenarios = "scenario,supplier,product,region,loss,duration\nk0,s01,p0,*,1,3\n";
    let instance = instance_from_csv(options, scenarios);
    let requirement = requirement(0.6, Measure::Worst);
    let decision =
        |selected: bool, quantity_per_period: f64, modules: u32| divopt::plan::OptionDecision {
            selected,
            quantity_per_period,
            modules,
        };
    // s01 with one module buys all 35; s00 is a standby (fill 27/35 in k0).
    let start = divopt::plan::Plan {
        options: vec![
            decision(true, 0.0, 0),
            decision(true, 35.0, 1),
            decision(true, 1.0, 0),
            decision(false, 0.0, 0),
        ],
        reserve_units: vec![0.0, 0.0],
    };
    approx::assert_relative_eq!(plan_cost(&instance, &start), 22.5);
    let outcome = solve_lean_from(&instance, requirement, &start);
    let plan = outcome.plan.expect("an optimal plan");
    // s01 with one module (0.5 + 0.5) and the whole reserve cap, 21 units at 1.
    approx::assert_relative_eq!(plan_cost(&instance, &plan), 22.0, max_relative = 1e-6);
    approx::assert_relative_eq!(
        outcome.objective.expect("a cost"),
        22.0,
        max_relative = 1e-6
    );
}

/// What a sweep shares across its floors (column generation prepared once
/// per series) gives, at every floor and both coupled measures, the plan a
/// fresh solve gives. Below the floor the products' cheapest plans already
/// reach, those plans are the answer, with gap 0 and no master problem.
#[test]
fn prepared_column_generation_matches_fresh_solves() {
    use divopt::evaluate::evaluate;
    use divopt::generate::{generate, GeneratorSpec};
    let settings = divopt::solve::Settings {
        threads: Some(1),
        ..Default::default()
    };
    let spec = GeneratorSpec {
        products: 30,
        options_per_product: 4,
        regions: 5,
        scenarios: 12,
        seed: 4,
    };
    let generated = generate(&spec).expect("a valid spec");
    let instance = instance_from_csv(&generated.options_csv, &generated.scenarios_csv);
    for measure in [Measure::Worst, Measure::Expected] {
        let prepared = colgen::Prepared::new(&instance, requirement(0.0, measure), &settings)
            .expect("the first columns");
        // The floor the products' cheapest plans reach together.
        let cheapest = decompose::solve(&instance, requirement(0.0, measure), &settings, None)
            .expect("the search runs");
        let cheapest_cost = cheapest.objective.expect("a cost");
        let reached =
            evaluate(&instance, &cheapest.plan.expect("a plan")).measure(&instance, measure);
        assert!(
            reached > 0.1,
            "{measure}: the cheapest plans reach only {reached}"
        );
        for f in [reached / 2.0, 0.5, 0.8, 0.9, 0.95] {
            let requirement = requirement(f, measure);
            if !attainable(&instance, measure).allows(requirement) {
                continue;
            }
            let fresh = colgen::solve(&instance, requirement, &settings, None).expect("HiGHS runs");
            let shared = colgen::solve_prepared(&instance, &prepared, requirement, &settings, None)
                .expect("HiGHS runs");
            assert_eq!(fresh.status, Status::Optimal, "{measure} at {f}");
            assert_eq!(shared.status, fresh.status, "{measure} at {f}");
            assert_eq!(shared.plan, fresh.plan, "{measure} at {f}");
            assert_eq!(shared.gap, fresh.gap, "{measure} at {f}");
            let plan = shared.plan.expect("an optimal outcome has a plan");
            assert_plan_ok(&instance, &plan, requirement);
            if f <= reached {
                assert_eq!(shared.method, divopt::solve::Method::SearchPerProduct);
                assert_eq!(shared.gap, Some(0.0));
                approx::assert_relative_eq!(
                    plan_cost(&instance, &plan),
                    cheapest_cost,
                    max_relative = 1e-9
                );
            } else {
                assert_ne!(shared.method, divopt::solve::Method::SearchPerProduct);
            }
        }
    }
}

/// When the baseline (no floor, no product floors) already meets the
/// requirement, it is the answer, with its own gap and no second solve; above
/// what it reaches, a solve runs and costs more.
#[test]
fn a_floor_the_baseline_meets_needs_no_second_solve() {
    use divopt::generate::{generate, GeneratorSpec};
    use divopt::optimize::{baseline, optimize_against};
    let settings = divopt::solve::Settings::default();
    let spec = GeneratorSpec {
        products: 30,
        options_per_product: 4,
        regions: 5,
        scenarios: 12,
        seed: 5,
    };
    let generated = generate(&spec).expect("a valid spec");
    let mut instance = instance_from_csv(&generated.options_csv, &generated.scenarios_csv);
    for product in &mut instance.products {
        product.floor = None;
    }
    let base = baseline(&instance, &settings).expect("the search runs");
    let base_plan = base.plan.clone().expect("a baseline plan");
    let reached = base_plan.evaluation.measure(&instance, Measure::Worst);
    assert!(reached > 0.1, "the baseline reaches only {reached}");

    let below = optimize_against(
        &instance,
        requirement(reached / 2.0, Measure::Worst),
        &settings,
        &base,
        None,
        None,
    )
    .expect("solves");
    assert_eq!(below.status, Status::Optimal);
    let best = below.best.expect("a plan");
    assert_eq!(best.plan, base_plan.plan);
    assert_eq!(below.gap, base.gap);
    assert_eq!(below.method, Some(base.method));
    assert_eq!(below.solve_seconds, 0.0);
    assert_plan_ok(
        &instance,
        &best.plan,
        requirement(reached / 2.0, Measure::Worst),
    );

    let above = optimize_against(
        &instance,
        requirement((reached + 1.0) / 2.0, Measure::Worst),
        &settings,
        &base,
        None,
        None,
    )
    .expect("solves");
    let best = above.best.expect("a plan");
    assert!(above.solve_seconds > 0.0);
    assert!(best.evaluation.costs.total() > base_plan.evaluation.costs.total());
}
