use std::process::ExitCode;

fn main() -> ExitCode {
    zhirong_api::cli::main()
}
