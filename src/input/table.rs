//! A spreadsheet-exported CSV file as a table of trimmed text cells, with the
//! row numbers a spreadsheet shows (header = row 1) and cell parsers whose
//! errors name the file, the row and the column and say how to fix the cell.
//!
//! Handled here once for every reader: a UTF-8 BOM, CRLF line ends, quoted
//! fields (also with commas and line breaks inside), `;` or tab as the
//! separator when the header uses it (European Excel, "Text (Tab
//! delimited)"), padded or mixed-case headers (`Unit Cost` reads as
//! `unit_cost`), blank lines and trailing empty fields. Files that are not
//! CSV text (UTF-16, an Excel workbook, binary data) are recognised and
//! rejected with what to do instead.
//!
//! Numbers: every number cell must be finite, below [`MAX_NUMBER`] in size
//! and, unless 0, at least [`MIN_NUMBER`] in size. With these limits no sum,
//! product or quotient the model or the evaluator forms from the inputs can
//! become infinite or NaN (see README, "Bad input").

use std::collections::HashSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::error::{list, show, InputError};

/// Every number cell must be smaller than this in size (10^15). Larger values
/// are unit mistakes, and the solver cannot work with them.
pub const MAX_NUMBER: f64 = 1e15;

/// Every number cell other than 0 must be at least this in size (10^-9).
pub const MIN_NUMBER: f64 = 1e-9;

/// Columns named in a message at most.
const MAX_NAMED_COLUMNS: usize = 20;

/// One data row: its spreadsheet row number and where its cells (trimmed,
/// at most one per header column; missing trailing cells are blank) lie in
/// the table's cell buffer. Read them through [`Table::cell`] or [`Cells`].
#[derive(Debug, Clone)]
pub struct Row {
    /// Row as a spreadsheet shows it: the header is row 1.
    pub line: u64,
    /// The part of the file the row is in (see [`Table::parse_lenient`]).
    part: usize,
    /// The row's first cell in its part's [`CellBuffer`].
    first: usize,
    /// The number of cells.
    len: usize,
}

impl Row {
    /// The number of cells.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Every cell of a table one after another in one string (one allocation
/// for the whole file, not one per row or per cell).
#[derive(Debug, Clone, Default)]
struct CellBuffer {
    text: String,
    /// Where each cell ends in `text`; a cell starts where the one before ends.
    ends: Vec<usize>,
}

impl CellBuffer {
    /// An empty buffer with room for `bytes` bytes of text.
    fn with_capacity(bytes: usize) -> CellBuffer {
        CellBuffer {
            text: String::with_capacity(bytes),
            ends: Vec::new(),
        }
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Keeps the first `len` cells.
    fn truncate(&mut self, len: usize) {
        if len < self.ends.len() {
            self.text
                .truncate(if len == 0 { 0 } else { self.ends[len - 1] });
            self.ends.truncate(len);
        }
    }

    /// Cell `k` of the whole buffer.
    fn cell(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    /// The cells `first..first + len` (a row).
    fn row(&self, first: usize, len: usize) -> impl Iterator<Item = &str> {
        (first..first + len).map(|k| self.cell(k))
    }
}

/// A parsed CSV file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    /// Header names: trimmed, lower-cased, inner spaces and dashes as `_`.
    pub headers: Vec<String>,
    /// The spreadsheet row of the header (1 unless empty rows come first).
    pub header_line: u64,
    pub rows: Vec<Row>,
    /// Problems with single rows (invalid UTF-8, surplus values, a stray
    /// quote), those rows left out of `rows`. Always empty from
    /// [`Table::parse`]; from [`Table::parse_lenient`] the options, scenarios
    /// and plan readers report them together with their own errors.
    pub problems: Vec<InputError>,
    /// The separator: `,`, `;` or tab.
    pub delimiter: u8,
    /// Column of each header name (its first occurrence).
    index: FxHashMap<String, usize>,
    /// The rows' cells: one buffer per part of the file read on its own.
    cells: Vec<CellBuffer>,
}

impl Table {
    /// Parses `bytes` (the contents of `file`). Fails when the file is
    /// unusable or any row has a problem, with every problem found (see
    /// [`Table::parse_lenient`] to keep going).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Table, Vec<InputError>> {
        let table = Table::parse_lenient(file, bytes)?;
        if table.problems.is_empty() {
            Ok(table)
        } else {
            Err(table.problems)
        }
    }

    /// Parses `bytes` (the contents of `file`). Fails only when the whole file
    /// is unusable (empty, not UTF-8 text, a workbook or binary data); problems
    /// with single rows are collected in [`Table::problems`] and those rows
    /// left out, so that a reader can list them with its own errors.
    pub fn parse_lenient(file: &str, bytes: &[u8]) -> Result<Table, Vec<InputError>> {
        Table::parse_split(file, bytes, PARALLEL_BYTES)
    }

    /// [`Table::parse_lenient`], with the rows of a file without quotes read
    /// in parallel parts from `parallel_bytes` bytes of rows.
    fn parse_split(
        file: &str,
        bytes: &[u8],
        parallel_bytes: usize,
    ) -> Result<Table, Vec<InputError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Some(problem) = not_csv_text(bytes) {
            return Err(vec![InputError::file(file, problem)]);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![empty_file(file)]);
        }
        let delimiter = detect_delimiter(bytes);
        let mut reader = csv_reader(bytes, delimiter);
        // The csv crate skips blank lines and counts line breaks inside quoted
        // fields; count rows as a spreadsheet shows them instead.
        let mut counter = RowCounter::new(bytes, delimiter);
        // One record buffer for every row.
        let mut record = csv::ByteRecord::new();

        // The header: the first row with a value.
        let mut problems = Vec::new();
        let mut header = None;
        while header.is_none() {
            let Some(line) =
                next_record(file, &mut reader, &mut counter, &mut record, &mut problems)
            else {
                break;
            };
            let mut names = Vec::with_capacity(record.len());
            let mut blank = true;
            for raw in &record {
                match std::str::from_utf8(raw) {
                    Ok(text) => {
                        blank &= text.trim().is_empty();
                        names.push(header_name(text.trim()));
                    }
                    Err(_) => {
                        problems.push(InputError::at(file, line, None, not_utf8(raw)));
                        names.push(String::new());
                    }
                }
            }
            // A blank line, or a row of empty cells, above the header.
            if !blank {
                header = Some((names, line));
            }
        }
        let Some((headers, header_line)) = header else {
            return Err(vec![empty_file(file)]);
        };
        let mut seen = HashSet::new();
        for name in &headers {
            if !name.is_empty() && !seen.insert(name.as_str()) {
                problems.push(InputError::at(
                    file,
                    header_line,
                    Some(name.clone()),
                    "the column appears twice in the header; keep one \
                     (or rename one if both are needed)",
                ));
            }
        }

        // The rows. A large file without quotes is split at line ends and
        // its parts read in parallel; otherwise one reader goes on.
        let reading = Reading {
            file,
            headers: &headers,
            delimiter,
        };
        let rest = reader
            .position()
            .byte()
            .try_into()
            .map_or(bytes.len(), |rest: usize| rest.min(bytes.len()));
        let parts: Vec<Part> = if !counter.quotes && bytes.len() - rest >= parallel_bytes {
            split_at_line_ends(bytes, rest, rayon::current_num_threads().max(2))
                .into_par_iter()
                .map(|(start, end)| {
                    let chunk = &bytes[start..end];
                    let mut reader = csv_reader(chunk, delimiter);
                    let mut counter = RowCounter::new(chunk, delimiter);
                    counter.rows = line_ends(bytes, 0, start);
                    reading.rows(&mut reader, &mut counter, &mut csv::ByteRecord::new())
                })
                .collect()
        } else {
            let part = reading.rows(&mut reader, &mut counter, &mut record);
            if let Some((line, column)) = counter.open_quote() {
                let column = headers.get(column).cloned();
                problems.push(InputError::at(
                    file,
                    line,
                    column,
                    "a quoted value starts here and never ends, so the rest of the file was \
                     read as part of it; close the quote (\") or remove it",
                ));
            }
            vec![part]
        };
        let mut rows = Vec::with_capacity(parts.iter().map(|part| part.rows.len()).sum());
        let mut widths = Vec::with_capacity(rows.capacity());
        let mut cells = Vec::with_capacity(parts.len());
        for (i, part) in parts.into_iter().enumerate() {
            rows.extend(part.rows.into_iter().map(|row| Row { part: i, ..row }));
            widths.extend(part.widths);
            problems.extend(part.problems);
            cells.push(part.cells);
        }
        let rows = drop_split_rows(file, rows, &widths, headers.len(), &mut problems);
        problems.sort_by_key(|e| e.row);
        let mut index = FxHashMap::with_capacity_and_hasher(headers.len(), Default::default());
        for (i, name) in headers.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        Ok(Table {
            file: file.to_string(),
            headers,
            header_line,
            rows,
            problems,
            delimiter,
            index,
            cells,
        })
    }

    /// Cell `i` of `row`, trimmed (`None` beyond the row's cells).
    pub fn cell(&self, row: &Row, i: usize) -> Option<&str> {
        (i < row.len).then(|| self.cells[row.part].cell(row.first + i))
    }

    /// Every cell of `row`, in order.
    pub fn cells(&self, row: &Row) -> impl Iterator<Item = &str> {
        self.cells[row.part].row(row.first, row.len)
    }

    /// Index of the column called `name` (lower case, `_` between words).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The column called `name`, looked up once for reading many rows.
    pub fn resolve(&self, name: &'static str) -> Column {
        Column {
            name,
            index: self.column(name),
        }
    }

    /// Columns that are neither required nor optional.
    pub fn unknown_columns(&self, known: &[&str]) -> Vec<String> {
        self.headers
            .iter()
            .filter(|h| !h.is_empty() && !known.contains(&h.as_str()))
            .cloned()
            .collect()
    }

    /// The note for stderr about unknown columns, if there are any.
    pub fn unknown_note(&self, known: &[&str]) -> Option<String> {
        let unknown = self.unknown_columns(known);
        (!unknown.is_empty()).then(|| {
            format!(
                "{}: ignoring unknown column(s): {}",
                self.file,
                list(&unknown, MAX_NAMED_COLUMNS)
            )
        })
    }

    /// An error for each required column that is missing, with the likely
    /// misspelling when the header has one.
    pub fn require(&self, required: &[&str]) -> Vec<InputError> {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|name| self.column(name).is_none())
            .collect();
        if missing.is_empty() {
            return Vec::new();
        }
        let header = list(&self.headers, MAX_NAMED_COLUMNS);
        // A header read as one column that holds another separator.
        let separator = (self.headers.len() == 1)
            .then(|| {
                self.headers[0]
                    .chars()
                    .find(|c| matches!(c, '|' | ':' | '/'))
            })
            .flatten();
        missing
            .iter()
            .map(|name| {
                let fix = if let Some(sep) = separator {
                    format!(
                        "the header seems to be separated by {sep:?}; divopt reads files \
                         separated by commas (or by semicolons or tabs): export the file \
                         as \"CSV UTF-8\""
                    )
                } else if let Some(close) = self
                    .headers
                    .iter()
                    .find(|h| !required.contains(&h.as_str()) && similar(h, name))
                {
                    format!("rename column {} to {name}", show(close))
                } else {
                    format!("add a column named {name}")
                };
                InputError::at(
                    &self.file,
                    self.header_line,
                    Some(name.to_string()),
                    format!("required column is missing; {fix} (the header has: {header})"),
                )
            })
            .collect()
    }
}

/// Bytes of rows (after the header) from which a file without quotes is
/// split at line ends and its parts read in parallel (on 2 cores: XL's
/// options, 1.5 MB, 11 ms → 7.5 ms; L's, 0.5 MB, 3.8 ms → 3.0 ms).
const PARALLEL_BYTES: usize = 256 * 1024;

fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// Reads the next record into `record` and returns its spreadsheet row;
/// `None` at the end of the file or on an unreadable record (then a problem).
fn next_record(
    file: &str,
    reader: &mut csv::Reader<&[u8]>,
    counter: &mut RowCounter,
    record: &mut csv::ByteRecord,
    problems: &mut Vec<InputError>,
) -> Option<u64> {
    match reader.read_byte_record(record) {
        Ok(true) => Some(record.position().map_or(0, |p| counter.row_at(p.byte()))),
        Ok(false) => None,
        Err(err) => {
            let line = err.position().map_or(0, |p| counter.row_at(p.byte()));
            problems.push(InputError::at(
                file,
                line,
                None,
                format!("unreadable CSV: {err}"),
            ));
            None
        }
    }
}

/// The rows of one part of a file, read on their own.
#[derive(Default)]
struct Part {
    cells: CellBuffer,
    rows: Vec<Row>,
    /// Values per row before trailing empty ones beyond the header are cut.
    widths: Vec<usize>,
    problems: Vec<InputError>,
}

/// What every part of a file is read with.
#[derive(Clone, Copy)]
struct Reading<'a> {
    file: &'a str,
    headers: &'a [String],
    delimiter: u8,
}

impl Reading<'_> {
    /// Reads the rows that `reader` has left.
    fn rows(
        self,
        reader: &mut csv::Reader<&[u8]>,
        counter: &mut RowCounter,
        record: &mut csv::ByteRecord,
    ) -> Part {
        let mut part = Part {
            cells: CellBuffer::with_capacity(reader.get_ref().len()),
            ..Part::default()
        };
        while let Some(line) = next_record(self.file, reader, counter, record, &mut part.problems) {
            self.row(&mut part, record, line);
        }
        part
    }

    /// Keeps `record` (spreadsheet row `line`) as a row of `part`, or notes
    /// its problem; blank rows are left out.
    fn row(self, part: &mut Part, record: &csv::ByteRecord, line: u64) {
        let first = part.cells.len();
        let text_before = part.cells.text.len();
        let mut bad_text = false;
        // Fields split at ASCII bytes: when the whole record is UTF-8, so is
        // every field, and one check serves them all.
        if let Ok(text) = std::str::from_utf8(record.as_slice()) {
            for i in 0..record.len() {
                let range = record.range(i).expect("a field of the record");
                part.cells.push(text[range].trim());
            }
        } else {
            for (i, raw) in record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(text) => part.cells.push(text.trim()),
                    Err(_) => {
                        bad_text = true;
                        let column = self.headers.get(i).cloned();
                        part.problems
                            .push(InputError::at(self.file, line, column, not_utf8(raw)));
                        part.cells.push("");
                    }
                }
            }
        }
        let len = record.len();
        // Left out: a row with bad text (noted above), a blank line or a row
        // of empty cells, and a row with a problem of its shape.
        let keep = !bad_text
            && part.cells.text.len() > text_before
            && match self.shape_problem(&part.cells, first, len) {
                Some(message) => {
                    part.problems
                        .push(InputError::at(self.file, line, None, message));
                    false
                }
                None => true,
            };
        if !keep {
            part.cells.truncate(first);
            return;
        }
        part.widths.push(len);
        // Cells beyond the header are empty here: not kept.
        let kept = len.min(self.headers.len());
        part.cells.truncate(first + kept);
        part.rows.push(Row {
            line,
            part: 0,
            first,
            len: kept,
        });
    }

    /// What is wrong with the shape of the row of `len` cells from `first`:
    /// values beyond the header, or another separator than the header's.
    fn shape_problem(self, cells: &CellBuffer, first: usize, len: usize) -> Option<String> {
        let columns = self.headers.len();
        let cell = |i: usize| cells.cell(first + i);
        if (columns..len).any(|i| !cell(i).is_empty()) {
            let values = (0..len)
                .rposition(|i| !cell(i).is_empty())
                .map_or(0, |i| i + 1);
            return Some(format!(
                "the row has {values} values but the header has {columns} columns; remove the \
                 extra values or add their column names (a value with a comma inside, such \
                 as 1,5, must be written 1.5 or put in quotes)"
            ));
        }
        if columns > 1 && len == 1 {
            return other_separator(cell(0), self.delimiter).map(|other| {
                format!(
                    "the row is separated by {} but the header by {}; use one separator \
                     throughout the file",
                    separator_name(other),
                    separator_name(self.delimiter)
                )
            });
        }
        None
    }
}

/// Splits `bytes[from..]` into at most `parts` ranges that each end at a
/// line end (or the end of the file).
fn split_at_line_ends(bytes: &[u8], from: usize, parts: usize) -> Vec<(usize, usize)> {
    let mut ranges = Vec::with_capacity(parts);
    let mut start = from;
    for i in 1..parts {
        let target = (from + (bytes.len() - from) * i / parts).max(start);
        let end = bytes[target..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |n| target + n + 1);
        if end > start {
            ranges.push((start, end));
            start = end;
        }
    }
    if start < bytes.len() {
        ranges.push((start, bytes.len()));
    }
    ranges
}

/// Line ends in `bytes[from..to]` of a file without quotes: every `\n` and
/// every `\r` not followed by `\n`.
fn line_ends(bytes: &[u8], from: usize, to: usize) -> u64 {
    let slice = &bytes[from..to];
    let newlines = slice.iter().filter(|&&b| b == b'\n').count();
    let lone_returns = if slice.contains(&b'\r') {
        slice
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\r' && bytes.get(from + i + 1) != Some(&b'\n'))
            .count()
    } else {
        0
    };
    (newlines + lone_returns) as u64
}

/// Rows with more values than the header and than the usual row, the extra
/// ones empty: a value with a comma inside (an unquoted decimal comma, `1,5`)
/// split in two and pushed the rest of the row one column right. Trailing
/// empty values that every row has (a tool that ends lines with `,`) are fine.
fn drop_split_rows(
    file: &str,
    rows: Vec<Row>,
    widths: &[usize],
    columns: usize,
    problems: &mut Vec<InputError>,
) -> Vec<Row> {
    let mut counts: FxHashMap<usize, usize> = FxHashMap::default();
    for &width in widths {
        *counts.entry(width).or_default() += 1;
    }
    // The most common width; the narrower one on a tie.
    let usual = counts
        .iter()
        .max_by_key(|&(&width, &count)| (count, std::cmp::Reverse(width)))
        .map_or(columns, |(&width, _)| width);
    let limit = columns.max(usual);
    let mut kept = Vec::with_capacity(rows.len());
    for (row, &width) in rows.into_iter().zip(widths) {
        if width > limit {
            problems.push(InputError::at(
                file,
                row.line,
                None,
                format!(
                    "the row has {width} values but the header and the other rows have \
                     {limit}: a value with a comma inside, such as 1,5, splits in two and \
                     shifts the rest of the row; write it with a dot (1.5) or in quotes, or \
                     remove the extra comma"
                ),
            ));
        } else {
            kept.push(row);
        }
    }
    kept
}

fn empty_file(file: &str) -> InputError {
    InputError::file(
        file,
        "the file is empty; it needs a header row and at least one data row",
    )
}

/// A header cell as a column name: `" Unit Cost "` is `unit_cost`.
fn header_name(cell: &str) -> String {
    let mut name = String::with_capacity(cell.len());
    for word in cell
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !name.is_empty() {
            name.push('_');
        }
        name.extend(word.chars().flat_map(char::to_lowercase));
    }
    name
}

/// Whether `header` is probably `name` misspelt or with a unit added: equal
/// without underscores, at most two edits apart, or `name` and a suffix
/// (`unit_cost_(usd)`, `demand_per_month`).
fn similar(header: &str, name: &str) -> bool {
    let plain = |s: &str| s.replace('_', "");
    if plain(header) == plain(name) {
        return true;
    }
    if header
        .strip_prefix(name)
        .is_some_and(|rest| rest.starts_with(['_', '(', '[']))
    {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (header.chars().collect(), name.chars().collect());
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 {
        return false;
    }
    // Levenshtein distance, one row at a time.
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()] <= 2 && b.len() > 3
}

/// Why `bytes` is not a CSV text file, if it is not: a workbook, UTF-16,
/// binary data.
fn not_csv_text(bytes: &[u8]) -> Option<String> {
    const SAVE_AS: &str = "in Excel use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\"";
    if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Some(format!(
            "the file is UTF-32 text, not UTF-8; save it as \"CSV UTF-8\" ({SAVE_AS})"
        ));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(format!(
            "the file is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8; save it as \
             \"CSV UTF-8\" ({SAVE_AS})"
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let head = &bytes[..bytes.len().min(200)];
        if head
            .windows(11)
            .any(|w| w == b"opendocumen" || w == b"OpenDocumen")
        {
            return Some(
                "this is an OpenDocument spreadsheet (.ods), not a CSV file; export it as \
                 CSV UTF-8 (in LibreOffice: File > Save As > Text CSV, character set UTF-8)"
                    .to_string(),
            );
        }
        return Some(format!(
            "this is an Excel workbook (.xlsx, a ZIP archive), not a CSV file; export it as \
             CSV UTF-8: {SAVE_AS}"
        ));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some(format!(
            "this is an Excel 97-2003 workbook (.xls), not a CSV file; export it as CSV \
             UTF-8: {SAVE_AS}"
        ));
    }
    if bytes.starts_with(b"%PDF") {
        return Some("this is a PDF document, not a CSV file".to_string());
    }
    if bytes.starts_with(b"\x1F\x8B") {
        return Some("the file is gzip-compressed; decompress it first (gunzip)".to_string());
    }
    let zeros = bytes.iter().filter(|&&b| b == 0).count();
    if zeros > 0 {
        // UTF-16 without a byte order mark: every other byte of ASCII text is 0.
        let head = &bytes[..bytes.len().min(4096)];
        let pairs = head.len() / 2;
        let at = |parity: usize| (0..pairs).filter(|i| head[2 * i + parity] == 0).count();
        if pairs > 0 && (at(0) * 10 >= pairs * 9 || at(1) * 10 >= pairs * 9) {
            return Some(format!(
                "the file looks like UTF-16 text, not UTF-8; save it as \"CSV UTF-8\" \
                 ({SAVE_AS})"
            ));
        }
        return Some(format!(
            "the file contains binary data ({zeros} zero bytes); it is not a CSV text file: \
             export the data as \"CSV UTF-8\""
        ));
    }
    None
}

/// The message for a cell that is not UTF-8, with the text read as Latin-1
/// (what Excel's plain "CSV" export writes on Western Windows).
fn not_utf8(raw: &[u8]) -> String {
    let latin1: String = raw
        .iter()
        .map(|&b| {
            if (0x80..0xA0).contains(&b) {
                '?'
            } else {
                char::from(b)
            }
        })
        .collect();
    format!(
        "is not UTF-8 text (read as Latin-1 it says {}); save the file as \"CSV UTF-8\" \
         (in Excel: File > Save As > \"CSV UTF-8 (Comma delimited)\")",
        show(latin1.trim())
    )
}

/// The separator: whichever of `,`, `;` and tab the header line (the first
/// non-blank line) holds most often outside quotes; `,` on a tie.
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| {
            bytes[..i]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1)
        });
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in &bytes[start..] {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

fn separator_name(separator: u8) -> &'static str {
    match separator {
        b',' => "commas",
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "another character",
    }
}

/// Another separator a one-cell row seems to use.
fn other_separator(cell: &str, delimiter: u8) -> Option<u8> {
    [b',', b';', b'\t']
        .into_iter()
        .filter(|&s| s != delimiter)
        .find(|&s| cell.bytes().filter(|&b| b == s).count() >= 2)
}

/// Where the scanner is within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: the end of the quotes, or the first of `""`.
    QuoteInQuoted,
}

/// Spreadsheet rows (1-based) of byte offsets given in increasing order: a
/// row per record, blank lines included, line breaks inside quotes not. It
/// follows the csv crate's quoting rules (a quote opens a field only at its
/// start; `""` inside quotes is a quote).
struct RowCounter<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    offset: usize,
    rows: u64,
    state: Scan,
    /// (row, field index) where the open quoted field started.
    quote_start: (u64, usize),
    field: usize,
    /// Whether the file has a quote at all (without one, only line ends count).
    quotes: bool,
}

impl<'a> RowCounter<'a> {
    fn new(bytes: &'a [u8], delimiter: u8) -> RowCounter<'a> {
        RowCounter {
            bytes,
            delimiter,
            offset: 0,
            rows: 0,
            state: Scan::FieldStart,
            quote_start: (1, 0),
            field: 0,
            quotes: bytes.contains(&b'"'),
        }
    }

    fn row_at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // A record's reported start may sit on the line ends before it.
        if self.state != Scan::Quoted {
            while offset < self.bytes.len() && matches!(self.bytes[offset], b'\r' | b'\n') {
                offset += 1;
            }
        }
        self.advance(offset);
        self.rows + 1
    }

    fn advance(&mut self, to: usize) {
        if to <= self.offset {
            return;
        }
        let delimiter = self.delimiter;
        let bytes = self.bytes;
        if !self.quotes {
            // No quoted field: a row ends at every line end.
            self.rows += line_ends(bytes, self.offset, to);
            self.offset = to;
            return;
        }
        for (i, &b) in bytes[self.offset..to].iter().enumerate() {
            let at = self.offset + i;
            let line_end = b == b'\n' || (b == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            let is_break = matches!(b, b'\n' | b'\r');
            self.state = match (self.state, b) {
                (Scan::Quoted, b'"') => Scan::QuoteInQuoted,
                (Scan::Quoted, _) => Scan::Quoted,
                (Scan::FieldStart, b'"') => {
                    self.quote_start = (self.rows + 1, self.field);
                    Scan::Quoted
                }
                (Scan::QuoteInQuoted, b'"') => Scan::Quoted,
                (_, _) if b == delimiter => {
                    self.field += 1;
                    Scan::FieldStart
                }
                (_, _) if is_break => {
                    if line_end {
                        self.rows += 1;
                    }
                    self.field = 0;
                    Scan::FieldStart
                }
                (_, _) => Scan::Unquoted,
            };
        }
        self.offset = to;
    }

    /// The row and field of a quoted field still open at the end of the file.
    fn open_quote(&mut self) -> Option<(u64, usize)> {
        self.advance(self.bytes.len());
        (self.state == Scan::Quoted).then_some(self.quote_start)
    }
}

/// A column named in a reader: by its name (looked up in every row), or
/// resolved once with [`Table::resolve`] for readers of many rows.
pub trait ColumnRef: Copy {
    /// The column's name, as messages show it.
    fn name(&self) -> &str;
    /// The column's index in `table`, if the table has it.
    fn index(&self, table: &Table) -> Option<usize>;
}

impl ColumnRef for &str {
    fn name(&self) -> &str {
        self
    }

    fn index(&self, table: &Table) -> Option<usize> {
        table.column(self)
    }
}

/// A column looked up once in one table (see [`Table::resolve`]).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    name: &'static str,
    index: Option<usize>,
}

impl ColumnRef for Column {
    fn name(&self) -> &str {
        self.name
    }

    fn index(&self, _table: &Table) -> Option<usize> {
        self.index
    }
}

/// Reads the cells of one row by column (a name, or a [`Column`]).
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
    pub fn text(&self, column: impl ColumnRef) -> &'a str {
        column
            .index(self.table)
            .and_then(|i| self.table.cell(self.row, i))
            .unwrap_or("")
    }

    pub fn error(&self, column: impl ColumnRef, message: impl Into<String>) -> InputError {
        InputError::at(
            &self.table.file,
            self.row.line,
            Some(column.name().to_string()),
            message,
        )
    }

    /// A non-empty identifier.
    pub fn id(&self, column: impl ColumnRef) -> Result<String, InputError> {
        self.id_text(column).map(str::to_string)
    }

    /// [`Cells::id`] as the table's own text.
    pub fn id_text(&self, column: impl ColumnRef) -> Result<&'a str, InputError> {
        let text = self.text(column);
        if text.is_empty() {
            Err(self.error(column, "is empty; every row needs a value here"))
        } else {
            Ok(text)
        }
    }

    /// A finite number, or `None` when the cell is blank. No range check:
    /// see [`Cells::optional`].
    pub fn number(&self, column: impl ColumnRef) -> Result<Option<f64>, InputError> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        parse_number_in(text, self.table.delimiter == b';')
            .map(Some)
            .map_err(|hint| self.error(column, hint))
    }

    /// A required number with a lower bound (`strict`: must exceed it).
    pub fn required(
        &self,
        column: impl ColumnRef,
        min: f64,
        strict: bool,
    ) -> Result<f64, InputError> {
        match self.optional(column, min, strict)? {
            Some(value) => Ok(value),
            None => Err(self.error(column, "is empty; a number is required")),
        }
    }

    /// An optional number with a lower bound (`strict`: must exceed it),
    /// below [`MAX_NUMBER`] and, unless 0, at least [`MIN_NUMBER`] in size.
    pub fn optional(
        &self,
        column: impl ColumnRef,
        min: f64,
        strict: bool,
    ) -> Result<Option<f64>, InputError> {
        let Some(value) = self.number(column)? else {
            return Ok(None);
        };
        let below = if strict { value <= min } else { value < min };
        if below {
            let message = if strict {
                format!("{value} must be > {min}")
            } else if min == 0.0 {
                format!("{value} is negative; it must be >= 0")
            } else {
                format!("{value} must be >= {min}")
            };
            return Err(self.error(column, message));
        }
        check_size(value).map_err(|hint| self.error(column, hint))?;
        Ok(Some(value))
    }

    /// An optional share in [0, 1]: 0, or at least [`MIN_NUMBER`].
    pub fn share(&self, column: impl ColumnRef) -> Result<Option<f64>, InputError> {
        let text = self.text(column);
        if let Some(percent) = text.strip_suffix('%') {
            let hint = match parse_number(percent.trim()) {
                Ok(p) => format!(
                    "{} is a percentage; write it as a share in [0, 1]: {}",
                    show(text),
                    p / 100.0
                ),
                Err(_) => format!("{} is not a share; write a number in [0, 1]", show(text)),
            };
            return Err(self.error(column, hint));
        }
        let Some(value) = self.number(column)? else {
            return Ok(None);
        };
        if !(0.0..=1.0).contains(&value) {
            let hint = if value > 1.0 && value <= 100.0 {
                format!(
                    "{value} is outside [0, 1]; write a share (if {value} is a percentage: {})",
                    value / 100.0
                )
            } else {
                format!("{value} is outside [0, 1]; write a share such as 0.25 for 25%")
            };
            return Err(self.error(column, hint));
        }
        // The size rule of every number (README): a share of 1e-10 is a
        // typo or a unit mistake, and no fill or cost can tell it from 0.
        if value != 0.0 && value < MIN_NUMBER {
            return Err(self.error(
                column,
                format!(
                    "{value:e} is too small: shares other than 0 must be at least 1e-9; \
                     write 0, or the share you meant"
                ),
            ));
        }
        Ok(Some(value))
    }

    /// An optional whole number >= 0.
    pub fn count(&self, column: impl ColumnRef) -> Result<Option<u32>, InputError> {
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
    pub fn flag(&self, column: impl ColumnRef) -> Result<bool, InputError> {
        let text = self.text(column);
        let is = |words: &[&str]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
        if is(&["", "false", "no", "0", "n", "f"]) {
            Ok(false)
        } else if is(&["true", "yes", "1", "y", "t"]) {
            Ok(true)
        } else {
            Err(self.error(
                column,
                format!(
                    "{} is not true or false (also accepted: yes/no, 1/0)",
                    show(text)
                ),
            ))
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

/// Checks a finite value against [`MAX_NUMBER`] and [`MIN_NUMBER`].
pub fn check_size(value: f64) -> Result<(), String> {
    if value.abs() >= MAX_NUMBER {
        return Err(format!(
            "{value:e} is too large: numbers must be below 1e15; use a larger unit \
             (e.g. thousands of units, or millions for money)"
        ));
    }
    if value != 0.0 && value.abs() < MIN_NUMBER {
        return Err(format!(
            "{value:e} is too small: numbers other than 0 must be at least 1e-9; write 0, \
             or use a smaller unit"
        ));
    }
    Ok(())
}

/// Parses a plain decimal number (a dot as the decimal point, no thousands
/// separators, no units); on failure returns a hint saying how to fix it.
pub fn parse_number(text: &str) -> Result<f64, String> {
    parse_number_in(text, false)
}

/// [`parse_number`]; `decimal_comma` tells that the file is `;`-separated,
/// as a spreadsheet that writes decimal commas exports it.
fn parse_number_in(text: &str, decimal_comma: bool) -> Result<f64, String> {
    let plain = text
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'));
    if plain {
        if let Ok(value) = text.parse::<f64>() {
            if value.is_finite() {
                // -0 is 0: keeps "-0" out of the outputs.
                return Ok(if value == 0.0 { 0.0 } else { value });
            }
            return Err(format!(
                "{} is too large; numbers must be finite (and below 1e15)",
                show(text)
            ));
        }
    }
    let shown = show(text);
    let lower = text.to_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "nan" | "inf" | "infinity" | "∞") {
        return Err(format!(
            "{shown} is not a finite number; write the actual value"
        ));
    }
    if text.starts_with('#') {
        return Err(format!(
            "{shown} is a spreadsheet error value; fix the formula in the spreadsheet and \
             export the file again"
        ));
    }
    if matches!(text, "-" | "–" | "—" | "." | "?") {
        return Err(format!(
            "{shown} is not a number; write 0, or leave the cell blank where the column allows it"
        ));
    }
    if let Some(body) = text.strip_suffix('%') {
        let number = parse_number_in(body.trim(), decimal_comma)
            .map_or_else(|_| String::new(), |v| format!(": {v}"));
        return Err(format!(
            "{shown} is a percentage; write the plain number without the % sign{number}"
        ));
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if let Ok(value) = parse_number_in(inner.trim(), decimal_comma) {
            return Err(format!(
                "{shown} is an accounting-style negative number; write -{value}"
            ));
        }
    }
    if let Some(rest) = strip_currency(text) {
        let fix = match parse_number_in(rest, decimal_comma) {
            Ok(value) => format!(": {value}"),
            Err(_) => separator_fix(rest, decimal_comma)
                .map_or_else(String::new, |(fixed, _)| format!(": {fixed}")),
        };
        return Err(format!(
            "{shown} has a currency sign; write only the number{fix} (one currency for the whole file)"
        ));
    }
    if let Some((fixed, what)) = separator_fix(text, decimal_comma) {
        return Err(match what {
            Separators::Ambiguous => format!(
                "{shown} is ambiguous: write {} if the comma is a decimal comma, or {} if it \
                 separates thousands",
                text.replace(',', "."),
                text.replace(',', "")
            ),
            Separators::DecimalComma => {
                format!("{shown} has a decimal comma; use a dot: {fixed}")
            }
            Separators::Thousands => {
                format!("{shown} has thousands separators; write {fixed}")
            }
            Separators::Both => {
                format!("{shown} has thousands separators and a decimal comma; write {fixed}")
            }
        });
    }
    let number_prefix: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        .collect();
    if !number_prefix.is_empty() && number_prefix.parse::<f64>().is_ok() {
        return Err(format!(
            "{shown} is not a number: it has text after {number_prefix}; write only the number \
             (units are not allowed in number cells)"
        ));
    }
    Err(format!("{shown} is not a number"))
}

/// What the separators in a number cell are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separators {
    /// `1,500` in a comma-separated file: 1.5 or 1500.
    Ambiguous,
    DecimalComma,
    Thousands,
    /// Thousands separators and a decimal comma: `1.234,5`, `1 234,5`.
    Both,
}

/// The plain number a cell with thousands separators or a decimal comma
/// stands for, and what it had; `None` if it is not such a number.
fn separator_fix(text: &str, decimal_comma: bool) -> Option<(String, Separators)> {
    const GROUP: [char; 6] = [' ', '\u{a0}', '\u{202f}', '\'', '’', '_'];
    let (sign, body) = match text.strip_prefix(['-', '+']) {
        Some(body) => (&text[..1], body),
        None => ("", text),
    };
    if !body.starts_with(|c: char| c.is_ascii_digit())
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || GROUP.contains(&c))
    {
        return None;
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let spaced = body.contains(GROUP);
    // The decimal separator is the last of "," and "." when both appear.
    let last_comma = body.rfind(',');
    let last_dot = body.rfind('.');
    let (decimal, thousands): (Option<char>, Vec<char>) = match (commas, dots) {
        (0, 0) => (None, GROUP.to_vec()),
        (0, 1) => (Some('.'), GROUP.to_vec()),
        (0, _) => (None, vec!['.']),
        (1, 0) => (Some(','), GROUP.to_vec()),
        (_, 0) => (None, vec![',']),
        _ if last_comma > last_dot && dots >= 1 && commas == 1 => (Some(','), vec!['.']),
        _ if last_dot > last_comma && dots == 1 => (Some('.'), vec![',']),
        _ => return None,
    };
    let (int, frac) = match decimal {
        Some(d) => {
            let (int, frac) = body.rsplit_once(d)?;
            (int, Some(frac))
        }
        None => (body, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let grouped = int.contains(|c| thousands.contains(&c));
    if grouped {
        let groups: Vec<&str> = int.split(|c| thousands.contains(&c)).collect();
        let valid = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && groups[1..].iter().all(|g| g.len() == 3);
        if !valid {
            return None;
        }
    } else if !int.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let fixed = match frac {
        Some(frac) => format!("{sign}{digits}.{frac}"),
        None => format!("{sign}{digits}"),
    };
    let what = match (grouped || spaced, decimal) {
        (false, Some('.')) | (false, None) => return None, // a plain number
        (true, Some(',')) => Separators::Both,
        (true, _) => Separators::Thousands,
        (false, Some(_)) => {
            // One comma, no grouping: "12,5" is a decimal comma; "1,500" is a
            // decimal comma in a ;-separated file and ambiguous otherwise.
            let three = frac.is_some_and(|f| f.len() == 3) && !int.starts_with('0');
            if three && !decimal_comma {
                Separators::Ambiguous
            } else {
                Separators::DecimalComma
            }
        }
    };
    Some((fixed, what))
}

/// The rest of `text` after a currency sign or code at either end.
fn strip_currency(text: &str) -> Option<&str> {
    const SIGNS: [&str; 12] = [
        "$", "€", "£", "¥", "₹", "usd", "eur", "gbp", "jpy", "cny", "chf", "us$",
    ];
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return None; // lower-casing changed byte offsets: not one of ours
    }
    for sign in SIGNS {
        let rest = if lower.starts_with(sign) {
            &text[sign.len()..]
        } else if lower.ends_with(sign) {
            &text[..text.len() - sign.len()]
        } else {
            continue;
        };
        let rest = rest.trim();
        if rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
            return Some(rest);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(text: &str) -> String {
        parse_number(text).unwrap_err()
    }

    fn problems(bytes: &[u8]) -> Vec<InputError> {
        let lenient = Table::parse_lenient("t.csv", bytes).unwrap().problems;
        assert_eq!(Table::parse("t.csv", bytes).unwrap_err(), lenient);
        lenient
    }

    fn file_error(bytes: &[u8]) -> String {
        let errors = Table::parse("t.csv", bytes).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, None);
        errors[0].message.clone()
    }

    #[test]
    fn plain_numbers_parse() {
        assert_eq!(parse_number("12.5"), Ok(12.5));
        assert_eq!(parse_number("1e3"), Ok(1000.0));
        assert_eq!(parse_number("1E+03"), Ok(1000.0));
        assert_eq!(parse_number(".5"), Ok(0.5));
        assert_eq!(parse_number("-0"), Ok(0.0));
        assert!(parse_number("-0").unwrap().is_sign_positive());
        assert!(parse_number("-0.0").unwrap().is_sign_positive());
    }

    #[test]
    fn bad_numbers_get_a_fix() {
        assert!(hint("12,5").contains("use a dot: 12.5"));
        assert!(hint("1,234,567").contains("write 1234567"));
        assert!(hint("1,500").contains("ambiguous"));
        assert!(hint("12 t").contains("text after 12; write only the number"));
        assert!(hint("12t").contains("text after 12; write only the number"));
        assert!(hint("NaN").contains("not a finite number"));
        assert!(hint("inf").contains("not a finite number"));
        assert!(hint("-Infinity").contains("not a finite number"));
        assert!(hint("1e999").contains("too large"));
        assert!(hint("abc").contains("is not a number"));
        assert!(hint("90%").contains("percentage"));
        assert!(hint("90%").contains(": 90"));
    }

    #[test]
    fn separators_are_explained_with_the_plain_number() {
        assert!(hint("1 234").contains("thousands separators; write 1234"));
        assert!(hint("1\u{a0}234\u{a0}567").contains("write 1234567"));
        assert!(hint("1'234.5").contains("write 1234.5"));
        assert!(hint("1,234.5").contains("thousands separators; write 1234.5"));
        assert!(hint("1.234,5").contains("decimal comma; write 1234.5"));
        assert!(hint("1 234,5").contains("decimal comma; write 1234.5"));
        assert!(hint("1.234.567").contains("write 1234567"));
        assert!(hint("0,125").contains("use a dot: 0.125"));
        assert!(hint("-1,5").contains("use a dot: -1.5"));
        // In a ;-separated file the comma is the decimal separator.
        assert!(parse_number_in("1,500", true)
            .unwrap_err()
            .contains("decimal comma; use a dot: 1.500"));
        // Not grouped in threes: not a number with separators.
        assert!(hint("1 23").contains("text after 1"));
    }

    #[test]
    fn currency_units_and_spreadsheet_values_get_a_fix() {
        assert!(hint("$5").contains("currency sign; write only the number: 5"));
        assert!(hint("5 €").contains("currency sign; write only the number: 5"));
        assert!(hint("USD 1,234.5").contains("number: 1234.5"));
        assert!(hint("#N/A").contains("spreadsheet error value"));
        assert!(hint("#DIV/0!").contains("spreadsheet error value"));
        assert!(hint("-").contains("write 0"));
        assert!(hint("(5)").contains("write -5"));
        assert!(hint("3 months").contains("text after 3"));
    }

    #[test]
    fn sizes_are_limited() {
        assert!(check_size(0.0).is_ok());
        assert!(check_size(-5.0).is_ok());
        assert!(check_size(9.99e14).is_ok());
        assert!(check_size(1e-9).is_ok());
        assert!(check_size(1e15).unwrap_err().contains("below 1e15"));
        assert!(check_size(1e308).unwrap_err().contains("too large"));
        assert!(check_size(1e-10).unwrap_err().contains("at least 1e-9"));
        assert!(check_size(5e-324).unwrap_err().contains("too small"));
    }

    #[test]
    fn long_cells_are_cut_in_messages() {
        let long = "x".repeat(100_000);
        assert!(hint(&long).len() < 200);
        let long = "9".repeat(100_000);
        assert!(hint(&long).len() < 200);
    }

    #[test]
    fn bom_crlf_semicolons_and_blank_lines_are_handled() {
        let text = "\u{feff}Product ; Demand\r\na;1\r\n\r\n;\r\nb;\"2\"\r\n";
        let table = Table::parse("t.csv", text.as_bytes()).unwrap();
        assert_eq!(table.headers, vec!["product", "demand"]);
        assert_eq!(table.delimiter, b';');
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[1].line, 5);
        assert_eq!(
            table.cells(&table.rows[1]).collect::<Vec<_>>(),
            vec!["b", "2"]
        );
    }

    #[test]
    fn tabs_are_a_separator_when_the_header_uses_them() {
        let table = Table::parse("t.tsv", b"a\tb c\n1\t2\n").unwrap();
        assert_eq!(table.delimiter, b'\t');
        assert_eq!(table.headers, vec!["a", "b_c"]);
        assert_eq!(
            table.cells(&table.rows[0]).collect::<Vec<_>>(),
            vec!["1", "2"]
        );
        // More semicolons than commas in the header: semicolons.
        let table = Table::parse("t.csv", b"a;b;c,d\n1;2;3\n").unwrap();
        assert_eq!(table.delimiter, b';');
        assert_eq!(table.headers, vec!["a", "b", "c,d"]);
    }

    #[test]
    fn headers_are_normalised() {
        let table = Table::parse("t.csv", b" Unit Cost ,MAX-MODULES,  floor\n1,2,3\n").unwrap();
        assert_eq!(table.headers, vec!["unit_cost", "max_modules", "floor"]);
        assert_eq!(table.column("max_modules"), Some(1));
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // A quoted value with a line break is one spreadsheet row.
        let text = b"id,note\n\"a\",\"two\nlines, and \"\"quotes\"\"\"\n\nb,x\r\nc,\"\"\n";
        let table = Table::parse("t.csv", text).unwrap();
        assert!(table.problems.is_empty(), "{:?}", table.problems);
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4, 5]);
        assert_eq!(
            table.cell(&table.rows[0], 1).unwrap(),
            "two\nlines, and \"quotes\""
        );
        // Empty rows above the header: the header is where it is.
        let table = Table::parse("t.csv", b"\n,,\na,b\n1,2\n").unwrap();
        assert_eq!(table.header_line, 3);
        assert_eq!(table.rows[0].line, 4);
        // A quote inside an unquoted value is just a character.
        let table = Table::parse("t.csv", b"a,b\n12\",x\ny,z\n").unwrap();
        assert_eq!(
            table.cells(&table.rows[0]).collect::<Vec<_>>(),
            vec!["12\"", "x"]
        );
        assert_eq!(table.rows[1].line, 3);
        // Old Mac line ends.
        let table = Table::parse("t.csv", b"a,b\r1,2\r\r3,4\r").unwrap();
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
        // Windows line ends and a blank line, no quote in the file.
        let table = Table::parse("t.csv", b"a,b\r\n1,2\r\n\r\n3,4\r\n").unwrap();
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn an_unclosed_quote_is_a_problem() {
        let errors = problems(b"a,b\n1,2\n3,\"4\n5,6\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(3));
        assert_eq!(errors[0].column.as_deref(), Some("b"));
        assert!(errors[0].message.contains("never ends"));
    }

    #[test]
    fn surplus_values_and_bad_utf8_name_the_row() {
        let table = Table::parse_lenient("t.csv", b"a,b\n1,2,3\n4,5\n").unwrap();
        assert_eq!(table.problems[0].row, Some(2));
        assert!(table.problems[0].message.contains("3 values"));
        assert_eq!(table.rows.len(), 1, "the bad row is left out");
        let errors = problems(b"a,b\n1,caf\xe9\n");
        assert_eq!(errors[0].column.as_deref(), Some("b"));
        assert!(
            errors[0].message.contains("\"caf\u{e9}\""),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("CSV UTF-8"));
    }

    #[test]
    fn a_row_with_another_separator_is_named() {
        let errors = problems(b"a,b,c\n1;2;3\n");
        assert_eq!(errors[0].row, Some(2));
        assert!(errors[0]
            .message
            .contains("separated by semicolons but the header by commas"));
    }

    #[test]
    fn files_that_are_not_csv_text_say_what_they_are() {
        assert!(file_error(b"\xFF\xFEa\x00,\x00b\x00").contains("UTF-16"));
        assert!(file_error(b"\xFE\xFF\x00a\x00,").contains("UTF-16"));
        assert!(file_error(b"a\x00,\x00b\x00\n\x001\x00,\x002\x00").contains("UTF-16"));
        assert!(file_error(b"PK\x03\x04\x14\x00\x06\x00").contains("Excel workbook"));
        assert!(file_error(b"PK\x03\x04\x14\x00\x06\x00").contains("CSV UTF-8"));
        assert!(file_error(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").contains(".xls"));
        assert!(file_error(b"%PDF-1.4").contains("PDF"));
        assert!(file_error(b"a,b\n1,\x002\n").contains("binary"));
        assert!(file_error(b"").contains("empty"));
        assert!(file_error(b" \r\n\t\n").contains("empty"));
        assert!(file_error(b",,\n,,\n").contains("empty"));
    }

    #[test]
    fn empty_file_and_duplicate_headers_are_errors() {
        assert!(Table::parse("t.csv", b"").unwrap_err()[0]
            .message
            .contains("empty"));
        let errors = problems(b"a,A\n1,2\n");
        assert!(errors[0].message.contains("twice"));
        assert_eq!(errors[0].column.as_deref(), Some("a"));
    }

    #[test]
    fn trailing_empty_fields_are_ignored() {
        let table = Table::parse("t.csv", b"a,b\n1,2,,\n").unwrap();
        assert_eq!(
            table.cells(&table.rows[0]).collect::<Vec<_>>(),
            vec!["1", "2"]
        );
        assert!(table.problems.is_empty());
        let table = Table::parse("t.csv", b"a,b\n1,2,\n3,4,\n5,6\n").unwrap();
        assert_eq!(table.rows.len(), 3);
    }

    #[test]
    fn a_row_split_by_a_comma_is_caught_even_when_it_ends_empty() {
        // "1,5" unquoted: one more value than the other rows, the last empty.
        let errors = problems(b"a,b,c\n1,2,\n1,5,2,\n3,4,\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(3));
        assert!(errors[0]
            .message
            .contains("4 values but the header and the other rows have 3"));
    }

    /// A file without quotes read in parallel parts gives the table one
    /// reader gives: the same rows, row numbers, cells and problems.
    #[test]
    fn parts_read_in_parallel_give_the_same_table() {
        let mut text = String::from("\r\n name , value,Note\n");
        for i in 0..3_000 {
            let line = match i % 11 {
                0 => String::new(),                      // blank line
                1 => format!("r{i},1,2,3"),              // a surplus value
                2 => format!("r{i};1;x"),                // another separator
                3 => format!("r{i},{i}\r"),              // CRLF, short row
                4 => format!("r{i},1,,"),                // a comma too many
                5 => format!("r{i},\u{e9}t\u{e9},x"),    // UTF-8
                _ => format!("  r{i} ,{}, n{i}", i * 7), // padded cells
            };
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("last,1,x"); // no line end at the end of the file
        let mut bytes = text.into_bytes();
        // A cell that is not UTF-8 (Latin-1 é), far into the file.
        let at = bytes.len() - 40;
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        bytes.splice(line_start..line_start, b"bad\xE9,1,x\n".iter().copied());

        let one = Table::parse_split("t.csv", &bytes, usize::MAX).unwrap();
        let parts = Table::parse_split("t.csv", &bytes, 0).unwrap();
        assert_eq!(parts.cells.len(), rayon::current_num_threads().max(2));
        assert_eq!(one.cells.len(), 1);
        assert_eq!(one.headers, vec!["name", "value", "note"]);
        assert_eq!(one.header_line, 2);
        let table_rows = |table: &Table| -> Vec<(u64, Vec<String>)> {
            table
                .rows
                .iter()
                .map(|row| (row.line, table.cells(row).map(str::to_string).collect()))
                .collect()
        };
        let rows = table_rows(&one);
        assert_eq!(rows, table_rows(&parts));
        // Rows 3 to 5: blank, a surplus value, another separator; row 7 has
        // a comma too many.
        assert_eq!(rows[0], (6, vec!["r3".into(), "3".into()]));
        assert_eq!(
            rows[1],
            (8, vec!["r5".into(), "\u{e9}t\u{e9}".into(), "x".into()])
        );
        assert_eq!(rows[2], (9, vec!["r6".into(), "42".into(), "n6".into()]));
        assert!(rows.len() > 1_800, "{}", rows.len());
        let described = |table: &Table| -> Vec<(Option<u64>, String)> {
            table
                .problems
                .iter()
                .map(|e| (e.row, e.message.clone()))
                .collect()
        };
        assert_eq!(described(&one), described(&parts));
        assert!(one.problems.len() > 500);
        assert!(one.problems.iter().any(|e| e.message.contains("not UTF-8")));
    }

    #[test]
    fn wide_headers_and_short_rows_stay_cheap() {
        // 100 000 columns, 50 000 one-value rows: rows are not padded to the header.
        let mut text = "a".to_string();
        for i in 0..100_000 {
            text.push_str(&format!(",c{i}"));
        }
        text.push('\n');
        text.push_str(&"x\n".repeat(50_000));
        let table = Table::parse("t.csv", text.as_bytes()).unwrap();
        assert_eq!(table.rows.len(), 50_000);
        assert!(table.rows.iter().all(|r| r.len() == 1));
        assert_eq!(Cells::new(&table, &table.rows[0]).text("c99"), "");
        assert!(table.unknown_note(&["a"]).unwrap().len() < 500);
        // Many duplicated header names: found without quadratic work.
        let header = vec!["d"; 100_000].join(",");
        let problems = problems(format!("{header}\n1\n").as_bytes());
        assert_eq!(problems.len(), 99_999);
    }

    #[test]
    fn missing_columns_suggest_the_misspelling() {
        let table = Table::parse("t.csv", b"product,unitcost,regions\nx,1,JP\n").unwrap();
        let errors = table.require(&["product", "unit_cost", "region", "capacity"]);
        assert_eq!(errors.len(), 3);
        assert!(errors[0]
            .message
            .contains("rename column \"unitcost\" to unit_cost"));
        assert!(errors[1]
            .message
            .contains("rename column \"regions\" to region"));
        assert!(errors[2].message.contains("add a column named capacity"));
        let table = Table::parse("t.csv", b"Unit Cost (USD),Demand per month\n1,2\n").unwrap();
        let errors = table.require(&["unit_cost", "demand"]);
        assert!(errors[0]
            .message
            .contains("rename column \"unit_cost_(usd)\" to unit_cost"));
        assert!(errors[1]
            .message
            .contains("rename column \"demand_per_month\" to demand"));
        let table = Table::parse("t.csv", b"product|supplier\nx|a\n").unwrap();
        let errors = table.require(&["product"]);
        assert!(
            errors[0].message.contains("separated by '|'"),
            "{}",
            errors[0].message
        );
    }
}
