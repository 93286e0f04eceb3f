//! divopt finds the right amount of supply-chain diversification, reserve
//! stock and localization: the cheapest plan that still serves a chosen share
//! of critical demand in every disruption scenario.
//!
//! The pipeline, one module per step:
//! [`input`] (CSV files → validated [`instance::Instance`]) →
//! [`formulation`] (the model of models/core.md) → [`solve`] (HiGHS) →
//! [`evaluate`] (independent check of every plan) → [`report`] / [`output`].
//! Beside the compact model: [`pricing`] (one product's best plan, by exact
//! search), [`decompose`] (products one at a time when nothing couples them)
//! and [`colgen`] (column generation when a floor couples them).
//! [`optimize`] runs the steps for `divopt solve`; [`cli`] is the command line.

/// `eprintln!` for messages (notes, progress, errors) that does not panic
/// when stderr is closed (`divopt … 2>&1 | head`): a line nobody can read
/// is dropped instead.
macro_rules! to_stderr {
    ($($arg:tt)*) => {
        $crate::write_stderr_line(format_args!($($arg)*))
    };
}

/// [`to_stderr!`]'s writing, out of line like `eprintln!`'s, so that a
/// message in a hot function (column generation's rounds) does not grow it.
#[cold]
#[inline(never)]
#[doc(hidden)]
pub fn write_stderr_line(message: std::fmt::Arguments) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(message)
        .and_then(|_| stderr.write_all(b"\n"));
}

pub mod attainable;
pub mod chokepoints;
pub mod cli;
pub mod colgen;
pub mod decompose;
pub mod evaluate;
pub mod exposure;
pub mod formulation;
pub mod generate;
pub mod input;
pub mod instance;
pub mod montecarlo;
pub mod optimize;
pub mod output;
pub mod plan;
pub mod pricing;
pub mod report;
pub mod solve;
pub mod stress;
pub mod sweep;
