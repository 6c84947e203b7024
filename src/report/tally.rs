//! Skill demand: how many postings in each group ask for each skill, and
//! how strongly (required, preferred, merely mentioned).
//!
//! A [`Tally`] is built from [`TallyRow`]s (one per posting: its group
//! values and its skills) and is a pure function of them: the CLI reads
//! postings or jobtag's own output, this module only counts.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::shorten;
use crate::model::Labels;
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
    /// The posting's id, when known (skills keep one as an example).
    pub id: Option<String>,
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
    /// The id of the first posting in the group that names it, when the
    /// rows carried ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
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

impl Tally {
    /// The tally as a plain-text table, one block per group (what `jobtag
    /// tally` prints).
    pub fn to_table(&self) -> String {
        use std::fmt::Write as _;
        let t = self;
        let mut out = String::new();
        for g in &t.groups {
            let name = if t.by.is_empty() {
                "all postings".to_string()
            } else {
                t.by.iter()
                    .zip(&g.key)
                    .map(|(b, k)| format!("{b}={k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                out,
                "{} — {} postings, {} without skills",
                shorten(&name, 70),
                g.postings,
                g.without_skills
            );
            let _ = writeln!(
                out,
                "  {:<32} {:>8} {:>7} {:>9} {:>9} {:>9}",
                "skill", "postings", "share", "required", "preferred", "mentioned"
            );
            for s in &g.skills {
                let _ = writeln!(
                    out,
                    "  {:<32} {:>8} {:>6.1}% {:>9} {:>9} {:>9}",
                    shorten(&s.skill, 32),
                    s.postings,
                    s.share * 100.0,
                    s.required,
                    s.preferred,
                    s.mentioned
                );
            }
            if !g.pairs.is_empty() {
                let _ = writeln!(
                    out,
                    "  {:<44} {:>8} {:>7} {:>7}",
                    "skills named together", "postings", "share", "lift"
                );
                for p in &g.pairs {
                    let both = format!("{} + {}", p.a, p.b);
                    let _ = writeln!(
                        out,
                        "  {:<44} {:>8} {:>6.1}% {:>7.2}",
                        shorten(&both, 44),
                        p.postings,
                        p.share * 100.0,
                        p.lift
                    );
                }
            }
            let _ = writeln!(out);
        }
        out
    }
}

/// How a [`Tally`] is cut: skills shown per group, the smallest group shown,
/// whether skill pairs are listed.
///
/// ```
/// let options = jobtag::report::TallyOptions { top: 10, pairs: true, ..Default::default() };
/// assert_eq!(options.min_postings, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyOptions {
    /// Skills (and pairs) kept per group, most frequent first.
    pub top: usize,
    /// Groups with fewer postings are left out (the overall group never is).
    pub min_postings: usize,
    /// List the skills named together in a posting (the builder must have
    /// counted them: see [`TallyBuilder::new`]).
    pub pairs: bool,
}

impl Default for TallyOptions {
    fn default() -> Self {
        TallyOptions {
            top: 20,
            min_postings: 1,
            pairs: false,
        }
    }
}

/// Counts of one group while postings stream in. Skills are interned ids:
/// memory grows with the number of distinct groups and skills (and, with
/// pairs, of pairs), never with the number of postings.
#[derive(Debug, Default)]
struct GroupCounts {
    postings: usize,
    without_skills: usize,
    /// Skill id → postings, required, preferred, mentioned.
    skills: FxHashMap<u32, [usize; 4]>,
    /// Skill id → postings naming it (each name once per posting), for lift.
    singles: FxHashMap<u32, usize>,
    /// (smaller name's id, larger name's id) → postings naming both.
    pairs: FxHashMap<(u32, u32), usize>,
    /// Skill id → the first posting id naming it.
    examples: FxHashMap<u32, String>,
}

/// Builds a [`Tally`] one posting at a time, in memory that does not grow
/// with the number of postings (`jobtag tally` streams any input through
/// it).
#[derive(Debug)]
pub struct TallyBuilder {
    by: Vec<String>,
    count_pairs: bool,
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
    overall: GroupCounts,
    groups: BTreeMap<Vec<String>, GroupCounts>,
    roles: BTreeMap<String, (usize, f64)>,
    seniorities: BTreeMap<String, (usize, f64)>,
    rows: usize,
    /// Scratch: one posting's skill ids.
    scratch: Vec<(u32, Requirement)>,
}

impl TallyBuilder {
    /// A builder grouping by the fields named in `by` (each posting then
    /// gives one value per field); with `pairs`, skill pairs are counted as
    /// well (more memory).
    pub fn new<S: AsRef<str>>(by: &[S], pairs: bool) -> Self {
        TallyBuilder {
            by: by.iter().map(|b| b.as_ref().to_string()).collect(),
            count_pairs: pairs,
            names: Vec::new(),
            ids: FxHashMap::default(),
            overall: GroupCounts::default(),
            groups: BTreeMap::new(),
            roles: BTreeMap::new(),
            seniorities: BTreeMap::new(),
            rows: 0,
            scratch: Vec::new(),
        }
    }

    /// Count one posting from its labels; `group` holds one value per
    /// field of `by`. (A [`TallyRow`] can carry the posting's id, which
    /// skills keep as an example.)
    pub fn add_labels<S: AsRef<str>>(&mut self, group: &[S], labels: &Labels) {
        let skills = labels
            .skills
            .iter()
            .map(|s| (s.name.as_str(), s.requirement));
        let role = Some((
            labels.role.label_or_uncertain(),
            f64::from(labels.role.confidence),
        ));
        let seniority = labels
            .seniority
            .as_ref()
            .map(|s| (s.label_or_uncertain(), f64::from(s.confidence)));
        self.add_parts(group, skills, role, seniority, None);
    }

    /// Count one posting given as a [`TallyRow`].
    pub fn add(&mut self, row: &TallyRow) {
        let skills = row.skills.iter().map(|(s, r)| (s.as_str(), *r));
        let role = row.role.as_ref().map(|(l, c)| (l.as_str(), *c));
        let seniority = row.seniority.as_ref().map(|(l, c)| (l.as_str(), *c));
        self.add_parts(&row.group, skills, role, seniority, row.id.as_deref());
    }

    fn add_parts<'a, S: AsRef<str>>(
        &mut self,
        group: &[S],
        skills: impl Iterator<Item = (&'a str, Requirement)>,
        role: Option<(&str, f64)>,
        seniority: Option<(&str, f64)>,
        id: Option<&str>,
    ) {
        self.rows += 1;
        for (labels, label) in [(&mut self.roles, role), (&mut self.seniorities, seniority)] {
            if let Some((l, c)) = label {
                let e = match labels.get_mut(l) {
                    Some(e) => e,
                    None => labels.entry(l.to_string()).or_insert((0, 0.0)),
                };
                e.0 += 1;
                e.1 += c;
            }
        }
        let mut ids = std::mem::take(&mut self.scratch);
        ids.clear();
        for (name, requirement) in skills {
            let id = match self.ids.get(name) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.push(name.to_string());
                    self.ids.insert(name.to_string(), id);
                    id
                }
            };
            ids.push((id, requirement));
        }
        let pairs = self.count_pairs;
        let names = &self.names;
        self.overall.count(&ids, pairs, names, id);
        if !self.by.is_empty() {
            let key: Vec<String> = group.iter().map(|g| g.as_ref().to_string()).collect();
            let counts = self.groups.entry(key).or_default();
            counts.count(&ids, pairs, names, id);
        }
        self.scratch = ids;
    }

    /// The tally: the overall group first, then every group (in key order)
    /// with at least `min_postings` postings, each with its `top` skills.
    pub fn finish(&self, options: &TallyOptions) -> Tally {
        let overall_key = vec!["all".to_string(); self.by.len().max(1)];
        let mut groups = vec![self.group(overall_key, &self.overall, options)];
        for (key, counts) in &self.groups {
            if counts.postings >= options.min_postings {
                groups.push(self.group(key.clone(), counts, options));
            }
        }
        Tally {
            by: self.by.clone(),
            groups,
        }
    }

    /// The role and seniority distributions of the postings counted, with
    /// mean confidence.
    pub fn label_summary(&self) -> LabelSummary {
        LabelSummary {
            postings: self.rows,
            role: self.shares(&self.roles),
            seniority: self.shares(&self.seniorities),
        }
    }

    fn shares(&self, labels: &BTreeMap<String, (usize, f64)>) -> Vec<LabelShare> {
        let mut out: Vec<LabelShare> = labels
            .iter()
            .map(|(label, &(n, sum))| LabelShare {
                label: label.clone(),
                postings: n,
                share: ratio(n, self.rows),
                mean_confidence: if n > 0 { sum / n as f64 } else { 0.0 },
            })
            .collect();
        out.sort_by(|a, b| b.postings.cmp(&a.postings).then(a.label.cmp(&b.label)));
        out
    }

    fn group(&self, key: Vec<String>, counts: &GroupCounts, options: &TallyOptions) -> Group {
        let n = counts.postings;
        let mut skills: Vec<SkillCount> = counts
            .skills
            .iter()
            .map(
                |(&id, &[postings, required, preferred, mentioned])| SkillCount {
                    skill: self.names[id as usize].clone(),
                    postings,
                    required,
                    preferred,
                    mentioned,
                    share: ratio(postings, n),
                    required_share: ratio(required, n),
                    preferred_share: ratio(preferred, n),
                    mentioned_share: ratio(mentioned, n),
                    example: counts.examples.get(&id).cloned(),
                },
            )
            .collect();
        skills.sort_by(|a, b| {
            b.postings
                .cmp(&a.postings)
                .then(b.required.cmp(&a.required))
                .then(a.skill.cmp(&b.skill))
        });
        skills.truncate(options.top);
        let pairs = if options.pairs && self.count_pairs {
            let mut pairs: Vec<PairCount> = counts
                .pairs
                .iter()
                .map(|(&(a, b), &c)| {
                    let (na, nb) = (counts.singles[&a] as f64, counts.singles[&b] as f64);
                    PairCount {
                        a: self.names[a as usize].clone(),
                        b: self.names[b as usize].clone(),
                        postings: c,
                        share: ratio(c, n),
                        lift: c as f64 * n as f64 / (na * nb),
                    }
                })
                .collect();
            pairs.sort_by(|x, y| {
                y.postings
                    .cmp(&x.postings)
                    .then(y.lift.total_cmp(&x.lift))
                    .then(x.a.cmp(&y.a))
                    .then(x.b.cmp(&y.b))
            });
            pairs.truncate(options.top);
            pairs
        } else {
            Vec::new()
        };
        Group {
            key,
            postings: n,
            without_skills: counts.without_skills,
            skills,
            pairs,
        }
    }
}

impl GroupCounts {
    fn count(
        &mut self,
        skills: &[(u32, Requirement)],
        pairs: bool,
        names: &[String],
        posting: Option<&str>,
    ) {
        self.postings += 1;
        if skills.is_empty() {
            self.without_skills += 1;
        }
        for &(id, requirement) in skills {
            if let Some(posting) = posting {
                self.examples
                    .entry(id)
                    .or_insert_with(|| posting.to_string());
            }
            let c = self.skills.entry(id).or_insert([0; 4]);
            c[0] += 1;
            match requirement {
                Requirement::Required => c[1] += 1,
                Requirement::Preferred => c[2] += 1,
                Requirement::Mentioned => c[3] += 1,
            }
        }
        if pairs {
            // Each name once per posting, pairs ordered by name.
            let mut ids: Vec<u32> = skills.iter().map(|&(id, _)| id).collect();
            ids.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
            ids.dedup();
            for (i, &a) in ids.iter().enumerate() {
                *self.singles.entry(a).or_insert(0) += 1;
                for &b in &ids[i + 1..] {
                    *self.pairs.entry((a, b)).or_insert(0) += 1;
                }
            }
        }
    }
}

/// Count skills per group of `rows` at once (the builder's reference in
/// the tests below).
#[cfg(test)]
pub(crate) fn tally(
    rows: &[TallyRow],
    by: &[String],
    top: usize,
    min_postings: usize,
    pairs: bool,
) -> Tally {
    let mut builder = TallyBuilder::new(by, pairs);
    for r in rows {
        builder.add(r);
    }
    builder.finish(&TallyOptions {
        top,
        min_postings,
        pairs,
    })
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

/// How the postings of a tally were labelled: the role and seniority
/// distributions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelSummary {
    /// Postings counted.
    pub postings: usize,
    /// Roles, most frequent first.
    pub role: Vec<LabelShare>,
    /// Seniorities, most frequent first.
    pub seniority: Vec<LabelShare>,
}

impl LabelSummary {
    /// The distributions as a plain-text table.
    pub fn to_table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = format!("{} postings\n", self.postings);
        for (f, list) in [("role", &self.role), ("seniority", &self.seniority)] {
            let _ = writeln!(
                out,
                "  {:<24} {:>8} {:>7} {:>15}",
                f, "postings", "share", "mean confidence"
            );
            for l in list {
                let _ = writeln!(
                    out,
                    "  {:<24} {:>8} {:>6.1}% {:>15.2}",
                    shorten(&l.label, 24),
                    l.postings,
                    l.share * 100.0,
                    l.mean_confidence
                );
            }
        }
        out
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

#[cfg(test)]
mod tests {
    use super::*;
    use Requirement::*;

    /// The tally as first written: every row kept, grouped, then counted.
    /// Count skills per group. Groups with fewer than `min_postings` postings
    /// are left out (the overall group never is); each group keeps its `top`
    /// skills.
    fn reference_tally(
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

    #[test]
    fn the_streaming_builder_counts_what_the_row_by_row_reference_counts() {
        let mut lcg = crate::testing::Lcg::new(11);
        let skills = ["Python", "SQL", "Go", "Rust", "Excel", "AWS", "Docker"];
        let reqs = [Required, Preferred, Mentioned];
        let rows: Vec<TallyRow> = (0..400)
            .map(|_| TallyRow {
                group: vec![
                    ["a", "b", "c"][lcg.next() % 3].to_string(),
                    ["x", "y"][lcg.next() % 2].to_string(),
                ],
                skills: (0..lcg.next() % 6)
                    .map(|_| (skills[lcg.next() % 7].to_string(), reqs[lcg.next() % 3]))
                    .collect(),
                role: Some(("r".into(), 0.5)),
                seniority: None,
                id: None,
            })
            .collect();
        let by = ["role".to_string(), "seniority".to_string()];
        for (top, min, pairs) in [(3, 1, true), (10, 50, false), (1, 200, true)] {
            assert_eq!(
                tally(&rows, &by, top, min, pairs),
                reference_tally(&rows, &by, top, min, pairs)
            );
        }
    }

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
            id: None,
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
