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
//!
//! A plan that reads cleanly is then checked against the options file by the
//! plan's rules, the ones the evaluator checks ([`crate::plan::misfits`]: demand met, quantities within
//! capacity, modules and reserves within bounds, policy rules), and each
//! misfit is reported on the plan's row and column with how to fix it.

use std::collections::HashMap;

use super::error::{list, show, InputError};
use super::table::{keep, Cells, Table};
use crate::instance::{Instance, OptionId, ProductId};
use crate::plan::{misfits, Misfit, OptionDecision, Plan};

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
    // Each product's reserve and the cell it came from: (value, file, row).
    let mut reserves: Vec<Option<(f64, &str, u64)>> = vec![None; instance.products.len()];
    // The plan rows of each product, in file order.
    let mut product_rows: Vec<Vec<u64>> = vec![Vec::new(); instance.products.len()];
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
        product_rows[p.0].push(row.line);
        let modules = modules.unwrap_or(0);
        options[o.0] = OptionDecision {
            selected: selected.unwrap_or(quantity > 0.0 || modules > 0),
            quantity_per_period: quantity,
            modules,
        };
        if let Some(reserve) = reserve {
            match reserves[p.0] {
                Some((first, _, first_row)) if first != reserve => errors.push(cells.error(
                    "reserve",
                    format!(
                        "{reserve} disagrees with {first} on row {first_row} for product {}; \
                         the reserve is product-level: give the same value on every row",
                        show(&product)
                    ),
                )),
                Some(_) => {}
                None => reserves[p.0] = Some((reserve, &plan_table.file, row.line)),
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
                            reserves[p.0] = Some((reserve, &table.file, row.line));
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
    let plan = Plan {
        options,
        reserve_units: reserves
            .iter()
            .map(|r| r.map_or(0.0, |(v, _, _)| v))
            .collect(),
    };
    let places = Places {
        instance,
        plan: &plan,
        file: &plan_table.file,
        option_rows: &seen,
        product_rows: &product_rows,
        reserves: &reserves,
    };
    let mut errors: Vec<InputError> = misfits(instance, &plan)
        .iter()
        .map(|misfit| places.error(misfit))
        .collect();
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
        return Err(errors);
    }
    Ok(PlanInput { plan, warnings })
}

/// Where a read plan's decisions came from, to place the evaluator's
/// [`Misfit`]s on the plan file's rows and columns.
struct Places<'a> {
    instance: &'a Instance,
    plan: &'a Plan,
    /// The plan file.
    file: &'a str,
    /// The row of each option listed in the plan.
    option_rows: &'a HashMap<OptionId, u64>,
    /// The rows of each product, in file order.
    product_rows: &'a [Vec<u64>],
    /// Each product's reserve with the file and row it came from.
    reserves: &'a [Option<(f64, &'a str, u64)>],
}

impl Places<'_> {
    /// The misfit as an input error: file, row and column, and how to fix it.
    fn error(&self, misfit: &Misfit) -> InputError {
        let instance = self.instance;
        let name = |p: ProductId| show(&instance.product(p).name);
        // A product-level problem sits on the product's first row.
        let product_at =
            |p: ProductId, column: &str, message: String| match self.product_rows[p.0].first() {
                Some(&row) => InputError::at(self.file, row, Some(column.to_string()), message),
                None => InputError::file(self.file, message),
            };
        let reserve_at = |p: ProductId, message: String| match self.reserves[p.0] {
            Some((_, file, row)) => InputError::at(file, row, Some("reserve".to_string()), message),
            None => InputError::file(self.file, message),
        };
        let option_at = |o: OptionId, column: &str, message: String| {
            let option = instance.option(o);
            let message = format!(
                "product {}, supplier {}: {message}",
                name(option.product),
                show(&option.supplier)
            );
            match self.option_rows.get(&o) {
                Some(&row) => InputError::at(self.file, row, Some(column.to_string()), message),
                None => InputError::file(self.file, message),
            }
        };
        let rows = |p: ProductId| {
            let rows: Vec<String> = self.product_rows[p.0].iter().map(u64::to_string).collect();
            match rows.len() {
                1 => format!("row {}", rows[0]),
                _ => format!("rows {}", list(&rows, MAX_NAMED)),
            }
        };
        match misfit {
            Misfit::Shape { .. } => InputError::file(self.file, misfit.describe(instance)),
            &Misfit::Demand { product: p, bought } => {
                let product = instance.product(p);
                let need = amount(product.demand_per_period);
                let what = if product.demand_per_period == product.direct_demand_per_period {
                    "its demand".to_string()
                } else {
                    format!(
                        "its requirement: direct demand {} plus what its BOM parents need",
                        amount(product.direct_demand_per_period)
                    )
                };
                if self.product_rows[p.0].is_empty() {
                    let suppliers: Vec<String> = product
                        .options
                        .iter()
                        .map(|&o| instance.option(o).supplier.clone())
                        .collect();
                    InputError::file(
                        self.file,
                        format!(
                            "product {} has no rows, so the plan buys none of the {need} units per \
                             period it needs ({what}); add a row for each supplier it buys from \
                             (its suppliers are: {})",
                            name(p),
                            list(&suppliers, MAX_NAMED)
                        ),
                    )
                } else {
                    let bought = match self.product_rows[p.0].len() {
                        1 => format!("its quantity ({}) is {}", rows(p), amount(bought)),
                        _ => format!("its quantities ({}) add up to {}", rows(p), amount(bought)),
                    };
                    product_at(
                        p,
                        "quantity",
                        format!(
                            "product {}: {bought} units per period, but it needs {need} \
                             ({what}); make them add up to {need}",
                            name(p),
                        ),
                    )
                }
            }
            &Misfit::NegativeReserve { product: p, reserve } => reserve_at(
                p,
                format!("reserve {} of product {} is negative; write 0 or more", amount(reserve), name(p)),
            ),
            &Misfit::UnstockableReserve { product: p, reserve } => reserve_at(
                p,
                format!(
                    "product {} holds {} units in reserve but cannot be stockpiled (its \
                     holding_cost is blank in the options file); set the reserve to 0, or give \
                     the product a holding_cost",
                    name(p),
                    amount(reserve)
                ),
            ),
            &Misfit::ReserveAboveMax {
                product: p,
                reserve,
                max: 0.0,
            } => reserve_at(
                p,
                format!(
                    "product {} holds {} units in reserve but cannot be stockpiled (its \
                     max_reserve is 0 in the options file); set the reserve to 0, or raise \
                     its max_reserve",
                    name(p),
                    amount(reserve)
                ),
            ),
            &Misfit::ReserveAboveMax { product: p, reserve, max } => reserve_at(
                p,
                format!(
                    "reserve {} of product {} is above its max_reserve of {}; lower it to at most {}",
                    amount(reserve),
                    name(p),
                    amount(max),
                    amount(max)
                ),
            ),
            &Misfit::LocalShare { product: p, local, min } => {
                let d = instance.product(p).demand_per_period;
                product_at(
                    p,
                    "quantity",
                    format!(
                        "product {}: local suppliers supply {} of its {} units per period (share \
                         {}), below its min_local_share {}; buy at least {} units per period from \
                         local suppliers",
                        name(p),
                        amount(local * d),
                        amount(d),
                        amount(local),
                        amount(min),
                        amount(min * d)
                    ),
                )
            }
            Misfit::RegionShare { product: p, region, share, max } => {
                let p = *p;
                let d = instance.product(p).demand_per_period;
                let message = format!(
                    "product {}: region {} supplies {} of its {} units per period (share {}), \
                     above its max_region_share {}; buy at most {} units per period there",
                    name(p),
                    show(region),
                    amount(share * d),
                    amount(d),
                    amount(*share),
                    amount(*max),
                    amount(max * d)
                );
                // On the first row of that region's suppliers.
                let first = instance.product(p).options.iter().copied().find(|o| {
                    instance.option(*o).region == *region && self.option_rows.contains_key(o)
                });
                match first.and_then(|o| self.option_rows.get(&o)) {
                    Some(&row) => {
                        InputError::at(self.file, row, Some("quantity".to_string()), message)
                    }
                    None => product_at(p, "quantity", message),
                }
            }
            &Misfit::NegativeQuantity { option: o, quantity } => option_at(
                o,
                "quantity",
                format!("quantity {} is negative; write 0 or more", amount(quantity)),
            ),
            &Misfit::AboveCapacity { option: o, quantity, capacity } => {
                let decision = self.plan.option(o);
                if !decision.selected {
                    return option_at(
                        o,
                        "selected",
                        format!(
                            "is not selected (selected 0) but has quantity {}; an option buys \
                             only when selected: set selected to 1, or the quantity to 0",
                            amount(quantity)
                        ),
                    );
                }
                let option = instance.option(o);
                let modules = match option.module {
                    Some(spec) if decision.modules < spec.max_modules => format!(
                        ", or build more modules (each adds {} units per period, at most {})",
                        amount(spec.size_per_period),
                        spec.max_modules
                    ),
                    _ => String::new(),
                };
                let built = if decision.modules > 0 {
                    format!(
                        " (capacity {} and {} module(s) built)",
                        amount(option.capacity_per_period),
                        decision.modules
                    )
                } else {
                    String::new()
                };
                option_at(
                    o,
                    "quantity",
                    format!(
                        "buys {} units per period, above the {} it can supply{built}; lower the \
                         quantity to at most {}{modules}",
                        amount(quantity),
                        amount(capacity),
                        amount(capacity)
                    ),
                )
            }
            &Misfit::TooManyModules { option: o, modules, max } => option_at(
                o,
                "modules",
                if instance.option(o).module.is_none() {
                    format!(
                        "builds {modules} module(s), but the options file gives this option no \
                         modules (module_size, module_cost, max_modules); set modules to 0"
                    )
                } else {
                    format!("builds {modules} module(s), above its max_modules {max}; build at most {max}")
                },
            ),
            &Misfit::ModulesUnselected { option: o, modules } => option_at(
                o,
                "selected",
                format!(
                    "is not selected (selected 0) but builds {modules} module(s); modules can be \
                     built only on a selected option: set selected to 1, or modules to 0"
                ),
            ),
        }
    }
}

/// A quantity for a message: at most 9 significant digits, no exponent, no
/// trailing zeros (sums of typed quantities can carry float noise).
fn amount(x: f64) -> String {
    if !x.is_finite() || x.abs() < 1e-9 {
        return if x.is_finite() {
            "0".to_string()
        } else {
            x.to_string()
        };
    }
    let decimals = (8 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
