//! The scenarios reader: arbitrary bytes as a scenarios CSV read against a
//! fixed small options table, through `Table::parse` and the whole input
//! pipeline (`input::parse`), and through the lenient table and
//! `read_scenarios`.
#![no_main]

use std::sync::OnceLock;

use divopt_fuzz::input::{self, scenarios::read_scenarios, table::Table};
use divopt_fuzz::instance::Instance;
use libfuzzer_sys::fuzz_target;

fn fixed() -> &'static Instance {
    static INSTANCE: OnceLock<Instance> = OnceLock::new();
    INSTANCE.get_or_init(divopt_fuzz::fixed_instance)
}

fuzz_target!(|data: &[u8]| {
    let files = [("scenarios.csv".to_string(), data.to_vec())];
    match input::parse(
        ("options.csv", divopt_fuzz::OPTIONS.as_bytes()),
        &files,
        None,
    ) {
        Ok(loaded) => {
            divopt_fuzz::check_instance(&loaded.instance);
            assert!(!loaded.instance.scenarios.is_empty());
        }
        Err(errors) => divopt_fuzz::check_errors(&errors),
    }
    if let Ok(table) = Table::parse_lenient("scenarios.csv", data) {
        let instance = fixed();
        match read_scenarios(&table, &instance.products, &instance.options) {
            Ok(read) => {
                assert!(table.problems.is_empty(), "row problems were dropped");
                assert_eq!(read.scenarios.len(), read.first_rows.len());
            }
            Err(errors) => assert!(errors.len() >= table.problems.len()),
        }
    }
});
