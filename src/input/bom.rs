//! The bill of materials (`--bom FILE`): columns parent, child, quantity
//! (units of child per unit of parent, > 0) and optionally demand (the
//! parent's direct demand per period). A row may give only a parent and its
//! demand (child and quantity blank). Products that appear only here are
//! assembled in-house: they have no sourcing options.

use std::collections::HashMap;

use super::error::InputError;
use super::table::{keep, Cells, Table};

const REQUIRED: &[&str] = &["parent", "child", "quantity"];
const KNOWN: &[&str] = &["parent", "child", "quantity", "demand"];

/// One edge as read: names, not ids (products may be new).
#[derive(Debug, Clone, PartialEq)]
pub struct BomRow {
    pub line: u64,
    pub parent: String,
    pub child: String,
    pub quantity: f64,
}

/// The BOM file's content.
#[derive(Debug, Clone, Default)]
pub struct BomInput {
    pub file: String,
    pub edges: Vec<BomRow>,
    /// Direct demand per product, with the row that gave it.
    pub demands: Vec<(String, f64, u64)>,
    pub warnings: Vec<String>,
}

pub fn read_bom(table: &Table) -> Result<BomInput, Vec<InputError>> {
    let missing = table.require(REQUIRED);
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut warnings = Vec::new();
    let unknown = table.unknown_columns(KNOWN);
    if !unknown.is_empty() {
        warnings.push(format!(
            "{}: ignoring unknown column(s): {}",
            table.file,
            unknown.join(", ")
        ));
    }
    let mut errors = Vec::new();
    let mut edges: Vec<BomRow> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut demands: Vec<(String, f64, u64)> = Vec::new();
    for row in &table.rows {
        let cells = Cells::new(table, row);
        let Some(parent) = keep(cells.id("parent"), &mut errors) else {
            continue;
        };
        let child = cells.text("child").to_string();
        if let Some(Some(demand)) = keep(cells.optional("demand", 0.0, false), &mut errors) {
            match demands.iter().find(|(p, _, _)| *p == parent) {
                Some((_, first, first_row)) if *first != demand => errors.push(cells.error(
                    "demand",
                    format!(
                        "{demand} disagrees with {first} on row {first_row} for product {parent:?}"
                    ),
                )),
                Some(_) => {}
                None => demands.push((parent.clone(), demand, row.line)),
            }
        }
        if child.is_empty() {
            if !cells.text("quantity").is_empty() {
                errors
                    .push(cells.error("child", "is empty but a quantity is given; name the input"));
            }
            continue;
        }
        if child == parent {
            errors.push(cells.error(
                "child",
                format!("{child:?} is its own input; a product cannot contain itself"),
            ));
            continue;
        }
        let Some(quantity) = keep(cells.required("quantity", 0.0, true), &mut errors) else {
            continue;
        };
        if let Some(first) = seen.insert((parent.clone(), child.clone()), row.line) {
            errors.push(cells.error(
                "child",
                format!(
                    "{parent:?} → {child:?} appears twice (rows {first} and {}); give one row with the total quantity",
                    row.line
                ),
            ));
            continue;
        }
        edges.push(BomRow {
            line: row.line,
            parent,
            child,
            quantity,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(cycle) = find_cycle(&edges) {
        let line = edges
            .iter()
            .find(|e| e.parent == cycle[0] && e.child == cycle[1])
            .map_or(0, |e| e.line);
        return Err(vec![InputError::at(
            &table.file,
            line,
            Some("child".to_string()),
            format!(
                "the BOM has a cycle: {}; a product cannot be an input of its own inputs",
                cycle.join(" → ")
            ),
        )]);
    }
    Ok(BomInput {
        file: table.file.clone(),
        edges,
        demands,
        warnings,
    })
}

/// A cycle as the list of products around it (first repeated at the end), if any.
fn find_cycle(edges: &[BomRow]) -> Option<Vec<String>> {
    let mut names: Vec<&str> = Vec::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for e in edges {
        for n in [e.parent.as_str(), e.child.as_str()] {
            ids.entry(n).or_insert_with(|| {
                names.push(n);
                names.len() - 1
            });
        }
    }
    let id = |n: &str| ids[n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for e in edges {
        children[id(&e.parent)].push(id(&e.child));
    }
    // Iterative depth-first search: 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; names.len()];
    for start in 0..names.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = children[node].get(*next) {
                *next += 1;
                match state[child] {
                    0 => {
                        state[child] = 1;
                        stack.push((child, 0));
                    }
                    1 => {
                        let from = stack
                            .iter()
                            .position(|&(n, _)| n == child)
                            .expect("on the stack");
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(n, _)| names[n].to_string())
                            .collect();
                        cycle.push(names[child].to_string());
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<BomInput, Vec<InputError>> {
        read_bom(&Table::parse("bom.csv", text.as_bytes()).unwrap())
    }

    #[test]
    fn edges_and_demands_are_read() {
        let bom =
            read("parent,child,quantity,demand\ncar,mcu,20,5\ncar,steel,1,\nphone,,,7\n").unwrap();
        assert_eq!(bom.edges.len(), 2);
        assert_eq!(bom.edges[0].quantity, 20.0);
        assert_eq!(
            bom.demands,
            vec![("car".to_string(), 5.0, 2), ("phone".to_string(), 7.0, 4)]
        );
    }

    #[test]
    fn cycles_are_named() {
        let errors = read("parent,child,quantity\na,b,1\nb,c,1\nc,a,2\n").unwrap_err();
        assert!(
            errors[0].message.contains("a → b → c → a"),
            "{}",
            errors[0].message
        );
        let errors = read("parent,child,quantity\na,a,1\n").unwrap_err();
        assert!(errors[0].message.contains("its own input"));
    }

    #[test]
    fn bad_quantities_and_duplicates_are_rejected() {
        let errors = read("parent,child,quantity\na,b,0\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("quantity"));
        let errors = read("parent,child,quantity\na,b,-1\n").unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("quantity"));
        let errors = read("parent,child,quantity\na,b,1\na,b,2\n").unwrap_err();
        assert!(errors[0].message.contains("appears twice"));
    }
}
