//! What a frontier row was computed from, and which sweep it belongs to.
//!
//! Every row records the contents of the files it was solved from (a hash of
//! their bytes) and the options that change results (`computed_from`), so
//! `--resume` never reuses a row computed from other inputs and `divopt
//! merge` never joins rows of different inputs. It also records its sweep:
//! an id of the sweep's set of points and their number (`sweep_id`,
//! `sweep_points`), so `merge` can tell which points no file holds.
//!
//! Pure: it reads no files (callers hand it the bytes they parsed) and knows
//! nothing of solving.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::frontier::{FrontierRow, SeriesKey};
use super::Shard;
use crate::report::num;

/// 64-bit FNV-1a of `bytes` (a fixed algorithm, so files written by one
/// divopt build are read by the next). A check that a file has not changed
/// (a change of any one byte always changes it), not a security measure.
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// What a point's result depends on besides its input, scenario set, measure
/// and floor: the `computed_from` column, written as
/// `input=HASH scenarios=HASH|- bom=HASH|- gap=G time_limit=SECONDS|- warm_start=BOOL`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComputedFrom {
    /// Hash of the options file's bytes.
    pub input: u64,
    /// Hash of the scenarios file's bytes; `None` for the default regional
    /// outages (their duration is in the `scenarios` column).
    pub scenarios: Option<u64>,
    /// Hash of the bill of materials' bytes (`--bom`), when one was given.
    pub bom: Option<u64>,
    /// The requested relative gap (`--gap`).
    pub gap: f64,
    /// `--time-limit`, per point.
    pub time_limit_seconds: Option<f64>,
    /// `--warm-start`: each solve starts from the plan of the floor above.
    pub warm_start: bool,
}

/// The parts of [`ComputedFrom`], in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Input,
    Scenarios,
    Bom,
    Gap,
    TimeLimit,
    WarmStart,
}

const PARTS: [(Part, &str); 6] = [
    (Part::Input, "input"),
    (Part::Scenarios, "scenarios"),
    (Part::Bom, "bom"),
    (Part::Gap, "gap"),
    (Part::TimeLimit, "time_limit"),
    (Part::WarmStart, "warm_start"),
];

/// A hash as written: 16 hex digits.
pub fn hash_text(hash: u64) -> String {
    format!("{hash:016x}")
}

/// Reads [`hash_text`]'s form.
pub fn parse_hash(text: &str) -> Option<u64> {
    let hex = text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| u64::from_str_radix(text, 16).ok()).flatten()
}

impl ComputedFrom {
    /// The text of one part, as written.
    fn value(&self, part: Part) -> String {
        let optional = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        match part {
            Part::Input => hash_text(self.input),
            Part::Scenarios => optional(self.scenarios.map(hash_text)),
            Part::Bom => optional(self.bom.map(hash_text)),
            Part::Gap => num(self.gap),
            Part::TimeLimit => optional(self.time_limit_seconds.map(num)),
            Part::WarmStart => self.warm_start.to_string(),
        }
    }

    /// The parts in which `self` and `other` differ.
    pub fn differences(&self, other: &ComputedFrom) -> Vec<Part> {
        PARTS
            .iter()
            .map(|&(part, _)| part)
            .filter(|&part| self.value(part) != other.value(part))
            .collect()
    }
}

impl fmt::Display for ComputedFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (part, name)) in PARTS.iter().enumerate() {
            let space = if i > 0 { " " } else { "" };
            write!(f, "{space}{name}={}", self.value(*part))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ComputedFrom {
    type Err = String;

    fn from_str(text: &str) -> Result<ComputedFrom, String> {
        let bad = || {
            format!(
                "{text:?} is not what divopt sweep writes here (input=HASH scenarios=HASH|- \
                bom=HASH|- gap=G time_limit=SECONDS|- warm_start=true|false); \
                run the sweep again rather than editing this column"
            )
        };
        let values: Vec<&str> = text.split_whitespace().collect();
        if values.len() != PARTS.len() {
            return Err(bad());
        }
        let mut from = ComputedFrom::default();
        for (&(part, name), item) in PARTS.iter().zip(values) {
            let value = item
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .ok_or_else(bad)?;
            let hash_or_none = || -> Result<Option<u64>, String> {
                match value {
                    "-" => Ok(None),
                    _ => parse_hash(value).map(Some).ok_or_else(bad),
                }
            };
            let number = || value.parse::<f64>().ok().filter(|v| v.is_finite());
            match part {
                Part::Input => from.input = parse_hash(value).ok_or_else(bad)?,
                Part::Scenarios => from.scenarios = hash_or_none()?,
                Part::Bom => from.bom = hash_or_none()?,
                Part::Gap => from.gap = number().ok_or_else(bad)?,
                Part::TimeLimit => {
                    from.time_limit_seconds = match value {
                        "-" => None,
                        _ => Some(number().ok_or_else(bad)?),
                    }
                }
                Part::WarmStart => {
                    from.warm_start = match value {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad()),
                    }
                }
            }
        }
        Ok(from)
    }
}

/// Where a row was read: file and spreadsheet row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowAt {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for RowAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, row {}", self.file, self.line)
    }
}

fn on_off(value: bool) -> &'static str {
    if value {
        "on"
    } else {
        "off"
    }
}

fn none_or(value: Option<f64>) -> String {
    value.map_or_else(|| "none".to_string(), num)
}

/// How `part` changed between the run that wrote `row` (`then`) and this
/// one (`now`), for a refused `--resume`.
pub fn describe_change(
    part: Part,
    row: &FrontierRow,
    then: &ComputedFrom,
    now: &ComputedFrom,
) -> String {
    match part {
        Part::Input => format!("{} has changed since the row was computed", row.input),
        Part::Scenarios => format!("{} has changed since the row was computed", row.scenarios),
        Part::Bom => match (then.bom, now.bom) {
            (None, _) => "--bom is given now but was not then".to_string(),
            (_, None) => "--bom was given then but is not now".to_string(),
            _ => "the --bom file has changed since the row was computed".to_string(),
        },
        Part::Gap => format!("--gap was {}, is {} now", num(then.gap), num(now.gap)),
        Part::TimeLimit => format!(
            "--time-limit was {}, is {} now",
            none_or(then.time_limit_seconds),
            none_or(now.time_limit_seconds)
        ),
        Part::WarmStart => format!(
            "--warm-start was {}, is {} now",
            on_off(then.warm_start),
            on_off(now.warm_start)
        ),
    }
}

/// How `part` differs between two rows of files being merged.
fn describe_difference(
    part: Part,
    row: &FrontierRow,
    (a, a_at): (&ComputedFrom, &RowAt),
    (b, b_at): (&ComputedFrom, &RowAt),
) -> String {
    let bom = |from: &ComputedFrom| match from.bom {
        Some(hash) => format!("a BOM with hash {}", hash_text(hash)),
        None => "none".to_string(),
    };
    let (subject, a_value, b_value) = match part {
        Part::Input => (
            format!("{} had other contents", row.input),
            format!("hash {}", hash_text(a.input)),
            format!("hash {}", hash_text(b.input)),
        ),
        Part::Scenarios => (
            format!("{} had other contents", row.scenarios),
            format!("hash {}", a.value(Part::Scenarios)),
            format!("hash {}", b.value(Part::Scenarios)),
        ),
        Part::Bom => ("--bom differs".to_string(), bom(a), bom(b)),
        Part::Gap => ("--gap differs".to_string(), num(a.gap), num(b.gap)),
        Part::TimeLimit => (
            "--time-limit differs".to_string(),
            none_or(a.time_limit_seconds),
            none_or(b.time_limit_seconds),
        ),
        Part::WarmStart => (
            "--warm-start differs".to_string(),
            on_off(a.warm_start).to_string(),
            on_off(b.warm_start).to_string(),
        ),
    };
    format!("{subject}: {a_value} ({a_at}) against {b_value} ({b_at})")
}

/// Most problems listed in one message.
const MAX_LISTED: usize = 10;

/// Joins problem lines, each on its own indented line, at most ten of them.
pub fn listing(lines: &[String]) -> String {
    let mut text = String::new();
    for line in lines.iter().take(MAX_LISTED) {
        text.push_str("\n  ");
        text.push_str(line);
    }
    if lines.len() > MAX_LISTED {
        text.push_str(&format!("\n  ... and {} more", lines.len() - MAX_LISTED));
    }
    text
}

/// Checks that rows being merged were computed from the same inputs and
/// options: every row of a series alike, and each input or scenarios file
/// with one content across all rows. Returns the differences found, one
/// line each.
pub fn merge_differences(rows: &[(RowAt, FrontierRow)]) -> Vec<String> {
    // What each (part, scope) was first seen as, and where.
    let mut seen: BTreeMap<(&'static str, String), (&ComputedFrom, &RowAt)> = BTreeMap::new();
    let mut found: Vec<String> = Vec::new();
    let mut reported: BTreeSet<(&'static str, String)> = BTreeSet::new();
    for (at, row) in rows {
        for (part, name) in PARTS {
            // An input or scenarios file has one content everywhere; the
            // rest must agree within a series.
            let scope = match part {
                Part::Input => row.input.clone(),
                Part::Scenarios => row.scenarios.clone(),
                _ => {
                    let (input, scenarios, measure) = row.series();
                    format!("{input}\u{1f}{scenarios}\u{1f}{measure}")
                }
            };
            let key = (name, scope);
            match seen.get(&key) {
                None => {
                    seen.insert(key, (&row.computed_from, at));
                }
                Some(&(first, first_at)) => {
                    if first.value(part) != row.computed_from.value(part) && reported.insert(key) {
                        found.push(describe_difference(
                            part,
                            row,
                            (first, first_at),
                            (&row.computed_from, at),
                        ));
                    }
                }
            }
        }
    }
    found
}

/// A sweep's points (input, scenarios, measure, floor), sorted as in the
/// frontier file and without duplicates.
pub fn point_set(points: impl IntoIterator<Item = (SeriesKey, f64)>) -> Vec<(SeriesKey, f64)> {
    let set: BTreeMap<(SeriesKey, u64), f64> = points
        .into_iter()
        // Floors are in [0, 1]: their bits sort like the values.
        .map(|(series, floor)| ((series, floor.to_bits()), floor))
        .collect();
    set.into_iter()
        .map(|((series, _), floor)| (series, floor))
        .collect()
}

/// The id of a sweep: a hash of its set of points ([`point_set`]), so a
/// sweep has the same id whether it was run whole, in shards or resumed.
pub fn sweep_id(points: &[(SeriesKey, f64)]) -> u64 {
    let mut text = String::new();
    for ((input, scenarios, measure), floor) in points {
        text.push_str(&format!(
            "{input}\u{1f}{scenarios}\u{1f}{measure}\u{1f}{}\u{1e}",
            num(*floor)
        ));
    }
    content_hash(text.as_bytes())
}

/// A sweep some of whose points are in none of the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Incomplete {
    pub sweep_id: u64,
    pub sweep_points: u64,
    /// Points of the sweep that some row holds.
    pub present: u64,
    /// Missing points that can be named: every series of a sweep has every
    /// floor, so the points built from the inputs, scenario sets, measures
    /// and floors of the sweep's rows are points of the sweep.
    pub named: Vec<(SeriesKey, f64)>,
    /// Shards of which no row is there, when the rows are all from shards
    /// of one count N.
    pub missing_shards: Vec<Shard>,
}

impl Incomplete {
    /// Missing points none of whose rows shows their input, scenario set,
    /// measure or floor.
    pub fn unnamed(&self) -> u64 {
        self.sweep_points - self.present - self.named.len() as u64
    }
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = self.sweep_points - self.present;
        write!(
            f,
            "sweep {} has {} points; {missing} of them are in none of the files",
            hash_text(self.sweep_id),
            self.sweep_points
        )?;
        if !self.missing_shards.is_empty() {
            let shards: Vec<String> = self.missing_shards.iter().map(Shard::to_string).collect();
            write!(f, "\n  no file has rows of --shard {}", shards.join(" or "))?;
        }
        let mut by_series: BTreeMap<&SeriesKey, Vec<f64>> = BTreeMap::new();
        for (series, floor) in &self.named {
            by_series.entry(series).or_default().push(*floor);
        }
        for (i, ((input, scenarios, measure), floors)) in by_series.iter().enumerate() {
            if i == MAX_LISTED {
                write!(
                    f,
                    "\n  ... and {} more series",
                    by_series.len() - MAX_LISTED
                )?;
                break;
            }
            let shown: Vec<String> = floors.iter().take(MAX_LISTED).map(|v| num(*v)).collect();
            let more = if floors.len() > MAX_LISTED {
                ", ..."
            } else {
                ""
            };
            write!(
                f,
                "\n  {input} ({scenarios}, {measure}): floor{} {}{more}",
                if floors.len() == 1 { "" } else { "s" },
                shown.join(", ")
            )?;
        }
        if self.unnamed() > 0 && self.missing_shards.is_empty() {
            let and = if self.named.is_empty() { "" } else { "and " };
            write!(
                f,
                "\n  {and}{} point(s) whose floor, input, scenario set or measure no file shows",
                self.unnamed()
            )?;
        }
        Ok(())
    }
}

/// The sweeps of `rows` some of whose points no row holds.
pub fn incomplete_sweeps(rows: &[FrontierRow]) -> Result<Vec<Incomplete>, String> {
    let present: BTreeSet<(SeriesKey, u64)> = rows
        .iter()
        .map(|r| (r.series(), r.floor.to_bits()))
        .collect();
    let mut sweeps: BTreeMap<(u64, u64), Vec<&FrontierRow>> = BTreeMap::new();
    for row in rows {
        sweeps
            .entry((row.sweep_id, row.sweep_points))
            .or_default()
            .push(row);
    }
    let mut incomplete = Vec::new();
    for ((sweep_id, sweep_points), rows) in sweeps {
        let inputs: BTreeSet<&str> = rows.iter().map(|r| r.input.as_str()).collect();
        let sets: BTreeSet<&str> = rows.iter().map(|r| r.scenarios.as_str()).collect();
        let measures: BTreeSet<&str> = rows.iter().map(|r| r.measure.as_str()).collect();
        let floors: BTreeSet<u64> = rows.iter().map(|r| r.floor.to_bits()).collect();
        let mut found = 0u64;
        let mut named = Vec::new();
        for input in &inputs {
            for set in &sets {
                for measure in &measures {
                    for &floor in &floors {
                        let series = (input.to_string(), set.to_string(), measure.to_string());
                        let key = (series, floor);
                        if present.contains(&key) {
                            found += 1;
                        } else {
                            named.push((key.0, f64::from_bits(floor)));
                        }
                    }
                }
            }
        }
        if found + named.len() as u64 > sweep_points {
            return Err(format!(
                "sweep {} claims {sweep_points} points (column sweep_points), but its rows \
                show more; were the files edited? Run the sweep again",
                hash_text(sweep_id)
            ));
        }
        if found < sweep_points {
            let shards: BTreeSet<Option<Shard>> = rows.iter().map(|r| r.shard).collect();
            let counts: BTreeSet<Option<usize>> =
                shards.iter().map(|s| s.map(|s| s.count)).collect();
            let missing_shards = match counts.into_iter().collect::<Vec<_>>()[..] {
                [Some(count)] => (1..=count)
                    .map(|index| Shard { index, count })
                    .filter(|s| !shards.contains(&Some(*s)))
                    .collect(),
                _ => Vec::new(),
            };
            incomplete.push(Incomplete {
                sweep_id,
                sweep_points,
                present: found,
                named,
                missing_shards,
            });
        }
    }
    Ok(incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(input: u64, gap: f64) -> ComputedFrom {
        ComputedFrom {
            input,
            scenarios: Some(7),
            bom: None,
            gap,
            time_limit_seconds: None,
            warm_start: false,
        }
    }

    #[test]
    fn computed_from_round_trips_through_its_text() {
        let a = ComputedFrom {
            time_limit_seconds: Some(2.5),
            warm_start: true,
            bom: Some(u64::MAX),
            ..from(0x0123_4567_89ab_cdef, 1e-4)
        };
        let text = a.to_string();
        assert_eq!(
            text,
            "input=0123456789abcdef scenarios=0000000000000007 bom=ffffffffffffffff \
            gap=0.0001 time_limit=2.5 warm_start=true"
        );
        assert_eq!(text.parse::<ComputedFrom>().unwrap(), a);
        assert!(
            "input=12 scenarios=- bom=- gap=0 time_limit=- warm_start=false"
                .parse::<ComputedFrom>()
                .is_err()
        );
        assert!("".parse::<ComputedFrom>().is_err());
    }

    #[test]
    fn one_changed_byte_changes_the_hash() {
        assert_ne!(content_hash(b"a,1\n"), content_hash(b"a,2\n"));
        assert_eq!(content_hash(b""), 0xcbf2_9ce4_8422_2325);
    }

    fn row(input: &str, measure: &str, floor: f64, shard: Option<(usize, usize)>) -> FrontierRow {
        FrontierRow {
            input: input.into(),
            scenarios: "s.csv".into(),
            measure: measure.into(),
            floor,
            status: "optimal".into(),
            sweep_id: 9,
            sweep_points: 6,
            shard: shard.map(|(index, count)| Shard { index, count }),
            ..FrontierRow::default()
        }
    }

    #[test]
    fn missing_points_are_named_by_shard_and_floor() {
        // A sweep of 2 measures × 3 floors, in 2 shards: 3 points each.
        let shard = |index| {
            [
                ("worst", 0.0),
                ("worst", 0.5),
                ("worst", 1.0),
                ("each", 0.0),
                ("each", 0.5),
                ("each", 1.0),
            ]
            .iter()
            .enumerate()
            .filter(|(position, _)| position % 2 == index - 1)
            .map(|(_, &(measure, floor))| row("a.csv", measure, floor, Some((index, 2))))
            .collect::<Vec<_>>()
        };
        let both = [shard(1), shard(2)].concat();
        assert_eq!(incomplete_sweeps(&both).unwrap(), vec![]);
        let missing = incomplete_sweeps(&shard(1)).unwrap();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].present, 3);
        assert_eq!(
            missing[0].missing_shards,
            vec![Shard { index: 2, count: 2 }]
        );
        // Shard 1 holds worst 0 and 1, each 0.5: the other three are nameable.
        let named: Vec<(String, f64)> = missing[0]
            .named
            .iter()
            .map(|((_, _, measure), floor)| (measure.clone(), *floor))
            .collect();
        assert_eq!(
            named,
            vec![
                ("each".to_string(), 0.0),
                ("each".to_string(), 1.0),
                ("worst".to_string(), 0.5)
            ]
        );
        assert_eq!(missing[0].unnamed(), 0);
        let text = missing[0].to_string();
        assert!(
            text.contains("6 points; 3 of them are in none of the files"),
            "{text}"
        );
        assert!(text.contains("no file has rows of --shard 2/2"), "{text}");
        assert!(text.contains("a.csv (s.csv, each): floors 0, 1"), "{text}");
        // A file claiming fewer points than its rows show was edited.
        let mut edited = both.clone();
        edited.iter_mut().for_each(|r| r.sweep_points = 5);
        assert!(incomplete_sweeps(&edited).is_err());
    }

    #[test]
    fn merge_differences_name_the_part_the_files_and_rows() {
        let at = |file: &str, line| RowAt {
            file: file.into(),
            line,
        };
        let mut a = row("a.csv", "worst", 0.0, None);
        a.computed_from = from(1, 1e-4);
        let mut b = row("a.csv", "worst", 0.5, None);
        b.computed_from = from(1, 1e-3);
        let mut other_series = row("a.csv", "each", 0.5, None);
        other_series.computed_from = from(2, 1e-3);
        let found = merge_differences(&[
            (at("x.csv", 2), a.clone()),
            (at("y.csv", 3), b),
            (at("y.csv", 4), other_series),
        ]);
        assert_eq!(
            found,
            vec![
                "--gap differs: 0.0001 (x.csv, row 2) against 0.001 (y.csv, row 3)".to_string(),
                format!(
                    "a.csv had other contents: hash {} (x.csv, row 2) against hash {} (y.csv, row 4)",
                    hash_text(1),
                    hash_text(2)
                ),
            ]
        );
        assert!(merge_differences(&[(at("x.csv", 2), a.clone()), (at("y.csv", 2), a)]).is_empty());
    }

    #[test]
    fn differences_name_the_parts() {
        assert_eq!(
            from(1, 1e-4).differences(&from(2, 1e-3)),
            vec![Part::Input, Part::Gap]
        );
        assert!(from(1, 1e-4).differences(&from(1, 1e-4)).is_empty());
    }
}
