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

pub(crate) fn money(x: f64) -> String {
    format!("{x:.2}")
}

pub(crate) fn pct(x: f64) -> String {
    // + 0.0 turns -0.0 into 0.0
    format!("{:.1}%", 100.0 * x + 0.0)
}

/// Left-aligned table with two spaces between columns.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // Each line is written in place: XL's summary (3,000 product rows) took
    // 10.0 ms warm with a string and a list per line, 7.8 ms so.
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let start = out.len();
        let mut cells = cells.zip(&widths).peekable();
        while let Some((cell, &width)) = cells.next() {
            out.push_str(cell);
            if cells.peek().is_some() {
                let pad = width - cell.chars().count() + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// "1 scenario", "2 scenarios".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The readable summary printed on stdout.
pub fn summary_text(instance: &Instance, solution: &Solution, summary: &Summary) -> String {
    let mut out = String::new();
    let requirement = solution.requirement;
    let _ = writeln!(
        out,
        "Requirement: {} >= {} over {} ({}, {}){}",
        measure_phrase(requirement.measure),
        super::num(requirement.floor.value()),
        count(instance.scenarios.len(), "scenario"),
        count(instance.products.len(), "product"),
        count(instance.options.len(), "option"),
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
        "Status: {} (gap {:.4}%), {:.2} s solving",
        summary.status,
        100.0 * gap,
        solution.solve_seconds
    );
    match (solution.method, solution.size) {
        (Some(crate::solve::Method::SearchPerProduct), _) => {
            let _ = writeln!(
                out,
                "Method: exact search per product (each product's cheapest plan; no solver model)"
            );
        }
        (Some(method), Some(size)) => {
            let _ = writeln!(
                out,
                "Method: {}; model: {} variables ({} binary, {} integer), {} constraints",
                method.name(),
                size.variables,
                size.binaries,
                size.integers,
                size.constraints
            );
        }
        _ => {}
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
        // The baseline drops every floor, the products' own too
        // (models/core.md): "floor 0" would contradict a `--floor 0` run
        // whose cost is above it because of a product's floor.
        let label = if instance.products.iter().any(|p| p.floor.is_some()) {
            "Cost with no floors (no product floors either)"
        } else {
            "Cost with no floors"
        };
        rows.push(vec![label.to_string(), money(base)]);
    }
    if let Some(premium) = summary.premium_pct {
        rows.push(vec![
            "Premium for resilience".to_string(),
            format!("{premium:.2}%"),
        ]);
    }
    match (&summary.worst_scenario, summary.min_fill) {
        (Some(name), Some(fill)) => rows.push(vec![
            "Worst scenario".to_string(),
            format!("{name}: weighted fill {}", pct(fill)),
        ]),
        (None, Some(_)) => rows.push(vec![
            "Worst scenario".to_string(),
            "none: full fill in every scenario".to_string(),
        ]),
        _ => {}
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
            "\nAgainst the plan with no floors: {} diversified, {} stockpiled, {} localized, {} untouched.",
            counts[0], counts[1], counts[2], counts[3]
        );
    }
    if !instance.bom.is_empty() {
        out.push('\n');
        out.push_str(&weakest_links_text(
            instance,
            &best.evaluation,
            plan,
            baseline,
        ));
    }
    out
}

/// Per final product with inputs: its worst scenario, the input that caps it
/// there, and what the plan spends on that input beyond the baseline plan
/// (no floors).
fn weakest_links_text(
    instance: &Instance,
    evaluation: &crate::evaluate::Evaluation,
    plan: &crate::plan::Plan,
    baseline: Option<&crate::plan::Plan>,
) -> String {
    let spent = crate::evaluate::product_costs(instance, plan);
    let base = baseline.map(|b| crate::evaluate::product_costs(instance, b));
    let rows: Vec<Vec<String>> = instance
        .product_ids()
        .filter(|&p| {
            instance.product(p).direct_demand_per_period > 0.0 && !instance.inputs_of(p).is_empty()
        })
        .filter_map(|p| {
            let k = evaluation.worst_scenario_of(p)?;
            let fill = evaluation.fill[[p.0, k.0]];
            let capping = evaluation.weakest_input(instance, p, k);
            Some(vec![
                instance.product(p).name.clone(),
                if fill < 1.0 {
                    instance.scenarios[k.0].name.clone()
                } else {
                    "-".to_string()
                },
                pct(fill),
                if fill < 1.0 {
                    instance.product(capping).name.clone()
                } else {
                    "-".to_string()
                },
                base.as_ref()
                    .map_or_else(String::new, |b| money(spent[capping.0] - b[capping.0])),
            ])
        })
        .collect();
    let mut out = String::from("Weakest links: each final product in its worst scenario\n");
    out.push_str(&table(
        &[
            "final product",
            "worst scenario",
            "fill",
            "capped by",
            "protection spent on it",
        ],
        &rows,
    ));
    out
}

/// The terminal report of `divopt evaluate`.
pub fn evaluation_text(
    instance: &Instance,
    evaluation: &crate::evaluate::Evaluation,
    requirement: crate::formulation::Requirement,
    requirement_problems: &[String],
    survival: &[crate::stress::Survival],
) -> String {
    let mut out = String::new();
    let costs = evaluation.costs;
    let _ = writeln!(
        out,
        "Cost per period {} (purchase {}, qualification {}, localization build {}, reserve holding {})",
        money(costs.total()),
        money(costs.purchase),
        money(costs.qualification),
        money(costs.localization),
        money(costs.reserve_holding)
    );
    let floor = super::num(requirement.floor.value());
    if requirement_problems.is_empty() {
        let _ = writeln!(
            out,
            "Meets floor {floor} ({} measure): {} {}",
            requirement.measure,
            measure_phrase(requirement.measure),
            pct(evaluation.measure(instance, requirement.measure))
        );
    } else {
        let _ = writeln!(
            out,
            "Misses floor {floor} ({} measure) in {} place(s), e.g. {}",
            requirement.measure,
            requirement_problems.len(),
            requirement_problems[0]
        );
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = instance
        .scenario_ids()
        .map(|k| {
            let scenario = &instance.scenarios[k.0];
            let worst = evaluation.worst_product_in(instance, k);
            vec![
                scenario.name.clone(),
                scenario.kind.clone(),
                super::num(scenario.duration_periods),
                pct(evaluation.scenario_fill[k.0]),
                worst
                    .filter(|p| evaluation.fill[[p.0, k.0]] < 1.0)
                    .map_or_else(String::new, |p| {
                        format!(
                            "{} {}",
                            instance.product(p).name,
                            pct(evaluation.fill[[p.0, k.0]])
                        )
                    }),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "scenario",
            "kind",
            "duration",
            "weighted fill",
            "worst product",
        ],
        &rows,
    ));
    let short: Vec<Vec<String>> = survival
        .iter()
        .filter(|s| !s.survives())
        .map(|s| {
            vec![
                instance.product(s.product).name.clone(),
                instance.scenarios[s.scenario.0].name.clone(),
                format!("{:.2}", s.tts_periods.unwrap_or(0.0)),
                super::num(s.duration_periods),
            ]
        })
        .collect();
    out.push('\n');
    if short.is_empty() {
        let _ = writeln!(
            out,
            "Time to survive: every product holds {floor} of demand until every scenario ends."
        );
    } else {
        let _ = writeln!(
            out,
            "Time to survive shorter than time to recover (periods at >= {floor} of demand vs the scenario's duration):"
        );
        out.push_str(&table(&["product", "scenario", "tts", "ttr"], &short));
    }
    out
}

/// The Monte Carlo part of `divopt evaluate --sample`.
pub fn montecarlo_text(
    instance: &Instance,
    result: &crate::montecarlo::MonteCarloResult,
    floor: f64,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Monte Carlo: {} samples of {} periods (every scenario strikes with its per-period probability)",
        result.samples, result.horizon_periods
    );
    let _ = writeln!(
        out,
        "Period fill: mean {}, P5 {}, P1 {}; below the floor {} in {} of periods",
        pct(result.mean_fill),
        pct(result.p5_fill),
        pct(result.p1_fill),
        super::num(floor),
        format_args!("{:.3}%", 100.0 * result.prob_below_floor)
    );
    let mut rows: Vec<(f64, Vec<String>)> = instance
        .product_ids()
        .zip(&result.products)
        .filter(|(_, risk)| risk.prob_below_floor > 0.0)
        .map(|(p, risk)| {
            (
                risk.prob_below_floor,
                vec![
                    instance.product(p).name.clone(),
                    format!("{:.3}%", 100.0 * risk.prob_below_floor),
                    format!("{:.4}", risk.expected_unmet_per_period),
                    pct(risk.mean_fill),
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    if rows.is_empty() {
        out.push_str("No product ever fell below the floor.\n");
    } else {
        out.push_str(&table(
            &[
                "product",
                "periods below floor",
                "unmet units/period",
                "mean fill",
            ],
            &rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
        ));
    }
    out
}

/// The table of `divopt chokepoints`.
pub fn chokepoints_text(
    instance: &Instance,
    verdicts: &[crate::chokepoints::Verdict],
    floor: f64,
) -> String {
    use crate::chokepoints::Class;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What it takes for each product, on its own, to keep {} of demand in every scenario:\n",
        pct(floor)
    );
    let rows: Vec<Vec<String>> = verdicts
        .iter()
        .map(|v| {
            vec![
                instance.product(v.product).name.clone(),
                v.class.name().to_string(),
                v.protection_cost.map_or_else(|| "-".to_string(), money),
                pct(v.best_fill),
                v.binding_scenario
                    .map_or_else(String::new, |k| instance.scenarios[k.0].name.clone()),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "product",
            "class",
            "protection cost",
            "best fill",
            "binding scenario",
        ],
        &rows,
    ));
    let count = |class: Class| verdicts.iter().filter(|v| v.class == class).count();
    let _ = writeln!(
        out,
        "\n{} chokepoint(s), {} to localize, {} to stockpile, {} to diversify, {} ok.",
        count(Class::Chokepoint),
        count(Class::Localize),
        count(Class::Stockpile),
        count(Class::Diversify),
        count(Class::Ok)
    );
    let in_house: Vec<&str> = verdicts
        .iter()
        .map(|v| instance.product(v.product))
        .filter(|product| product.options.is_empty())
        .map(|product| product.name.as_str())
        .collect();
    if !in_house.is_empty() {
        let _ = writeln!(
            out,
            "Assembled in-house (no suppliers, stock or modules to choose; judged on the \
             assembly alone, their inputs on their own): {}.",
            in_house.join(", ")
        );
    }
    out
}

/// The table of `divopt exposure`.
pub fn exposure_text(instance: &Instance, rows: &[crate::exposure::Exposure]) -> String {
    let with_bom = !instance.bom.is_empty();
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            let (top, share) = e.top();
            let mut flags = Vec::new();
            if e.single_source() {
                flags.push("single-source");
            } else if e.single_region() {
                flags.push("single-region");
            }
            if !e.stockpilable {
                flags.push("no stock");
            }
            if !e.domestic_option {
                flags.push("no domestic option");
            }
            let mut row = vec![
                instance.product(e.product).name.clone(),
                format!("{:.2}", e.hhi),
                format!("{top} {}", pct(share)),
                format!("{}/{}", e.suppliers, e.regions),
                flags.join(", "),
            ];
            if with_bom {
                row.push(format!(
                    "{} (weight {})",
                    e.dependents,
                    super::num(e.dependent_weight)
                ));
            }
            row
        })
        .collect();
    let mut header = vec!["product", "HHI", "top region", "suppliers/regions", "flags"];
    if with_bom {
        header.push("final products depending");
    }
    let mut out = String::from(
        "Exposure of today's cheapest sourcing, most concentrated first (HHI over regions: 1 = one region)\n\n",
    );
    out.push_str(&table(&header, &table_rows));
    out
}

#[cfg(test)]
mod tests {
    use super::{count, table};

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(1, "scenario"), "1 scenario");
        assert_eq!(count(0, "product"), "0 products");
        assert_eq!(count(2, "option"), "2 options");
    }

    #[test]
    fn tables_align_by_characters_and_trim_line_ends() {
        let rows = vec![
            vec!["Zürich".to_string(), "1".to_string(), "a, b".to_string()],
            vec!["x".to_string(), "22".to_string(), String::new()],
            vec!["y".to_string(), String::new(), String::new()],
        ];
        assert_eq!(
            table(&["site", "n", "suppliers"], &rows),
            "site    n   suppliers\n\
             Zürich  1   a, b\n\
             x       22\n\
             y\n"
        );
        assert_eq!(table(&["only"], &[]), "only\n");
    }
}
