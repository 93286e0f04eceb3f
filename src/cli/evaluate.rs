//! `divopt evaluate`: score a given plan.

use super::{exit, print_stdout, EvaluateArgs};
use crate::evaluate::{check_plan, check_requirement, evaluate};
use crate::formulation::Requirement;
use crate::report;

pub fn evaluate_command(args: &EvaluateArgs) -> anyhow::Result<u8> {
    let loaded = args
        .instance
        .load_for(args.measure.into(), args.floor.value() > 0.0);
    let instance = match loaded {
        Ok(instance) => instance,
        Err(code) => return Ok(code),
    };
    let plan = match crate::input::load_plan(&args.plan, &instance) {
        Ok(input) => {
            for warning in &input.warnings {
                to_stderr!("note: {warning}");
            }
            input.plan
        }
        Err(errors) => {
            to_stderr!("error: {} problem(s) in the plan:", errors.0.len());
            to_stderr!("{errors}");
            return Ok(exit::BAD_INPUT);
        }
    };
    let problems = check_plan(&instance, &plan);
    if !problems.is_empty() {
        to_stderr!(
            "error: the plan {} does not fit the options file:",
            args.plan.display()
        );
        for problem in &problems {
            to_stderr!("  {problem}");
        }
        return Ok(exit::BAD_INPUT);
    }
    let evaluation = evaluate(&instance, &plan);
    let requirement = Requirement::new(args.floor, args.measure.into());
    let misses = check_requirement(&instance, &evaluation, requirement);
    let survival = crate::stress::time_to_survive(&instance, &plan, args.floor.value());
    let mut text =
        report::text::evaluation_text(&instance, &evaluation, requirement, &misses, &survival);

    let mut files = vec![
        (
            "scenarios.csv",
            report::csv::scenarios_csv(&instance, &evaluation).into_bytes(),
        ),
        (
            "products.csv",
            report::csv::products_csv(&instance, &plan, &evaluation, None).into_bytes(),
        ),
        (
            "tts.csv",
            crate::stress::tts_csv(&instance, &survival).into_bytes(),
        ),
    ];
    if !instance.bom.is_empty() {
        files.push((
            "links.csv",
            report::csv::links_csv(&instance, &evaluation).into_bytes(),
        ));
    }
    if let Some(samples) = args.sample {
        let spec = crate::montecarlo::MonteCarloSpec {
            samples: samples as usize,
            seed: args.seed,
            horizon_periods: args.horizon as usize,
            floor: args.floor.value(),
        };
        let result = match crate::montecarlo::simulate(&instance, &plan, &spec) {
            Ok(result) => result,
            Err(error) => {
                to_stderr!("error: {error}");
                return Ok(exit::BAD_INPUT);
            }
        };
        text.push('\n');
        text.push_str(&report::text::montecarlo_text(
            &instance,
            &result,
            args.floor.value(),
        ));
        files.push((
            "montecarlo.csv",
            crate::montecarlo::summary_csv(&result).into_bytes(),
        ));
        files.push((
            "montecarlo_products.csv",
            crate::montecarlo::products_csv(&instance, &result).into_bytes(),
        ));
        if let Some(hist) = &args.hist {
            let format =
                crate::sweep::plot::Format::from_path(hist).expect("checked by the parser");
            let chart = crate::montecarlo::histogram_chart(&result, args.floor.value(), format)
                .map_err(|e| anyhow::anyhow!("cannot draw the histogram: {e}"))?;
            crate::output::write_file(hist, &chart)?;
            to_stderr!("wrote {}", hist.display());
        }
    }
    if let Some(dir) = &args.out {
        crate::output::write_all(dir, &files)?;
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        to_stderr!("wrote {} to {}", names.join(", "), dir.display());
    }
    print_stdout(&text)?;
    Ok(exit::SOLVED)
}

pub fn chokepoints_command(args: &super::ChokepointsArgs) -> anyhow::Result<u8> {
    let instance = match args.instance.load() {
        Ok(instance) => instance,
        Err(code) => return Ok(code),
    };
    let settings = crate::solve::Settings {
        relative_gap: args.gap,
        ..Default::default()
    };
    let verdicts = crate::chokepoints::classify(&instance, args.floor, &settings)?;
    if let Some(out) = &args.out {
        let csv = crate::chokepoints::chokepoints_csv(&instance, &verdicts);
        crate::output::write_file(out, csv.as_bytes())?;
        to_stderr!("wrote {}", out.display());
    }
    print_stdout(&report::text::chokepoints_text(
        &instance,
        &verdicts,
        args.floor.value(),
    ))?;
    Ok(exit::SOLVED)
}

pub fn exposure_command(args: &super::ExposureArgs) -> anyhow::Result<u8> {
    let loaded = crate::input::load_with_bom(
        &args.options,
        crate::input::ScenarioSource::RegionalOutages {
            duration_periods: 1.0,
        },
        args.bom.as_deref(),
    );
    let instance = match loaded {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                to_stderr!("note: {warning}");
            }
            loaded.instance
        }
        Err(errors) => return Ok(super::input_failed(&errors)),
    };
    let rows = crate::exposure::exposures(&instance);
    if let Some(out) = &args.out {
        crate::output::write_file(
            out,
            crate::exposure::exposure_csv(&instance, &rows).as_bytes(),
        )?;
        to_stderr!("wrote {}", out.display());
    }
    print_stdout(&report::text::exposure_text(&instance, &rows))?;
    Ok(exit::SOLVED)
}
