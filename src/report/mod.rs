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
use crate::plan::Plan;

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
    use super::num;

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
    }
}
