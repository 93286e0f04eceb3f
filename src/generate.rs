//! Synthetic instances for benchmarks and tests: an options CSV and a
//! scenarios CSV in exactly the schemas `divopt solve` reads (README.md,
//! "Input"), shaped like a real sourcing problem: cheap suppliers concentrated
//! in one or two hub regions, a costly home region that can build capacity
//! modules, fixed qualification costs, products that cannot be stockpiled,
//! and a library of regional, logistics, geopolitical, supplier and product
//! disruptions.
//!
//! [`generate`] is deterministic: the same [`GeneratorSpec`] gives
//! byte-identical CSV text. Every generated pair loads without errors and
//! without warnings (every scenario row matches at least one option), and
//! every product's capacity with all modules built is at least 1.2 × its
//! demand.
//!
//! # Randomness
//!
//! All draws come from ChaCha8 (`rand::rngs::ChaCha8Rng`, the stream cipher
//! with 8 rounds) keyed by the 32-byte seed whose first 8 bytes are
//! `spec.seed` in little-endian order and the rest zero, as in
//! [`crate::montecarlo`]. Products and options use stream 0, scenarios
//! stream 1, so the options CSV depends only on (products,
//! options_per_product, regions, seed): instances that differ only in their
//! number of scenarios share the same options file.
//!
//! The sampling is written here on the raw 64-bit outputs, not with `rand`'s
//! distributions (whose algorithms may change between versions):
//! - U(a, b): a + (b − a) u with u = (next_u64 >> 11) / 2^53 ∈ [0, 1);
//! - logU(a, b) (log-uniform): a (b / a)^u;
//! - an integer uniform on {a, …, b}: a + ⌊u (b − a + 1)⌋;
//! - "with probability q": u < q; a pick from a list: uniform over its items;
//! - a shuffle: Fisher–Yates from the last position down.
//!
//! Values are then rounded: quantities (demand, capacity, module size, max
//! reserve) to whole units; unit, fixed, holding and module costs to 4
//! significant digits; losses and floors to 2 decimals; probabilities to 3
//! significant digits. They are printed with [`crate::report::num`].
//!
//! # Regions
//!
//! `regions` = R ≥ 2 regions: region 0 is `HOME` (the planner's own; its
//! options are `local=true`), the others are named `R1` … `R{R-1}`. The first
//! H of them are *hubs*, cheap and concentrated: H = 2 when R ≥ 5, else H = 1
//! (hubs `R1`, or `R1` and `R2`). The rest (`R{H+1}` … `R{R-1}`, possibly
//! none) are *other* foreign regions.
//!
//! # Products (options CSV)
//!
//! Product ids are `p` followed by the index zero-padded to at least 4 digits
//! (`p0000`, `p0001`, …; sortable). For each product, independently:
//!
//! | column | distribution |
//! |---|---|
//! | demand d | round(logU(100, 10 000)) units per period (two orders of magnitude) |
//! | price level c | logU(1, 100) per unit (not a column: the base of every price below) |
//! | weight | 0 with probability 0.1, else an integer uniform on 1…5 |
//! | holding_cost | blank (cannot be stockpiled) with probability 0.35; else c × U(0.02, 0.03) per unit per period |
//! | floor | stockpilable products only, with probability 0.08 (≈ 5% of all products): U(0.5, 0.9), 2 decimals |
//! | max_reserve | stockpilable products without own floor, with probability 0.3: round(d × U(1, 6)) units; else blank |
//!
//! Products with their own floor are always stockpilable without a reserve
//! cap, so their floor is reachable in every scenario (a large enough
//! reserve fills any shortfall).
//!
//! # Options (options CSV)
//!
//! With M = `options_per_product`, a product has a home option with
//! probability 0.8 when M ≥ 2 (never when M = 1); it is the last supplier.
//! The other (foreign) options come first. Suppliers are `s0` … `s{M-1}`.
//!
//! | option | region | unit_cost | capacity |
//! |---|---|---|---|
//! | `s0`, the primary | a hub: `R1`, or with two hubs `R1` with probability 0.6 else `R2` | c × U(0.95, 1.05) | round(d × U(1.2, 1.6)): it can cover the whole demand alone |
//! | further foreign, with probability 0.4 | a hub: the primary's with probability 0.7, else the other hub (if any) | c × U(0.95, 1.1) | round(d × U(0.5, 1.2)) |
//! | further foreign, otherwise | an other foreign region, uniform (a hub as above when there is none) | c × U(1.1, 1.4) | round(d × U(0.15, 0.5)) |
//! | home (last) | `HOME`, `local=true` | c × U(1.3, 1.7) | 0 with probability 0.4, else round(d × U(0.05, 0.3)) |
//!
//! Every option has `fixed_cost` = d × c × U(0.01, 0.04) (qualification
//! costs 1–4% of the product's spend). Only the home option has capacity
//! modules: `max_modules` an integer uniform on 1…5, `module_size` =
//! max(1, round(d × U(0.8, 1.2) / max_modules)) (all modules together cover
//! about the whole demand), `module_cost` = module_size × c × U(0.1, 0.25)
//! per module per period. Other columns are blank (`local=false`).
//!
//! Since the primary alone has capacity ≥ 1.2 d, every product's total
//! capacity, with or without modules, is at least 1.2 × demand. The cheapest
//! sourcing buys from the hubs, and a hub outage takes most of a product's
//! capacity with it: diversification (qualify a standby supplier elsewhere),
//! stockpiles and home modules all have a price.
//!
//! # Scenarios (scenarios CSV)
//!
//! K = `scenarios` scenarios of five types, in the shares regional 30%,
//! logistics 20%, geopolitical 15%, supplier 20%, product 15%: the counts are
//! ⌊K × share⌋ plus one for the largest remainders (ties in that order);
//! when K ≥ 5 every type gets at least one (taken from the largest count).
//! The list of types is then shuffled. Scenario `i` (0-based) is named
//! `k{i}-{label}` with `i` zero-padded to the digits of K − 1 (at least 2),
//! e.g. `k03-outage-R1`. Regions are drawn only among those that have at
//! least one option, so every row matches an option (a hub drawn "as for a
//! primary" that has no option falls back to the hub that has). Durations
//! are whole periods; every scenario has a probability per period (rounded
//! to 3 significant digits).
//!
//! | type | rows | loss | duration | probability | kind |
//! |---|---|---|---|---|---|
//! | regional (`outage-REGION`) | one region: with u uniform, a hub (drawn as for a primary) when u < 0.5, `HOME` when 0.5 ≤ u < 0.65 (if it has options), else an other foreign region (a hub when there is none) | 1 with probability 0.5, else U(0.3, 0.8) | 1…6 | logU(0.005, 0.05) | natural |
//! | logistics (`logistics-REGION`) | a foreign region (a hub with probability 0.6, else an other one when there is one) with loss U(0.2, 0.6), plus region `*` (every option) with loss U(0.05, 0.15) | see rows | 1…4 | logU(0.01, 0.05) | logistics |
//! | geopolitical (`geo-R1-R3…`) | 2 or 3 (uniform; at most the number of foreign regions in use) foreign regions: a hub as for a primary, with loss 1 with probability 0.5 else U(0.5, 1), then distinct foreign regions with loss U(0.3, 1); with a single foreign region in use, `HOME` joins with loss U(0.1, 0.3) | see rows | 3…12 | logU(0.001, 0.01) | geopolitical |
//! | supplier (`supplier-PRODUCT-SUPPLIER`) | region `*`, one supplier of one product: the product uniform, its `s0` with probability 0.5, else any of its options uniformly | 1 with probability 0.7, else U(0.3, 0.8) | 1…6 | logU(0.005, 0.03) | natural or logistics (probability 0.5 each) |
//! | product (`product-PRODUCT`) | region `*`, one product (uniform), every supplier | U(0.3, 0.8) | 2…8 | logU(0.002, 0.02) | geopolitical or logistics (probability 0.5 each) |
//!
//! # Limits
//!
//! products 1…1 000 000, options_per_product 1…100, regions 2…1 000,
//! scenarios 1…100 000, and at most 2 000 000 option rows (products ×
//! options_per_product).

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use crate::report::csv::render;
use crate::report::num;

/// The options CSV header the generator writes.
pub const OPTIONS_HEADER: [&str; 15] = [
    "product",
    "supplier",
    "region",
    "demand",
    "unit_cost",
    "capacity",
    "fixed_cost",
    "weight",
    "holding_cost",
    "max_reserve",
    "floor",
    "local",
    "module_size",
    "module_cost",
    "max_modules",
];

/// The scenarios CSV header the generator writes.
pub const SCENARIOS_HEADER: [&str; 8] = [
    "scenario",
    "region",
    "supplier",
    "product",
    "loss",
    "duration",
    "probability",
    "kind",
];

pub const MAX_PRODUCTS: usize = 1_000_000;
pub const MAX_OPTIONS_PER_PRODUCT: usize = 100;
pub const MAX_REGIONS: usize = 1_000;
pub const MAX_SCENARIOS: usize = 100_000;
/// Most option rows (products × options_per_product).
pub const MAX_OPTION_ROWS: usize = 2_000_000;

/// The size of the instance to generate and its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeneratorSpec {
    pub products: usize,
    pub options_per_product: usize,
    /// Regions including `HOME` (at least 2).
    pub regions: usize,
    pub scenarios: usize,
    pub seed: u64,
}

/// The generated files' contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The options CSV (header [`OPTIONS_HEADER`], `\n` line ends).
    pub options_csv: String,
    /// The scenarios CSV (header [`SCENARIOS_HEADER`], `\n` line ends).
    pub scenarios_csv: String,
}

/// Generates an instance as described in the module documentation. Errors
/// (a message naming the offending size) for sizes out of the limits.
pub fn generate(spec: &GeneratorSpec) -> Result<Generated, String> {
    check(spec)?;
    let regions = Regions::new(spec.regions);
    let products = draw_products(spec, &regions);
    let scenarios = draw_scenarios(spec, &regions, &products);
    Ok(Generated {
        options_csv: options_csv(&products, &regions),
        scenarios_csv: scenarios_csv(&scenarios),
    })
}

fn check(spec: &GeneratorSpec) -> Result<(), String> {
    let within = |name: &str, value: usize, low: usize, high: usize| {
        if value < low || value > high {
            Err(format!(
                "{name} must be between {low} and {high}, not {value}"
            ))
        } else {
            Ok(())
        }
    };
    within("products", spec.products, 1, MAX_PRODUCTS)?;
    within(
        "options per product",
        spec.options_per_product,
        1,
        MAX_OPTIONS_PER_PRODUCT,
    )?;
    within("regions", spec.regions, 2, MAX_REGIONS)?;
    within("scenarios", spec.scenarios, 1, MAX_SCENARIOS)?;
    let rows = spec.products * spec.options_per_product;
    if rows > MAX_OPTION_ROWS {
        return Err(format!(
            "products × options per product must be at most {MAX_OPTION_ROWS}, not {rows}"
        ));
    }
    Ok(())
}

/// Uniform draws on the raw ChaCha8 output (see "Randomness").
struct Draw(ChaCha8Rng);

impl Draw {
    fn new(seed: u64, stream: u64) -> Draw {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(stream);
        Draw(rng)
    }

    /// u ∈ [0, 1) with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    fn log_uniform(&mut self, low: f64, high: f64) -> f64 {
        low * (high / low).powf(self.unit())
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// Uniform on {low, …, high}.
    fn int(&mut self, low: usize, high: usize) -> usize {
        let span = (high - low + 1) as f64;
        low + ((self.unit() * span) as usize).min(high - low)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.int(0, items.len() - 1)]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.int(0, i);
            items.swap(i, j);
        }
    }
}

/// `x` rounded to `digits` significant digits (exactly representable
/// decimal steps, so [`num`] prints at most `digits` digits).
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let shift = digits - 1 - magnitude;
    if shift >= 0 {
        let factor = 10f64.powi(shift);
        (x * factor).round() / factor
    } else {
        let factor = 10f64.powi(-shift);
        (x / factor).round() * factor
    }
}

fn decimals2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Region 0 is HOME; 1..=hubs are the hubs; the rest are other foreign regions.
struct Regions {
    count: usize,
    hubs: usize,
}

const HOME: usize = 0;

impl Regions {
    fn new(count: usize) -> Regions {
        Regions {
            count,
            hubs: if count >= 5 { 2 } else { 1 },
        }
    }

    fn name(&self, region: usize) -> String {
        if region == HOME {
            "HOME".to_string()
        } else {
            format!("R{region}")
        }
    }

    fn others(&self) -> std::ops::Range<usize> {
        self.hubs + 1..self.count
    }

    /// A hub as for a primary supplier: R1, or with two hubs R1 with
    /// probability 0.6 else R2.
    fn draw_hub(&self, draw: &mut Draw) -> usize {
        if self.hubs == 1 || draw.chance(0.6) {
            1
        } else {
            2
        }
    }
}

struct GenOption {
    region: usize,
    unit_cost: f64,
    capacity: f64,
    fixed_cost: f64,
    /// (module_size, module_cost, max_modules)
    module: Option<(f64, f64, u32)>,
}

struct GenProduct {
    demand: f64,
    weight: f64,
    holding_cost: Option<f64>,
    max_reserve: Option<f64>,
    floor: Option<f64>,
    options: Vec<GenOption>,
}

fn product_name(p: usize, count: usize) -> String {
    let width = (count.saturating_sub(1)).to_string().len().max(4);
    format!("p{p:0width$}")
}

fn supplier_name(j: usize) -> String {
    format!("s{j}")
}

fn draw_products(spec: &GeneratorSpec, regions: &Regions) -> Vec<GenProduct> {
    let mut draw = Draw::new(spec.seed, 0);
    let others: Vec<usize> = regions.others().collect();
    (0..spec.products)
        .map(|_| {
            let demand = draw.log_uniform(100.0, 10_000.0).round();
            let price = draw.log_uniform(1.0, 100.0);
            let weight = if draw.chance(0.1) {
                0.0
            } else {
                draw.int(1, 5) as f64
            };
            let stockpilable = !draw.chance(0.35);
            let (holding_cost, floor, max_reserve) = if stockpilable {
                let holding = significant(price * draw.uniform(0.02, 0.03), 4);
                if draw.chance(0.08) {
                    (Some(holding), Some(decimals2(draw.uniform(0.5, 0.9))), None)
                } else if draw.chance(0.3) {
                    let cap = (demand * draw.uniform(1.0, 6.0)).round();
                    (Some(holding), None, Some(cap))
                } else {
                    (Some(holding), None, None)
                }
            } else {
                (None, None, None)
            };

            let m = spec.options_per_product;
            let has_home = m >= 2 && draw.chance(0.8);
            let foreign = m - usize::from(has_home);
            let fixed = |draw: &mut Draw| significant(demand * price * draw.uniform(0.01, 0.04), 4);
            let mut options = Vec::with_capacity(m);
            let primary = regions.draw_hub(&mut draw);
            options.push(GenOption {
                region: primary,
                unit_cost: significant(price * draw.uniform(0.95, 1.05), 4),
                capacity: (demand * draw.uniform(1.2, 1.6)).round(),
                fixed_cost: fixed(&mut draw),
                module: None,
            });
            for _ in 1..foreign {
                let at_hub = others.is_empty() || draw.chance(0.4);
                let option = if at_hub {
                    let region = if regions.hubs == 1 || draw.chance(0.7) {
                        primary
                    } else {
                        3 - primary
                    };
                    GenOption {
                        region,
                        unit_cost: significant(price * draw.uniform(0.95, 1.1), 4),
                        capacity: (demand * draw.uniform(0.5, 1.2)).round(),
                        fixed_cost: fixed(&mut draw),
                        module: None,
                    }
                } else {
                    GenOption {
                        region: draw.pick(&others),
                        unit_cost: significant(price * draw.uniform(1.1, 1.4), 4),
                        capacity: (demand * draw.uniform(0.15, 0.5)).round(),
                        fixed_cost: fixed(&mut draw),
                        module: None,
                    }
                };
                options.push(option);
            }
            if has_home {
                let unit_cost = significant(price * draw.uniform(1.3, 1.7), 4);
                let capacity = if draw.chance(0.4) {
                    0.0
                } else {
                    (demand * draw.uniform(0.05, 0.3)).round()
                };
                let max_modules = draw.int(1, 5);
                let size = (demand * draw.uniform(0.8, 1.2) / max_modules as f64)
                    .round()
                    .max(1.0);
                let module_cost = significant(size * price * draw.uniform(0.1, 0.25), 4);
                options.push(GenOption {
                    region: HOME,
                    unit_cost,
                    capacity,
                    fixed_cost: fixed(&mut draw),
                    module: Some((size, module_cost, max_modules as u32)),
                });
            }
            GenProduct {
                demand,
                weight,
                holding_cost,
                max_reserve,
                floor,
                options,
            }
        })
        .collect()
}

fn options_csv(products: &[GenProduct], regions: &Regions) -> String {
    let count = products.len();
    let optional = |value: Option<f64>| value.map_or_else(String::new, num);
    let rows = products.iter().enumerate().flat_map(move |(p, product)| {
        let name = product_name(p, count);
        product.options.iter().enumerate().map(move |(j, option)| {
            let (size, cost, max) = match option.module {
                Some((size, cost, max)) => (num(size), num(cost), max.to_string()),
                None => (String::new(), String::new(), String::new()),
            };
            vec![
                name.clone(),
                supplier_name(j),
                regions.name(option.region),
                num(product.demand),
                num(option.unit_cost),
                num(option.capacity),
                num(option.fixed_cost),
                num(product.weight),
                optional(product.holding_cost),
                optional(product.max_reserve),
                optional(product.floor),
                (option.region == HOME).to_string(),
                size,
                cost,
                max,
            ]
        })
    });
    render(&OPTIONS_HEADER, rows)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Regional,
    Logistics,
    Geopolitical,
    Supplier,
    Product,
}

const TYPE_SHARES: [(Type, f64); 5] = [
    (Type::Regional, 0.30),
    (Type::Logistics, 0.20),
    (Type::Geopolitical, 0.15),
    (Type::Supplier, 0.20),
    (Type::Product, 0.15),
];

/// How many scenarios of each type (see "Scenarios").
fn type_counts(k: usize) -> [usize; 5] {
    let mut counts = [0usize; 5];
    let mut remainders = [0f64; 5];
    for (i, (_, share)) in TYPE_SHARES.iter().enumerate() {
        let exact = k as f64 * share;
        counts[i] = exact.floor() as usize;
        remainders[i] = exact - exact.floor();
    }
    let mut left = k - counts.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..5).collect();
    // Largest remainder first, ties in type order (a stable sort).
    order.sort_by(|&a, &b| remainders[b].total_cmp(&remainders[a]));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    if k >= 5 {
        while let Some(empty) = counts.iter().position(|&c| c == 0) {
            let largest = (0..5)
                .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
                .expect("five types");
            counts[largest] -= 1;
            counts[empty] += 1;
        }
    }
    counts
}

struct Row {
    region: String,
    supplier: String,
    product: String,
    loss: f64,
}

struct GenScenario {
    name: String,
    kind: &'static str,
    duration: usize,
    probability: f64,
    rows: Vec<Row>,
}

fn draw_scenarios(
    spec: &GeneratorSpec,
    regions: &Regions,
    products: &[GenProduct],
) -> Vec<GenScenario> {
    let mut draw = Draw::new(spec.seed, 1);
    let mut used = vec![false; regions.count];
    for product in products {
        for option in &product.options {
            used[option.region] = true;
        }
    }
    let home_used = used[HOME];
    let others: Vec<usize> = regions.others().filter(|&g| used[g]).collect();
    // Every product's primary is at a hub, so some hub is in use.
    let hubs: Vec<usize> = (1..=regions.hubs).filter(|&g| used[g]).collect();
    let foreign: Vec<usize> = hubs.iter().chain(&others).copied().collect();
    let hub = |draw: &mut Draw| {
        let h = regions.draw_hub(draw);
        if used[h] {
            h
        } else {
            hubs[0]
        }
    };

    let counts = type_counts(spec.scenarios);
    let mut types: Vec<Type> = TYPE_SHARES
        .iter()
        .zip(counts)
        .flat_map(|(&(t, _), n)| std::iter::repeat_n(t, n))
        .collect();
    draw.shuffle(&mut types);

    let width = (spec.scenarios - 1).to_string().len().max(2);
    let region_row = |region: usize, loss: f64| Row {
        region: regions.name(region),
        supplier: String::new(),
        product: String::new(),
        loss,
    };
    let partial = |draw: &mut Draw, low: f64, high: f64| decimals2(draw.uniform(low, high));
    let probability =
        |draw: &mut Draw, low: f64, high: f64| significant(draw.log_uniform(low, high), 3);

    types
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let (label, kind, duration, probability, rows) = match kind {
                Type::Regional => {
                    let u = draw.unit();
                    let region = if u < 0.5 {
                        hub(&mut draw)
                    } else if u < 0.65 && home_used {
                        HOME
                    } else if !others.is_empty() {
                        draw.pick(&others)
                    } else {
                        hub(&mut draw)
                    };
                    let loss = if draw.chance(0.5) {
                        1.0
                    } else {
                        partial(&mut draw, 0.3, 0.8)
                    };
                    let duration = draw.int(1, 6);
                    let p = probability(&mut draw, 0.005, 0.05);
                    (
                        format!("outage-{}", regions.name(region)),
                        "natural",
                        duration,
                        p,
                        vec![region_row(region, loss)],
                    )
                }
                Type::Logistics => {
                    let region = if others.is_empty() || draw.chance(0.6) {
                        hub(&mut draw)
                    } else {
                        draw.pick(&others)
                    };
                    let loss = partial(&mut draw, 0.2, 0.6);
                    let everywhere = partial(&mut draw, 0.05, 0.15);
                    let duration = draw.int(1, 4);
                    let p = probability(&mut draw, 0.01, 0.05);
                    let all = Row {
                        region: "*".to_string(),
                        supplier: String::new(),
                        product: String::new(),
                        loss: everywhere,
                    };
                    (
                        format!("logistics-{}", regions.name(region)),
                        "logistics",
                        duration,
                        p,
                        vec![region_row(region, loss), all],
                    )
                }
                Type::Geopolitical => {
                    let n = draw.int(2, 3).min(foreign.len());
                    let first = hub(&mut draw);
                    let mut hit = vec![first];
                    let first_loss = if draw.chance(0.5) {
                        1.0
                    } else {
                        partial(&mut draw, 0.5, 1.0)
                    };
                    let mut rows = vec![region_row(first, first_loss)];
                    let mut rest: Vec<usize> =
                        foreign.iter().copied().filter(|&g| g != first).collect();
                    while hit.len() < n {
                        let at = draw.int(0, rest.len() - 1);
                        let region = rest.remove(at);
                        hit.push(region);
                        rows.push(region_row(region, partial(&mut draw, 0.3, 1.0)));
                    }
                    if foreign.len() < 2 && home_used {
                        hit.push(HOME);
                        rows.push(region_row(HOME, partial(&mut draw, 0.1, 0.3)));
                    }
                    let duration = draw.int(3, 12);
                    let p = probability(&mut draw, 0.001, 0.01);
                    let names: Vec<String> = hit.iter().map(|&g| regions.name(g)).collect();
                    (
                        format!("geo-{}", names.join("-")),
                        "geopolitical",
                        duration,
                        p,
                        rows,
                    )
                }
                Type::Supplier => {
                    let p = draw.int(0, products.len() - 1);
                    let j = if draw.chance(0.5) {
                        0
                    } else {
                        draw.int(0, products[p].options.len() - 1)
                    };
                    let loss = if draw.chance(0.7) {
                        1.0
                    } else {
                        partial(&mut draw, 0.3, 0.8)
                    };
                    let duration = draw.int(1, 6);
                    let probability = probability(&mut draw, 0.005, 0.03);
                    let kind = if draw.chance(0.5) {
                        "natural"
                    } else {
                        "logistics"
                    };
                    let product = product_name(p, products.len());
                    let supplier = supplier_name(j);
                    (
                        format!("supplier-{product}-{supplier}"),
                        kind,
                        duration,
                        probability,
                        vec![Row {
                            region: "*".to_string(),
                            supplier,
                            product,
                            loss,
                        }],
                    )
                }
                Type::Product => {
                    let p = draw.int(0, products.len() - 1);
                    let loss = partial(&mut draw, 0.3, 0.8);
                    let duration = draw.int(2, 8);
                    let probability = probability(&mut draw, 0.002, 0.02);
                    let kind = if draw.chance(0.5) {
                        "geopolitical"
                    } else {
                        "logistics"
                    };
                    let product = product_name(p, products.len());
                    (
                        format!("product-{product}"),
                        kind,
                        duration,
                        probability,
                        vec![Row {
                            region: "*".to_string(),
                            supplier: String::new(),
                            product,
                            loss,
                        }],
                    )
                }
            };
            GenScenario {
                name: format!("k{i:0width$}-{label}"),
                kind,
                duration,
                probability,
                rows,
            }
        })
        .collect()
}

fn scenarios_csv(scenarios: &[GenScenario]) -> String {
    let rows = scenarios.iter().flat_map(|scenario| {
        scenario.rows.iter().map(move |row| {
            vec![
                scenario.name.clone(),
                row.region.clone(),
                row.supplier.clone(),
                row.product.clone(),
                num(row.loss),
                scenario.duration.to_string(),
                num(scenario.probability),
                scenario.kind.to_string(),
            ]
        })
    });
    render(&SCENARIOS_HEADER, rows)
}

/// The instance [`generate`] writes for these products, options per
/// product, regions, scenarios and seed, as read back (for unit tests).
#[cfg(test)]
pub(crate) fn generated_instance(
    products: usize,
    options_per_product: usize,
    regions: usize,
    scenarios: usize,
    seed: u64,
) -> crate::instance::Instance {
    let spec = GeneratorSpec {
        products,
        options_per_product,
        regions,
        scenarios,
        seed,
    };
    let generated = generate(&spec).expect("a valid spec");
    crate::input::parse(
        ("o.csv", generated.options_csv.as_bytes()),
        &[("s.csv".to_string(), generated.scenarios_csv.into_bytes())],
        None,
    )
    .expect("generated files load")
    .instance
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::formulation::Requirement;
    use crate::input::{parse, Loaded};
    use crate::instance::{Floor, Instance, Measure};
    use crate::optimize::optimize;
    use crate::solve::{Settings, Status};

    fn spec(
        products: usize,
        options: usize,
        regions: usize,
        scenarios: usize,
        seed: u64,
    ) -> GeneratorSpec {
        GeneratorSpec {
            products,
            options_per_product: options,
            regions,
            scenarios,
            seed,
        }
    }

    fn load(generated: &Generated) -> Loaded {
        parse(
            ("o.csv", generated.options_csv.as_bytes()),
            &[(
                "s.csv".to_string(),
                generated.scenarios_csv.as_bytes().to_vec(),
            )],
            None,
        )
        .unwrap_or_else(|e| panic!("generated files do not load: {e:?}"))
    }

    fn instance(spec: &GeneratorSpec) -> Instance {
        let loaded = load(&generate(spec).unwrap());
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        loaded.instance
    }

    #[test]
    fn generated_files_load_without_errors_or_warnings() {
        let sizes = [
            (20, 4, 5, 10),
            (50, 5, 6, 10),
            (1, 1, 2, 1),
            (3, 1, 2, 3),
            (10, 2, 2, 7),
            (7, 3, 3, 5),
            (30, 8, 12, 40),
            (40, 10, 4, 25),
        ];
        for (products, options, regions, scenarios) in sizes {
            for seed in [1, 2, 3, 17] {
                let spec = spec(products, options, regions, scenarios, seed);
                let generated = generate(&spec).unwrap();
                let loaded = load(&generated);
                assert!(
                    loaded.warnings.is_empty(),
                    "{spec:?}: {:?}",
                    loaded.warnings
                );
                let instance = loaded.instance;
                assert_eq!(instance.products.len(), products, "{spec:?}");
                assert_eq!(instance.options.len(), products * options, "{spec:?}");
                assert_eq!(instance.scenarios.len(), scenarios, "{spec:?}");
                assert!(
                    instance.scenarios.iter().all(|s| !s.losses.is_empty()),
                    "{spec:?}: a scenario touches no option"
                );
            }
        }
    }

    #[test]
    fn headers_are_divopts_schemas() {
        let generated = generate(&spec(5, 3, 4, 6, 1)).unwrap();
        assert_eq!(
            generated.options_csv.lines().next().unwrap(),
            "product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,\
             max_reserve,floor,local,module_size,module_cost,max_modules"
        );
        assert_eq!(
            generated.scenarios_csv.lines().next().unwrap(),
            "scenario,region,supplier,product,loss,duration,probability,kind"
        );
        assert!(generated
            .options_csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("p0000,s0,R1,"));
    }

    #[test]
    fn the_same_seed_gives_the_same_files_and_another_seed_others() {
        let a = generate(&spec(60, 5, 6, 20, 7)).unwrap();
        let b = generate(&spec(60, 5, 6, 20, 7)).unwrap();
        assert_eq!(a, b);
        let c = generate(&spec(60, 5, 6, 20, 8)).unwrap();
        assert_ne!(a.options_csv, c.options_csv);
        assert_ne!(a.scenarios_csv, c.scenarios_csv);
        // Scenarios draw from their own stream: the options do not depend on K.
        let d = generate(&spec(60, 5, 6, 35, 7)).unwrap();
        assert_eq!(a.options_csv, d.options_csv);
        assert_ne!(a.scenarios_csv, d.scenarios_csv);
    }

    #[test]
    fn output_is_pinned_for_a_seed() {
        // Guards against silent changes of the sampling (e.g. a new rand
        // version's algorithms): a change here changes every benchmark instance.
        let generated = generate(&spec(2, 3, 5, 5, 42)).unwrap();
        assert_eq!(generated.options_csv, PINNED_OPTIONS);
        assert_eq!(generated.scenarios_csv, PINNED_SCENARIOS);
    }

    const PINNED_OPTIONS: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,max_reserve,floor,local,module_size,module_cost,max_modules
p0000,s0,R1,497,3.849,660,44.16,2,0.07705,1657,,false,,,
p0000,s1,R3,497,4.553,108,50.55,2,0.07705,1657,,false,,,
p0000,s2,HOME,497,5.914,31,31.93,2,0.07705,1657,,true,125,54.02,4
p0001,s0,R1,3795,1.606,6009,151.7,2,0.03641,,0.75,false,,,
p0001,s1,R4,3795,1.897,834,150.1,2,0.03641,,0.75,false,,,
p0001,s2,HOME,3795,2.806,0,104.6,2,0.03641,,0.75,true,782,197,5
";

    const PINNED_SCENARIOS: &str = "\
scenario,region,supplier,product,loss,duration,probability,kind
k00-geo-R1-R3-R4,R1,,,0.78,7,0.00311,geopolitical
k00-geo-R1-R3-R4,R3,,,0.44,7,0.00311,geopolitical
k00-geo-R1-R3-R4,R4,,,0.76,7,0.00311,geopolitical
k01-product-p0001,*,,p0001,0.43,8,0.0105,geopolitical
k02-logistics-R1,R1,,,0.37,1,0.0327,logistics
k02-logistics-R1,*,,,0.09,1,0.0327,logistics
k03-outage-R1,R1,,,1,5,0.0131,natural
k04-supplier-p0000-s0,*,s0,p0000,1,1,0.0251,logistics
";

    #[test]
    fn about_35_percent_cannot_be_stockpiled_and_some_have_floors_and_caps() {
        for seed in [1, 2, 3] {
            let instance = instance(&spec(200, 4, 6, 10, seed));
            let share = |f: &dyn Fn(&crate::instance::Product) -> bool| {
                instance.products.iter().filter(|p| f(p)).count() as f64 / 200.0
            };
            let not_stockpilable = share(&|p| !p.can_stockpile());
            assert!(
                (0.25..=0.45).contains(&not_stockpilable),
                "{not_stockpilable}"
            );
            let floors = share(&|p| p.floor.is_some());
            assert!((0.01..=0.12).contains(&floors), "{floors}");
            let capped = share(&|p| p.max_reserve_units.is_some());
            assert!((0.08..=0.35).contains(&capped), "{capped}");
            let unweighted = share(&|p| p.weight == 0.0);
            assert!((0.03..=0.2).contains(&unweighted), "{unweighted}");
            for p in &instance.products {
                assert!((100.0..=10_000.0).contains(&p.demand_per_period));
                if let Some(floor) = p.floor {
                    assert!((0.5..=0.9).contains(&floor.value()));
                    assert!(p.can_stockpile() && p.max_reserve_units.is_none());
                }
                if let Some(h) = p.holding_cost_per_unit {
                    let cheapest = p
                        .options
                        .iter()
                        .map(|&o| instance.option(o).unit_cost)
                        .fold(f64::INFINITY, f64::min);
                    assert!(h > 0.0 && h < 0.04 * cheapest, "{h} vs {cheapest}");
                }
            }
            let demands: Vec<f64> = instance
                .products
                .iter()
                .map(|p| p.demand_per_period)
                .collect();
            let max = demands.iter().copied().fold(0.0, f64::max);
            let min = demands.iter().copied().fold(f64::INFINITY, f64::min);
            assert!(max / min > 30.0, "demands span {min}..{max}");
        }
    }

    #[test]
    fn home_options_are_local_with_modules_and_hubs_are_cheapest() {
        for (regions, seed) in [(6, 1), (4, 2), (2, 3), (9, 4)] {
            let instance = instance(&spec(100, 5, regions, 10, seed));
            let mut with_home = 0;
            let (mut hub_capacity, mut foreign_capacity) = (0.0, 0.0);
            for product in &instance.products {
                let options: Vec<_> = product
                    .options
                    .iter()
                    .map(|&o| instance.option(o))
                    .collect();
                for option in &options {
                    assert_eq!(option.region == "HOME", option.local);
                    assert_eq!(option.region == "HOME", option.module.is_some());
                    if let Some(module) = option.module {
                        assert!((1..=5).contains(&module.max_modules));
                        assert!(
                            option.capacity_per_period <= 0.3 * product.demand_per_period + 0.5
                        );
                    }
                    assert!(option.fixed_cost_per_period > 0.0);
                    if !option.local {
                        foreign_capacity += option.capacity_per_period;
                        if ["R1", "R2"].contains(&option.region.as_str())
                            && (option.region == "R1" || regions >= 5)
                        {
                            hub_capacity += option.capacity_per_period;
                        }
                    }
                }
                with_home += usize::from(options.iter().any(|o| o.local));
                let cheapest = options
                    .iter()
                    .min_by(|a, b| a.unit_cost.total_cmp(&b.unit_cost))
                    .unwrap();
                assert!(
                    ["R1", "R2"].contains(&cheapest.region.as_str()),
                    "{}",
                    product.name
                );
                let home = options.iter().find(|o| o.local);
                if let Some(home) = home {
                    assert!(home.unit_cost > 1.2 * cheapest.unit_cost);
                }
            }
            assert!((65..=95).contains(&with_home), "{with_home}");
            assert!(
                hub_capacity > 0.6 * foreign_capacity,
                "hubs hold {hub_capacity} of {foreign_capacity}"
            );
        }
    }

    #[test]
    fn capacity_comfortably_covers_demand() {
        for (options, seed) in [(1, 1), (2, 2), (5, 3), (10, 4)] {
            let instance = instance(&spec(150, options, 6, 10, seed));
            for product in &instance.products {
                let capacity: f64 = product
                    .options
                    .iter()
                    .map(|&o| instance.option(o).max_capacity_per_period())
                    .sum();
                assert!(
                    capacity >= 1.2 * product.demand_per_period,
                    "{}",
                    product.name
                );
            }
        }
    }

    /// The type of a scenario, told from its rows alone.
    fn scenario_type(instance: &Instance, rows: &[Vec<String>]) -> &'static str {
        let _ = instance;
        match rows {
            [row] if !row[2].is_empty() => "supplier",
            [row] if !row[3].is_empty() => "product",
            [row] if row[1] != "*" => "regional",
            [a, b] if b[1] == "*" && a[1] != "*" && a[7] == "logistics" => "logistics",
            rows if rows.len() >= 2
                && rows.iter().all(|r| r[1] != "*" && r[7] == "geopolitical") =>
            {
                "geopolitical"
            }
            _ => "unknown",
        }
    }

    #[test]
    fn every_scenario_type_is_present_with_its_ranges() {
        for (scenarios, regions, seed) in
            [(10, 6, 1), (10, 2, 2), (12, 3, 3), (40, 8, 4), (100, 5, 5)]
        {
            let generated = generate(&spec(30, 4, regions, scenarios, seed)).unwrap();
            let instance = load(&generated).instance;
            let mut reader = ::csv::Reader::from_reader(generated.scenarios_csv.as_bytes());
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let mut counts = std::collections::BTreeMap::new();
            for scenario in &instance.scenarios {
                let own: Vec<Vec<String>> = rows
                    .iter()
                    .filter(|r| r[0] == scenario.name)
                    .cloned()
                    .collect();
                let t = scenario_type(&instance, &own);
                assert_ne!(t, "unknown", "{}: {own:?}", scenario.name);
                assert!(scenario.name.contains(match t {
                    "regional" => "-outage-",
                    "logistics" => "-logistics-",
                    "geopolitical" => "-geo-",
                    "supplier" => "-supplier-",
                    _ => "-product-",
                }));
                *counts.entry(t).or_insert(0usize) += 1;
                let d = scenario.duration_periods;
                assert!(d.fract() == 0.0 && (1.0..=12.0).contains(&d));
                let p = scenario.probability.unwrap();
                assert!((0.001..=0.05).contains(&p), "{p}");
                assert!(["natural", "logistics", "geopolitical"].contains(&scenario.kind.as_str()));
                for row in &own {
                    let loss: f64 = row[4].parse().unwrap();
                    assert!(loss > 0.0 && loss <= 1.0);
                }
            }
            assert_eq!(counts.len(), 5, "{counts:?}");
            let regional = counts["regional"] as f64 / scenarios as f64;
            assert!((0.2..=0.4).contains(&regional), "{counts:?}");
        }
    }

    #[test]
    fn type_counts_follow_the_shares() {
        assert_eq!(type_counts(10), [3, 2, 2, 2, 1]);
        assert_eq!(type_counts(100), [30, 20, 15, 20, 15]);
        assert_eq!(type_counts(5), [1, 1, 1, 1, 1]);
        assert_eq!(type_counts(1).iter().sum::<usize>(), 1);
        for k in 1..200 {
            let counts = type_counts(k);
            assert_eq!(counts.iter().sum::<usize>(), k);
            if k >= 5 {
                assert!(counts.iter().all(|&c| c > 0), "{k}: {counts:?}");
            }
        }
    }

    #[test]
    fn rejects_sizes_out_of_range() {
        let good = spec(10, 3, 4, 5, 1);
        assert!(generate(&good).is_ok());
        for bad in [
            GeneratorSpec {
                products: 0,
                ..good
            },
            GeneratorSpec {
                options_per_product: 0,
                ..good
            },
            GeneratorSpec { regions: 0, ..good },
            GeneratorSpec { regions: 1, ..good },
            GeneratorSpec {
                scenarios: 0,
                ..good
            },
            GeneratorSpec {
                products: 1_000_001,
                ..good
            },
            GeneratorSpec {
                options_per_product: 101,
                ..good
            },
            GeneratorSpec {
                regions: 1_001,
                ..good
            },
            GeneratorSpec {
                scenarios: 100_001,
                ..good
            },
            GeneratorSpec {
                products: 500_000,
                options_per_product: 5,
                ..good
            },
        ] {
            let error = generate(&bad).unwrap_err();
            assert!(error.contains("must be"), "{error}");
        }
    }

    #[test]
    fn significant_digits_print_short() {
        assert_eq!(num(significant(0.0012345, 3)), "0.00123");
        assert_eq!(num(significant(123456.0, 4)), "123500");
        assert_eq!(num(significant(12.34567, 4)), "12.35");
        assert_eq!(num(significant(99.996, 4)), "100");
    }

    #[test]
    fn an_s_instance_needs_protection_and_solves_quickly_at_floor_09() {
        for seed in [1, 2, 3] {
            let instance = instance(&spec(50, 5, 6, 10, seed));
            let requirement = Requirement::new(Floor::new(0.9).unwrap(), Measure::Worst);
            let started = Instant::now();
            let solution = optimize(&instance, requirement, &Settings::default()).unwrap();
            let seconds = started.elapsed().as_secs_f64();
            assert_eq!(solution.status, Status::Optimal, "seed {seed}");
            assert!(seconds < 20.0, "seed {seed}: {seconds} s");
            let cost = solution.best.unwrap().evaluation.costs.total();
            let baseline = solution.baseline.unwrap();
            // The cheapest plan does not meet the floor: protection has a price.
            let baseline_worst = baseline.evaluation.measure(&instance, Measure::Worst);
            assert!(
                baseline_worst < 0.9,
                "seed {seed}: baseline already at {baseline_worst}"
            );
            assert!(
                cost > baseline.evaluation.costs.total() * 1.001,
                "seed {seed}"
            );
        }
    }
}
