//! A sourcing plan: what divopt recommends (or what a user has today).
//! Plain data, independent of how it was found, and the rules it must
//! satisfy as a plan ([`misfits`]), which the evaluator checks every plan
//! against and the plan reader places on a plan file's rows.

use crate::instance::{Instance, OptionId, ProductId};

/// Relative tolerance for every check: a plan may miss a row by at most this much.
pub const TOLERANCE: f64 = 1e-6;

/// The decision for one option.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct OptionDecision {
    /// y_o: the option is qualified (its fixed cost is paid).
    pub selected: bool,
    /// x_o, units per period bought in normal operation.
    pub quantity_per_period: f64,
    /// m_o, localization modules built.
    pub modules: u32,
}

/// Decisions for every option (indexed by [`OptionId`]) and the reserve of
/// every product (indexed by [`ProductId`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub options: Vec<OptionDecision>,
    /// r_p, reserve units held.
    pub reserve_units: Vec<f64>,
}

impl Plan {
    /// No option selected, nothing bought, no reserve: the frame a plan is
    /// joined into product by product ([`Plan::set_product`]).
    pub fn empty(instance: &Instance) -> Plan {
        Plan {
            options: vec![OptionDecision::default(); instance.options.len()],
            reserve_units: vec![0.0; instance.products.len()],
        }
    }

    /// Sets product `p`'s part: the decisions of its options, in the
    /// product's order, and its reserve.
    pub fn set_product(
        &mut self,
        instance: &Instance,
        p: ProductId,
        options: impl IntoIterator<Item = OptionDecision>,
        reserve_units: f64,
    ) {
        for (&o, decision) in instance.product(p).options.iter().zip(options) {
            self.options[o.0] = decision;
        }
        self.reserve_units[p.0] = reserve_units;
    }

    pub fn option(&self, id: OptionId) -> &OptionDecision {
        &self.options[id.0]
    }

    pub fn reserve(&self, id: ProductId) -> f64 {
        self.reserve_units[id.0]
    }

    /// Cap_o = cap_o y_o + u_o m_o: units per period option `id` can supply under this plan.
    pub fn capacity_per_period(&self, instance: &Instance, id: OptionId) -> f64 {
        let decision = self.option(id);
        if !decision.selected {
            return 0.0;
        }
        let option = instance.option(id);
        option.capacity_per_period
            + option
                .module
                .map_or(0.0, |m| m.size_per_period * f64::from(decision.modules))
    }

    /// The selected options of a product.
    pub fn selected<'a>(
        &'a self,
        instance: &'a Instance,
        product: ProductId,
    ) -> impl Iterator<Item = OptionId> + 'a {
        instance
            .product(product)
            .options
            .iter()
            .copied()
            .filter(|&o| self.option(o).selected)
    }
}

/// One way a plan does not fit its instance, found by [`misfits`]. The
/// ids let the plan reader place it on a plan file's rows; [`Misfit::describe`] says it in words.
#[derive(Debug, Clone, PartialEq)]
pub enum Misfit {
    /// The plan has the wrong number of option decisions or reserves.
    Shape {
        options: usize,
        reserves: usize,
    },
    /// Σ_o x_o differs from the product's requirement d_p (row 1).
    Demand {
        product: ProductId,
        bought: f64,
    },
    NegativeReserve {
        product: ProductId,
        reserve: f64,
    },
    /// Reserve held by a product without a holding cost.
    UnstockableReserve {
        product: ProductId,
        reserve: f64,
    },
    ReserveAboveMax {
        product: ProductId,
        reserve: f64,
        max: f64,
    },
    /// Local options buy less than min_local_share of demand (row 7).
    LocalShare {
        product: ProductId,
        local: f64,
        min: f64,
    },
    /// One region supplies more than max_region_share of demand (row 8).
    RegionShare {
        product: ProductId,
        region: String,
        share: f64,
        max: f64,
    },
    NegativeQuantity {
        option: OptionId,
        quantity: f64,
    },
    /// x_o above Cap_o = cap_o y_o + u_o m_o (row 2); Cap_o is 0 when the
    /// option is not selected.
    AboveCapacity {
        option: OptionId,
        quantity: f64,
        capacity: f64,
    },
    TooManyModules {
        option: OptionId,
        modules: u32,
        max: u32,
    },
    /// Modules on an option that is not selected (row 3).
    ModulesUnselected {
        option: OptionId,
        modules: u32,
    },
}

impl Misfit {
    /// The misfit in words, naming the product (and supplier).
    pub fn describe(&self, instance: &Instance) -> String {
        let product = |p: &ProductId| &instance.product(*p).name;
        let option = |o: &OptionId| {
            let option = instance.option(*o);
            format!(
                "product {:?}, supplier {:?}",
                instance.product(option.product).name,
                option.supplier
            )
        };
        match self {
            Misfit::Shape { options, reserves } => format!(
                "the plan has {options} option decisions and {reserves} reserves; the instance has {} options and {} products",
                instance.options.len(),
                instance.products.len()
            ),
            Misfit::Demand { product: p, bought } => format!(
                "product {:?}: buys {bought} units per period, demand is {}",
                product(p),
                instance.product(*p).demand_per_period
            ),
            Misfit::NegativeReserve { product: p, reserve } => {
                format!("product {:?}: reserve {reserve} is negative", product(p))
            }
            Misfit::UnstockableReserve { product: p, reserve } => format!(
                "product {:?}: holds {reserve} units in reserve but cannot be stockpiled",
                product(p)
            ),
            Misfit::ReserveAboveMax { product: p, reserve, max } => format!(
                "product {:?}: reserve {reserve} exceeds max_reserve {max}",
                product(p)
            ),
            Misfit::LocalShare { product: p, local, min } => format!(
                "product {:?}: local share {local} is below min_local_share {min}",
                product(p)
            ),
            Misfit::RegionShare { product: p, region, share, max } => format!(
                "product {:?}: region {region} supplies {share} of demand, above max_region_share {max}",
                product(p)
            ),
            Misfit::NegativeQuantity { option: o, quantity } => {
                format!("{}: quantity {quantity} is negative", option(o))
            }
            Misfit::AboveCapacity { option: o, quantity, capacity } => format!(
                "{}: buys {quantity} units per period, capacity is {capacity}",
                option(o)
            ),
            Misfit::TooManyModules { option: o, modules, max } => format!(
                "{}: {modules} modules built, at most {max} allowed",
                option(o)
            ),
            Misfit::ModulesUnselected { option: o, .. } => format!(
                "{}: modules built on an option that is not selected",
                option(o)
            ),
        }
    }
}

/// Everything wrong with a plan as a plan: wrong shape, demand not met,
/// quantities above capacity, modules or reserves out of bounds, policy
/// rules broken. Product by product, in input order.
pub fn misfits(instance: &Instance, plan: &Plan) -> Vec<Misfit> {
    let mut problems = Vec::new();
    if plan.options.len() != instance.options.len()
        || plan.reserve_units.len() != instance.products.len()
    {
        problems.push(Misfit::Shape {
            options: plan.options.len(),
            reserves: plan.reserve_units.len(),
        });
        return problems;
    }
    for (p, product) in instance.product_ids().zip(&instance.products) {
        let demand = product.demand_per_period;
        let bought: f64 = product
            .options
            .iter()
            .map(|&o| plan.option(o).quantity_per_period)
            .sum();
        // Products assembled in-house (no options) buy nothing.
        if !product.options.is_empty() && (bought - demand).abs() > TOLERANCE * demand.max(1.0) {
            problems.push(Misfit::Demand { product: p, bought });
        }
        let reserve = plan.reserve(p);
        if reserve.is_nan() || reserve < 0.0 {
            problems.push(Misfit::NegativeReserve {
                product: p,
                reserve,
            });
        }
        match (product.holding_cost_per_unit, product.max_reserve_units) {
            (None, _) if reserve > 0.0 => problems.push(Misfit::UnstockableReserve {
                product: p,
                reserve,
            }),
            (Some(_), Some(max)) if reserve > max * (1.0 + TOLERANCE) + TOLERANCE => {
                problems.push(Misfit::ReserveAboveMax {
                    product: p,
                    reserve,
                    max,
                })
            }
            _ => {}
        }
        let share_of = |keep: &dyn Fn(OptionId) -> bool| -> f64 {
            product
                .options
                .iter()
                .filter(|&&o| keep(o))
                .map(|&o| plan.option(o).quantity_per_period)
                .sum::<f64>()
                / demand
        };
        if let Some(min) = product.policy.min_local_share {
            let local = share_of(&|o| instance.option(o).local);
            if local < min - TOLERANCE {
                problems.push(Misfit::LocalShare {
                    product: p,
                    local,
                    min,
                });
            }
        }
        if let Some(max) = product.policy.max_region_share {
            let mut regions: Vec<&str> = product
                .options
                .iter()
                .map(|&o| instance.option(o).region.as_str())
                .collect();
            regions.sort_unstable();
            regions.dedup();
            for region in regions {
                let share = share_of(&|o| instance.option(o).region == region);
                if share > max + TOLERANCE {
                    problems.push(Misfit::RegionShare {
                        product: p,
                        region: region.to_string(),
                        share,
                        max,
                    });
                }
            }
        }
        for &o in &product.options {
            let option = instance.option(o);
            let decision = plan.option(o);
            let quantity = decision.quantity_per_period;
            let capacity = plan.capacity_per_period(instance, o);
            if quantity.is_nan() || quantity < -TOLERANCE * demand {
                problems.push(Misfit::NegativeQuantity {
                    option: o,
                    quantity,
                });
            }
            if quantity > capacity + TOLERANCE * demand.max(capacity).max(1.0) {
                problems.push(Misfit::AboveCapacity {
                    option: o,
                    quantity,
                    capacity,
                });
            }
            let max = option.module.map_or(0, |m| m.max_modules);
            if decision.modules > max {
                problems.push(Misfit::TooManyModules {
                    option: o,
                    modules: decision.modules,
                    max,
                });
            }
            if decision.modules > 0 && !decision.selected {
                problems.push(Misfit::ModulesUnselected {
                    option: o,
                    modules: decision.modules,
                });
            }
        }
    }
    problems
}
