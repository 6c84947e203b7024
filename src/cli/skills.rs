//! `jobtag skills`: list and search the skill catalog.

use super::outln;

use anyhow::Result;
use clap::{Args, ValueEnum};
use jobtag::skills::Skill;

use super::args::CatalogArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct SkillsArgs {
    /// Text to look for in names, aliases, ids or categories (all skills
    /// when absent).
    query: Option<String>,
    #[command(flatten)]
    catalog: CatalogArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    /// Show at most this many skills.
    #[arg(long)]
    limit: Option<usize>,
}

fn aliases(s: &Skill) -> String {
    s.aliases
        .iter()
        .filter(|a| a.text != s.name || a.exact_case || a.where_asked)
        .map(|a| {
            let asked = if a.where_asked { "?" } else { "" };
            let case = if a.exact_case { "=" } else { "" };
            format!("{asked}{case}{}", a.text)
        })
        .collect::<Vec<_>>()
        .join("|")
}

pub fn run(args: SkillsArgs) -> Result<()> {
    let catalog = args.catalog.catalog()?;
    let mut found: Vec<&Skill> = match &args.query {
        Some(q) => catalog.search(q),
        None => catalog.skills().iter().collect(),
    };
    if let Some(n) = args.limit {
        found.truncate(n);
    }
    match args.format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&found)?)?,
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record([
                "id",
                "name",
                "category",
                "aliases",
                "ambiguous",
                "onet",
                "esco",
                "onet_code",
            ])?;
            for s in &found {
                w.write_record([
                    s.id.as_str(),
                    s.name.as_str(),
                    s.category.as_str(),
                    &aliases(s),
                    if s.ambiguous { "yes" } else { "no" },
                    s.onet.as_deref().unwrap_or(""),
                    s.esco.as_deref().unwrap_or(""),
                    s.onet_code.as_deref().unwrap_or(""),
                ])?;
            }
            w.flush()?;
        }
        ListFormat::Table => {
            let id_w = found
                .iter()
                .map(|s| s.id.len())
                .max()
                .unwrap_or(2)
                .clamp(2, 28);
            let name_w = found
                .iter()
                .map(|s| s.name.len())
                .max()
                .unwrap_or(4)
                .clamp(4, 28);
            outln!(
                "{:<id_w$}  {:<name_w$}  {:<20}  aliases",
                "id",
                "name",
                "category"
            )?;
            for s in &found {
                let mut a = aliases(s);
                if s.ambiguous {
                    a.push_str(" (needs context)");
                }
                outln!(
                    "{:<id_w$}  {:<name_w$}  {:<20}  {}",
                    s.id,
                    s.name,
                    s.category,
                    a
                )?;
            }
            eprintln!("{} of {} skills", found.len(), catalog.skills().len());
        }
    }
    Ok(())
}
