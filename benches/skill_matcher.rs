//! Throughput of the skill matcher with the full catalog, and of labelling
//! whole postings.
//!
//! `cargo bench --bench skill_matcher` — reports bytes/s for full skill
//! tagging (matching, normalization, sections, ambiguity, years) and
//! postings/s for `Labeller::label` with and without skills and with
//! explanations.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jobtag::{LabelOptions, Labeller, Posting};

/// Deterministic posting-like text: sentences from templates with skills,
/// filler prose, headings and bullets.
fn corpus(bytes: usize) -> String {
    let skills = [
        "Python",
        "SQL",
        "Kubernetes",
        "AWS",
        "React",
        "TypeScript",
        "Java",
        "Spring Boot",
        "Docker",
        "Terraform",
        "PostgreSQL",
        "Kafka",
        "Spark",
        "Airflow",
        "Go",
        "C++",
        "C#",
        ".NET",
        "Node.js",
        "scikit-learn",
        "PyTorch",
        "Tableau",
        "Power BI",
        "Excel",
        "R",
        "Git",
        "Linux",
        "Jenkins",
        "GCP",
        "Azure",
    ];
    let prose = [
        "We are a growing team that builds products used by millions of people every day.",
        "You will work closely with product managers, designers and other engineers.",
        "Our office is in the city centre and we offer flexible hours and remote work.",
        "We value ownership, clear communication and a healthy work-life balance.",
        "The role reports to the head of engineering and has a direct impact on our roadmap.",
    ];
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0usize;
    while out.len() < bytes {
        let a = skills[i % skills.len()];
        let b = skills[(i * 7 + 3) % skills.len()];
        let c = skills[(i * 13 + 5) % skills.len()];
        match i % 6 {
            0 => out.push_str("\nRequirements:\n"),
            1 => out.push_str(&format!(
                "- {}+ years of experience with {a} and {b}\n",
                2 + i % 5
            )),
            2 => out.push_str(&format!(
                "- Hands-on experience with {c}, {a} or similar tools\n"
            )),
            3 => out.push_str("\nNice to have:\n"),
            4 => out.push_str(&format!("- Knowledge of {b} is a plus\n")),
            _ => {
                out.push_str(prose[i % prose.len()]);
                out.push(' ');
                out.push_str(prose[(i + 2) % prose.len()]);
                out.push('\n');
            }
        }
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let labeller = Labeller::embedded().expect("embedded model");
    let text = corpus(1 << 20);
    let whole = Posting::new("", text.clone());
    let mut group = c.benchmark_group("skills");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("tag (1 MiB, full catalog)", |b| {
        b.iter(|| labeller.tag_skills(&whole).len())
    });
    group.finish();

    let no_skills = Labeller::builder()
        .skills(false)
        .build()
        .expect("embedded model");
    let explain = LabelOptions::default().with_explain(true);
    let posting_text = corpus(3000);
    let posting = Posting::new("Senior Data Engineer", posting_text);
    let mut group = c.benchmark_group("label");
    group.throughput(Throughput::Elements(1));
    group.bench_function("one 3 KB posting (role, seniority, skills)", |b| {
        b.iter(|| labeller.label(&posting))
    });
    group.bench_function("one 3 KB posting: skills only", |b| {
        b.iter(|| labeller.tag_skills(&posting).len())
    });
    group.bench_function("one 3 KB posting: role and seniority only", |b| {
        b.iter(|| no_skills.label(&posting))
    });
    group.bench_function(
        "one 3 KB posting: with explanations (spelled-out terms)",
        |b| b.iter(|| labeller.label_with(&posting, &explain)),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
