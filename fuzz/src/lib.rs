//! Support for the fuzz targets: divopt's input readers, and the checks the
//! targets run on whatever the readers accept.
//!
//! By default the readers are compiled from divopt's own source files
//! (`src/instance.rs`, `src/plan.rs`, `src/input/`): they need nothing but
//! `csv` and `serde`, while linking the `divopt` library would also build
//! HiGHS, the plotting stack and the rest, several minutes even before
//! instrumentation. `--features link-divopt` fuzzes the library itself.
#![allow(dead_code, unused_imports, clippy::all)]

#[cfg(feature = "link-divopt")]
pub use divopt::{input, instance, plan};

#[cfg(not(feature = "link-divopt"))]
#[path = "../../src/input/mod.rs"]
pub mod input;
#[cfg(not(feature = "link-divopt"))]
#[path = "../../src/instance.rs"]
pub mod instance;
#[cfg(not(feature = "link-divopt"))]
#[path = "../../src/plan.rs"]
pub mod plan;

use input::InputErrors;
use instance::Instance;

/// The options the scenarios and plan targets read against: the fixture of
/// tests/it/cli.rs (three products, six regions, modules, reserves).
pub const OPTIONS: &str = "\
product,supplier,region,demand,unit_cost,capacity,fixed_cost,weight,holding_cost,max_reserve,floor,local,module_size,module_cost,max_modules
wafer,jp1,JP,100,10,100,50,2,0.3,,,false,,,
wafer,tw1,TW,100,11,60,50,2,0.3,,,false,,,
wafer,home,HOME,100,14,0,80,2,0.3,,,true,20,100,5
gas,ua,UA,10,1,10,5,1,0.05,,,false,,,
gas,cn,CN,10,1.5,10,20,1,0.05,,,false,,,
foundry,tw,TW,50,100,50,100,3,,,,false,,,
foundry,kr,KR,50,105,20,200,3,,,,false,,,
foundry,home,HOME,50,140,0,100,3,,,,true,10,1500,5
";

/// The instance of [`OPTIONS`] under the default regional outages.
pub fn fixed_instance() -> Instance {
    input::parse(("options.csv", OPTIONS.as_bytes()), &[], Some(3.0))
        .expect("the fixture is valid")
        .instance
}

/// Limits every accepted number keeps (README, "Bad input").
const MAX_NUMBER: f64 = 1e15;
const MIN_NUMBER: f64 = 1e-9;

fn in_range(what: &str, value: f64) {
    assert!(value.is_finite(), "{what} = {value} is not finite");
    assert!(
        value == 0.0 || (value.abs() < MAX_NUMBER && value.abs() >= MIN_NUMBER),
        "{what} = {value} is outside the documented range"
    );
}

/// Everything the model will see is finite and within the documented limits.
pub fn check_instance(instance: &Instance) {
    for product in &instance.products {
        let demand = product.demand_per_period;
        in_range("demand", demand);
        assert!(
            demand > 0.0,
            "product {:?} has demand {demand}",
            product.name
        );
        in_range("weight", product.weight);
        assert!(product.weight >= 0.0);
        for value in [product.holding_cost_per_unit, product.max_reserve_units]
            .into_iter()
            .flatten()
        {
            in_range("holding_cost/max_reserve", value);
            assert!(value >= 0.0);
        }
        if let Some(h) = product.holding_cost_per_unit {
            assert!(h * demand < MAX_NUMBER, "holding_cost × demand");
        }
        if let Some(floor) = product.floor {
            assert!((0.0..=1.0).contains(&floor.value()));
        }
        assert!(!product.name.is_empty());
        assert!(!product.options.is_empty());
    }
    for option in &instance.options {
        let demand = instance.product(option.product).demand_per_period;
        in_range("unit_cost", option.unit_cost);
        in_range("capacity", option.capacity_per_period);
        in_range("fixed_cost", option.fixed_cost_per_period);
        assert!(
            option.capacity_per_period / demand <= 1e12,
            "capacity / demand"
        );
        assert!(option.unit_cost * demand < MAX_NUMBER, "unit_cost × demand");
        if let Some(module) = option.module {
            in_range("module_size", module.size_per_period);
            in_range("module_cost", module.cost_per_period);
            assert!(
                module.size_per_period / demand <= 1e12,
                "module_size / demand"
            );
            assert!(option.max_capacity_per_period().is_finite());
        }
        assert!(!option.supplier.is_empty() && !option.region.is_empty());
    }
    for scenario in &instance.scenarios {
        in_range("duration", scenario.duration_periods);
        assert!(scenario.duration_periods > 0.0);
        if let Some(p) = scenario.probability {
            assert!((0.0..=1.0).contains(&p), "probability {p}");
        }
        let least = scenario.losses.least();
        assert!((0.0..=1.0).contains(&least), "least loss {least}");
        for &(option, loss) in scenario.losses.more() {
            assert!(option.0 < instance.options.len());
            assert!(loss > least && loss <= 1.0, "loss {loss}");
        }
    }
}

/// Errors name their file, and their text can be shown.
pub fn check_errors(errors: &InputErrors) {
    assert!(!errors.0.is_empty(), "an error result without errors");
    for error in &errors.0 {
        assert!(!error.file.is_empty());
        assert!(!error.message.is_empty());
    }
    let _ = errors.to_string();
}
