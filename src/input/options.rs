//! The options CSV: one row per way to source a product. Product-level
//! columns repeat on every row of a product and must agree.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::error::{show, InputError};
use super::table::{keep, keep_all, Cells, Column, Row, Table, MAX_NUMBER};
use crate::instance::{
    Floor, ModuleSpec, OptionId, Product, ProductId, ProductPolicy, SourcingOption,
};

pub const REQUIRED: &[&str] = &[
    "product",
    "supplier",
    "region",
    "demand",
    "unit_cost",
    "capacity",
];
pub const OPTIONAL: &[&str] = &[
    "fixed_cost",
    "weight",
    "holding_cost",
    "max_reserve",
    "floor",
    "local",
    "module_size",
    "module_cost",
    "max_modules",
    "min_local_share",
    "max_region_share",
];
const MODULE_COLUMNS: [&str; 3] = ["module_size", "module_cost", "max_modules"];

/// The options table's columns, looked up once for all its rows.
struct OptionColumns {
    product: Column,
    supplier: Column,
    region: Column,
    demand: Column,
    unit_cost: Column,
    capacity: Column,
    fixed_cost: Column,
    weight: Column,
    holding_cost: Column,
    max_reserve: Column,
    floor: Column,
    local: Column,
    module_size: Column,
    module_cost: Column,
    max_modules: Column,
    min_local_share: Column,
    max_region_share: Column,
}

impl OptionColumns {
    fn of(table: &Table) -> OptionColumns {
        OptionColumns {
            product: table.resolve("product"),
            supplier: table.resolve("supplier"),
            region: table.resolve("region"),
            demand: table.resolve("demand"),
            unit_cost: table.resolve("unit_cost"),
            capacity: table.resolve("capacity"),
            fixed_cost: table.resolve("fixed_cost"),
            weight: table.resolve("weight"),
            holding_cost: table.resolve("holding_cost"),
            max_reserve: table.resolve("max_reserve"),
            floor: table.resolve("floor"),
            local: table.resolve("local"),
            module_size: table.resolve("module_size"),
            module_cost: table.resolve("module_cost"),
            max_modules: table.resolve("max_modules"),
            min_local_share: table.resolve("min_local_share"),
            max_region_share: table.resolve("max_region_share"),
        }
    }
}

/// Products and options read from one options table, plus notes for stderr.
#[derive(Debug, Clone)]
pub struct OptionsInput {
    pub products: Vec<Product>,
    pub options: Vec<SourcingOption>,
    pub warnings: Vec<String>,
    /// The spreadsheet row where each product first appears.
    pub product_rows: Vec<u64>,
    /// Whether each product's weight was given (blank: the default applies).
    pub weight_given: Vec<bool>,
}

/// The product-level values of one row, compared across a product's rows.
#[derive(Debug, Clone, PartialEq)]
struct ProductFields {
    demand: f64,
    weight: f64,
    holding_cost: Option<f64>,
    max_reserve: Option<f64>,
    floor: Option<f64>,
    min_local_share: Option<f64>,
    max_region_share: Option<f64>,
    weight_given: bool,
}

impl ProductFields {
    fn read(cells: &Cells, columns: &OptionColumns) -> Result<ProductFields, Vec<InputError>> {
        let mut errors = Vec::new();
        // Demand may be 0 here: with a BOM a product can be only an input.
        // Every product must end up with a positive requirement (input::parse checks).
        let demand = keep(cells.required(columns.demand, 0.0, false), &mut errors);
        let weight = keep(cells.optional(columns.weight, 0.0, false), &mut errors);
        let holding_cost = keep(
            cells.optional(columns.holding_cost, 0.0, false),
            &mut errors,
        );
        let max_reserve = keep(cells.optional(columns.max_reserve, 0.0, false), &mut errors);
        let floor = keep(cells.share(columns.floor), &mut errors);
        let min_local_share = keep(cells.share(columns.min_local_share), &mut errors);
        let max_region_share = keep(cells.share(columns.max_region_share), &mut errors);
        match (
            demand,
            weight,
            holding_cost,
            max_reserve,
            floor,
            min_local_share,
            max_region_share,
        ) {
            (
                Some(demand),
                Some(weight),
                Some(holding_cost),
                Some(max_reserve),
                Some(floor),
                Some(min_local_share),
                Some(max_region_share),
            ) => Ok(ProductFields {
                demand,
                weight: weight.unwrap_or(1.0),
                weight_given: weight.is_some(),
                holding_cost,
                max_reserve,
                floor,
                min_local_share,
                max_region_share,
            }),
            _ => Err(errors),
        }
    }

    /// The first column whose value differs from `other`, with both values as text.
    fn first_difference(&self, other: &ProductFields) -> Option<(&'static str, String, String)> {
        fn show(value: Option<f64>) -> String {
            value.map_or_else(|| "blank".to_string(), |v| v.to_string())
        }
        let pairs = [
            ("demand", Some(self.demand), Some(other.demand)),
            ("weight", Some(self.weight), Some(other.weight)),
            ("holding_cost", self.holding_cost, other.holding_cost),
            ("max_reserve", self.max_reserve, other.max_reserve),
            ("floor", self.floor, other.floor),
            (
                "min_local_share",
                self.min_local_share,
                other.min_local_share,
            ),
            (
                "max_region_share",
                self.max_region_share,
                other.max_region_share,
            ),
        ];
        pairs
            .into_iter()
            .find(|(_, a, b)| a != b)
            .map(|(column, a, b)| (column, show(a), show(b)))
    }
}

fn read_module(
    cells: &Cells,
    columns: &OptionColumns,
) -> Result<Option<ModuleSpec>, Vec<InputError>> {
    let mut errors = Vec::new();
    let size = keep(cells.optional(columns.module_size, 0.0, true), &mut errors);
    let cost = keep(cells.optional(columns.module_cost, 0.0, false), &mut errors);
    let max = keep(cells.count(columns.max_modules), &mut errors);
    let (Some(size), Some(cost), Some(max)) = (size, cost, max) else {
        return Err(errors);
    };
    match (size, cost, max) {
        (None, None, None) => Ok(None),
        (Some(size), Some(cost), Some(max)) => Ok(Some(ModuleSpec {
            size_per_period: size,
            cost_per_period: cost,
            max_modules: max,
        })),
        given => {
            let filled = [given.0.is_some(), given.1.is_some(), given.2.is_some()];
            let missing = MODULE_COLUMNS
                .iter()
                .zip(filled)
                .find(|(_, filled)| !filled)
                .map(|(column, _)| *column)
                .expect("some but not all three are filled");
            Err(vec![cells.error(
                missing,
                "is empty while other module columns are filled; a localization build needs \
                 module_size, module_cost and max_modules together (or all three blank)",
            )])
        }
    }
}

/// Values derived from one row that the model holds as coefficients: each
/// must stay in the solver's range like every cell. Capacity and module size
/// are at most 1e12 times the product's demand, and a cost per period
/// (demand × unit_cost, demand × holding_cost) is below [`MAX_NUMBER`].
/// Checked against the demand given here; a product with demand 0 (an input
/// of a BOM) is checked once its requirement is known.
fn model_range(
    cells: &Cells,
    fields: &ProductFields,
    capacity: f64,
    unit_cost: f64,
    module: Option<ModuleSpec>,
) -> Vec<InputError> {
    const MAX_MULTIPLE: f64 = 1e12;
    let demand = fields.demand;
    let mut errors = Vec::new();
    if demand <= 0.0 {
        return errors;
    }
    let mut multiple = |column: &str, value: f64| {
        if value / demand > MAX_MULTIPLE {
            errors.push(cells.error(
                column,
                format!(
                    "{value} is more than 1e12 times the product's demand ({demand}); check \
                     the units (demand and {column} are both units per period), or write a \
                     smaller value: anything far above the demand acts as unlimited"
                ),
            ));
        }
    };
    multiple("capacity", capacity);
    if let Some(module) = module {
        multiple("module_size", module.size_per_period);
    }
    let mut per_period = |column: &str, unit: f64| {
        let cost = unit * demand;
        if cost >= MAX_NUMBER {
            errors.push(cells.error(
                column,
                format!(
                    "{column} × demand = {cost:e} per period; costs per period must stay \
                     below 1e15: use a larger currency unit (e.g. thousands) or a larger \
                     quantity unit"
                ),
            ));
        }
    };
    per_period("unit_cost", unit_cost);
    if let Some(holding) = fields.holding_cost {
        per_period("holding_cost", holding);
    }
    errors
}

/// Tables of at least this many rows have their rows read in parallel (on 2
/// cores, medians of 20 fresh processes: 30,000 rows 15.6 → 11.9 ms, 10,000
/// rows 5.5 → 3.9 ms, 2,400 rows 1.5 ms either way).
const PARALLEL_ROWS: usize = 2_000;

/// Rows read at a time; a block is joined while the next one is read (two
/// buffers of about 280 KB). Cold parse, medians of 50 fresh processes on 2
/// cores, against blocks of 4,096 read then joined in turn: L (10,000 rows)
/// 9.2 → 8.2 ms, XL (30,000 rows) 29.4 → 26.6 ms; blocks of 4,096 joined
/// while the next is read gave 9.7 and 27.1 ms.
const BLOCK_ROWS: usize = 1_024;

/// One row's values, each checked on its own.
struct RowValues<'a> {
    /// As written in the table.
    product: &'a str,
    supplier: String,
    region: String,
    fields: ProductFields,
    module: Option<ModuleSpec>,
    unit_cost: f64,
    capacity: f64,
    fixed_cost: Option<f64>,
    local: bool,
    /// Coefficients out of the solver's range ([`model_range`]).
    range_errors: Vec<InputError>,
}

/// Option rows joined into products, in row order.
#[derive(Default)]
struct Joined<'t> {
    products: Vec<Product>,
    /// Each product's first row and its product-level values.
    first_rows: Vec<(u64, ProductFields)>,
    product_index: HashMap<&'t str, ProductId>,
    /// The last row's product: a product's rows usually follow one another.
    last: Option<(&'t str, ProductId)>,
    options: Vec<SourcingOption>,
    /// The spreadsheet row of each option.
    option_rows: Vec<u64>,
}

impl<'t> Joined<'t> {
    /// Joins `row`, read as `values`, to its product; its problems go to `errors`.
    fn add(
        &mut self,
        table: &'t Table,
        row: &Row,
        values: Result<RowValues<'t>, Vec<InputError>>,
        errors: &mut Vec<InputError>,
    ) {
        let cells = Cells::new(table, row);
        let values = match values {
            Ok(values) => values,
            Err(row_errors) => {
                errors.extend(row_errors);
                return;
            }
        };
        errors.extend(values.range_errors);
        let (product, fields) = (values.product, values.fields);

        // A product's rows usually follow one another: no lookup then.
        let known = match self.last {
            Some((name, id)) if name == product => Some(id),
            _ => self.product_index.get(product).copied(),
        };
        let product_id = match known {
            Some(id) => {
                let (first_row, first) = &self.first_rows[id.0];
                if let Some((column, here, there)) = fields.first_difference(first) {
                    errors.push(cells.error(
                        column,
                        format!(
                            "{here} disagrees with {there} on row {first_row} for product {}; \
                             product-level values must be the same on every row of a product",
                            show(product)
                        ),
                    ));
                }
                id
            }
            None => {
                let id = ProductId(self.products.len());
                self.product_index.insert(product, id);
                self.products.push(Product {
                    name: product.to_string(),
                    demand_per_period: fields.demand,
                    direct_demand_per_period: fields.demand,
                    weight: fields.weight,
                    holding_cost_per_unit: fields.holding_cost,
                    max_reserve_units: fields.max_reserve,
                    floor: fields.floor.and_then(Floor::new),
                    policy: ProductPolicy {
                        min_local_share: fields.min_local_share,
                        max_region_share: fields.max_region_share,
                    },
                    options: Vec::new(),
                });
                self.first_rows.push((row.line, fields));
                id
            }
        };
        self.last = Some((product, product_id));
        self.option_rows.push(row.line);
        let option_id = OptionId(self.options.len());
        self.products[product_id.0].options.push(option_id);
        self.options.push(SourcingOption {
            product: product_id,
            supplier: values.supplier,
            region: values.region,
            local: values.local,
            unit_cost: values.unit_cost,
            capacity_per_period: values.capacity,
            fixed_cost_per_period: values.fixed_cost.unwrap_or(0.0),
            module: values.module,
        });
    }
}

/// Reads the rows of `block` into `into`, in order (in parallel when asked).
fn read_block<'a>(
    table: &'a Table,
    columns: &OptionColumns,
    block: &'a [Row],
    parallel: bool,
    into: &mut Vec<Result<RowValues<'a>, Vec<InputError>>>,
) {
    let read = |row| read_row(table, columns, row);
    if parallel {
        block.par_iter().map(read).collect_into_vec(into);
    } else {
        into.clear();
        into.extend(block.iter().map(read));
    }
}

/// Reads one row's cells: its values, or every problem with them.
fn read_row<'a>(
    table: &'a Table,
    columns: &OptionColumns,
    row: &'a Row,
) -> Result<RowValues<'a>, Vec<InputError>> {
    let cells = &Cells::new(table, row);
    let mut row_errors = Vec::new();
    let product = keep(cells.id_text(columns.product), &mut row_errors);
    let supplier = keep(cells.id(columns.supplier), &mut row_errors);
    let region = keep(cells.id(columns.region), &mut row_errors);
    let fields = keep_all(ProductFields::read(cells, columns), &mut row_errors);
    let module = keep_all(read_module(cells, columns), &mut row_errors);
    let unit_cost = keep(
        cells.required(columns.unit_cost, 0.0, false),
        &mut row_errors,
    );
    let capacity = keep(
        cells.required(columns.capacity, 0.0, false),
        &mut row_errors,
    );
    let fixed_cost = keep(
        cells.optional(columns.fixed_cost, 0.0, false),
        &mut row_errors,
    );
    let local = keep(cells.flag(columns.local), &mut row_errors);
    let (
        Some(product),
        Some(supplier),
        Some(region),
        Some(fields),
        Some(module),
        Some(unit_cost),
        Some(capacity),
        Some(fixed_cost),
        Some(local),
    ) = (
        product, supplier, region, fields, module, unit_cost, capacity, fixed_cost, local,
    )
    else {
        return Err(row_errors);
    };
    let range_errors = model_range(cells, &fields, capacity, unit_cost, module);
    Ok(RowValues {
        product,
        supplier,
        region,
        fields,
        module,
        unit_cost,
        capacity,
        fixed_cost,
        local,
        range_errors,
    })
}

/// Reads and validates the options table.
///
/// Every problem is returned at once: the table's own (see
/// [`Table::problems`]) and those of every row.
pub fn read_options(table: &Table) -> Result<OptionsInput, Vec<InputError>> {
    let mut errors = table.problems.clone();
    let missing = table.require(REQUIRED);
    if !missing.is_empty() {
        errors.extend(missing);
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    let mut warnings = Vec::new();
    let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL).copied().collect();
    warnings.extend(table.unknown_note(&known));
    if table.rows.is_empty() {
        if errors.is_empty() {
            errors.push(InputError::file(
                &table.file,
                "has a header but no option rows; add one row per way to source a product",
            ));
        }
        return Err(errors);
    }

    let rows = table.rows.len();
    let mut joined = Joined {
        options: Vec::with_capacity(rows),
        option_rows: Vec::with_capacity(rows),
        ..Joined::default()
    };
    let columns = &OptionColumns::of(table);

    // Each row's cells are read on their own, large tables in parallel, a
    // block of rows at a time; the rows are then joined into products in
    // order, one block while the next is read (two buffers take turns).
    let parallel = rows >= PARALLEL_ROWS;
    let blocks: Vec<&[Row]> = table.rows.chunks(BLOCK_ROWS).collect();
    let mut current = Vec::new();
    let mut next = Vec::new();
    read_block(table, columns, blocks[0], parallel, &mut current);
    for (b, &block) in blocks.iter().enumerate() {
        // This block's values, read before (the first block) or beside the
        // previous join.
        let ready = &mut current;
        let mut join_block = || {
            for (row, values) in block.iter().zip(ready.drain(..)) {
                joined.add(table, row, values, &mut errors);
            }
        };
        match blocks.get(b + 1) {
            Some(&following) if parallel => {
                rayon::join(
                    || read_block(table, columns, following, parallel, &mut next),
                    join_block,
                );
            }
            Some(&following) => {
                join_block();
                read_block(table, columns, following, parallel, &mut next);
            }
            None => join_block(),
        }
        std::mem::swap(&mut current, &mut next);
    }

    let Joined {
        products,
        first_rows,
        options,
        option_rows,
        ..
    } = joined;
    // A supplier listed twice for a product: each repeat names the row before.
    let mut listed: Vec<(&str, u64)> = Vec::new();
    for product in products.iter().filter(|p| p.options.len() > 1) {
        listed.clear();
        listed.extend(
            product
                .options
                .iter()
                .map(|o| (options[o.0].supplier.as_str(), option_rows[o.0])),
        );
        listed.sort_unstable();
        for pair in listed.windows(2) {
            let ((supplier, before), (repeat, row)) = (pair[0], pair[1]);
            if supplier == repeat {
                errors.push(InputError::at(
                    &table.file,
                    row,
                    Some("supplier".to_string()),
                    format!(
                        "supplier {} appears twice for product {} (rows {before} and {row}); \
                         give each site its own supplier id",
                        show(supplier),
                        show(&product.name)
                    ),
                ));
            }
        }
    }

    if errors.is_empty() {
        Ok(OptionsInput {
            product_rows: first_rows.iter().map(|(row, _)| *row).collect(),
            weight_given: first_rows.iter().map(|(_, f)| f.weight_given).collect(),
            products,
            options,
            warnings,
        })
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,max_reserve,floor,local,module_size,module_cost,max_modules\n";

    fn read(body: &str) -> Result<OptionsInput, Vec<InputError>> {
        let text = format!("{HEADER}{body}");
        let table = Table::parse("opts.csv", text.as_bytes())?;
        read_options(&table)
    }

    /// Tables of [`PARALLEL_ROWS`] rows or more are read in parallel: the
    /// products and options keep the file's order, and every problem is
    /// named at its row, in row order.
    #[test]
    fn large_tables_keep_their_order_and_every_problem() {
        // In parallel, and in more than one block (each joined while the
        // next is read).
        let rows = PARALLEL_ROWS.max(BLOCK_ROWS) + 500;
        assert!(rows > 2 * BLOCK_ROWS, "three blocks or more");
        let line = |i: usize, supplier: usize, unit_cost: &str, capacity: &str| {
            format!(
                "p{:05},s{supplier},R{},100,{unit_cost},{capacity},1,1,,,,false,,,\n",
                i / 3,
                i % 5
            )
        };
        let good = |i: usize| line(i, i % 3, "2.5", "50");
        let body: String = (0..rows).map(good).collect();
        let input = read(&body).unwrap();
        assert_eq!(input.options.len(), rows);
        assert_eq!(input.products.len(), rows.div_ceil(3));
        for (i, product) in input.products.iter().enumerate() {
            assert_eq!(product.name, format!("p{i:05}"));
        }
        for (i, option) in input.options.iter().enumerate() {
            assert_eq!(option.product, ProductId(i / 3));
            assert_eq!(option.supplier, format!("s{}", i % 3));
        }

        let mut lines: Vec<String> = (0..rows).map(good).collect();
        lines[10] = line(10, 10 % 3, "abc", "50");
        lines[1700] = line(1700, 1699 % 3, "2.5", "50"); // 1699's supplier again
        lines[2400] = line(2400, 2400 % 3, "2.5", "-5");
        // The first row of the second block repeats the last one's supplier.
        lines[BLOCK_ROWS] = line(BLOCK_ROWS, (BLOCK_ROWS - 1) % 3, "2.5", "50");
        let errors = read(&lines.concat()).unwrap_err();
        let named: Vec<(Option<u64>, Option<&str>)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect();
        let mut expected = vec![
            (Some(12), Some("unit_cost")),
            (Some(1702), Some("supplier")),
            (Some(2402), Some("capacity")),
            (Some(BLOCK_ROWS as u64 + 2), Some("supplier")),
        ];
        expected.sort();
        assert_eq!(named, expected, "{errors:?}");
    }

    fn only_error(body: &str) -> InputError {
        let errors = read(body).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn reads_products_options_and_defaults() {
        let input = read(
            "wafer,a,JP,100,2,80,5,,0.1,,,false,,,\n\
             wafer,b,HOME,100,3,0,1,,0.1,,,true,10,4,3\n\
             gas,c,UA,10,1,20,,2,,50,0.8,,,,\n",
        )
        .unwrap();
        assert_eq!(input.products.len(), 2);
        let wafer = &input.products[0];
        assert_eq!(wafer.weight, 1.0);
        assert_eq!(wafer.options, vec![OptionId(0), OptionId(1)]);
        assert_eq!(input.options[1].module.unwrap().max_modules, 3);
        assert!(input.options[1].local);
        let gas = &input.products[1];
        assert!(!gas.can_stockpile());
        assert_eq!(gas.floor.unwrap().value(), 0.8);
        assert_eq!(gas.max_reserve_units, Some(50.0));
        assert_eq!(input.options[2].fixed_cost_per_period, 0.0);
    }

    #[test]
    fn missing_required_column_is_named() {
        let table = Table::parse(
            "o.csv",
            b"product,supplier,region,demand,unit_cost\nx,a,JP,1,1\n",
        )
        .unwrap();
        let errors = read_options(&table).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("capacity"));
        assert_eq!(errors[0].row, Some(1));
    }

    #[test]
    fn unknown_columns_are_noted() {
        let table = Table::parse(
            "o.csv",
            b"product,supplier,region,demand,unit_cost,capacity,comment\nx,a,JP,1,1,2,hi\n",
        )
        .unwrap();
        let input = read_options(&table).unwrap();
        assert_eq!(input.warnings.len(), 1);
        assert!(input.warnings[0].contains("comment"));
    }

    #[test]
    fn bad_numbers_name_row_and_column() {
        let e = only_error("x,a,JP,100,12;5,200,,,,,,,,,\n");
        assert_eq!((e.row, e.column.as_deref()), (Some(2), Some("unit_cost")));
        let e = only_error("x,a,JP,-1,1,200,,,,,,,,,\n");
        assert_eq!(e.column.as_deref(), Some("demand"));
        assert!(e.message.contains(">= 0"));
        let e = only_error("x,a,JP,1,-2,200,,,,,,,,,\n");
        assert_eq!(e.column.as_deref(), Some("unit_cost"));
        let e = only_error("x,a,JP,1,NaN,200,,,,,,,,,\n");
        assert!(e.message.contains("finite"));
        let e = only_error("x,a,JP,1,1,inf,,,,,,,,,\n");
        assert_eq!(e.column.as_deref(), Some("capacity"));
        let e = only_error("x,a,JP,1,1,,,,,,,,,,\n");
        assert!(e.message.contains("required"));
    }

    #[test]
    fn floor_outside_unit_interval_is_rejected() {
        let e = only_error("x,a,JP,1,1,2,,,,,1.5,,,,\n");
        assert_eq!(e.column.as_deref(), Some("floor"));
        assert!(e.message.contains("[0, 1]"));
        let e = only_error("x,a,JP,1,1,2,,,,,90%,,,,\n");
        assert!(e.message.contains("0.9"));
    }

    #[test]
    fn duplicate_supplier_names_both_rows() {
        let e = only_error("x,a,JP,1,1,2,,,,,,,,,\nx,a,KR,1,1,2,,,,,,,,,\n");
        assert_eq!(e.row, Some(3));
        assert!(e.message.contains("rows 2 and 3"), "{}", e.message);
    }

    #[test]
    fn disagreeing_product_values_name_both_rows() {
        let e = only_error("x,a,JP,1,1,2,,,,,,,,,\nx,b,KR,2,1,2,,,,,,,,,\n");
        assert_eq!((e.row, e.column.as_deref()), (Some(3), Some("demand")));
        assert!(e.message.contains("row 2"));
        let e = only_error("x,a,JP,1,1,2,,,0.1,,,,,,\nx,b,KR,1,1,2,,,,,,,,,\n");
        assert_eq!(e.column.as_deref(), Some("holding_cost"));
        assert!(e.message.contains("blank"));
    }

    #[test]
    fn incomplete_module_columns_are_rejected() {
        let e = only_error("x,a,JP,1,1,2,,,,,,,10,,3\n");
        assert_eq!(e.column.as_deref(), Some("module_cost"));
        let e = only_error("x,a,JP,1,1,2,,,,,,,10,1,2.5\n");
        assert_eq!(e.column.as_deref(), Some("max_modules"));
    }

    #[test]
    fn empty_ids_and_bad_flags_are_rejected() {
        let e = only_error(",a,JP,1,1,2,,,,,,,,,\n");
        assert_eq!(e.column.as_deref(), Some("product"));
        let e = only_error("x,a,JP,1,1,2,,,,,,maybe,,,\n");
        assert_eq!(e.column.as_deref(), Some("local"));
    }

    #[test]
    fn all_row_errors_are_reported_at_once() {
        let errors = read("x,a,JP,abc,1,2,,,,,,,,,\ny,b,JP,1,x,2,,,,,,,,,\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].row, Some(2));
        assert_eq!(errors[1].row, Some(3));
    }

    #[test]
    fn header_only_is_an_error() {
        assert!(read("").unwrap_err()[0].message.contains("no option rows"));
    }
}
