//! Skill demand: how many postings in each group ask for each skill, and
//! how strongly (required, preferred, merely mentioned).
//!
//! A [`Tally`] is built from [`TallyRow`]s (one per posting: its group
//! values and its skills) and is a pure function of them: the CLI reads
//! postings or jobtag's own output, this module only counts.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::skills::Requirement;

/// One posting as the tally sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyRow {
    /// Values of the grouping fields, in `--by` order (e.g. role, seniority).
    pub group: Vec<String>,
    /// Skills, each once, with the strongest requirement found.
    pub skills: Vec<(String, Requirement)>,
    /// Role and its confidence, for the label summary.
    pub role: Option<(String, f64)>,
    /// Seniority and its confidence, for the label summary.
    pub seniority: Option<(String, f64)>,
}

/// Counts of one skill in one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SkillCount {
    /// Skill name.
    pub skill: String,
    /// Postings that name it at all.
    pub postings: usize,
    /// … as required.
    pub required: usize,
    /// … as preferred.
    pub preferred: usize,
    /// … only mentioned.
    pub mentioned: usize,
    /// `postings` / group size.
    pub share: f64,
    /// `required` / group size.
    pub required_share: f64,
    /// `preferred` / group size.
    pub preferred_share: f64,
    /// `mentioned` / group size.
    pub mentioned_share: f64,
}

/// One group of postings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Group values (`["all"]` for the overall group).
    pub key: Vec<String>,
    /// Postings in the group.
    pub postings: usize,
    /// Postings with no skill at all.
    pub without_skills: usize,
    /// Skills, most frequent first (ties by name), at most `top`.
    pub skills: Vec<SkillCount>,
    /// Skill pairs named together (with `pairs`), most frequent first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<PairCount>,
}

/// Two skills named in the same postings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairCount {
    /// First skill (alphabetically).
    pub a: String,
    /// Second skill.
    pub b: String,
    /// Postings naming both.
    pub postings: usize,
    /// `postings` / group size.
    pub share: f64,
    /// How much more often they appear together than if independent:
    /// `P(a and b) / (P(a) P(b))`.
    pub lift: f64,
}

/// Skill counts per group, the overall group first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    /// Names of the grouping fields.
    pub by: Vec<String>,
    /// Groups: overall, then each group in key order.
    pub groups: Vec<Group>,
}

/// Count skills per group. Groups with fewer than `min_postings` postings
/// are left out (the overall group never is); each group keeps its `top`
/// skills.
pub fn tally(
    rows: &[TallyRow],
    by: &[String],
    top: usize,
    min_postings: usize,
    pairs: bool,
) -> Tally {
    let mut groups: BTreeMap<Vec<String>, Vec<&TallyRow>> = BTreeMap::new();
    for r in rows {
        if !by.is_empty() {
            groups.entry(r.group.clone()).or_default().push(r);
        }
    }
    let overall_key = vec!["all".to_string(); by.len().max(1)];
    let mut out = vec![count(overall_key, rows.iter().collect(), top, pairs)];
    for (key, members) in groups {
        if members.len() >= min_postings {
            out.push(count(key, members, top, pairs));
        }
    }
    Tally {
        by: by.to_vec(),
        groups: out,
    }
}

fn count(key: Vec<String>, members: Vec<&TallyRow>, top: usize, pairs: bool) -> Group {
    let n = members.len();
    let pair_counts = if pairs {
        count_pairs(&members, top)
    } else {
        Vec::new()
    };
    let mut skills: BTreeMap<&str, SkillCount> = BTreeMap::new();
    let mut without_skills = 0;
    for r in &members {
        if r.skills.is_empty() {
            without_skills += 1;
        }
        for (name, req) in &r.skills {
            let c = skills.entry(name.as_str()).or_insert_with(|| SkillCount {
                skill: name.clone(),
                ..Default::default()
            });
            c.postings += 1;
            match req {
                Requirement::Required => c.required += 1,
                Requirement::Preferred => c.preferred += 1,
                Requirement::Mentioned => c.mentioned += 1,
            }
        }
    }
    let mut list: Vec<SkillCount> = skills
        .into_values()
        .map(|mut c| {
            c.share = ratio(c.postings, n);
            c.required_share = ratio(c.required, n);
            c.preferred_share = ratio(c.preferred, n);
            c.mentioned_share = ratio(c.mentioned, n);
            c
        })
        .collect();
    list.sort_by(|a, b| {
        b.postings
            .cmp(&a.postings)
            .then(b.required.cmp(&a.required))
            .then(a.skill.cmp(&b.skill))
    });
    list.truncate(top);
    Group {
        key,
        postings: n,
        without_skills,
        skills: list,
        pairs: pair_counts,
    }
}

fn count_pairs(members: &[&TallyRow], top: usize) -> Vec<PairCount> {
    let n = members.len();
    let mut single: BTreeMap<&str, usize> = BTreeMap::new();
    let mut both: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in members {
        let mut names: Vec<&str> = r.skills.iter().map(|(s, _)| s.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for (i, a) in names.iter().enumerate() {
            *single.entry(a).or_insert(0) += 1;
            for b in &names[i + 1..] {
                *both.entry((a, b)).or_insert(0) += 1;
            }
        }
    }
    let mut out: Vec<PairCount> = both
        .into_iter()
        .map(|((a, b), c)| {
            let (na, nb) = (single[a] as f64, single[b] as f64);
            PairCount {
                a: a.to_string(),
                b: b.to_string(),
                postings: c,
                share: ratio(c, n),
                lift: c as f64 * n as f64 / (na * nb),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.postings
            .cmp(&x.postings)
            .then(y.lift.total_cmp(&x.lift))
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out.truncate(top);
    out
}

/// The period (`2026-03` for months, `2026-Q1` for quarters) of a date
/// written `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY-MM` or an ISO date-time.
pub fn period_of(date: &str, quarter: bool) -> Option<String> {
    let d = date.trim();
    let year: u32 = d.get(0..4)?.parse().ok()?;
    let sep = d.as_bytes().get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let month: u32 = d.get(5..7)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
        return None;
    }
    Some(if quarter {
        format!("{year}-Q{}", (month - 1) / 3 + 1)
    } else {
        format!("{year}-{month:02}")
    })
}

fn ratio(a: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        a as f64 / n as f64
    }
}

/// The label distribution of one field: count, share and mean confidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelShare {
    /// Label id.
    pub label: String,
    /// Postings with it.
    pub postings: usize,
    /// Share of all postings.
    pub share: f64,
    /// Mean confidence of the prediction.
    pub mean_confidence: f64,
}

/// Distribution of roles (`seniority == false`) or seniorities.
pub fn label_summary(rows: &[TallyRow], seniority: bool) -> Vec<LabelShare> {
    let mut acc: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for r in rows {
        let label = if seniority { &r.seniority } else { &r.role };
        if let Some((l, c)) = label {
            let e = acc.entry(l.as_str()).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += c;
        }
    }
    let mut out: Vec<LabelShare> = acc
        .into_iter()
        .map(|(label, (n, sum))| LabelShare {
            label: label.to_string(),
            postings: n,
            share: ratio(n, rows.len()),
            mean_confidence: if n > 0 { sum / n as f64 } else { 0.0 },
        })
        .collect();
    out.sort_by(|a, b| b.postings.cmp(&a.postings).then(a.label.cmp(&b.label)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Requirement::*;

    #[test]
    fn periods() {
        assert_eq!(period_of("2026-03-15", false).as_deref(), Some("2026-03"));
        assert_eq!(
            period_of("2026/11/02T10:00:00Z", true).as_deref(),
            Some("2026-Q4")
        );
        assert_eq!(period_of("2026-01", true).as_deref(), Some("2026-Q1"));
        assert_eq!(period_of("", false), None);
        assert_eq!(period_of("March 2026", false), None);
        assert_eq!(period_of("2026-13-01", false), None);
    }

    fn row(role: &str, skills: &[(&str, Requirement)]) -> TallyRow {
        TallyRow {
            group: vec![role.to_string()],
            skills: skills.iter().map(|(s, r)| (s.to_string(), *r)).collect(),
            role: Some((role.to_string(), 0.5)),
            seniority: None,
        }
    }

    #[test]
    fn counts_and_shares_by_group() {
        let rows = vec![
            row("a", &[("Python", Required), ("SQL", Preferred)]),
            row("a", &[("Python", Mentioned)]),
            row("b", &[]),
        ];
        let t = tally(&rows, &["role".into()], 10, 1, true);
        assert_eq!(t.groups.len(), 3);
        let all = &t.groups[0];
        assert_eq!((all.postings, all.without_skills), (3, 1));
        assert_eq!(all.skills[0].skill, "Python");
        assert_eq!(
            (
                all.skills[0].postings,
                all.skills[0].required,
                all.skills[0].mentioned
            ),
            (2, 1, 1)
        );
        assert!((all.skills[0].share - 2.0 / 3.0).abs() < 1e-12);
        let b = &t.groups[2];
        assert_eq!((b.key[0].as_str(), b.postings, b.skills.len()), ("b", 1, 0));
        let pair = &t.groups[0].pairs[0];
        assert_eq!(
            (pair.a.as_str(), pair.b.as_str(), pair.postings),
            ("Python", "SQL", 1)
        );
        // P(both) = 1/3, P(Python) = 2/3, P(SQL) = 1/3: lift 1.5.
        assert!((pair.lift - 1.5).abs() < 1e-12);
        let t = tally(&rows, &["role".into()], 1, 2, false);
        assert_eq!(t.groups.len(), 2, "group b has one posting");
        assert_eq!(t.groups[1].skills.len(), 1, "top 1");
    }
}
