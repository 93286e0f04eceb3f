//! divopt's integration tests, one binary so that HiGHS is linked once.
//! Modules by topic; fixtures are built inline or by `support`.

mod analysis;
mod bad_input;
mod brute_force;
mod chains;
mod cli;
mod properties;
mod robustness;
mod support;
mod sweep;
