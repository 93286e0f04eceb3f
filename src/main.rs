//! `divopt`: see `divopt --help`. All the work is in the library.

fn main() -> std::process::ExitCode {
    divopt::cli::main()
}
