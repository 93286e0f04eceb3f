//! Turning a solution into what people read: CSV tables for spreadsheets,
//! JSON for programs and a text summary for the terminal. Every writer
//! renders into a `String`; only [`crate::output`] touches files.
//!
//! Numbers are printed as plain decimals with at most 9 significant digits,
//! no exponent and no thousands separators, so the same solution always gives
//! byte-identical files.

pub mod csv;
pub mod json;
pub mod text;

use crate::instance::{Instance, ProductId};
use crate::optimize::Solution;
use crate::plan::Plan;

/// The files `divopt solve --out DIR` writes for a solution, by name (plan,
/// products, scenarios, summary, and the links with a bill of materials);
/// `None` without a plan.
pub fn solution_files(
    instance: &Instance,
    solution: &Solution,
    summary: &json::Summary,
) -> Option<Vec<(&'static str, String)>> {
    let best = solution.best.as_ref()?;
    let baseline = solution.baseline.as_ref().map(|b| &b.plan);
    let mut files = vec![
        ("plan.csv", csv::plan_csv(instance, &best.plan)),
        (
            "products.csv",
            csv::products_csv(instance, &best.plan, &best.evaluation, baseline),
        ),
        (
            "scenarios.csv",
            csv::scenarios_csv(instance, &best.evaluation),
        ),
        ("summary.json", json::summary_json(summary)),
    ];
    if !instance.bom.is_empty() {
        files.push(("links.csv", csv::links_csv(instance, &best.evaluation)));
    }
    Some(files)
}

/// Below this size the shortest text of a number is also its rounded text
/// whenever it has few enough decimals (see [`num`]). From 2^53 (about
/// 9e15) on, numbers are integers whose shortest text can differ from the
/// exact value that the rounding prints (1e23 is 99999999999999991611392).
const SHORTEST_BELOW: f64 = 1e15;

/// A plain decimal with at most 9 significant digits ("0" for |x| < 1e-9).
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x.abs() < 1e-9 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (8 - magnitude).clamp(0, 12) as usize;
    // The shortest text that reads back as x (Rust's `Display`: no exponent,
    // no trailing zeros) lies within half a unit in the last place of x,
    // far less than half a step of the `decimals`-th decimal. When it has
    // no more decimals than that, it is already x rounded to them, and the
    // rounding (a second, slower formatting) is skipped. Most numbers in a
    // plan were rounded to 9 digits already ([`rounded`]).
    if x.abs() < SHORTEST_BELOW {
        let shortest = x.to_string();
        let shortest_decimals = shortest.find('.').map_or(0, |dot| shortest.len() - dot - 1);
        if shortest_decimals <= decimals {
            return shortest;
        }
    }
    rounded_text(x, decimals)
}

/// `x` (|x| ≥ 1e-9) rounded to `decimals` decimals, trailing zeros cut.
fn rounded_text(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// `x` rounded to the 9 significant digits [`num`] prints, so that a value
/// written and read back is the same number.
pub fn rounded(x: f64) -> f64 {
    num(x).parse().unwrap_or(x)
}

/// What a plan does for a product compared with the no-resilience baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Action {
    /// Qualifies a supplier the baseline does not use.
    pub diversified: bool,
    /// Holds reserve stock.
    pub stockpiled: bool,
    /// Builds more capacity modules than the baseline.
    pub localized: bool,
}

impl Action {
    pub fn of(instance: &Instance, plan: &Plan, baseline: &Plan, p: ProductId) -> Action {
        let options = &instance.product(p).options;
        let modules =
            |plan: &Plan| -> u32 { options.iter().map(|&o| plan.option(o).modules).sum() };
        Action {
            diversified: options
                .iter()
                .any(|&o| plan.option(o).selected && !baseline.option(o).selected),
            stockpiled: plan.reserve(p) > 0.0,
            localized: modules(plan) > modules(baseline),
        }
    }

    pub fn untouched(self) -> bool {
        self == Action::default()
    }

    /// "diversified+stockpiled", "localized", "untouched", ...
    pub fn label(self) -> String {
        let parts: Vec<&str> = [
            (self.diversified, "diversified"),
            (self.stockpiled, "stockpiled"),
            (self.localized, "localized"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name)
        .collect();
        if parts.is_empty() {
            "untouched".to_string()
        } else {
            parts.join("+")
        }
    }
}

/// Σ local x_o / d_p: the share of a product's normal supply from local options.
pub fn local_share(instance: &Instance, plan: &Plan, p: ProductId) -> f64 {
    let product = instance.product(p);
    let local: f64 = product
        .options
        .iter()
        .filter(|&&o| instance.option(o).local)
        .map(|&o| plan.option(o).quantity_per_period)
        .sum();
    local / product.demand_per_period
}

#[cfg(test)]
mod tests {
    use super::{num, rounded_text};
    use proptest::prelude::*;

    /// [`num`] by its definition: always rounded to the decimals of 9
    /// significant digits.
    fn num_by_definition(x: f64) -> String {
        if x.abs() < 1e-9 {
            return "0".to_string();
        }
        let magnitude = x.abs().log10().floor() as i32;
        rounded_text(x, (8 - magnitude).clamp(0, 12) as usize)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The shortest-text shortcut gives the rounded text: on raw values of
        /// every size, and on values with few digits (as plans hold).
        #[test]
        fn the_shortcut_is_the_rounded_text(
            mantissa in -1e9f64..1e9,
            exponent in -18i32..16,
            digits in 0usize..12,
        ) {
            let raw = mantissa * 10f64.powi(exponent);
            prop_assert_eq!(num(raw), num_by_definition(raw));
            let short: f64 = format!("{:.digits$e}", raw).parse().unwrap();
            prop_assert_eq!(num(short), num_by_definition(short));
        }
    }

    #[test]
    fn numbers_are_plain_and_stable() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1e-12), "0");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.9), "0.9");
        assert_eq!(num(2.0 / 3.0), "0.666666667");
        assert_eq!(num(1234567.891), "1234567.89");
        assert_eq!(num(1e21), "1000000000000000000000");
        assert_eq!(num(0.000123), "0.000123");
        assert_eq!(num(-5.5), "-5.5");
        assert_eq!(num(299.99999999997), "300");
        // Near and above 2^53 the exact value is printed, not the shortest text.
        assert_eq!(num(1e23), "99999999999999991611392");
        assert_eq!(num(123456789012.0), "123456789012");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(1.0000000004), "1");
        assert_eq!(num(1.0000000005), num_by_definition(1.0000000005));
    }
}
