//! Reading a plan back: the plan.csv (and products.csv) that `solve --out`
//! writes, or a file a user fills in for today's sourcing.
//!
//! plan.csv: one row per option with `product`, `supplier`, `quantity`
//! (units per period) and optionally `selected` (0/1, true/false; default:
//! quantity > 0 or modules > 0), `modules` (default 0) and `reserve`
//! (product-level reserve units, equal on every row of a product). Other
//! columns of solve's plan.csv (region, local, share, capacity) are ignored.
//! products.csv, when given, supplies each product's `reserve`.
//! Options missing from the plan are taken as not selected (with a note).

use std::collections::HashMap;

use super::error::{list, show, InputError};
use super::table::{keep, Cells, Table};
use crate::instance::{Instance, OptionId, ProductId};
use crate::plan::{OptionDecision, Plan};

const REQUIRED: &[&str] = &["product", "supplier", "quantity"];
const KNOWN: &[&str] = &[
    "product", "supplier", "quantity", "selected", "modules", "reserve", "region", "local",
    "share", "capacity",
];

/// A plan read from files, with notes for stderr.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub plan: Plan,
    pub warnings: Vec<String>,
}

/// Products named in a message at most.
const MAX_NAMED: usize = 20;

fn unknown_product(instance: &Instance, cells: &Cells, product: &str) -> InputError {
    let names: Vec<String> = instance.products.iter().map(|p| p.name.clone()).collect();
    cells.error(
        "product",
        format!(
            "product {} is not in the options file; its products are: {}",
            show(product),
            list(&names, MAX_NAMED)
        ),
    )
}

/// Reads a plan for `instance` from a plan table and, optionally, a products
/// table with reserves. Every problem is returned at once: the tables' own
/// (see [`Table::problems`]) and those of every row.
pub fn read_plan(
    instance: &Instance,
    plan_table: &Table,
    products_table: Option<&Table>,
) -> Result<PlanInput, Vec<InputError>> {
    let mut errors = plan_table.problems.clone();
    if let Some(table) = products_table {
        errors.extend(table.problems.iter().cloned());
    }
    let missing = plan_table.require(REQUIRED);
    if !missing.is_empty() {
        errors.extend(missing);
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    let mut warnings = Vec::new();
    warnings.extend(plan_table.unknown_note(KNOWN));
    if plan_table.rows.is_empty() && errors.is_empty() {
        return Err(vec![InputError::file(
            &plan_table.file,
            "has a header but no plan rows; add a row (product, supplier, quantity) for each \
             option the plan buys from",
        )]);
    }

    let product_ids: HashMap<&str, ProductId> = instance
        .product_ids()
        .map(|p| (instance.product(p).name.as_str(), p))
        .collect();
    let option_ids: HashMap<(ProductId, &str), OptionId> = instance
        .option_ids()
        .map(|o| {
            let option = instance.option(o);
            ((option.product, option.supplier.as_str()), o)
        })
        .collect();

    let mut options = vec![OptionDecision::default(); instance.options.len()];
    let mut seen: HashMap<OptionId, u64> = HashMap::new();
    let mut reserves: Vec<Option<(f64, u64)>> = vec![None; instance.products.len()];
    for row in &plan_table.rows {
        let cells = Cells::new(plan_table, row);
        let mut row_errors = Vec::new();
        let product = keep(cells.id("product"), &mut row_errors);
        let supplier = keep(cells.id("supplier"), &mut row_errors);
        let quantity = keep(cells.required("quantity", 0.0, false), &mut row_errors);
        let modules = keep(cells.count("modules"), &mut row_errors);
        let reserve = keep(cells.optional("reserve", 0.0, false), &mut row_errors);
        let selected = if cells.text("selected").is_empty() {
            None
        } else {
            keep(cells.flag("selected"), &mut row_errors)
        };
        let (Some(product), Some(supplier), Some(quantity), Some(modules), Some(reserve)) =
            (product, supplier, quantity, modules, reserve)
        else {
            errors.extend(row_errors);
            continue;
        };
        errors.extend(row_errors);
        let Some(&p) = product_ids.get(product.as_str()) else {
            errors.push(unknown_product(instance, &cells, &product));
            continue;
        };
        let Some(&o) = option_ids.get(&(p, supplier.as_str())) else {
            let suppliers: Vec<String> = instance
                .product(p)
                .options
                .iter()
                .map(|&o| instance.option(o).supplier.clone())
                .collect();
            let known = if suppliers.is_empty() {
                "it has none (it is assembled in-house: leave it out of the plan)".to_string()
            } else {
                format!("its suppliers are: {}", list(&suppliers, MAX_NAMED))
            };
            errors.push(cells.error(
                "supplier",
                format!(
                    "supplier {} is not an option of product {} in the options file; {known}",
                    show(&supplier),
                    show(&product),
                ),
            ));
            continue;
        };
        if let Some(first) = seen.insert(o, row.line) {
            errors.push(cells.error(
                "supplier",
                format!(
                    "product {}, supplier {} appears twice (rows {first} and {}); keep one row \
                     per option",
                    show(&product),
                    show(&supplier),
                    row.line
                ),
            ));
            continue;
        }
        let modules = modules.unwrap_or(0);
        options[o.0] = OptionDecision {
            selected: selected.unwrap_or(quantity > 0.0 || modules > 0),
            quantity_per_period: quantity,
            modules,
        };
        if let Some(reserve) = reserve {
            match reserves[p.0] {
                Some((first, first_row)) if first != reserve => errors.push(cells.error(
                    "reserve",
                    format!(
                        "{reserve} disagrees with {first} on row {first_row} for product {}; \
                         the reserve is product-level: give the same value on every row",
                        show(&product)
                    ),
                )),
                Some(_) => {}
                None => reserves[p.0] = Some((reserve, row.line)),
            }
        }
    }

    if let Some(table) = products_table {
        let missing = table.require(&["product", "reserve"]);
        if !missing.is_empty() {
            errors.extend(missing);
        } else {
            for row in &table.rows {
                let cells = Cells::new(table, row);
                let (Some(product), Some(reserve)) = (
                    keep(cells.id("product"), &mut errors),
                    keep(cells.optional("reserve", 0.0, false), &mut errors),
                ) else {
                    continue;
                };
                match product_ids.get(product.as_str()) {
                    None => errors.push(unknown_product(instance, &cells, &product)),
                    Some(&p) => {
                        if let Some(reserve) = reserve {
                            reserves[p.0] = Some((reserve, row.line));
                        }
                    }
                }
            }
        }
    }

    let missing_options = instance.options.len() - seen.len();
    if missing_options > 0 && errors.is_empty() {
        warnings.push(format!(
            "{}: {missing_options} option(s) of the options file are not in the plan; taken as not selected",
            plan_table.file
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    Ok(PlanInput {
        plan: Plan {
            options,
            reserve_units: reserves.iter().map(|r| r.map_or(0.0, |(v, _)| v)).collect(),
        },
        warnings,
    })
}
