//! `divopt solve` and `divopt generate`.

use super::{exit, print_stdout, GenerateArgs, SolveArgs};
use crate::formulation::Requirement;
use crate::optimize::{max_floor_within_budget, optimize};
use crate::report;
use crate::solve::{Settings, Status};

pub fn solve_command(args: &SolveArgs) -> anyhow::Result<u8> {
    let measure = args.measure.into();
    let weighted_floor = args.budget.is_some() || args.floor.value() > 0.0;
    let instance = match args.instance.load_for(measure, weighted_floor) {
        Ok(instance) => instance,
        Err(code) => return Ok(code),
    };
    let instance = &instance;
    let settings = Settings {
        relative_gap: args.gap,
        time_limit_seconds: args.time_limit,
        threads: args.threads,
        verbose: args.verbose,
    };
    if let Some(path) = &args.write_model {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(extension, "lp" | "mps") {
            to_stderr!(
                "error: --write-model {}: the file must end in .lp or .mps",
                path.display()
            );
            return Ok(exit::BAD_INPUT);
        }
        let requirement = Requirement::new(args.floor, args.measure.into());
        write_model_atomically(instance, requirement, path)?;
        to_stderr!("wrote {}", path.display());
    }
    let (solution, budget_line) = match args.budget {
        None => (
            optimize(
                instance,
                Requirement::new(args.floor, args.measure.into()),
                &settings,
            )?,
            None,
        ),
        Some(budget) => {
            let answer = max_floor_within_budget(instance, args.measure.into(), budget, &settings)?;
            let line = match answer.floor {
                Some(floor) => format!(
                    "Budget {}: the highest {} floor it buys is {}; the cheapest plan reaching it:\n",
                    report::num(budget),
                    args.measure.name(),
                    report::num(floor)
                ),
                None => format!(
                    "Budget {}: below the cost of the cheapest plan that meets the products' own floors \
                     and policy rules{}.\n",
                    report::num(budget),
                    answer
                        .solution
                        .baseline
                        .as_ref()
                        .map_or_else(String::new, |b| format!(
                            " (the cheapest sourcing alone costs {})",
                            report::num(b.evaluation.costs.total())
                        ))
                ),
            };
            (answer.solution, Some(line))
        }
    };
    let mut summary = report::json::Summary::new(instance, &solution);
    summary.budget = args.budget;
    let plan = solution.best.as_ref().map(|b| &b.plan);

    // The files and the text on stdout are rendered side by side, then
    // written in that order (with plan.csv and products.csv in parallel
    // blocks, the output step at XL took 20.5 ms instead of 35 ms).
    let (files, text) = rayon::join(
        || {
            args.out
                .as_ref()
                .and_then(|_| report::solution_files(instance, &solution, &summary))
        },
        || {
            if args.json {
                report::json::document_json(instance, &summary, plan)
            } else {
                budget_line.unwrap_or_default()
                    + &report::text::summary_text(instance, &solution, &summary)
            }
        },
    );
    match (&args.out, files) {
        (Some(dir), Some(files)) => {
            crate::output::write_all(dir, &files)?;
            let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
            to_stderr!("wrote {} to {}", names.join(", "), dir.display());
        }
        (Some(dir), None) => {
            to_stderr!("no plan, so nothing was written to {}", dir.display());
        }
        (None, _) => {}
    }
    print_stdout(&text)?;
    Ok(match solution.status {
        Status::Optimal | Status::TimeLimit => exit::SOLVED,
        Status::Infeasible => exit::INFEASIBLE,
        Status::NoPlanInTime => exit::NO_PLAN_IN_TIME,
    })
}

pub fn generate_command(args: &GenerateArgs) -> anyhow::Result<u8> {
    let spec = crate::generate::GeneratorSpec {
        products: args.products,
        options_per_product: args.options,
        regions: args.regions,
        scenarios: args.scenarios,
        seed: args.seed,
    };
    match crate::generate::generate(&spec) {
        Ok(generated) => {
            crate::output::write_all(
                &args.out,
                &[
                    ("options.csv", generated.options_csv),
                    ("scenarios.csv", generated.scenarios_csv),
                ],
            )?;
            to_stderr!(
                "wrote options.csv and scenarios.csv to {}",
                args.out.display()
            );
            Ok(exit::SOLVED)
        }
        Err(message) => {
            to_stderr!("error: {message}");
            Ok(exit::BAD_INPUT)
        }
    }
}

/// Writes the model to a temporary file beside `path` (same extension, which
/// tells HiGHS the format), then renames it into place.
fn write_model_atomically(
    instance: &crate::instance::Instance,
    requirement: Requirement,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("lp");
    let cannot_write = |source| crate::output::OutputError::new(path, source);
    let temp = crate::output::temp_file_for(path, ".model.", &format!(".{extension}"))
        .map_err(cannot_write)?;
    crate::solve::write_model(instance, requirement, temp.path())?;
    temp.persist(path).map_err(|e| cannot_write(e.error))?;
    Ok(())
}
