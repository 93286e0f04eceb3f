//! The scenarios CSV: rows with the same scenario id form one scenario; each
//! row says which options lose what share of their capacity.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use super::error::{show, InputError};
use super::table::{keep, Cells, Table};
use crate::instance::{Losses, OptionId, Product, ProductId, Scenario, SourcingOption};

pub const REQUIRED: &[&str] = &["scenario", "region", "duration"];
pub const OPTIONAL: &[&str] = &["supplier", "product", "loss", "probability", "kind"];

/// Scenarios × options from which scenarios expand in parallel (below it,
/// starting the threads costs more than it saves: the example data).
const PARALLEL_EXPANSION: usize = 100_000;

/// One row: which options it hits and how hard.
struct Rule {
    /// The spreadsheet row.
    line: u64,
    region: String,
    /// Whether the region is `*` (any region).
    any_region: bool,
    supplier: String,
    product: String,
    loss: f64,
}

impl Rule {
    /// Whether the row names a product assembled in-house (one without options).
    fn names_assembly(&self, products: &[Product]) -> bool {
        products
            .iter()
            .any(|p| p.options.is_empty() && p.name == self.product)
    }

    /// The filter that picks the rule's candidate options.
    fn filter(&self) -> Filter {
        if !self.product.is_empty() {
            Filter::Product
        } else if !self.supplier.is_empty() {
            Filter::Supplier
        } else if !self.any_region {
            Filter::Region
        } else {
            Filter::Everything
        }
    }

    /// Whether the rule hits every option (`*` and no other filter).
    fn matches_everything(&self) -> bool {
        self.filter() == Filter::Everything
    }

    /// Whether every option [`OptionIndex::candidates`] gives for the rule
    /// matches it: the filters other than the one that chose the candidates
    /// are open.
    fn matches_every_candidate(&self) -> bool {
        match self.filter() {
            Filter::Product => self.supplier.is_empty() && self.any_region,
            Filter::Supplier => self.any_region,
            Filter::Region | Filter::Everything => true,
        }
    }

    fn matches(&self, option: &SourcingOption, products: &[Product]) -> bool {
        (self.any_region || self.region == option.region)
            && (self.supplier.is_empty() || self.supplier == option.supplier)
            && (self.product.is_empty() || self.product == products[option.product.0].name)
    }
}

/// The filter that picks a rule's candidate options: its product, else its
/// supplier, else its region, else none (every option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Product,
    Supplier,
    Region,
    Everything,
}

/// The options by region, supplier and product name, so a row's options
/// are found without comparing it with every option. Only the lists some
/// rule uses are built.
struct OptionIndex<'a> {
    by_region: HashMap<&'a str, Vec<usize>>,
    by_supplier: HashMap<&'a str, Vec<usize>>,
    by_product: HashMap<&'a str, Vec<usize>>,
    all: Vec<usize>,
}

impl<'a> OptionIndex<'a> {
    fn new(
        options: &'a [SourcingOption],
        products: &'a [Product],
        rules: &[&Rule],
    ) -> OptionIndex<'a> {
        let used = |filter: Filter| rules.iter().any(|rule| rule.filter() == filter);
        let mut index = OptionIndex {
            by_region: HashMap::default(),
            by_supplier: HashMap::default(),
            by_product: HashMap::default(),
            all: if used(Filter::Everything) {
                (0..options.len()).collect()
            } else {
                Vec::new()
            },
        };
        let lists = [
            (Filter::Region, &mut index.by_region),
            (Filter::Supplier, &mut index.by_supplier),
            (Filter::Product, &mut index.by_product),
        ];
        for (filter, list) in lists {
            if !used(filter) {
                continue;
            }
            for (i, option) in options.iter().enumerate() {
                let key = match filter {
                    Filter::Region => &option.region,
                    Filter::Supplier => &option.supplier,
                    _ => &products[option.product.0].name,
                };
                list.entry(key).or_default().push(i);
            }
        }
        index
    }

    /// The options `rule` may match (a superset, in option order): those of
    /// its product, else of its supplier, else of its region, else all.
    fn candidates(&self, rule: &Rule) -> &[usize] {
        fn named<'m>(map: &'m HashMap<&str, Vec<usize>>, key: &str) -> &'m [usize] {
            map.get(key).map_or(&[], |options| &options[..])
        }
        match rule.filter() {
            Filter::Product => named(&self.by_product, &rule.product),
            Filter::Supplier => named(&self.by_supplier, &rule.supplier),
            Filter::Region => named(&self.by_region, &rule.region),
            Filter::Everything => &self.all,
        }
    }
}

/// A scenario being assembled from its rows, with the row that fixed each value.
struct Draft {
    first_line: u64,
    duration: f64,
    probability: Option<f64>,
    kind: String,
    rules: Vec<Rule>,
}

/// Scenarios read from one table, in order of first appearance, plus notes.
#[derive(Debug)]
pub struct ScenariosInput {
    pub scenarios: Vec<Scenario>,
    /// The spreadsheet row where each scenario first appears.
    pub first_rows: Vec<u64>,
    pub warnings: Vec<String>,
}

/// Reads and validates a scenarios table against the options it applies to.
/// Every problem is returned at once: the table's own (see
/// [`Table::problems`]) and those of every row. A scenario id may equal a
/// region, supplier or product name: ids are only compared with ids.
pub fn read_scenarios(
    table: &Table,
    products: &[Product],
    options: &[SourcingOption],
) -> Result<ScenariosInput, Vec<InputError>> {
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
                "has a header but no scenario rows; add a row per region (or supplier) each \
                 scenario hits, or leave out --scenarios for the default regional outages",
            ));
        }
        return Err(errors);
    }

    let mut names: Vec<String> = Vec::new();
    let mut drafts: HashMap<String, Draft> = HashMap::default();
    for row in &table.rows {
        let cells = Cells::new(table, row);
        let mut row_errors = Vec::new();
        let name = keep(cells.id("scenario"), &mut row_errors);
        let region = keep(
            cells
                .id("region")
                .map_err(|_| cells.error("region", "is empty; write * to match any region")),
            &mut row_errors,
        );
        let loss = keep(cells.share("loss"), &mut row_errors);
        let duration = keep(cells.required("duration", 0.0, true), &mut row_errors);
        let probability = keep(cells.share("probability"), &mut row_errors);
        let (Some(name), Some(region), Some(loss), Some(duration), Some(probability)) =
            (name, region, loss, duration, probability)
        else {
            errors.extend(row_errors);
            continue;
        };
        let kind = cells.text("kind").to_string();
        let rule = Rule {
            line: row.line,
            any_region: region == "*",
            region,
            supplier: cells.text("supplier").to_string(),
            product: cells.text("product").to_string(),
            loss: loss.unwrap_or(1.0),
        };
        match drafts.get_mut(&name) {
            None => {
                names.push(name.clone());
                drafts.insert(
                    name,
                    Draft {
                        first_line: row.line,
                        duration,
                        probability,
                        kind,
                        rules: vec![rule],
                    },
                );
            }
            Some(draft) => {
                let first = draft.first_line;
                if draft.duration != duration {
                    errors.push(cells.error(
                        "duration",
                        format!(
                            "{duration} differs from {} on row {first} of scenario {}; \
                             all rows of a scenario share one duration",
                            draft.duration,
                            show(&name)
                        ),
                    ));
                }
                if draft.probability != probability {
                    errors.push(cells.error(
                        "probability",
                        format!(
                            "differs from row {first} of scenario {}; all rows of a scenario \
                             share one probability (give it on every row, or on none)",
                            show(&name)
                        ),
                    ));
                }
                if !kind.is_empty() && !draft.kind.is_empty() && kind != draft.kind {
                    errors.push(cells.error(
                        "kind",
                        format!(
                            "{} differs from {} on row {first}; a scenario has one kind",
                            show(&kind),
                            show(&draft.kind)
                        ),
                    ));
                }
                if draft.kind.is_empty() {
                    draft.kind = kind;
                }
                draft.rules.push(rule);
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }

    let drafts: Vec<(String, Draft)> = names
        .into_iter()
        .map(|name| {
            let draft = drafts.remove(&name).expect("every name has a draft");
            (name, draft)
        })
        .collect();
    let first_rows = drafts.iter().map(|(_, draft)| draft.first_line).collect();
    let rules: Vec<&Rule> = drafts.iter().flat_map(|(_, draft)| &draft.rules).collect();
    let index = OptionIndex::new(options, products, &rules);
    let mut unmatched: Vec<&Rule> = rules
        .into_iter()
        .filter(|rule| {
            let candidates = index.candidates(rule);
            let matches_an_option = if rule.matches_every_candidate() {
                !candidates.is_empty()
            } else {
                candidates
                    .iter()
                    .any(|&o| rule.matches(&options[o], products))
            };
            !matches_an_option && !rule.names_assembly(products)
        })
        .collect();
    unmatched.sort_by_key(|rule| rule.line);
    warnings.extend(unmatched.into_iter().map(|rule| {
        format!(
            "{}: row {}: matches no option (region {}, supplier {}, product {}); check the spelling",
            table.file,
            rule.line,
            show(&rule.region),
            show(&rule.supplier),
            show(&rule.product)
        )
    }));
    let assemblies: Vec<usize> = (0..products.len())
        .filter(|&i| products[i].options.is_empty())
        .collect();
    // Each scenario expands on its own: `loss_of` holds each option's loss in
    // the scenario being built (cleared after each scenario) and `hit` the
    // options it hits, listed while they are few. Each row lists its hits in
    // option order, so the list is one sorted run per row, which the stable
    // sort merges. A scenario that hits at least a quarter of the options is
    // read off `loss_of` in option order instead (at an eighth, XL's
    // scenarios took 10.1 ms instead of 8.6 ms). A row that hits every
    // option (`*` and no other filter) gives the least loss ([`Losses`]);
    // only the rows with a larger loss are expanded. Large inputs expand in
    // parallel.
    let dense_at = options.len().div_ceil(4).max(1);
    let expand = |(loss_of, hit): &mut (Vec<f64>, Vec<usize>), (name, draft): (String, Draft)| {
        // Each option loses the largest loss of the rows that match it.
        let everywhere = draft
            .rules
            .iter()
            .filter(|rule| rule.matches_everything())
            .map(|rule| rule.loss)
            .fold(0.0, f64::max);
        let mut hits = 0;
        for rule in draft.rules.iter().filter(|rule| rule.loss > everywhere) {
            let every = rule.matches_every_candidate();
            for &o in index.candidates(rule) {
                let loss = &mut loss_of[o];
                if rule.loss > *loss && (every || rule.matches(&options[o], products)) {
                    if *loss == 0.0 {
                        if hits < dense_at {
                            hit.push(o);
                        }
                        hits += 1;
                    }
                    *loss = rule.loss;
                }
            }
        }
        // The options that lose more than a row naming every option says.
        let more: Vec<(OptionId, f64)> = if hits >= dense_at {
            let mut more = Vec::with_capacity(hits);
            more.extend(
                (0..loss_of.len())
                    .filter(|&o| loss_of[o] > 0.0)
                    .map(|o| (OptionId(o), loss_of[o])),
            );
            more
        } else {
            hit.sort();
            hit.iter().map(|&o| (OptionId(o), loss_of[o])).collect()
        };
        let losses = Losses::new(everywhere, more);
        if hits >= dense_at {
            loss_of.fill(0.0);
            hit.clear();
        } else {
            for o in hit.drain(..) {
                loss_of[o] = 0.0;
            }
        }
        // Products assembled in-house (no options) lose what rules naming them say.
        let assembly_losses: Vec<(ProductId, f64)> = assemblies
            .iter()
            .filter_map(|&i| {
                let loss = draft
                    .rules
                    .iter()
                    .filter(|rule| rule.product == products[i].name)
                    .map(|rule| rule.loss)
                    .fold(0.0, f64::max);
                (loss > 0.0).then_some((ProductId(i), loss))
            })
            .collect();
        Scenario {
            name,
            kind: draft.kind,
            duration_periods: draft.duration,
            probability: draft.probability,
            losses,
            assembly_losses,
        }
    };
    let scratch = || (vec![0.0; options.len()], Vec::new());
    let scenarios: Vec<Scenario> = if drafts.len() * options.len() < PARALLEL_EXPANSION {
        let mut buffers = scratch();
        drafts
            .into_iter()
            .map(|draft| expand(&mut buffers, draft))
            .collect()
    } else {
        drafts.into_par_iter().map_init(scratch, expand).collect()
    };
    Ok(ScenariosInput {
        scenarios,
        first_rows,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::options::read_options;

    const OPTIONS: &str = "product,supplier,region,demand,unit_cost,capacity\n\
        wafer,a,JP,100,2,80\n\
        wafer,b,TW,100,3,80\n\
        gas,c,UA,10,1,20\n\
        gas,d,CN,10,1,20\n";

    fn read(body: &str) -> Result<ScenariosInput, Vec<InputError>> {
        let table = Table::parse("o.csv", OPTIONS.as_bytes()).unwrap();
        let input = read_options(&table).unwrap();
        let text =
            format!("scenario,region,supplier,product,loss,duration,probability,kind\n{body}");
        let table = Table::parse("s.csv", text.as_bytes())?;
        read_scenarios(&table, &input.products, &input.options)
    }

    /// Every option of [`OPTIONS`] that `scenario` touches, with its loss.
    fn touched(scenario: &Scenario) -> Vec<(OptionId, f64)> {
        scenario.losses.touched(4).collect()
    }

    #[test]
    fn loss_is_the_largest_matching_rule() {
        let input = read(
            "quake,JP,,,0.3,2,,natural\n\
             quake,*,,wafer,0.5,2,,\n\
             war,UA,,,,12,,geopolitical\n",
        )
        .unwrap();
        let quake = &input.scenarios[0];
        assert_eq!(touched(quake), vec![(OptionId(0), 0.5), (OptionId(1), 0.5)]);
        assert_eq!(quake.kind, "natural");
        let war = &input.scenarios[1];
        assert_eq!(touched(war), vec![(OptionId(2), 1.0)]);
        assert_eq!(war.duration_periods, 12.0);
        assert_eq!(input.first_rows, vec![2, 4]);
    }

    #[test]
    fn every_given_filter_applies() {
        let input = read(
            "a,UA,,gas,0.6,2,,\n\
             b,JP,d,,0.6,2,,\n\
             c,*,,,0.2,2,,\n\
             c,CN,d,gas,0.7,2,,\n",
        )
        .unwrap();
        assert_eq!(touched(&input.scenarios[0]), vec![(OptionId(2), 0.6)]);
        assert!(input.scenarios[1].losses.is_empty());
        assert!(input.warnings[0].contains("row 3: matches no option"));
        // The `*` row is every option's least loss; one option loses more.
        assert_eq!(
            input.scenarios[2].losses,
            Losses::new(0.2, vec![(OptionId(3), 0.7)])
        );
        assert_eq!(
            touched(&input.scenarios[2]),
            vec![
                (OptionId(0), 0.2),
                (OptionId(1), 0.2),
                (OptionId(2), 0.2),
                (OptionId(3), 0.7)
            ]
        );
    }

    #[test]
    fn supplier_filter_applies() {
        let input = read("fire,*,b,,0.8,3,,\n").unwrap();
        assert_eq!(touched(&input.scenarios[0]), vec![(OptionId(1), 0.8)]);
    }

    #[test]
    fn differing_durations_name_both_rows() {
        let errors = read("q,JP,,,1,2,,\nq,TW,,,1,3,,\n").unwrap_err();
        assert_eq!(errors[0].row, Some(3));
        assert_eq!(errors[0].column.as_deref(), Some("duration"));
        assert!(errors[0].message.contains("row 2"));
    }

    #[test]
    fn bad_values_are_rejected() {
        let errors = read("q,JP,,,1.2,2,,\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("loss"));
        let errors = read("q,JP,,,1,0,,\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("duration"));
        let errors = read("q,JP,,,1,-1,,\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("duration"));
        let errors = read("q,JP,,,1,,,\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("duration"));
        let errors = read(",JP,,,1,1,,\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("scenario"));
    }

    /// Every scenario's losses are, option by option, the largest loss of
    /// the rows that match it (region, supplier and product compared as
    /// written), in option order: on generated instances large enough to
    /// expand in parallel, with `*` rows, regions, suppliers and products.
    #[test]
    fn expansion_is_the_largest_matching_loss() {
        for seed in [1, 2] {
            let spec = crate::generate::GeneratorSpec {
                products: 150,
                options_per_product: 6,
                regions: 6,
                scenarios: 120,
                seed,
            };
            let generated = crate::generate::generate(&spec).unwrap();
            let table = Table::parse("o.csv", generated.options_csv.as_bytes()).unwrap();
            let input = read_options(&table).unwrap();
            let (products, options) = (&input.products, &input.options);
            // Filters the generator does not combine: a supplier in a region,
            // a supplier anywhere, a product in a region, a product's supplier.
            let (a, b, c) = (&options[0], &options[5], &options[7]);
            let product = |o: &SourcingOption| products[o.product.0].name.clone();
            let extra = [
                format!("x1,{},{},,0.4,2,0.01,", a.region, a.supplier),
                format!("x2,*,{},,0.3,2,0.01,", b.supplier),
                format!("x3,{},,{},0.5,2,0.01,", c.region, product(c)),
                format!("x3,*,{},{},0.6,2,0.01,", b.supplier, product(b)),
                format!("x3,{},,,0.2,2,0.01,", b.region),
            ];
            let text = format!("{}{}\n", generated.scenarios_csv, extra.join("\n"));
            let table = Table::parse("s.csv", text.as_bytes()).unwrap();
            assert!(table.rows.len() * options.len() >= PARALLEL_EXPANSION);
            let read = read_scenarios(&table, products, options).unwrap();

            let mut expected: Vec<(String, Vec<f64>)> = Vec::new();
            for row in &table.rows {
                let cells = Cells::new(&table, row);
                let name = cells.text("scenario");
                let loss = cells.share("loss").unwrap().unwrap_or(1.0);
                let (region, supplier, product) = (
                    cells.text("region"),
                    cells.text("supplier"),
                    cells.text("product"),
                );
                let at = match expected.iter().position(|(n, _)| n == name) {
                    Some(at) => at,
                    None => {
                        expected.push((name.to_string(), vec![0.0; options.len()]));
                        expected.len() - 1
                    }
                };
                for (o, option) in options.iter().enumerate() {
                    if (region == "*" || region == option.region)
                        && (supplier.is_empty() || supplier == option.supplier)
                        && (product.is_empty() || product == products[option.product.0].name)
                    {
                        let best = &mut expected[at].1[o];
                        *best = best.max(loss);
                    }
                }
            }
            assert_eq!(read.scenarios.len(), expected.len());
            let mut dense = 0;
            for (scenario, (name, losses)) in read.scenarios.iter().zip(&expected) {
                assert_eq!(&scenario.name, name);
                let wanted: Vec<(OptionId, f64)> = (0..options.len())
                    .filter(|&o| losses[o] > 0.0)
                    .map(|o| (OptionId(o), losses[o]))
                    .collect();
                let read: Vec<(OptionId, f64)> = scenario.losses.touched(options.len()).collect();
                assert_eq!(read, wanted, "scenario {name}");
                for (o, &loss) in losses.iter().enumerate() {
                    assert_eq!(scenario.loss(OptionId(o)), loss, "scenario {name}");
                }
                dense += usize::from(wanted.len() == options.len());
            }
            assert!(dense > 0, "some scenario hits every option");
        }
    }

    #[test]
    fn unmatched_rows_warn() {
        let input = read("q,XX,,,1,2,,\n").unwrap();
        assert!(input.warnings[0].contains("row 2: matches no option"));
        assert!(input.scenarios[0].losses.is_empty());
    }
}
