//! Command-line interface: one module per subcommand.

mod args;
mod eval;
mod info;
mod label;
mod pipeline;
mod serve;
mod skills;
mod tally;
mod train;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `println!` that hands back the write error instead of panicking, so that
/// `jobtag skills | head` ends quietly like `jobtag label big.csv | head`.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}
pub(crate) use outln;

/// Exit codes of the binary.
pub mod exit {
    /// Everything went well.
    pub const OK: i32 = 0;
    /// A fatal error (bad model, unreadable file, ...).
    pub const FAILURE: i32 = 1;
    /// Usage error (bad flags); clap uses the same code.
    pub const USAGE: i32 = 2;
    /// `label` finished, but some rows were errors (see `--errors`).
    pub const ROW_ERRORS: i32 = 3;
}

/// jobtag: label job postings with a role and a seniority.
///
/// Reads postings (CSV or JSON lines, plain text or HTML) and says what role
/// and seniority each is, with a confidence. A default model is built in.
#[derive(Debug, Parser)]
#[command(
    name = "jobtag",
    version,
    about,
    long_about,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Label postings from CSV or JSONL files (or stdin) with role and seniority.
    Label(label::LabelArgs),
    /// Train a model from a recipe or from your own labelled files.
    Train(train::TrainArgs),
    /// Measure a model: k-fold cross-validation, or a held-out test file.
    Eval(eval::EvalArgs),
    /// Show a model's metadata: labels, training data, recipe, metrics.
    Info(info::InfoArgs),
    /// List or search the skill catalog.
    Skills(skills::SkillsArgs),
    /// Skill demand by role, seniority or any column: counts and shares.
    Tally(tally::TallyArgs),
    /// Serve labels over HTTP (POST /v1/label, GET /v1/model, /healthz, /readyz, /metrics).
    Serve(serve::ServeArgs),
}

/// Where labelled training data comes from: a recipe, or files and columns.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Training recipe (TOML), e.g. training/default.toml.
    #[arg(long, conflicts_with = "data")]
    recipe: Option<PathBuf>,
    /// Labelled CSV or JSONL files (instead of a recipe).
    #[arg(long, num_args = 1.., required_unless_present = "recipe")]
    data: Vec<PathBuf>,
    #[command(flatten)]
    columns: args::ColumnArgs,
    /// Column or field holding the role label.
    #[arg(long, default_value = "role")]
    label_col: String,
    /// Column or field holding the seniority label ("" for none).
    #[arg(long, default_value = "seniority")]
    seniority_col: String,
    /// L2 penalty of the role model (overrides the recipe).
    #[arg(long)]
    alpha: Option<f64>,
    /// L2 penalty of the seniority model (overrides the recipe).
    #[arg(long)]
    seniority_alpha: Option<f64>,
    /// Also train the learned skill-span tagger on these annotated postings
    /// (SkillSpan's JSON lines: tokens and tags_knowledge per sentence);
    /// overrides the recipe's.
    #[arg(long, value_name = "JSONL")]
    skill_spans: Option<PathBuf>,
}

/// Run the CLI and return the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Label(a) => label::run(a),
        Command::Train(a) => train::run(a).map(|()| exit::OK),
        Command::Eval(a) => eval::run(a).map(|()| exit::OK),
        Command::Info(a) => info::run(a).map(|()| exit::OK),
        Command::Skills(a) => skills::run(a).map(|()| exit::OK),
        Command::Serve(a) => serve::run(a).map(|()| exit::OK),
        Command::Tally(a) => tally::run(a).map(|()| exit::OK),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return exit::OK;
            }
            eprintln!("jobtag: error: {e:#}");
            exit::FAILURE
        }
    }
}

/// A closed downstream pipe (`jobtag label big.csv | head`) is a normal end.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<jobtag::Error>().is_some_and(|j| match j {
                jobtag::Error::Stream(io) | jobtag::Error::Io { source: io, .. } => {
                    io.kind() == std::io::ErrorKind::BrokenPipe
                }
                _ => false,
            })
    })
}
