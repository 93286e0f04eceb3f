//! The frontier table: one row per (input, scenario set, measure, floor), its
//! CSV form, and the columns derived from a whole series (marginal cost, knee).

use std::collections::BTreeMap;

use super::knee::knee_index;
use super::provenance::{self, ComputedFrom};
use super::Shard;
use crate::input::InputError;
use crate::report::{num, rounded};

/// The frontier.csv columns, in order.
pub const COLUMNS: &[&str] = &[
    "input",
    "scenarios",
    "measure",
    "floor",
    "plan_floor",
    "status",
    "cost",
    "premium_pct",
    "marginal_cost",
    "suppliers",
    "diversified",
    "stockpiled",
    "localized",
    "untouched",
    "reserve_value",
    "local_share",
    "min_fill",
    "binding_scenario",
    "max_floor",
    "gap",
    "solve_seconds",
    "knee",
    "computed_from",
    "sweep_id",
    "sweep_points",
    "shard",
];

/// The columns that record what a row was computed from and its sweep
/// (added after the others; files written before lack them).
const PROVENANCE_COLUMNS: &[&str] = &["computed_from", "sweep_id", "sweep_points", "shard"];

/// Columns that hold timings: the only ones that may differ between runs.
pub const TIMING_COLUMNS: &[&str] = &["solve_seconds"];

/// One frontier point. Costs are per period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontierRow {
    /// The options file as given on the command line.
    pub input: String,
    /// The scenarios file as given, or `regional-outages:D` for the default set.
    pub scenarios: String,
    pub measure: String,
    pub floor: f64,
    /// The floor whose solve found the plan reported here: a plan for a higher
    /// floor also meets this one, and when it is cheaper than this floor's own
    /// solve (which stops within the gap), the row reports it (derived).
    pub plan_floor: Option<f64>,
    /// optimal | time_limit | infeasible | no_plan_in_time
    pub status: String,
    pub cost: Option<f64>,
    /// (cost − floor-0 cost) / floor-0 cost × 100.
    pub premium_pct: Option<f64>,
    /// Cost added per 0.01 of floor since the previous feasible point of the series (derived).
    pub marginal_cost: Option<f64>,
    /// Selected options, over all products.
    pub suppliers: Option<u64>,
    pub diversified: Option<u64>,
    pub stockpiled: Option<u64>,
    pub localized: Option<u64>,
    pub untouched: Option<u64>,
    /// Σ_p r_p × (the plan's average unit purchase cost of p).
    pub reserve_value: Option<f64>,
    /// Share of purchase value from local options.
    pub local_share: Option<f64>,
    /// Lowest criticality-weighted scenario fill.
    pub min_fill: Option<f64>,
    /// The plan's worst scenario; when infeasible, the scenario that caps the floor.
    pub binding_scenario: String,
    /// Highest floor the series' measure can reach.
    pub max_floor: f64,
    pub gap: Option<f64>,
    pub solve_seconds: f64,
    /// The recommended point of the series (derived).
    pub knee: bool,
    /// The files' contents and the options the result was computed from.
    pub computed_from: ComputedFrom,
    /// The sweep the row belongs to: a hash of its set of points.
    pub sweep_id: u64,
    /// How many points that sweep has.
    pub sweep_points: u64,
    /// The shard (`--shard I/N`) whose run wrote the row; `None` for a
    /// whole sweep (also one merged from all its shards).
    pub shard: Option<Shard>,
}

/// Identifies a series: rows that differ only in floor.
pub type SeriesKey = (String, String, String);

impl FrontierRow {
    pub fn series(&self) -> SeriesKey {
        (
            self.input.clone(),
            self.scenarios.clone(),
            self.measure.clone(),
        )
    }

    /// The point's identity: series plus floor (as printed).
    pub fn key(&self) -> (SeriesKey, String) {
        (self.series(), num(self.floor))
    }

    pub fn feasible(&self) -> bool {
        self.cost.is_some()
    }

    /// The row as its CSV line reads back: every number rounded to the
    /// digits written. A sweep derives the marginal cost, the monotone
    /// envelope and the knee from these values, as `merge` and `--resume`
    /// do from the files, so all three write the same file.
    pub fn as_written(self) -> FrontierRow {
        let opt = |v: Option<f64>| v.map(rounded);
        FrontierRow {
            floor: rounded(self.floor),
            plan_floor: opt(self.plan_floor),
            cost: opt(self.cost),
            premium_pct: opt(self.premium_pct),
            marginal_cost: opt(self.marginal_cost),
            reserve_value: opt(self.reserve_value),
            local_share: opt(self.local_share),
            min_fill: opt(self.min_fill),
            max_floor: rounded(self.max_floor),
            gap: opt(self.gap),
            computed_from: ComputedFrom {
                gap: rounded(self.computed_from.gap),
                time_limit_seconds: opt(self.computed_from.time_limit_seconds),
                ..self.computed_from
            },
            ..self
        }
    }

    fn cells(&self) -> Vec<String> {
        let opt = |v: Option<f64>| v.map_or_else(String::new, num);
        let count = |v: Option<u64>| v.map_or_else(String::new, |v| v.to_string());
        vec![
            self.input.clone(),
            self.scenarios.clone(),
            self.measure.clone(),
            num(self.floor),
            opt(self.plan_floor),
            self.status.clone(),
            opt(self.cost),
            opt(self.premium_pct),
            opt(self.marginal_cost),
            count(self.suppliers),
            count(self.diversified),
            count(self.stockpiled),
            count(self.localized),
            count(self.untouched),
            opt(self.reserve_value),
            opt(self.local_share),
            opt(self.min_fill),
            self.binding_scenario.clone(),
            num(self.max_floor),
            opt(self.gap),
            format!("{:.3}", self.solve_seconds),
            self.knee.to_string(),
            self.computed_from.to_string(),
            provenance::hash_text(self.sweep_id),
            self.sweep_points.to_string(),
            // "1 of 2", not "1/2", which a spreadsheet reads as a date.
            self.shard
                .map_or_else(String::new, |s| format!("{} of {}", s.index, s.count)),
        ]
    }
}

/// One CSV line (with its newline) for a row, as the journal appends it.
pub fn row_line(row: &FrontierRow) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(row.cells()).expect("writing to memory");
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

/// The header line of frontier.csv and of the journal.
pub fn header_line() -> String {
    COLUMNS.join(",") + "\n"
}

/// The whole table as CSV.
pub fn render(rows: &[FrontierRow]) -> String {
    let mut text = header_line();
    for row in rows {
        text.push_str(&row_line(row));
    }
    text
}

/// Reads frontier rows written by [`render`] or a journal. A journal's last
/// line may be cut short by an interruption: such a line is skipped when
/// `allow_torn_tail` is set.
pub fn parse(
    file: &str,
    bytes: &[u8],
    allow_torn_tail: bool,
) -> Result<Vec<FrontierRow>, InputError> {
    Ok(parse_numbered(file, bytes, allow_torn_tail)?
        .into_iter()
        .map(|(_, row)| row)
        .collect())
}

/// [`parse`], with each row's spreadsheet row number (header = 1).
pub fn parse_numbered(
    file: &str,
    bytes: &[u8],
    allow_torn_tail: bool,
) -> Result<Vec<(u64, FrontierRow)>, InputError> {
    let table =
        crate::input::table::Table::parse(file, bytes).map_err(|mut errors| errors.remove(0))?;
    if let Some(missing) = COLUMNS.iter().find(|c| table.column(c).is_none()) {
        let older = PROVENANCE_COLUMNS.contains(missing);
        return Err(InputError::at(
            file,
            table.header_line,
            Some(missing.to_string()),
            if older {
                "required column is missing: the file was written by an older divopt, \
                whose rows do not record what they were computed from; run that sweep again"
            } else {
                "required column is missing; is this a frontier file written by divopt sweep?"
            },
        ));
    }
    let last_line = table.rows.last().map(|r| r.line);
    let torn_tail_possible = allow_torn_tail && !bytes.ends_with(b"\n");
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let cells = crate::input::table::Cells::new(&table, row);
        match read_row(&cells) {
            Ok(parsed) => rows.push((row.line, parsed)),
            Err(_) if torn_tail_possible && Some(row.line) == last_line => {}
            Err(error) => return Err(error),
        }
    }
    Ok(rows)
}

fn read_row(cells: &crate::input::table::Cells) -> Result<FrontierRow, InputError> {
    let number = |column: &str| -> Result<Option<f64>, InputError> { cells.number(column) };
    let required = |column: &str| -> Result<f64, InputError> {
        number(column)?.ok_or_else(|| cells.error(column, "is empty"))
    };
    let count = |column: &str| -> Result<Option<u64>, InputError> {
        Ok(cells.count(column)?.map(u64::from))
    };
    let knee = match cells.text("knee") {
        "true" => true,
        "false" => false,
        other => return Err(cells.error("knee", format!("{other:?} is not true or false"))),
    };
    let computed_from = cells
        .text("computed_from")
        .parse::<ComputedFrom>()
        .map_err(|message| cells.error("computed_from", message))?;
    let sweep_id = provenance::parse_hash(cells.text("sweep_id")).ok_or_else(|| {
        cells.error(
            "sweep_id",
            format!("{:?} is not 16 hex digits", cells.text("sweep_id")),
        )
    })?;
    let sweep_points = match cells.count("sweep_points")? {
        Some(points) if points > 0 => u64::from(points),
        _ => return Err(cells.error("sweep_points", "must be a count of at least 1")),
    };
    let shard = match cells.text("shard") {
        "" => None,
        text => Some(
            text.replacen(" of ", "/", 1)
                .parse::<Shard>()
                .map_err(|_| {
                    cells.error("shard", format!("{text:?} is not I of N, e.g. 3 of 8"))
                })?,
        ),
    };
    Ok(FrontierRow {
        input: cells.id("input")?,
        scenarios: cells.id("scenarios")?,
        measure: cells.id("measure")?,
        floor: required("floor")?,
        plan_floor: number("plan_floor")?,
        status: cells.id("status")?,
        cost: number("cost")?,
        premium_pct: number("premium_pct")?,
        marginal_cost: number("marginal_cost")?,
        suppliers: count("suppliers")?,
        diversified: count("diversified")?,
        stockpiled: count("stockpiled")?,
        localized: count("localized")?,
        untouched: count("untouched")?,
        reserve_value: number("reserve_value")?,
        local_share: number("local_share")?,
        min_fill: number("min_fill")?,
        binding_scenario: cells.text("binding_scenario").to_string(),
        max_floor: required("max_floor")?,
        gap: number("gap")?,
        solve_seconds: required("solve_seconds")?,
        knee,
        computed_from,
        sweep_id,
        sweep_points,
        shard,
    })
}

/// Sorts rows by series and floor and fills the derived columns of each
/// series: marginal cost between consecutive feasible points, and the knee.
/// Fails if two rows claim the same point with different results.
pub fn finish(rows: Vec<FrontierRow>) -> Result<Vec<FrontierRow>, String> {
    let mut by_key: BTreeMap<(SeriesKey, u64), FrontierRow> = BTreeMap::new();
    for row in rows {
        // Floors are in [0, 1]: order them by their bits, which sort like the values.
        let key = (row.series(), row.floor.to_bits());
        if let Some(existing) = by_key.get(&key) {
            if !same_result(existing, &row) {
                return Err(format!(
                    "two different results for input {:?}, scenarios {:?}, measure {}, floor {}",
                    row.input,
                    row.scenarios,
                    row.measure,
                    num(row.floor)
                ));
            }
            continue;
        }
        by_key.insert(key, row);
    }
    let mut rows: Vec<FrontierRow> = by_key.into_values().collect();
    let mut start = 0;
    while start < rows.len() {
        let series = rows[start].series();
        let end = start
            + rows[start..]
                .iter()
                .take_while(|r| r.series() == series)
                .count();
        derive_series(&mut rows[start..end]);
        start = end;
    }
    Ok(rows)
}

/// Whether two rows report the same result (derived, timing and sweep
/// columns aside: two sweeps can share a point).
pub fn same_result(a: &FrontierRow, b: &FrontierRow) -> bool {
    let strip = |r: &FrontierRow| FrontierRow {
        marginal_cost: None,
        knee: false,
        solve_seconds: 0.0,
        sweep_id: 0,
        sweep_points: 0,
        shard: None,
        ..r.clone()
    };
    strip(a).cells() == strip(b).cells()
}

fn derive_series(series: &mut [FrontierRow]) {
    // Monotone envelope: scanning down from the highest floor, a row whose own
    // plan costs more than a plan already found for a higher floor reports
    // that plan instead (it meets every lower floor). Ties go to the lowest
    // plan floor, so the result depends only on the set of rows.
    let mut best: Option<FrontierRow> = None;
    for row in series.iter_mut().rev() {
        let Some(cost) = row.cost else { continue };
        let own = row.plan_floor.unwrap_or(row.floor);
        row.plan_floor = Some(own);
        match &best {
            Some(b) if (b.cost.expect("feasible"), b.plan_floor.expect("set")) < (cost, own) => {
                row.cost = b.cost;
                row.premium_pct = b.premium_pct;
                row.suppliers = b.suppliers;
                row.diversified = b.diversified;
                row.stockpiled = b.stockpiled;
                row.localized = b.localized;
                row.untouched = b.untouched;
                row.reserve_value = b.reserve_value;
                row.local_share = b.local_share;
                row.min_fill = b.min_fill;
                row.binding_scenario = b.binding_scenario.clone();
                row.plan_floor = b.plan_floor;
            }
            _ => best = Some(row.clone()),
        }
    }
    let mut previous: Option<(f64, f64)> = None;
    for row in series.iter_mut() {
        row.knee = false;
        row.marginal_cost = match (row.cost, previous) {
            (Some(cost), Some((floor, last))) if row.floor > floor => {
                Some((cost - last) / ((row.floor - floor) / 0.01))
            }
            _ => None,
        };
        if let Some(cost) = row.cost {
            previous = Some((row.floor, cost));
        }
    }
    let feasible: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].feasible())
        .collect();
    let curve: Vec<(f64, f64)> = feasible
        .iter()
        .map(|&i| (series[i].floor, series[i].cost.expect("feasible")))
        .collect();
    if let Some(k) = knee_index(&curve) {
        series[feasible[k]].knee = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(floor: f64, cost: Option<f64>) -> FrontierRow {
        FrontierRow {
            input: "a.csv".into(),
            scenarios: "s.csv".into(),
            measure: "worst".into(),
            floor,
            status: if cost.is_some() {
                "optimal"
            } else {
                "infeasible"
            }
            .into(),
            cost,
            max_floor: 0.9,
            sweep_points: 4,
            ..FrontierRow::default()
        }
    }

    #[test]
    fn csv_round_trip_keeps_every_column() {
        let mut r = row(0.45, Some(1234.5));
        r.suppliers = Some(7);
        r.binding_scenario = "quake, big".into();
        r.knee = true;
        r.solve_seconds = 0.25;
        let text = render(&[r.clone(), row(1.0, None)]);
        let back = parse("f.csv", text.as_bytes(), false).unwrap();
        assert_eq!(back, vec![r, row(1.0, None)]);
    }

    /// A sweep derives its columns from what it writes, so a row must come
    /// back from its CSV line unchanged.
    #[test]
    fn as_written_is_what_the_csv_reads_back() {
        let mut r = row(0.15000000000000002, Some(1_610_788.243_591_7));
        r.premium_pct = Some(0.092_767_397_512_34);
        r.reserve_value = Some(63_332.004_612_345);
        r.min_fill = Some(0.050_461_538_461_538_46);
        r.gap = Some(1.767_607_123e-6);
        r.max_floor = 0.987_129_670_1;
        r.computed_from.gap = 1.000_000_000_1e-4;
        r.computed_from.time_limit_seconds = Some(2.000_000_000_3);
        let written = r.clone().as_written();
        assert_ne!(written, r);
        let back = parse("f.csv", render(&[r]).as_bytes(), false).unwrap();
        assert_eq!(back, vec![written.clone()]);
        assert_eq!(written.clone().as_written(), written);
    }

    #[test]
    fn torn_journal_tail_is_skipped_only_when_allowed() {
        let mut text = render(&[row(0.1, Some(1.0)), row(0.2, Some(2.0))]);
        text.truncate(text.len() - 12);
        assert_eq!(parse("j", text.as_bytes(), true).unwrap().len(), 1);
        assert!(parse("j", text.as_bytes(), false).is_err());
    }

    #[test]
    fn marginal_cost_is_per_hundredth_of_floor_and_skips_infeasible_points() {
        let rows = finish(vec![
            row(0.9, Some(130.0)),
            row(0.0, Some(100.0)),
            row(0.5, Some(110.0)),
            row(1.0, None),
        ])
        .unwrap();
        let floors: Vec<f64> = rows.iter().map(|r| r.floor).collect();
        assert_eq!(floors, vec![0.0, 0.5, 0.9, 1.0]);
        assert_eq!(rows[0].marginal_cost, None);
        approx::assert_relative_eq!(rows[1].marginal_cost.unwrap(), 10.0 / 50.0);
        approx::assert_relative_eq!(rows[2].marginal_cost.unwrap(), 20.0 / 40.0);
        assert_eq!(rows[3].marginal_cost, None);
    }

    #[test]
    fn a_cheaper_plan_of_a_higher_floor_is_reported_for_lower_floors() {
        let mut high = row(0.8, Some(100.0));
        high.suppliers = Some(3);
        let rows = finish(vec![
            row(0.5, Some(100.5)),
            high,
            row(0.7, Some(100.0)),
            row(0.9, Some(120.0)),
        ])
        .unwrap();
        let costs: Vec<f64> = rows.iter().map(|r| r.cost.unwrap()).collect();
        assert_eq!(costs, vec![100.0, 100.0, 100.0, 120.0]);
        // 0.7 and 0.8 tie: 0.7 keeps its own plan, and 0.5 takes the lowest plan floor.
        let plan_floors: Vec<f64> = rows.iter().map(|r| r.plan_floor.unwrap()).collect();
        assert_eq!(plan_floors, vec![0.7, 0.7, 0.8, 0.9]);
        assert_eq!(rows[2].suppliers, Some(3));
        assert_eq!(rows[0].suppliers, None);
        // Finishing finished rows changes nothing (merge of shards relies on it).
        assert_eq!(finish(rows.clone()).unwrap(), rows);
    }

    #[test]
    fn conflicting_duplicates_are_refused() {
        assert!(finish(vec![row(0.5, Some(1.0)), row(0.5, Some(1.0))]).is_ok());
        assert!(finish(vec![row(0.5, Some(1.0)), row(0.5, Some(2.0))]).is_err());
    }
}
