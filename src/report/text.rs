//! The terminal summary of `divopt solve`.

use std::fmt::Write;

use super::json::Summary;
use super::{local_share, Action};
use crate::instance::{Instance, Measure};
use crate::optimize::Solution;

fn measure_phrase(measure: Measure) -> &'static str {
    match measure {
        Measure::Worst => "criticality-weighted fill in every scenario",
        Measure::Each => "fill of every weighted product in every scenario",
        Measure::Expected => "expected (probability-weighted) fill",
    }
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

fn pct(x: f64) -> String {
    // + 0.0 turns -0.0 into 0.0
    format!("{:.1}%", 100.0 * x + 0.0)
}

/// Left-aligned table with two spaces between columns.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let last = cells.len() - 1;
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                let _ = write!(out, "{cell:<w$}  ");
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The readable summary printed on stdout.
pub fn summary_text(instance: &Instance, solution: &Solution, summary: &Summary) -> String {
    let mut out = String::new();
    let requirement = solution.requirement;
    let _ = writeln!(
        out,
        "Requirement: {} >= {} over {} scenarios ({} products, {} options){}",
        measure_phrase(requirement.measure),
        super::num(requirement.floor.value()),
        instance.scenarios.len(),
        instance.products.len(),
        instance.options.len(),
        if requirement.measure == Measure::Expected && summary.scenarios_equally_likely {
            "; no scenario gives a probability, so all are taken as equally likely"
        } else {
            ""
        }
    );

    let Some(best) = &solution.best else {
        let _ = writeln!(out, "Status: {}", summary.status);
        let attainable = &solution.attainable;
        if !attainable.allows(requirement) {
            if requirement.floor.value() > attainable.max_floor {
                let _ = write!(
                    out,
                    "No plan reaches floor {}: the highest achievable floor is {}",
                    super::num(requirement.floor.value()),
                    super::num(attainable.max_floor)
                );
                if let Some(k) = attainable.binding_scenario {
                    let _ = write!(
                        out,
                        ", capped by scenario {:?}",
                        instance.scenarios[k.0].name
                    );
                }
                out.push_str(".\n");
                if !attainable.capping_products.is_empty() {
                    out.push_str("Products short of full supply there, even with every option, module and reserve:\n");
                    for (p, fill) in attainable.capping_products.iter().take(10) {
                        let _ = writeln!(
                            out,
                            "  {} (best fill {})",
                            instance.product(*p).name,
                            pct(*fill)
                        );
                    }
                }
            }
            for (p, reason) in &attainable.unreachable_policies {
                let _ = writeln!(
                    out,
                    "Product {:?} cannot meet its policy rules: {reason}.",
                    instance.product(*p).name
                );
            }
            for (p, k, fill) in &attainable.unreachable_product_floors {
                let product = instance.product(*p);
                let _ = writeln!(
                    out,
                    "Product {:?} cannot meet its own floor {}: best fill {} in scenario {:?}.",
                    product.name,
                    product.floor.map_or(0.0, |f| f.value()),
                    pct(*fill),
                    instance.scenarios[k.0].name
                );
            }
        } else if solution.status == crate::solve::Status::NoPlanInTime {
            out.push_str(
                "The time limit ended the search before any plan was found; allow more time.\n",
            );
        } else {
            out.push_str("No plan meets the requirement within the given limits.\n");
        }
        return out;
    };

    let gap = summary.gap.unwrap_or(0.0);
    let _ = writeln!(
        out,
        "Status: {} (gap {:.4}%), {:.2} s in HiGHS",
        summary.status,
        100.0 * gap,
        solution.solve_seconds
    );
    if let Some(size) = solution.size {
        let _ = writeln!(
            out,
            "Model: {} variables ({} binary, {} integer), {} constraints",
            size.variables, size.binaries, size.integers, size.constraints
        );
    }
    out.push('\n');
    let costs = best.evaluation.costs;
    let mut rows = vec![
        vec!["Cost per period".to_string(), money(costs.total())],
        vec!["  purchase".to_string(), money(costs.purchase)],
        vec!["  qualification".to_string(), money(costs.qualification)],
        vec![
            "  localization build".to_string(),
            money(costs.localization),
        ],
        vec![
            "  reserve holding".to_string(),
            money(costs.reserve_holding),
        ],
    ];
    if let Some(base) = summary.baseline_cost {
        rows.push(vec!["Cost at floor 0".to_string(), money(base)]);
    }
    if let Some(premium) = summary.premium_pct {
        rows.push(vec![
            "Premium for resilience".to_string(),
            format!("{premium:.2}%"),
        ]);
    }
    if let (Some(name), Some(fill)) = (&summary.worst_scenario, summary.min_fill) {
        rows.push(vec![
            "Worst scenario".to_string(),
            format!("{name}: weighted fill {}", pct(fill)),
        ]);
    }
    if requirement.measure == Measure::Expected {
        if let Some(expected) = summary.expected_fill {
            rows.push(vec!["Expected fill".to_string(), pct(expected)]);
        }
    }
    out.push_str(
        &table(&["", ""], &rows)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    out.push_str("\n\n");

    let plan = &best.plan;
    let baseline = solution.baseline.as_ref().map(|b| &b.plan);
    let product_rows: Vec<Vec<String>> = instance
        .product_ids()
        .map(|p| {
            let product = instance.product(p);
            let worst = best.evaluation.worst_scenario_of(p);
            let suppliers: Vec<String> = plan
                .selected(instance, p)
                .map(|o| {
                    let option = instance.option(o);
                    let share = plan.option(o).quantity_per_period / product.demand_per_period;
                    // A qualified option that buys nothing in normal times is held in reserve.
                    let role = if share > 0.0 {
                        pct(share)
                    } else {
                        "standby".to_string()
                    };
                    format!("{} ({}) {role}", option.supplier, option.region)
                })
                .collect();
            let modules: u32 = product
                .options
                .iter()
                .map(|&o| plan.option(o).modules)
                .sum();
            vec![
                product.name.clone(),
                baseline.map_or_else(String::new, |b| Action::of(instance, plan, b, p).label()),
                if product.can_stockpile() {
                    format!("{:.2}", plan.reserve(p) / product.demand_per_period)
                } else {
                    "-".to_string()
                },
                pct(local_share(instance, plan, p)),
                modules.to_string(),
                worst.map_or_else(String::new, |k| {
                    let fill = best.evaluation.fill[[p.0, k.0]];
                    if fill >= 1.0 {
                        pct(fill) // full in every scenario: no scenario to name
                    } else {
                        format!("{} {}", pct(fill), instance.scenarios[k.0].name)
                    }
                }),
                suppliers.join(", "),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "product",
            "action",
            "reserve (periods)",
            "local",
            "modules",
            "worst fill",
            "suppliers (region) share",
        ],
        &product_rows,
    ));
    if let Some(baseline) = baseline {
        let counts = instance.product_ids().fold([0usize; 4], |mut c, p| {
            let action = Action::of(instance, plan, baseline, p);
            c[0] += usize::from(action.diversified);
            c[1] += usize::from(action.stockpiled);
            c[2] += usize::from(action.localized);
            c[3] += usize::from(action.untouched());
            c
        });
        let _ = writeln!(
            out,
            "\nAgainst the floor-0 plan: {} diversified, {} stockpiled, {} localized, {} untouched.",
            counts[0], counts[1], counts[2], counts[3]
        );
    }
    out
}
