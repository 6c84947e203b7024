//! `jobtag skills`: list and search the skill catalog.

use super::outln;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jobtag::skills::{Skill, SkillCatalog};

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
    /// Use this catalog instead of the built-in one (same columns as
    /// training/skills/catalog.csv).
    #[arg(long)]
    skills: Option<PathBuf>,
    /// Add these skills to the catalog (same columns; a repeated id replaces).
    #[arg(long)]
    add_skills: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    /// Show at most this many skills.
    #[arg(long)]
    limit: Option<usize>,
}

/// The catalog the user asked for: the built-in one or `--skills`, plus
/// every `--add-skills` file.
pub fn load_catalog(replace: Option<&PathBuf>, add: &[PathBuf]) -> Result<SkillCatalog> {
    let mut catalog = match replace {
        Some(p) => read(p)?,
        None => SkillCatalog::default_catalog()?,
    };
    for p in add {
        catalog.extend(read(p)?);
    }
    Ok(catalog)
}

fn read(path: &PathBuf) -> Result<SkillCatalog> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(SkillCatalog::from_reader(
        file,
        &path.display().to_string(),
    )?)
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
    let catalog = load_catalog(args.skills.as_ref(), &args.add_skills)?;
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
            eprintln!("{} of {} skills", found.len(), catalog.len());
        }
    }
    Ok(())
}
