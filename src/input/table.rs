//! A spreadsheet-exported CSV file as a table of trimmed text cells, with the
//! row numbers a spreadsheet shows (header = row 1) and cell parsers whose
//! errors name the file, the row and the column and say how to fix the cell.
//!
//! Handled here once for every reader: a UTF-8 BOM, CRLF line ends, quoted
//! fields, `;` as the separator when the header uses it (European Excel),
//! padded or mixed-case headers, blank lines and trailing empty fields.

use super::error::InputError;

/// One data row: its spreadsheet row number and its cells (trimmed).
#[derive(Debug, Clone)]
pub struct Row {
    /// Row as a spreadsheet shows it: the header is row 1.
    pub line: u64,
    pub cells: Vec<String>,
}

/// A parsed CSV file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    /// Header names, trimmed and lower-cased.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// Parses `bytes` (the contents of `file`). Row-level problems (bad UTF-8,
    /// surplus values) are all collected before returning.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Table, Vec<InputError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![InputError::file(
                file,
                "the file is empty; it needs a header row and at least one data row",
            )]);
        }
        // A header with semicolons and no commas is a European Excel export.
        let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);

        let mut errors = Vec::new();
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        // The csv crate's line numbers skip blank lines; count newlines instead,
        // so rows match what a text editor and a spreadsheet show.
        let mut lines = LineCounter::default();
        for record in reader.byte_records() {
            let record = match record {
                Ok(record) => record,
                Err(err) => {
                    let line = err.position().map_or(0, |p| lines.line_at(bytes, p.byte()));
                    errors.push(InputError::at(
                        file,
                        line,
                        None,
                        format!("unreadable CSV: {err}"),
                    ));
                    break;
                }
            };
            let line = record
                .position()
                .map_or(0, |p| lines.line_at(bytes, p.byte()));
            let mut cells = Vec::with_capacity(record.len());
            for (i, raw) in record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(text) => cells.push(text.trim().to_string()),
                    Err(_) => {
                        let column = headers.as_ref().and_then(|h| h.get(i)).cloned();
                        errors.push(InputError::at(
                            file,
                            line,
                            column,
                            "is not valid UTF-8 text; save the file as \"CSV UTF-8\"",
                        ));
                        cells.push(String::new());
                    }
                }
            }
            match &headers {
                None => {
                    let names: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
                    for (i, name) in names.iter().enumerate() {
                        if !name.is_empty() && names[..i].contains(name) {
                            errors.push(InputError::at(
                                file,
                                line,
                                Some(name.clone()),
                                "the column appears twice in the header; keep one",
                            ));
                        }
                    }
                    headers = Some(names);
                }
                Some(names) => {
                    if cells.iter().all(String::is_empty) {
                        continue; // blank line, or a row of empty cells
                    }
                    let surplus = cells.iter().skip(names.len()).any(|c| !c.is_empty());
                    if surplus {
                        errors.push(InputError::at(
                            file,
                            line,
                            None,
                            format!(
                                "the row has {} values but the header has {} columns; \
                                 remove the extra values or add their column names",
                                cells.len(),
                                names.len()
                            ),
                        ));
                        continue;
                    }
                    cells.resize(names.len(), String::new());
                    rows.push(Row { line, cells });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Table {
            file: file.to_string(),
            headers: headers.unwrap_or_default(),
            rows,
        })
    }

    /// Index of the column called `name` (already lower case).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Columns that are neither required nor optional, for a one-line note.
    pub fn unknown_columns(&self, known: &[&str]) -> Vec<String> {
        self.headers
            .iter()
            .filter(|h| !h.is_empty() && !known.contains(&h.as_str()))
            .cloned()
            .collect()
    }

    /// An error for each required column that is missing.
    pub fn require(&self, required: &[&str]) -> Vec<InputError> {
        required
            .iter()
            .filter(|name| self.column(name).is_none())
            .map(|name| {
                InputError::at(
                    &self.file,
                    1,
                    Some(name.to_string()),
                    format!(
                        "required column is missing (the header has: {})",
                        self.headers.join(", ")
                    ),
                )
            })
            .collect()
    }
}

/// Line numbers (1-based) of byte offsets, for offsets given in increasing order.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        // A record's reported start may sit on the line ends before it.
        let mut offset = (offset as usize).min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset >= self.offset {
            let seen = &bytes[self.offset..offset];
            self.newlines += seen.iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = offset;
        }
        self.newlines + 1
    }
}

/// Reads the cells of one row by column name.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Cells<'a> {
    pub fn new(table: &'a Table, row: &'a Row) -> Cells<'a> {
        Cells { table, row }
    }

    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// The trimmed text of `column`; empty when the column is absent.
    pub fn text(&self, column: &str) -> &'a str {
        self.table
            .column(column)
            .map_or("", |i| self.row.cells[i].as_str())
    }

    pub fn error(&self, column: &str, message: impl Into<String>) -> InputError {
        InputError::at(
            &self.table.file,
            self.row.line,
            Some(column.to_string()),
            message,
        )
    }

    /// A non-empty identifier.
    pub fn id(&self, column: &str) -> Result<String, InputError> {
        let text = self.text(column);
        if text.is_empty() {
            Err(self.error(column, "is empty; every row needs a value here"))
        } else {
            Ok(text.to_string())
        }
    }

    /// A finite number, or `None` when the cell is blank.
    pub fn number(&self, column: &str) -> Result<Option<f64>, InputError> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        parse_number(text)
            .map(Some)
            .map_err(|hint| self.error(column, hint))
    }

    /// A required number with a lower bound (`strict`: must exceed it).
    pub fn required(&self, column: &str, min: f64, strict: bool) -> Result<f64, InputError> {
        match self.optional(column, min, strict)? {
            Some(value) => Ok(value),
            None => Err(self.error(column, "is empty; a number is required")),
        }
    }

    /// An optional number with a lower bound (`strict`: must exceed it).
    pub fn optional(
        &self,
        column: &str,
        min: f64,
        strict: bool,
    ) -> Result<Option<f64>, InputError> {
        let Some(value) = self.number(column)? else {
            return Ok(None);
        };
        let below = if strict { value <= min } else { value < min };
        if below {
            let relation = if strict { ">" } else { ">=" };
            return Err(self.error(column, format!("{value} must be {relation} {min}")));
        }
        Ok(Some(value))
    }

    /// An optional share in [0, 1].
    pub fn share(&self, column: &str) -> Result<Option<f64>, InputError> {
        let text = self.text(column);
        if let Some(percent) = text.strip_suffix('%') {
            let hint = match parse_number(percent.trim()) {
                Ok(p) => format!(
                    "{text:?} is a percentage; write it as a share in [0, 1]: {}",
                    p / 100.0
                ),
                Err(_) => format!("{text:?} is not a share; write a number in [0, 1]"),
            };
            return Err(self.error(column, hint));
        }
        let Some(value) = self.number(column)? else {
            return Ok(None);
        };
        if !(0.0..=1.0).contains(&value) {
            return Err(self.error(column, format!("{value} is outside [0, 1]")));
        }
        Ok(Some(value))
    }

    /// An optional whole number >= 0.
    pub fn count(&self, column: &str) -> Result<Option<u32>, InputError> {
        let Some(value) = self.optional(column, 0.0, false)? else {
            return Ok(None);
        };
        if value.fract() != 0.0 || value > f64::from(u32::MAX) {
            return Err(self.error(
                column,
                format!("{value} must be a whole number between 0 and {}", u32::MAX),
            ));
        }
        Ok(Some(value as u32))
    }

    /// true/false, yes/no, 1/0 (any case); blank is `false`.
    pub fn flag(&self, column: &str) -> Result<bool, InputError> {
        match self.text(column).to_lowercase().as_str() {
            "" | "false" | "no" | "0" | "n" | "f" => Ok(false),
            "true" | "yes" | "1" | "y" | "t" => Ok(true),
            other => Err(self.error(
                column,
                format!("{other:?} is not true or false (also accepted: yes/no, 1/0)"),
            )),
        }
    }
}

/// The value, or `None` with its error recorded.
pub fn keep<T>(result: Result<T, InputError>, errors: &mut Vec<InputError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

pub fn keep_all<T>(result: Result<T, Vec<InputError>>, errors: &mut Vec<InputError>) -> Option<T> {
    result.map_err(|e| errors.extend(e)).ok()
}

/// Parses a plain decimal number; on failure returns a hint saying how to fix it.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let lower = text.to_ascii_lowercase();
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if looks_numeric {
        if let Ok(value) = text.parse::<f64>() {
            if value.is_finite() {
                // -0 is 0: keeps "-0" out of the outputs.
                return Ok(if value == 0.0 { 0.0 } else { value });
            }
            return Err(format!("{text} is too large; numbers must be finite"));
        }
    }
    if lower.contains("nan") || lower.contains("inf") {
        return Err(format!("{text:?} is not a finite number"));
    }
    if text.ends_with('%') {
        return Err(format!(
            "{text:?} is a percentage; write the plain number without the % sign"
        ));
    }
    if text.contains(',') {
        let thousands = text.split('.').next().is_some_and(|int| {
            let groups: Vec<&str> = int.trim_start_matches(['-', '+']).split(',').collect();
            groups.len() > 1
                && !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..]
                    .iter()
                    .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        });
        return Err(
            if thousands && !text.contains('.') && text.matches(',').count() == 1 {
                format!(
                "{text:?} is ambiguous: write {} if the comma is a decimal comma, or {} if it separates thousands",
                text.replace(',', "."),
                text.replace(',', "")
            )
            } else if thousands {
                format!(
                    "{text:?} has thousands separators; write {}",
                    text.replace(',', "")
                )
            } else {
                format!(
                    "{text:?} has a decimal comma; use a dot: {}",
                    text.replace(',', ".")
                )
            },
        );
    }
    let number_prefix: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        .collect();
    if !number_prefix.is_empty() && number_prefix.parse::<f64>().is_ok() {
        return Err(format!(
            "{text:?} is not a number: it has text after {number_prefix}; write only the number \
             (units are not allowed in number cells)"
        ));
    }
    Err(format!("{text:?} is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(text: &str) -> String {
        parse_number(text).unwrap_err()
    }

    #[test]
    fn plain_numbers_parse() {
        assert_eq!(parse_number("12.5"), Ok(12.5));
        assert_eq!(parse_number("1e3"), Ok(1000.0));
        assert_eq!(parse_number("-0"), Ok(0.0));
        assert!(parse_number("-0").unwrap().is_sign_positive());
    }

    #[test]
    fn bad_numbers_get_a_fix() {
        assert!(hint("12,5").contains("use a dot: 12.5"));
        assert!(hint("1,234,567").contains("write 1234567"));
        assert!(hint("1,500").contains("ambiguous"));
        assert!(hint("12 t").contains("text after 12; write only the number"));
        assert!(hint("NaN").contains("not a finite number"));
        assert!(hint("inf").contains("not a finite number"));
        assert!(hint("1e999").contains("too large"));
        assert!(hint("abc").contains("is not a number"));
        assert!(hint("90%").contains("percentage"));
    }

    #[test]
    fn bom_crlf_semicolons_and_blank_lines_are_handled() {
        let text = "\u{feff}Product ; Demand\r\na;1\r\n\r\n;\r\nb;\"2\"\r\n";
        let table = Table::parse("t.csv", text.as_bytes()).unwrap();
        assert_eq!(table.headers, vec!["product", "demand"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[1].line, 5);
        assert_eq!(table.rows[1].cells, vec!["b", "2"]);
    }

    #[test]
    fn surplus_values_and_bad_utf8_name_the_row() {
        let errors = Table::parse("t.csv", b"a,b\n1,2,3\n").unwrap_err();
        assert_eq!(errors[0].row, Some(2));
        assert!(errors[0].message.contains("3 values"));
        let errors = Table::parse("t.csv", b"a,b\n1,\xff\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("b"));
    }

    #[test]
    fn empty_file_and_duplicate_headers_are_errors() {
        assert!(Table::parse("t.csv", b"").unwrap_err()[0]
            .message
            .contains("empty"));
        let errors = Table::parse("t.csv", b"a,A\n1,2\n").unwrap_err();
        assert!(errors[0].message.contains("twice"));
    }

    #[test]
    fn trailing_empty_fields_are_ignored() {
        let table = Table::parse("t.csv", b"a,b\n1,2,,\n").unwrap();
        assert_eq!(table.rows[0].cells, vec!["1", "2"]);
    }
}
