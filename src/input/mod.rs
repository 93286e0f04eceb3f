//! Reading and validating the input files into an [`Instance`]: the options
//! CSV and any number of scenarios CSVs (or the default regional outages).
//!
//! Owns every input error message; depends only on [`crate::instance`] and
//! [`crate::plan`] (whose [`crate::plan::misfits`], the rules the evaluator
//! checks every plan against, [`plan`] places on a plan file's rows), so the
//! fuzz targets compile the readers on their own.

pub mod bom;
pub mod chain;
pub mod error;
pub mod options;
pub mod plan;
pub mod scenarios;
pub mod table;

use std::path::Path;

pub use error::{InputError, InputErrors};
use table::Table;

use crate::instance::{Instance, Measure};

/// A validated instance and the notes (unknown columns, unmatched rows) to show the user.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub instance: Instance,
    pub warnings: Vec<String>,
    /// The options file, as errors name it.
    pub options_file: String,
    /// When every scenario's probability is 0: the file and row of the
    /// first scenario, for [`Loaded::check_requirement`] to name.
    pub zero_probabilities: Option<(String, u64)>,
}

impl Loaded {
    /// The input problems only the command's requirement reveals: the
    /// `expected` measure when every scenario's probability is 0 (it weighs
    /// scenarios by probability), and a weighted floor when every product
    /// has weight 0 (the floor then holds for any plan, models/core.md).
    /// `weighted_floor`: the command holds the plan to a floor above 0, or
    /// asks for the highest floor a budget buys.
    pub fn check_requirement(
        &self,
        measure: Measure,
        weighted_floor: bool,
    ) -> Result<(), InputErrors> {
        let mut errors = Vec::new();
        if let (Measure::Expected, Some((file, row))) = (measure, &self.zero_probabilities) {
            errors.push(InputError::at(
                file,
                *row,
                Some("probability".to_string()),
                "every scenario has probability 0, and the expected measure weighs scenarios \
                 by their probability; give at least one scenario a positive probability, leave \
                 the column blank for all (then they count as equally likely), or use \
                 --measure worst or each",
            ));
        }
        let instance = &self.instance;
        if weighted_floor && !instance.products.is_empty() && instance.total_weight() == 0.0 {
            errors.push(InputError {
                file: self.options_file.clone(),
                row: None,
                column: Some("weight".to_string()),
                message: format!(
                    "every product has weight 0, so no demand counts toward the {measure} \
                     floor and any plan would meet it; give the products that matter a weight \
                     above 0 (blank = 1), or ask for --floor 0"
                ),
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.into())
        }
    }
}

/// Where the scenarios come from.
#[derive(Debug, Clone, Copy)]
pub enum ScenarioSource<'a> {
    /// The CSV files given with `--scenarios`, in order.
    Files(&'a [std::path::PathBuf]),
    /// One outage per region, every option of the region losing everything
    /// for this many periods.
    RegionalOutages { duration_periods: f64 },
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path)
        .map_err(|e| InputError::file(&path.display().to_string(), format!("cannot be read: {e}")))
}

/// Reads a plan for `instance`: a directory written by `solve --out`
/// (plan.csv, and products.csv for the reserves) or a plan file.
///
/// A directory without products.csv is an error unless its plan.csv has a
/// `reserve` column: taking every reserve as 0 would change the fills of a
/// plan that stockpiles without saying so.
pub fn load_plan(path: &Path, instance: &Instance) -> Result<plan::PlanInput, InputErrors> {
    let (plan_path, products_path) = if path.is_dir() {
        (path.join("plan.csv"), Some(path.join("products.csv")))
    } else {
        (path.to_path_buf(), None)
    };
    let plan_bytes = read_file(&plan_path)?;
    let plan_table = Table::parse_lenient(&plan_path.display().to_string(), &plan_bytes)?;
    let products_path = match products_path {
        Some(products) if !products.exists() => {
            if plan_table.column("reserve").is_none() {
                return Err(InputError::file(
                    &products.display().to_string(),
                    format!(
                        "not found; a plan directory keeps each product's reserve there \
                         (solve --out writes it beside plan.csv), and without it every \
                         reserve would be taken as 0. Copy products.csv back into {}, or \
                         give --plan {} to evaluate the plan with no reserves",
                        path.display(),
                        plan_path.display()
                    ),
                )
                .into());
            }
            None
        }
        other => other,
    };
    let products_table = match &products_path {
        Some(p) => Some(Table::parse_lenient(
            &p.display().to_string(),
            &read_file(p)?,
        )?),
        None => None,
    };
    Ok(plan::read_plan(
        instance,
        &plan_table,
        products_table.as_ref(),
    )?)
}

/// Reads the options file and the scenarios into a validated instance.
pub fn load(options_path: &Path, scenarios: ScenarioSource) -> Result<Loaded, InputErrors> {
    load_with_bom(options_path, scenarios, None)
}

/// Like [`load`], with an optional bill of materials.
pub fn load_with_bom(
    options_path: &Path,
    scenarios: ScenarioSource,
    bom_path: Option<&Path>,
) -> Result<Loaded, InputErrors> {
    let options_bytes = read_file(options_path)?;
    let bom = match bom_path {
        Some(path) => Some((path.display().to_string(), read_file(path)?)),
        None => None,
    };
    let scenario_files = match scenarios {
        ScenarioSource::Files(paths) => paths
            .iter()
            .map(|p| Ok((p.display().to_string(), read_file(p)?)))
            .collect::<Result<Vec<_>, InputError>>()?,
        ScenarioSource::RegionalOutages { .. } => Vec::new(),
    };
    let default_duration = match scenarios {
        ScenarioSource::RegionalOutages { duration_periods } => Some(duration_periods),
        ScenarioSource::Files(_) => None,
    };
    parse_with_bom(
        (&options_path.display().to_string(), &options_bytes),
        &scenario_files,
        default_duration,
        bom.as_ref()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
    )
}

/// Builds an instance from file contents: `(name, bytes)` of the options file
/// and of each scenarios file. With no scenarios files, `default_duration`
/// gives the regional outages' duration.
pub fn parse(
    options_file: (&str, &[u8]),
    scenario_files: &[(String, Vec<u8>)],
    default_duration: Option<f64>,
) -> Result<Loaded, InputErrors> {
    parse_with_bom(options_file, scenario_files, default_duration, None)
}

/// Like [`parse`], with an optional bill of materials `(name, bytes)`.
pub fn parse_with_bom(
    options_file: (&str, &[u8]),
    scenario_files: &[(String, Vec<u8>)],
    default_duration: Option<f64>,
    bom_file: Option<(&str, &[u8])>,
) -> Result<Loaded, InputErrors> {
    let table = Table::parse_lenient(options_file.0, options_file.1)?;
    let options = options::read_options(&table)?;
    let bom = match bom_file {
        Some((name, bytes)) => Some(bom::read_bom(&Table::parse(name, bytes)?)?),
        None => None,
    };
    let mut warnings = options.warnings.clone();
    if let Some(bom) = &bom {
        warnings.extend(bom.warnings.iter().cloned());
    }
    let chain = chain::assemble(&table.file, options, bom.as_ref())?;
    let options = chain.options;

    let mut all_scenarios = Vec::new();
    // (file, first row) of every scenario, to name both places on a clash.
    let mut origins: Vec<(String, u64)> = Vec::new();
    let mut errors = Vec::new();
    for (name, bytes) in scenario_files {
        let read = Table::parse_lenient(name, bytes).and_then(|table| {
            scenarios::read_scenarios(&table, &options.products, &options.options)
        });
        match read {
            Err(e) => errors.extend(e),
            Ok(input) => {
                warnings.extend(input.warnings);
                for (scenario, row) in input.scenarios.into_iter().zip(input.first_rows) {
                    if let Some(i) = all_scenarios
                        .iter()
                        .position(|s: &crate::instance::Scenario| s.name == scenario.name)
                    {
                        errors.push(InputError::at(
                            name,
                            row,
                            Some("scenario".to_string()),
                            format!(
                                "scenario {:?} is also defined in {} (row {}); rename one of them",
                                scenario.name, origins[i].0, origins[i].1
                            ),
                        ));
                        continue;
                    }
                    origins.push((name.clone(), row));
                    all_scenarios.push(scenario);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if scenario_files.is_empty() {
        let duration = default_duration.unwrap_or(3.0);
        all_scenarios = crate::instance::Instance::regional_outages(&options.options, duration);
    }

    let with_probability: Vec<usize> = (0..all_scenarios.len())
        .filter(|&i| all_scenarios[i].probability.is_some())
        .collect();
    if !with_probability.is_empty() && with_probability.len() < all_scenarios.len() {
        let with = with_probability[0];
        let without = (0..all_scenarios.len())
            .find(|i| !with_probability.contains(i))
            .expect("some scenario lacks a probability");
        return Err(InputError::at(
            &origins[without].0,
            origins[without].1,
            Some("probability".to_string()),
            format!(
                "scenario {:?} has no probability but {:?} ({} row {}) has one; \
                 give every scenario a probability, or none (then all count as equally likely)",
                all_scenarios[without].name,
                all_scenarios[with].name,
                origins[with].0,
                origins[with].1
            ),
        )
        .into());
    }
    // Only the `expected` measure weighs scenarios by probability: all 0 is
    // an error for it alone (Loaded::check_requirement).
    let zero_probabilities = (with_probability.len() == all_scenarios.len()
        && !all_scenarios.is_empty()
        && all_scenarios.iter().all(|s| s.probability == Some(0.0)))
    .then(|| origins[0].clone());

    Ok(Loaded {
        instance: Instance {
            products: options.products,
            options: options.options,
            scenarios: all_scenarios,
            bom: chain.bom,
        },
        warnings,
        options_file: options_file.0.to_string(),
        zero_probabilities,
    })
}
