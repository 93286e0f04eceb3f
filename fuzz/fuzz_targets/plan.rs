//! The plan reader (`divopt evaluate --plan`): arbitrary bytes as plan.csv
//! for a fixed instance, through `Table::parse` and `read_plan`. Bytes after
//! a line `--products--` are read as the products.csv that gives reserves.
#![no_main]

use std::sync::OnceLock;

use divopt_fuzz::input::{plan::read_plan, table::Table, InputErrors};
use divopt_fuzz::instance::Instance;
use libfuzzer_sys::fuzz_target;

const SPLIT: &[u8] = b"--products--\n";

fn fixed() -> &'static Instance {
    static INSTANCE: OnceLock<Instance> = OnceLock::new();
    INSTANCE.get_or_init(divopt_fuzz::fixed_instance)
}

fn read(
    instance: &Instance,
    plan: &[u8],
    products: Option<&[u8]>,
    parse: fn(&str, &[u8]) -> Result<Table, Vec<divopt_fuzz::input::InputError>>,
) {
    let tables = parse("plan.csv", plan).and_then(|plan| {
        let products = products.map(|p| parse("products.csv", p)).transpose()?;
        Ok((plan, products))
    });
    let result = tables.and_then(|(plan, products)| read_plan(instance, &plan, products.as_ref()));
    match result {
        Ok(input) => {
            let plan = &input.plan;
            assert_eq!(plan.options.len(), instance.options.len());
            assert_eq!(plan.reserve_units.len(), instance.products.len());
            for decision in &plan.options {
                let q = decision.quantity_per_period;
                assert!((0.0..1e15).contains(&q), "quantity {q}");
            }
            for &r in &plan.reserve_units {
                assert!((0.0..1e15).contains(&r), "reserve {r}");
            }
        }
        Err(errors) => divopt_fuzz::check_errors(&InputErrors(errors)),
    }
}

fuzz_target!(|data: &[u8]| {
    let (plan, products) = match data.windows(SPLIT.len()).position(|w| w == SPLIT) {
        Some(at) => (&data[..at], Some(&data[at + SPLIT.len()..])),
        None => (data, None),
    };
    let instance = fixed();
    read(instance, plan, products, Table::parse);
    read(instance, plan, products, Table::parse_lenient);
});
