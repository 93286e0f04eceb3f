//! A sourcing plan: what divopt recommends (or what a user has today).
//! Plain data, independent of how it was found.

use crate::instance::{Instance, OptionId, ProductId};

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
