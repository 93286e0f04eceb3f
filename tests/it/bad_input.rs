//! The bad-input catalogue: malformed files as spreadsheets and hands make
//! them, run through the command line. Each one is either rejected with exit
//! code 2 and a message naming the file, the row (header = row 1) and the
//! column and saying how to fix it, or accepted when its meaning is
//! unambiguous, and then gives the same plan as the clean file.
//!
//! Crashes found by fuzzing (fuzz/, scripts/fuzz.sh) end up here too.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

use crate::cli::OPTIONS;

/// Scenarios for [`OPTIONS`] that a 0.9 floor can meet.
const SCENARIOS: &str = "\
scenario,region,supplier,product,loss,duration,probability,kind
quake,JP,,,0.5,2,0.1,natural
quake,KR,,,0.2,2,0.1,natural
war,TW,,,1,3,0.05,geopolitical
gas_cut,UA,,,1,6,0.2,geopolitical
";

/// A plan for [`OPTIONS`] as a user fills it in for `divopt evaluate`.
const PLAN: &str = "\
product,supplier,quantity
wafer,jp1,60
wafer,tw1,40
gas,ua,10
foundry,tw,50
";

fn divopt() -> Command {
    Command::cargo_bin("divopt").expect("the divopt binary is built")
}

fn write(dir: &TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `divopt solve OPTIONS [--scenarios S]`.
fn solve(options: &Path, scenarios: Option<&Path>, out: Option<&Path>) -> Output {
    let mut command = divopt();
    command.arg("solve").arg(options);
    if let Some(scenarios) = scenarios {
        command.arg("--scenarios").arg(scenarios);
    }
    if let Some(out) = out {
        command.arg("--out").arg(out);
    }
    command.output().unwrap()
}

/// Solves and returns stderr, asserting exit code 2 and that every
/// expected piece is in it.
fn rejected(options: &Path, scenarios: Option<&Path>, expected: &[&str]) -> String {
    let output = solve(options, scenarios, None);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "not rejected:\n{stderr}");
    for piece in expected {
        assert!(
            stderr.contains(piece),
            "{piece:?} is not in the message:\n{stderr}"
        );
    }
    stderr
}

/// Rejects the options file `name` holding `bytes`.
fn rejected_options(name: &str, bytes: impl AsRef<[u8]>, expected: &[&str]) -> String {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, name, bytes);
    rejected(&options, None, expected)
}

/// Rejects the scenarios file `name` holding `text` (with the clean options).
fn rejected_scenarios(name: &str, bytes: impl AsRef<[u8]>, expected: &[&str]) -> String {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let scenarios = write(&dir, name, bytes);
    rejected(&options, Some(&scenarios), expected)
}

/// The plan.csv that `solve --out` writes; the run must succeed. Returns
/// the plan and stderr.
fn plan_of(options: &[u8], scenarios: Option<&[u8]>) -> (String, String) {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", options);
    let scenarios = scenarios.map(|s| write(&dir, "scenarios.csv", s));
    let out = dir.path().join("out");
    let output = solve(&options, scenarios.as_deref(), Some(&out));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "not accepted:\n{stderr}");
    (
        std::fs::read_to_string(out.join("plan.csv")).unwrap(),
        stderr,
    )
}

/// Options accepted with the same plan as the clean [`OPTIONS`]; returns stderr.
fn accepted_options(bytes: impl AsRef<[u8]>) -> String {
    let (expected, _) = plan_of(OPTIONS.as_bytes(), None);
    let (plan, stderr) = plan_of(bytes.as_ref(), None);
    assert_eq!(plan, expected, "a different plan; stderr:\n{stderr}");
    stderr
}

/// Scenarios accepted with the same plan as the clean [`SCENARIOS`]; returns stderr.
fn accepted_scenarios(bytes: impl AsRef<[u8]>) -> String {
    let (expected, _) = plan_of(OPTIONS.as_bytes(), Some(SCENARIOS.as_bytes()));
    let (plan, stderr) = plan_of(OPTIONS.as_bytes(), Some(bytes.as_ref()));
    assert_eq!(plan, expected, "a different plan; stderr:\n{stderr}");
    stderr
}

/// `divopt evaluate OPTIONS --plan PLAN`: (exit code, stdout, stderr).
fn evaluate(plan: &str) -> (Option<i32>, String, String) {
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let plan = write(&dir, "today.csv", plan);
    let output = divopt()
        .arg("evaluate")
        .arg(&options)
        .arg("--plan")
        .arg(&plan)
        .output()
        .unwrap();
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

fn rejected_plan(plan: &str, expected: &[&str]) -> String {
    let (code, _, stderr) = evaluate(plan);
    assert_eq!(code, Some(2), "not rejected:\n{stderr}");
    for piece in expected {
        assert!(
            stderr.contains(piece),
            "{piece:?} is not in the message:\n{stderr}"
        );
    }
    stderr
}

/// [`OPTIONS`] with `from` replaced by `to` once (`from` must be there).
fn options_with(from: &str, to: &str) -> String {
    assert!(OPTIONS.contains(from), "{from:?} is not in OPTIONS");
    OPTIONS.replacen(from, to, 1)
}

// ---------------------------------------------------------------------------
// Separators and number formats

#[test]
fn tab_separated_options_are_read() {
    accepted_options(OPTIONS.replace(',', "\t"));
}

#[test]
fn semicolon_options_from_european_excel_are_read() {
    accepted_options(OPTIONS.replace(',', ";"));
}

#[test]
fn semicolon_file_with_decimal_commas_says_use_a_dot() {
    // European Excel: `;` between values, `,` as the decimal separator.
    let text = OPTIONS
        .replace(',', ";")
        .replace("gas;cn;CN;10;1.5", "gas;cn;CN;10;1,5")
        .replace("2;0.3;", "2;0,3;");
    rejected_options(
        "euro.csv",
        text,
        &[
            "euro.csv: row 2, column \"holding_cost\": \"0,3\" has a decimal comma; use a dot: 0.3",
            "euro.csv: row 6, column \"unit_cost\": \"1,5\" has a decimal comma; use a dot: 1.5",
            // Every row of the product: all listed at once.
            "row 3, column \"holding_cost\"",
            "row 4, column \"holding_cost\"",
        ],
    );
}

#[test]
fn decimal_comma_without_quotes_shifts_the_columns() {
    // In a comma-separated file 1,5 is two values.
    rejected_options(
        "shift.csv",
        options_with("gas,cn,CN,10,1.5", "gas,cn,CN,10,1,5"),
        &[
            "shift.csv: row 6: the row has 16 values but the header and the other rows have 15",
            "such as 1,5, splits in two and shifts the rest of the row; write it with a dot (1.5) or in quotes",
        ],
    );
}

#[test]
fn decimal_comma_at_the_end_of_a_row_is_still_caught() {
    // The last value split: the row has one value too many, and it is not empty.
    rejected_options(
        "last.csv",
        options_with("foundry,kr,KR,50,105,20,200,3,,,,false,,,", "foundry,kr,KR,50,105,20,200,3,,,,false,,,1,5"),
        &["last.csv: row 8: the row has 16 values but the header has 15 columns; remove the extra values"],
    );
}

#[test]
fn quoted_thousands_separators_name_both_readings() {
    rejected_options(
        "thousands.csv",
        options_with("foundry,home,HOME,50,140,", "foundry,home,HOME,50,\"1,400\",")
            .replacen("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,10,\"1,000,000\"", 1),
        &[
            "thousands.csv: row 2, column \"capacity\": \"1,000,000\" has thousands separators; write 1000000",
            "thousands.csv: row 9, column \"unit_cost\": \"1,400\" is ambiguous: write 1.400 if the comma is a decimal comma, or 1400 if it separates thousands",
        ],
    );
}

#[test]
fn space_as_thousands_separator_is_named() {
    rejected_options(
        "space.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,10,1 100"),
        &["space.csv: row 2, column \"capacity\": \"1 100\" has thousands separators; write 1100"],
    );
    // French Excel: a no-break space between thousands, a decimal comma.
    rejected_options(
        "french.csv",
        options_with(
            "wafer,jp1,JP,100,10,100",
            "wafer,jp1,JP,100,10,\"1\u{a0}100,5\"",
        ),
        &["row 2, column \"capacity\": \"1\\u{a0}100,5\" has thousands separators and a decimal comma; write 1100.5"],
    );
}

#[test]
fn units_in_cells_say_write_only_the_number() {
    rejected_options(
        "units.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100 t,10,100t"),
        &[
            "units.csv: row 2, column \"demand\": \"100 t\" is not a number: it has text after 100; write only the number",
            "units.csv: row 2, column \"capacity\": \"100t\" is not a number: it has text after 100",
        ],
    );
}

#[test]
fn currency_signs_say_write_only_the_number() {
    rejected_options(
        "money.csv",
        options_with("wafer,tw1,TW,100,11,60,50", "wafer,tw1,TW,100,$11,60,50 EUR"),
        &[
            "money.csv: row 3, column \"unit_cost\": \"$11\" has a currency sign; write only the number: 11",
            "money.csv: row 3, column \"fixed_cost\": \"50 EUR\" has a currency sign; write only the number: 50",
        ],
    );
}

#[test]
fn percentages_give_the_share_to_write() {
    let text = OPTIONS
        .replace("max_modules\n", "max_modules,max_region_share\n")
        .replace(
            "gas,ua,UA,10,1,10,5,1,0.05,,,false,,,",
            "gas,ua,UA,10,1,10,5,1,0.05,,90%,false,,,,80%",
        )
        .replace(
            "gas,cn,CN,10,1.5,10,20,1,0.05,,,false,,,",
            "gas,cn,CN,10,1.5%,10,20,1,0.05,,0.9,false,,,,0.8",
        );
    rejected_options(
        "pct.csv",
        text,
        &[
            "pct.csv: row 5, column \"floor\": \"90%\" is a percentage; write it as a share in [0, 1]: 0.9",
            "pct.csv: row 5, column \"max_region_share\": \"80%\" is a percentage; write it as a share in [0, 1]: 0.8",
            // Not a share column: the plain number.
            "pct.csv: row 6, column \"unit_cost\": \"1.5%\" is a percentage; write the plain number without the % sign: 1.5",
        ],
    );
}

#[test]
fn a_share_written_as_a_percentage_number_is_caught() {
    rejected_options(
        "floor.csv",
        options_with("gas,ua,UA,10,1,10,5,1,0.05,,,", "gas,ua,UA,10,1,10,5,1,0.05,,90,"),
        &["floor.csv: row 5, column \"floor\": 90 is outside [0, 1]; write a share (if 90 is a percentage: 0.9)"],
    );
}

#[test]
fn accounting_negatives_and_spreadsheet_errors_are_explained() {
    rejected_options(
        "excel.csv",
        options_with("wafer,jp1,JP,100,10,100,50", "wafer,jp1,JP,#N/A,10,100,(50)"),
        &[
            "excel.csv: row 2, column \"demand\": \"#N/A\" is a spreadsheet error value; fix the formula",
            "excel.csv: row 2, column \"fixed_cost\": \"(50)\" is an accounting-style negative number; write -50",
        ],
    );
}

// ---------------------------------------------------------------------------
// Layout: blank lines, trailing commas, headers, quotes, line ends

#[test]
fn blank_lines_and_empty_rows_are_skipped() {
    let mut lines: Vec<&str> = OPTIONS.lines().collect();
    lines.insert(3, "");
    lines.insert(5, ",,,,,,,,,,,,,,");
    lines.insert(6, "   ");
    accepted_options(format!("\n{}\n\n\n", lines.join("\n")));
}

#[test]
fn rows_are_counted_as_a_spreadsheet_shows_them() {
    // Two blank lines and a value with a line break inside: the bad cell is
    // on spreadsheet row 6 (text line 7).
    let text = "product,supplier,region,demand,unit_cost,capacity,notes\n\
        wafer,jp1,JP,100,10,100,\"first line\nsecond line\"\n\n\n\
        wafer,tw1,TW,100,11,100,\n\
        wafer,kr1,KR,100,12,abc,\n";
    rejected_options(
        "rows.csv",
        text,
        &["rows.csv: row 6, column \"capacity\": \"abc\" is not a number"],
    );
}

#[test]
fn trailing_commas_are_ignored() {
    let text: String = OPTIONS.lines().map(|l| format!("{l},,\n")).collect();
    accepted_options(text);
}

#[test]
fn duplicated_headers_are_rejected() {
    rejected_options(
        "dup.csv",
        OPTIONS.replacen("max_modules", "max_modules,Weight", 1),
        &["dup.csv: row 1, column \"weight\": the column appears twice in the header; keep one"],
    );
}

#[test]
fn mixed_case_and_padded_headers_are_read() {
    let header = OPTIONS.lines().next().unwrap();
    let messy = header
        .replace("product", "  Product ")
        .replace("unit_cost", "Unit Cost")
        .replace("max_modules", "MAX-MODULES")
        .replace("holding_cost", "HOLDING_COST ");
    accepted_options(OPTIONS.replacen(header, &messy, 1));
}

#[test]
fn misspelled_and_missing_columns_say_what_to_add() {
    let header = OPTIONS.lines().next().unwrap();
    let text = OPTIONS.replacen(header, &header.replace("unit_cost", "unitcost"), 1);
    let text = text.replacen(",capacity,", ",cap,", 1);
    rejected_options(
        "cols.csv",
        text,
        &[
            "cols.csv: row 1, column \"unit_cost\": required column is missing; rename column \"unitcost\" to unit_cost",
            "cols.csv: row 1, column \"capacity\": required column is missing; add a column named capacity (the header has: product, supplier",
        ],
    );
}

#[test]
fn unknown_columns_are_noted_and_ignored() {
    let stderr = accepted_options(
        OPTIONS
            .replacen("max_modules\n", "max_modules,comment,lead_time\n", 1)
            .replace(",,\n", ",,,hello,3\n"),
    );
    assert!(
        stderr.contains("ignoring unknown column(s): comment, lead_time"),
        "{stderr}"
    );
}

#[test]
fn quoted_fields_with_newlines_and_commas_are_read() {
    let mut text = String::new();
    for (i, line) in OPTIONS.lines().enumerate() {
        let quoted: Vec<String> = line.split(',').map(|c| format!("\"{c}\"")).collect();
        let note = if i == 0 {
            "notes".to_string()
        } else {
            format!("\"line one, with a comma\nline \"\"two\"\"\r\n{i}\"")
        };
        text.push_str(&format!("{},{note}\n", quoted.join(",")));
    }
    accepted_options(text);
}

#[test]
fn crlf_and_a_byte_order_mark_are_read() {
    accepted_options(format!("\u{feff}{}", OPTIONS.replace('\n', "\r\n")));
}

#[test]
fn an_unclosed_quote_is_found() {
    rejected_options(
        "quote.csv",
        options_with("gas,cn,CN", "gas,\"cn,CN"),
        &["quote.csv: row 6, column \"supplier\": a quoted value starts here and never ends"],
    );
}

#[test]
fn a_row_with_another_separator_is_named() {
    rejected_options(
        "mixed.csv",
        options_with(
            "gas,cn,CN,10,1.5,10,20,1,0.05,,,false,,,",
            "gas;cn;CN;10;1.5;10;20;1;0.05;;;false;;;",
        ),
        &["mixed.csv: row 6: the row is separated by semicolons but the header by commas; use one separator"],
    );
}

#[test]
fn a_pipe_separated_file_is_named() {
    rejected_options(
        "pipes.csv",
        OPTIONS.replace(',', "|"),
        &["row 1, column \"product\": required column is missing; the header seems to be separated by '|'"],
    );
}

#[test]
fn a_very_long_line_is_read_and_long_cells_are_cut_in_messages() {
    let long = "x".repeat(1_000_000);
    let text = OPTIONS
        .replacen("max_modules\n", "max_modules,notes\n", 1)
        .replacen(",,\n", &format!(",,,{long}\n"), 1);
    accepted_options(text);
    let digits = "9".repeat(200_000);
    let stderr = rejected_options(
        "long.csv",
        options_with(
            "wafer,jp1,JP,100,10,100",
            &format!("wafer,jp1,JP,100,10,1{digits}"),
        ),
        &["long.csv: row 2, column \"capacity\"", "too large"],
    );
    assert!(stderr.len() < 1000, "the cell is echoed in full");
}

// ---------------------------------------------------------------------------
// Encodings and files that are not CSV

#[test]
fn latin1_bytes_say_save_as_csv_utf8() {
    let bytes = options_with("wafer,tw1,", "wafer,caf\u{e9},")
        .replace('\u{e9}', "\u{1}")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect::<Vec<u8>>();
    rejected_options(
        "latin1.csv",
        bytes,
        &["latin1.csv: row 3, column \"supplier\": is not UTF-8 text (read as Latin-1 it says \"café\"); save the file as \"CSV UTF-8\""],
    );
}

#[test]
fn utf16_files_say_save_as_utf8() {
    let utf16 = |bom: bool| {
        let mut bytes: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(OPTIONS.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    rejected_options(
        "unicode.txt",
        utf16(true),
        &["unicode.txt: the file is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8; save it as \"CSV UTF-8\""],
    );
    rejected_options(
        "nobom.csv",
        utf16(false),
        &["nobom.csv: the file looks like UTF-16 text, not UTF-8; save it as \"CSV UTF-8\""],
    );
}

#[test]
fn an_excel_workbook_says_export_as_csv() {
    let mut xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00".to_vec();
    xlsx.extend_from_slice(b"[Content_Types].xml");
    xlsx.extend_from_slice(&[0u8; 64]);
    rejected_options(
        "options.xlsx",
        &xlsx,
        &["options.xlsx: this is an Excel workbook (.xlsx, a ZIP archive), not a CSV file; export it as CSV UTF-8"],
    );
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
    rejected_options(
        "old.xls",
        xls,
        &["old.xls: this is an Excel 97-2003 workbook (.xls), not a CSV file; export it as CSV UTF-8"],
    );
}

#[test]
fn binary_data_is_not_read_as_text() {
    rejected_options(
        "binary.csv",
        options_with("wafer,jp1", "wafer,j\u{0}p1"),
        &["binary.csv: the file contains binary data (1 zero bytes); it is not a CSV text file"],
    );
}

// ---------------------------------------------------------------------------
// Numbers out of range

#[test]
fn huge_numbers_are_rejected_before_they_reach_the_model() {
    rejected_options(
        "huge.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,10,1e308"),
        &["huge.csv: row 2, column \"capacity\": 1e308 is too large: numbers must be below 1e15; use a larger unit"],
    );
    // Demand is product-level: every row of the product says so.
    let text = OPTIONS.replace("wafer,jp1,JP,100,", "wafer,jp1,JP,1e308,");
    rejected_options(
        "demand.csv",
        text,
        &["row 2, column \"demand\": 1e308 is too large"],
    );
}

#[test]
fn infinite_numbers_are_rejected() {
    rejected_options(
        "inf.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,10,1e309"),
        &["inf.csv: row 2, column \"capacity\": \"1e309\" is too large; numbers must be finite"],
    );
    rejected_options(
        "inf2.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,-inf,Infinity"),
        &[
            "inf2.csv: row 2, column \"unit_cost\": \"-inf\" is not a finite number; write the actual value",
            "inf2.csv: row 2, column \"capacity\": \"Infinity\" is not a finite number",
        ],
    );
}

#[test]
fn nan_is_rejected() {
    rejected_options(
        "nan.csv",
        options_with("wafer,jp1,JP,100,10,100", "wafer,jp1,JP,100,NaN,100"),
        &["nan.csv: row 2, column \"unit_cost\": \"NaN\" is not a finite number"],
    );
}

#[test]
fn tiny_numbers_are_rejected() {
    rejected_options(
        "tiny.csv",
        options_with("gas,ua,UA,10,1,10,5", "gas,ua,UA,10,1e-12,10,5"),
        &["tiny.csv: row 5, column \"unit_cost\": 1e-12 is too small: numbers other than 0 must be at least 1e-9; write 0, or use a smaller unit"],
    );
}

/// Regression: share columns skipped the size rule, so a floor of 1e-10
/// was accepted.
#[test]
fn tiny_shares_are_rejected() {
    rejected_options(
        "tiny_floor.csv",
        options_with("gas,ua,UA,10,1,10,5,1,0.05,,,", "gas,ua,UA,10,1,10,5,1,0.05,,1e-10,"),
        &["tiny_floor.csv: row 5, column \"floor\": 1e-10 is too small: shares other than 0 must be at least 1e-9; write 0"],
    );
    rejected_scenarios(
        "tiny_loss.csv",
        SCENARIOS.replace("quake,KR,,,0.2,", "quake,KR,,,1e-12,"),
        &["tiny_loss.csv: row 3, column \"loss\": 1e-12 is too small"],
    );
    // The smallest share allowed, and 0, are fine.
    let smallest = OPTIONS
        .replace(
            "gas,ua,UA,10,1,10,5,1,0.05,,,",
            "gas,ua,UA,10,1,10,5,1,0.05,,1e-9,",
        )
        .replace(
            "gas,cn,CN,10,1.5,10,20,1,0.05,,,",
            "gas,cn,CN,10,1.5,10,20,1,0.05,,1e-9,",
        );
    let (_, stderr) = plan_of(smallest.as_bytes(), None);
    assert!(!stderr.contains("too small"), "{stderr}");
}

#[test]
fn costs_and_capacities_beyond_the_solvers_range_are_rejected() {
    // Each cell is below 1e15, but 1e14 × 100 units is 1e16 per period.
    rejected_options(
        "cost.csv",
        options_with("wafer,jp1,JP,100,10,", "wafer,jp1,JP,100,1e14,"),
        &["cost.csv: row 2, column \"unit_cost\": unit_cost × demand = 1e16 per period; costs per period must stay below 1e15"],
    );
    rejected_options(
        "cap.csv",
        options_with("gas,ua,UA,10,1,10,", "gas,ua,UA,10,1,5e14,"),
        &["cap.csv: row 5, column \"capacity\": 500000000000000 is more than 1e12 times the product's demand (10)"],
    );
}

#[test]
fn negative_zero_is_zero() {
    let text = OPTIONS
        .replace("wafer,home,HOME,100,14,0,", "wafer,home,HOME,100,14,-0,")
        .replace(
            "foundry,home,HOME,50,140,0,",
            "foundry,home,HOME,50,140,-0.0,",
        );
    accepted_options(&text);
    let (plan, _) = plan_of(text.as_bytes(), None);
    assert!(!plan.contains("-0"), "{plan}");
}

#[test]
fn negative_numbers_are_rejected() {
    rejected_options(
        "neg.csv",
        options_with("foundry,kr,KR,50,105", "foundry,kr,KR,50,-105"),
        &["neg.csv: row 8, column \"unit_cost\": -105 is negative; it must be >= 0"],
    );
}

// ---------------------------------------------------------------------------
// Ids, flags, counts, rows

#[test]
fn empty_and_whitespace_ids_are_rejected() {
    rejected_options(
        "ids.csv",
        options_with("gas,ua,UA", ",ua,UA").replacen("gas,cn,CN", "   ,cn,CN", 1),
        &[
            "ids.csv: row 5, column \"product\": is empty; every row needs a value here",
            "ids.csv: row 6, column \"product\": is empty; every row needs a value here",
        ],
    );
}

#[test]
fn a_row_with_only_a_product_id_names_every_missing_cell() {
    // The closest thing to a product with no options: a row that names a
    // product and nothing else.
    rejected_options(
        "only.csv",
        format!("{OPTIONS}chip\n"),
        &[
            "only.csv: row 10, column \"supplier\": is empty",
            "only.csv: row 10, column \"region\": is empty",
            "only.csv: row 10, column \"demand\": is empty; a number is required",
            "only.csv: row 10, column \"unit_cost\": is empty; a number is required",
            "only.csv: row 10, column \"capacity\": is empty; a number is required",
        ],
    );
}

#[test]
fn bad_flags_and_counts_are_rejected() {
    rejected_options(
        "flags.csv",
        options_with("true,20,100,5", "maybe,20,100,2.5"),
        &[
            "flags.csv: row 4, column \"local\": \"maybe\" is not true or false (also accepted: yes/no, 1/0)",
            "flags.csv: row 4, column \"max_modules\": 2.5 must be a whole number",
        ],
    );
}

#[test]
fn duplicate_option_rows_are_rejected() {
    let row = OPTIONS.lines().nth(4).unwrap();
    rejected_options(
        "twice.csv",
        format!("{OPTIONS}{row}\n"),
        &["twice.csv: row 10, column \"supplier\": supplier \"ua\" appears twice for product \"gas\" (rows 5 and 10)"],
    );
}

#[test]
fn disagreeing_product_values_are_rejected() {
    rejected_options(
        "disagree.csv",
        options_with("gas,cn,CN,10,", "gas,cn,CN,12,"),
        &["disagree.csv: row 6, column \"demand\": 12 disagrees with 10 on row 5 for product \"gas\""],
    );
}

#[test]
fn every_problem_is_listed_up_to_the_cap() {
    let mut text = OPTIONS.to_string();
    for i in 0..30 {
        text.push_str(&format!("extra{i},s,JP,1,x{i},5,,,,,,,,,\n"));
    }
    let stderr = rejected_options(
        "many.csv",
        text,
        &["30 problem(s)", "... and 5 more problems"],
    );
    assert!(stderr.contains("row 10, column \"unit_cost\""));
    assert!(stderr.contains("row 34, column \"unit_cost\""));
    assert!(!stderr.contains("row 35,"));
}

// ---------------------------------------------------------------------------
// Empty, header-only, missing files

#[test]
fn header_only_options_are_rejected() {
    let header = OPTIONS.lines().next().unwrap();
    rejected_options(
        "header.csv",
        format!("{header}\n"),
        &["header.csv: has a header but no option rows; add one row per way to source a product"],
    );
}

#[test]
fn empty_and_blank_files_are_rejected() {
    for (name, bytes) in [
        ("empty.csv", ""),
        ("blank.csv", " \n\r\n\t\n"),
        ("commas.csv", ",,,\n,,\n"),
    ] {
        rejected_options(
            name,
            bytes,
            &[&format!(
                "{name}: the file is empty; it needs a header row and at least one data row"
            )],
        );
    }
}

#[test]
fn a_directory_or_a_missing_file_cannot_be_read() {
    let dir = TempDir::new().unwrap();
    let folder = dir.path().join("options.csv");
    std::fs::create_dir(&folder).unwrap();
    rejected(&folder, None, &["options.csv: cannot be read"]);
    rejected(
        &dir.path().join("nope.csv"),
        None,
        &["nope.csv: cannot be read"],
    );
}

// ---------------------------------------------------------------------------
// Scenarios

#[test]
fn scenario_ids_may_equal_region_names() {
    // Ids are only compared with ids: a scenario called JP that hits TW is fine.
    let stderr = accepted_scenarios(SCENARIOS.replace("war,TW", "JP,TW"));
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn header_only_scenarios_are_rejected() {
    rejected_scenarios(
        "none.csv",
        "scenario,region,loss,duration\n",
        &["none.csv: has a header but no scenario rows; add a row per region (or supplier) each scenario hits, or leave out --scenarios"],
    );
}

#[test]
fn scenario_durations_must_be_positive_numbers() {
    let text = SCENARIOS
        .replace("war,TW,,,1,3,", "war,TW,,,1,0,")
        .replace("gas_cut,UA,,,1,6,", "gas_cut,UA,,,1,3 months,");
    rejected_scenarios(
        "dur.csv",
        text,
        &[
            "dur.csv: row 4, column \"duration\": 0 must be > 0",
            "dur.csv: row 5, column \"duration\": \"3 months\" is not a number: it has text after 3; write only the number",
        ],
    );
}

#[test]
fn scenario_losses_and_probabilities_must_be_shares() {
    let text = SCENARIOS
        .replace("war,TW,,,1,3,0.05", "war,TW,,,100%,3,0.05")
        .replace("gas_cut,UA,,,1,6,0.2", "gas_cut,UA,,,1,6,1.5");
    rejected_scenarios(
        "shares.csv",
        text,
        &[
            "shares.csv: row 4, column \"loss\": \"100%\" is a percentage; write it as a share in [0, 1]: 1",
            "shares.csv: row 5, column \"probability\": 1.5 is outside [0, 1]",
        ],
    );
}

#[test]
fn a_blank_scenario_region_says_use_a_star() {
    rejected_scenarios(
        "region.csv",
        SCENARIOS.replace("war,TW,", "war,,"),
        &["region.csv: row 4, column \"region\": is empty; write * to match any region"],
    );
}

#[test]
fn a_scenario_row_that_matches_nothing_is_a_warning() {
    let (_, stderr) = plan_of(
        OPTIONS.as_bytes(),
        Some(format!("{SCENARIOS}typo,JPN,,,1,2,0.1,\n").as_bytes()),
    );
    assert!(
        stderr.contains("scenarios.csv: row 6: matches no option (region \"JPN\""),
        "{stderr}"
    );
}

#[test]
fn unknown_scenario_columns_are_noted() {
    let text = SCENARIOS
        .replacen("kind\n", "kind,source\n", 1)
        .replace("natural\n", "natural,USGS\n");
    let stderr = accepted_scenarios(text);
    assert!(
        stderr.contains("scenarios.csv: ignoring unknown column(s): source"),
        "{stderr}"
    );
}

#[test]
fn missing_scenario_columns_are_named() {
    rejected_scenarios(
        "cols.csv",
        SCENARIOS.replacen("duration", "length", 1),
        &["cols.csv: row 1, column \"duration\": required column is missing; add a column named duration"],
    );
}

#[test]
fn duplicate_scenario_rows_change_nothing() {
    let row = SCENARIOS.lines().nth(3).unwrap();
    accepted_scenarios(format!("{SCENARIOS}{row}\n"));
}

#[test]
fn scenario_files_get_the_same_encoding_checks() {
    rejected_scenarios(
        "scen.xlsx",
        b"PK\x03\x04\x14\x00\x00\x00",
        &["scen.xlsx: this is an Excel workbook"],
    );
    rejected_scenarios(
        "scen.csv",
        SCENARIOS.replace("0.5,2", "\"0,5\",2"),
        &["scen.csv: row 2, column \"loss\": \"0,5\" has a decimal comma; use a dot: 0.5"],
    );
}

/// Regression: scenarios whose probabilities are all 0 were rejected even
/// under `worst`, where probability plays no part.
#[test]
fn all_zero_probabilities_are_refused_only_by_the_expected_measure() {
    let zero = "scenario,region,duration,probability\nquake,JP,2,0\nwar,TW,3,0\n";
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "options.csv", OPTIONS);
    let scenarios = write(&dir, "zero.csv", zero);
    let run = |measure: &str| {
        divopt()
            .arg("solve")
            .arg(&options)
            .arg("--scenarios")
            .arg(&scenarios)
            .args(["--measure", measure, "--json"])
            .output()
            .unwrap()
    };
    for measure in ["worst", "each"] {
        let output = run(measure);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        // No probability to weigh the scenarios with: no expected fill.
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(doc["summary"]["expected_fill"].is_null(), "{doc}");
    }
    let output = run("expected");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "zero.csv: row 2, column \"probability\": every scenario has probability 0, and the \
             expected measure weighs scenarios by their probability; give at least one scenario a \
             positive probability"
        ),
        "{stderr}"
    );
}

/// Regression: with every weight 0 a floor above 0 held for any plan, and
/// solve reported it met ("weighted fill 100.0%") with every product at 0%.
#[test]
fn a_floor_with_every_weight_0_is_refused() {
    let unweighted = OPTIONS
        .replace(",50,2,0.3,", ",50,0,0.3,")
        .replace(",80,2,0.3,", ",80,0,0.3,")
        .replace(",5,1,0.05,", ",5,0,0.05,")
        .replace(",20,1,0.05,", ",20,0,0.05,")
        .replace(",100,3,,", ",100,0,,")
        .replace(",200,3,,", ",200,0,,");
    let expected = "w0.csv: column \"weight\": every product has weight 0, so no demand counts \
                    toward the worst floor and any plan would meet it; give the products that \
                    matter a weight above 0 (blank = 1), or ask for --floor 0";
    let stderr = rejected_options("w0.csv", &unweighted, &[expected]);
    assert_eq!(stderr.matches("problem(s)").count(), 1, "{stderr}");
    let dir = TempDir::new().unwrap();
    let options = write(&dir, "w0.csv", &unweighted);
    let plan = write(&dir, "today.csv", PLAN);
    let run = |args: &[&str]| {
        let output = divopt()
            .arg(args[0])
            .arg(&options)
            .args(&args[1..])
            .output()
            .unwrap();
        (output.status.code(), text(&output.stderr))
    };
    for args in [
        &["solve", "--measure", "each"][..],
        &["solve", "--budget", "1e6"],
        &["evaluate", "--plan", plan.to_str().unwrap()],
    ] {
        let (code, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("every product has weight 0"),
            "{args:?}: {stderr}"
        );
    }
    // No floor asks for nothing the weights could miss.
    for args in [
        &["solve", "--floor", "0"][..],
        &["evaluate", "--plan", plan.to_str().unwrap(), "--floor", "0"],
        &["chokepoints"],
    ] {
        let (code, stderr) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
}

// ---------------------------------------------------------------------------
// Plans (`divopt evaluate --plan`)

#[test]
fn a_clean_plan_is_evaluated() {
    let (code, stdout, stderr) = evaluate(PLAN);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Cost per period"), "{stdout}");
}

#[test]
fn a_plan_with_an_unknown_supplier_lists_the_real_ones() {
    rejected_plan(
        &PLAN.replace("wafer,tw1,40", "wafer,tsmc,40"),
        &["today.csv: row 3, column \"supplier\": supplier \"tsmc\" is not an option of product \"wafer\" in the options file; its suppliers are: jp1, tw1, home"],
    );
    rejected_plan(
        &PLAN.replace("gas,ua,10", "neon,ua,10"),
        &["today.csv: row 4, column \"product\": product \"neon\" is not in the options file; its products are: wafer, gas, foundry"],
    );
}

#[test]
fn a_plan_with_a_negative_quantity_is_rejected() {
    rejected_plan(
        &PLAN.replace("wafer,tw1,40", "wafer,tw1,-40"),
        &["today.csv: row 3, column \"quantity\": -40 is negative; it must be >= 0"],
    );
}

#[test]
fn a_plan_with_duplicate_rows_is_rejected() {
    rejected_plan(
        &format!("{PLAN}gas,ua,10\n"),
        &["today.csv: row 6, column \"supplier\": product \"gas\", supplier \"ua\" appears twice (rows 4 and 6)"],
    );
}

/// Regression: plans that read cleanly but do not fit the options file
/// were rejected without a row or column ("product "wafer", supplier
/// "tw1": buys 70 units per period, capacity is 60"), and an unselected
/// option with a quantity was said to have "capacity 0".
#[test]
fn plans_that_do_not_fit_the_options_name_row_and_column() {
    rejected_plan(
        &PLAN.replace("wafer,jp1,60", "wafer,jp1,30").replace("wafer,tw1,40", "wafer,tw1,70"),
        &["today.csv: row 3, column \"quantity\": product \"wafer\", supplier \"tw1\": buys 70 units per period, above the 60 it can supply; lower the quantity to at most 60"],
    );
    let stderr = rejected_plan(
        "product,supplier,quantity,selected\nwafer,jp1,60,1\nwafer,tw1,40,0\ngas,ua,10,\nfoundry,tw,50,\n",
        &["today.csv: row 3, column \"selected\": product \"wafer\", supplier \"tw1\": is not selected (selected 0) but has quantity 40; an option buys only when selected: set selected to 1, or the quantity to 0"],
    );
    assert!(!stderr.contains("capacity is 0"), "{stderr}");
    rejected_plan(
        &PLAN.replace("wafer,tw1,40", "wafer,tw1,30"),
        &["today.csv: row 2, column \"quantity\": product \"wafer\": its quantities (rows 2, 3) add up to 90 units per period, but it needs 100 (its demand); make them add up to 100"],
    );
    rejected_plan(
        &PLAN.replace("gas,ua,10\n", ""),
        &["today.csv: product \"gas\" has no rows, so the plan buys none of the 10 units per period it needs (its demand); add a row for each supplier it buys from (its suppliers are: ua, cn)"],
    );
    rejected_plan(
        "product,supplier,quantity,modules,selected\nwafer,jp1,70,,\nwafer,home,30,1,\ngas,ua,10,,\nfoundry,tw,50,,\nfoundry,home,0,6,0\n",
        &[
            "today.csv: row 3, column \"quantity\": product \"wafer\", supplier \"home\": buys 30 units per period, above the 20 it can supply (capacity 0 and 1 module(s) built); lower the quantity to at most 20, or build more modules (each adds 20 units per period, at most 5)",
            "today.csv: row 6, column \"modules\": product \"foundry\", supplier \"home\": builds 6 module(s), above its max_modules 5; build at most 5",
            "today.csv: row 6, column \"selected\": product \"foundry\", supplier \"home\": is not selected (selected 0) but builds 6 module(s)",
        ],
    );
    rejected_plan(
        "product,supplier,quantity,reserve\nwafer,jp1,60,\nwafer,tw1,40,\ngas,ua,10,\nfoundry,tw,50,5\n",
        &["today.csv: row 5, column \"reserve\": product \"foundry\" holds 5 units in reserve but cannot be stockpiled (its holding_cost is blank in the options file); set the reserve to 0, or give the product a holding_cost"],
    );
}

#[test]
fn a_header_only_plan_is_rejected() {
    rejected_plan(
        "product,supplier,quantity\n",
        &["today.csv: has a header but no plan rows"],
    );
}

#[test]
fn a_plan_with_bad_cells_lists_them_all() {
    rejected_plan(
        &PLAN
            .replace("wafer,jp1,60", "wafer,jp1,\"6,0\"")
            .replace("foundry,tw,50", "foundry,tw,50 units"),
        &[
            "today.csv: row 2, column \"quantity\": \"6,0\" has a decimal comma; use a dot: 6.0",
            "today.csv: row 5, column \"quantity\": \"50 units\" is not a number",
        ],
    );
    rejected_plan(
        "product;supplier;qty\nwafer;jp1;100\n",
        &["today.csv: row 1, column \"quantity\": required column is missing"],
    );
}
