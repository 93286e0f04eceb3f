//! Joining the options and the bill of materials into one chain: products
//! that appear only in the BOM (assembled in-house), direct demands, default
//! weights, the exploded requirement of every product, and the checks that
//! need the whole chain (positive requirement, enough capacity).

use std::collections::HashMap;

use super::bom::BomInput;
use super::error::InputError;
use super::options::OptionsInput;
use crate::instance::{BomEdge, Product, ProductId};

/// The options with the chain applied, and the BOM's edges.
#[derive(Debug)]
pub struct Chain {
    pub options: OptionsInput,
    pub bom: Vec<BomEdge>,
}

/// Products in an order where every parent comes before its children.
pub fn parents_first(products: usize, edges: &[BomEdge]) -> Vec<ProductId> {
    let mut parents_left = vec![0usize; products];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); products];
    for e in edges {
        parents_left[e.child.0] += 1;
        children[e.parent.0].push(e.child.0);
    }
    let mut ready: Vec<usize> = (0..products)
        .filter(|&p| parents_left[p] == 0)
        .rev()
        .collect();
    let mut order = Vec::with_capacity(products);
    while let Some(p) = ready.pop() {
        order.push(ProductId(p));
        for &c in children[p].iter().rev() {
            parents_left[c] -= 1;
            if parents_left[c] == 0 {
                ready.push(c);
            }
        }
    }
    debug_assert_eq!(order.len(), products, "the BOM reader rejects cycles");
    order
}

/// R_p = direct demand + Σ_{parents} q · R_parent, for every product.
pub fn requirements(products: &[Product], edges: &[BomEdge]) -> Vec<f64> {
    let mut requirement: Vec<f64> = products
        .iter()
        .map(|p| p.direct_demand_per_period)
        .collect();
    for p in parents_first(products.len(), edges) {
        for e in edges.iter().filter(|e| e.parent == p) {
            requirement[e.child.0] += e.quantity * requirement[p.0];
        }
    }
    requirement
}

pub fn assemble(
    options_file: &str,
    mut input: OptionsInput,
    bom: Option<&BomInput>,
) -> Result<Chain, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut edges = Vec::new();
    // Where each product was introduced: (file, row, column) for messages.
    let mut origin: Vec<(String, u64, &'static str)> = input
        .product_rows
        .iter()
        .map(|&row| (options_file.to_string(), row, "demand"))
        .collect();
    if let Some(bom) = bom {
        let mut ids: HashMap<String, ProductId> = input
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), ProductId(i)))
            .collect();
        let mut id_of = |name: &str, line: u64, products: &mut Vec<Product>| -> ProductId {
            *ids.entry(name.to_string()).or_insert_with(|| {
                products.push(Product {
                    name: name.to_string(),
                    demand_per_period: 0.0,
                    direct_demand_per_period: 0.0,
                    weight: 1.0,
                    holding_cost_per_unit: None,
                    max_reserve_units: None,
                    floor: None,
                    policy: Default::default(),
                    options: Vec::new(),
                });
                input.weight_given.push(false);
                origin.push((bom.file.clone(), line, "parent"));
                ProductId(products.len() - 1)
            })
        };
        for row in &bom.edges {
            let parent = id_of(&row.parent, row.line, &mut input.products);
            let child = id_of(&row.child, row.line, &mut input.products);
            edges.push(BomEdge {
                parent,
                child,
                quantity: row.quantity,
            });
        }
        for (name, demand, line) in &bom.demands {
            let p = id_of(name, *line, &mut input.products);
            let product = &mut input.products[p.0];
            let given = product.direct_demand_per_period;
            if !product.options.is_empty() && given > 0.0 && given != *demand {
                errors.push(InputError::at(
                    &bom.file,
                    *line,
                    Some("demand".to_string()),
                    format!(
                        "{demand} disagrees with the demand {given} of product {name:?} in {options_file}; give it in one place"
                    ),
                ));
            }
            product.direct_demand_per_period = *demand;
        }
        // Inputs only: weight 0 unless the options file gives one.
        for (p, product) in input.products.iter_mut().enumerate() {
            if !input.weight_given[p] && product.direct_demand_per_period == 0.0 {
                product.weight = 0.0;
            }
        }
        for (p, product) in input.products.iter().enumerate() {
            let is_parent = edges.iter().any(|e| e.parent.0 == p);
            if product.options.is_empty() && !is_parent {
                let (file, line, _) = &origin[p];
                errors.push(InputError::at(
                    file,
                    *line,
                    Some("child".to_string()),
                    format!(
                        "product {:?} has no sourcing options in {options_file} and no inputs in the BOM; \
                         add its suppliers to the options file or its inputs to the BOM",
                        product.name
                    ),
                ));
            }
        }
    }

    let requirement = requirements(&input.products, &edges);
    for (p, product) in input.products.iter_mut().enumerate() {
        product.demand_per_period = requirement[p];
        let (file, line, column) = &origin[p];
        if let Err(message) = super::table::check_size(requirement[p]) {
            errors.push(InputError::at(
                file,
                *line,
                Some(column.to_string()),
                format!(
                    "product {:?}: its requirement through the BOM is {message}",
                    product.name
                ),
            ));
            continue;
        }
        if requirement[p] <= 0.0 {
            errors.push(InputError::at(
                file,
                *line,
                Some(column.to_string()),
                if bom.is_some() {
                    format!(
                        "product {:?} has no demand and no parent in the BOM; give it a demand or remove it",
                        product.name
                    )
                } else {
                    format!(
                        "product {:?} has demand 0; demand must be > 0 (an input used by other products needs --bom)",
                        product.name
                    )
                },
            ));
            continue;
        }
        if product.options.is_empty() {
            continue;
        }
        let most: f64 = product
            .options
            .iter()
            .map(|&o| input.options[o.0].max_capacity_per_period())
            .sum();
        if most < requirement[p] {
            errors.push(InputError::at(
                file,
                *line,
                Some("capacity".to_string()),
                format!(
                    "product {:?} needs {} units per period but all its options together, \
                     with every module built, supply only {most}; add capacity or options",
                    product.name, requirement[p]
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Chain {
            options: input,
            bom: edges,
        })
    } else {
        errors.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::super::bom::read_bom;
    use super::super::options::read_options;
    use super::super::table::Table;
    use super::*;

    const OPTIONS: &str = "product,supplier,region,demand,unit_cost,capacity,weight\n\
        car,assembler,HOME,10,100,10,\n\
        mcu,renesas,JP,0,1,1000,\n\
        wafer,sumco,JP,5,2,1000,\n";

    fn chain(options: &str, bom: &str) -> Result<Chain, Vec<InputError>> {
        let input = read_options(&Table::parse("o.csv", options.as_bytes()).unwrap()).unwrap();
        let bom = read_bom(&Table::parse("bom.csv", bom.as_bytes()).unwrap()).unwrap();
        assemble("o.csv", input, Some(&bom))
    }

    #[test]
    fn requirements_explode_through_every_tier() {
        // car 10 → 20 mcu each → 200; phone (BOM only, demand 3) → 4 mcu → 12;
        // mcu 212 → 0.01 wafer each → 2.12; plus wafer's own 5.
        let chain = chain(
            OPTIONS,
            "parent,child,quantity,demand\ncar,mcu,20,\nphone,mcu,4,3\nmcu,wafer,0.01,\n",
        )
        .unwrap();
        let by_name = |n: &str| {
            chain
                .options
                .products
                .iter()
                .find(|p| p.name == n)
                .unwrap()
                .clone()
        };
        assert_eq!(by_name("car").demand_per_period, 10.0);
        assert_eq!(by_name("mcu").demand_per_period, 212.0);
        approx::assert_relative_eq!(by_name("wafer").demand_per_period, 7.12);
        assert_eq!(by_name("phone").demand_per_period, 3.0);
        assert!(by_name("phone").options.is_empty());
        // Inputs without direct demand default to weight 0; finals keep 1.
        assert_eq!(by_name("mcu").weight, 0.0);
        assert_eq!(by_name("car").weight, 1.0);
        assert_eq!(by_name("phone").weight, 1.0);
        assert_eq!(chain.bom.len(), 3);
    }

    #[test]
    fn products_without_demand_or_supply_are_rejected() {
        let errors = chain(OPTIONS, "parent,child,quantity\ncar,chip,2\n").unwrap_err();
        assert!(errors
            .iter()
            .any(|e| e.message.contains("\"chip\" has no sourcing options")));
        let errors = chain(OPTIONS, "parent,child,quantity\ntruck,mcu,2\n").unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("\"truck\" has no demand and no parent")),
            "{errors:?}"
        );
    }

    #[test]
    fn capacity_is_checked_against_the_exploded_requirement() {
        let errors = chain(OPTIONS, "parent,child,quantity\ncar,mcu,200\n").unwrap_err();
        assert!(
            errors[0].message.contains("needs 2000 units"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn without_a_bom_zero_demand_and_short_capacity_are_errors() {
        let input = read_options(&Table::parse("o.csv", OPTIONS.as_bytes()).unwrap()).unwrap();
        let errors = assemble("o.csv", input, None).unwrap_err();
        assert_eq!(errors[0].row, Some(3));
        assert!(errors[0].message.contains("demand 0"));
        let short = "product,supplier,region,demand,unit_cost,capacity,module_size,module_cost,max_modules\n\
            x,a,JP,100,1,20,,,\nx,b,HOME,100,1,0,10,1,5\n";
        let input = read_options(&Table::parse("o.csv", short.as_bytes()).unwrap()).unwrap();
        let errors = assemble("o.csv", input, None).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("capacity"));
        assert!(
            errors[0].message.contains("supply only 70"),
            "{}",
            errors[0].message
        );
    }
}
