//! The options reader: arbitrary bytes as the options CSV, through
//! `Table::parse` and the whole input pipeline (`input::parse`, default
//! regional outages), and through the lenient table and `read_options`.
#![no_main]

use divopt_fuzz::input::{self, options::read_options, table::Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match input::parse(("options.csv", data), &[], Some(3.0)) {
        Ok(loaded) => divopt_fuzz::check_instance(&loaded.instance),
        Err(errors) => divopt_fuzz::check_errors(&errors),
    }
    // The lenient table: its row problems come back with the reader's errors.
    if let Ok(table) = Table::parse_lenient("options.csv", data) {
        let strict_ok = Table::parse("options.csv", data).is_ok();
        assert_eq!(strict_ok, table.problems.is_empty());
        // Rows as a spreadsheet numbers them: after the header, increasing,
        // never beyond the file's last line.
        let lines = 1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64;
        let mut previous = table.header_line;
        for row in &table.rows {
            assert!(row.len() <= table.headers.len());
            assert!(row.line > previous, "row {} after row {previous}", row.line);
            assert!(row.line <= lines, "row {} of {lines} lines", row.line);
            previous = row.line;
        }
        for problem in &table.problems {
            assert!(problem.row.is_none_or(|r| r >= 1 && r <= lines));
        }
        match read_options(&table) {
            Ok(_) => assert!(table.problems.is_empty(), "row problems were dropped"),
            Err(errors) => assert!(errors.len() >= table.problems.len()),
        }
    }
});
