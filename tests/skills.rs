//! Skill tagging with the shipped catalog: aliases, the ambiguity table,
//! sections, years, overlapping names and non-ASCII text.

use jobtag::skills::{Requirement, SkillCatalog, SkillTag};
use jobtag::{Labeller, Posting};

/// Skill tagging with the shipped catalog, through the public entry point.
struct Tagger(Labeller);

impl Tagger {
    fn tag(&self, title: &str, description: &str) -> Vec<SkillTag> {
        self.0.tag_skills(&Posting::new(title, description))
    }
}

fn tagger() -> &'static Tagger {
    static T: std::sync::OnceLock<Tagger> = std::sync::OnceLock::new();
    T.get_or_init(|| Tagger(Labeller::embedded().expect("the shipped catalog compiles")))
}

fn names(text: &str) -> Vec<String> {
    tagger()
        .tag("", text)
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

fn find<'a>(tags: &'a [SkillTag], name: &str) -> &'a SkillTag {
    tags.iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} not tagged in {tags:#?}"))
}

#[test]
fn the_catalog_is_large_and_well_formed() {
    let c = SkillCatalog::default_catalog().unwrap();
    assert!(c.skills().len() >= 1500, "{} skills", c.skills().len());
    let categories: std::collections::BTreeSet<&str> =
        c.skills().iter().map(|s| s.category.as_str()).collect();
    assert!(categories.len() >= 8, "{categories:?}");
    assert!(c.skills().iter().any(|s| s.onet.is_some()));
    assert!(c.skills().iter().any(|s| s.esco.is_some()));
}

#[test]
fn aliases_map_to_canonical_names() {
    for (text, name) in [
        ("Experience with k8s", "Kubernetes"),
        ("We run postgres", "PostgreSQL"),
        ("sklearn pipelines", "scikit-learn"),
        ("Deploy on GCP", "Google Cloud"),
        ("Node.js services", "Node.js"),
        ("C# and .NET", "C#"),
    ] {
        assert!(
            names(text).contains(&name.to_string()),
            "{text:?} -> {:?}",
            names(text)
        );
    }
}

/// Names that are also words: tagged only with evidence. (text, skill, expected)
const AMBIGUITY: &[(&str, &str, bool)] = &[
    ("Strong R programming skills", "R", true),
    ("Python, R and SQL for analysis", "R", true),
    ("R&D department", "R", false),
    ("Go (Golang) microservices", "Go", true),
    ("Backend in Go and PostgreSQL", "Go", true),
    ("Go to market with our sales team", "Go", false),
    ("ready to go live next month", "Go", false),
    ("Swift and SwiftUI for iOS apps", "Swift", true),
    ("a swift response to incidents", "Swift", false),
    ("Apache Spark pipelines", "Apache Spark", true),
    ("Spark, Kafka and Airflow", "Apache Spark", true),
    ("Spark curiosity in your team", "Apache Spark", false),
    ("Spark and Airflow pipelines", "Apache Airflow", true),
    ("Advanced Excel and SQL skills", "Microsoft Excel", true),
    (
        "Excel at communication with clients",
        "Microsoft Excel",
        false,
    ),
    ("you will excel in this role", "Microsoft Excel", false),
    ("Rust or C++ for systems code", "Rust", true),
    ("remove rust from old pipes", "Rust", false),
    ("Ruby and PostgreSQL", "Ruby", true),
    ("Ruby on Rails and PostgreSQL", "Ruby on Rails", true),
    ("Fluent German and English", "German", true),
    ("German automotive clients", "German", false),
    ("Polish (native) and English (B2)", "Polish", true),
    ("polish the user interface", "Polish", false),
    ("Chef, Puppet or Ansible", "Chef", true),
    ("Head Chef for our restaurant", "Chef", false),
    ("Unity and C# game development", "Unity", true),
    ("Unity of purpose across teams", "Unity", false),
    ("Make sure deadlines are met", "GNU Make", false),
    ("Tableau and Power BI dashboards", "Tableau", true),
    ("a tableau of colours", "Tableau", false),
];

#[test]
fn ambiguity_table() {
    let mut failures = Vec::new();
    for &(text, skill, expected) in AMBIGUITY {
        let got = names(text).iter().any(|n| n == skill);
        if got != expected {
            failures.push(format!(
                "{text:?}: expected {skill} {}, got {:?}",
                if expected { "tagged" } else { "not tagged" },
                names(text)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn similar_names_stay_apart() {
    let n = names("JavaScript, React Native and Microsoft SQL Server; NoSQL stores");
    for expected in ["JavaScript", "React Native", "NoSQL"] {
        assert!(n.contains(&expected.to_string()), "{n:?}");
    }
    assert!(!n.contains(&"Java".to_string()), "{n:?}");
    assert!(!n.contains(&"React".to_string()), "{n:?}");
    assert!(n.iter().any(|x| x.contains("SQL Server")), "{n:?}");
    let n = names("Java and React");
    assert!(
        n.contains(&"Java".to_string()) && n.contains(&"React".to_string()),
        "{n:?}"
    );
}

#[test]
fn longest_name_wins() {
    let tags = tagger().tag(
        "",
        "Google Cloud Platform (BigQuery) and Google Cloud Functions",
    );
    let gc = find(&tags, "Google Cloud");
    let text = "Google Cloud Platform (BigQuery) and Google Cloud Functions";
    let first = gc.spans[0];
    assert_eq!(&text[first.start..first.end], "Google Cloud Platform");
}

const POSTING: &str = "<h2>About us</h2><p>Our stack: Kafka, Scala and Kubernetes.</p>\
<h3>What you bring</h3><ul><li>5+ years of experience with Python</li><li>Strong SQL (3 years)</li>\
<li>Experience with Docker</li></ul><h3>Nice to have</h3><ul><li>Terraform</li><li>Go</li></ul>\
<p>Benefits: private healthcare, MultiSport card</p>";

#[test]
fn sections_and_years_on_a_posting() {
    let tags = tagger().tag("Senior Python Engineer", POSTING);
    let py = find(&tags, "Python");
    assert_eq!(py.requirement, Requirement::Required);
    assert_eq!(py.years, Some(5));
    assert_eq!(py.spans.len(), 2, "title and description");
    let sql = find(&tags, "SQL");
    assert_eq!(sql.requirement, Requirement::Required);
    assert_eq!(sql.years, Some(3));
    assert_eq!(find(&tags, "Docker").requirement, Requirement::Required);
    assert_eq!(find(&tags, "Docker").years, None);
    assert_eq!(find(&tags, "Terraform").requirement, Requirement::Preferred);
    assert_eq!(
        find(&tags, "Go").requirement,
        Requirement::Preferred,
        "a bullet that is just the name"
    );
    assert_eq!(
        find(&tags, "Apache Kafka").requirement,
        Requirement::Mentioned
    );
    assert_eq!(
        find(&tags, "Kubernetes").requirement,
        Requirement::Mentioned
    );
    for t in &tags {
        for s in &t.spans {
            let text = if s.field == jobtag::TextField::Title {
                "Senior Python Engineer"
            } else {
                POSTING
            };
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert!(!text[s.start..s.end].contains('<'), "{t:?}");
        }
    }
}

#[test]
fn glassdoor_style_stand_ins() {
    let text = "Requirements:|- Python; SQL; Tableau|Nice to have:|- AWS";
    let tags = tagger().tag("", text);
    assert_eq!(find(&tags, "Tableau").requirement, Requirement::Required);
    assert_eq!(find(&tags, "AWS").requirement, Requirement::Preferred);
}

#[test]
fn non_ascii_text() {
    let text = "Wymagania: znajomość języka Python i SQL — 3+ lata doświadczenia; Zürich, 東京: Kubernetes 🚀";
    let tags = tagger().tag("Programista Python", text);
    for name in ["Python", "SQL", "Kubernetes"] {
        let t = find(&tags, name);
        let s = t
            .spans
            .iter()
            .find(|s| s.field == jobtag::TextField::Description)
            .unwrap();
        assert_eq!(text[s.start..s.end].to_lowercase(), name.to_lowercase());
    }
}

#[test]
fn broad_words_degrees_and_job_names_with_the_shipped_catalog() {
    let text =
        "About us\nOur cloud platform serves banking clients, and our team values security.\n\
                We are hiring a Senior Java Developer.\n\
                Requirements:\n- 5+ years of Java\n- Experience with cloud and security\n\
                - A Master's degree in physics\nNice to have:\n- A PhD";
    let tags = tagger().tag("", text);
    let level = |name: &str| find(&tags, name).requirement;
    assert_eq!(level("Cloud computing"), Requirement::Required);
    assert_eq!(level("Cybersecurity"), Requirement::Required);
    assert_eq!(level("Master's degree"), Requirement::Required);
    assert_eq!(level("Physics"), Requirement::Required);
    assert_eq!(level("PhD"), Requirement::Preferred);
    // Only the places that ask are spans: "our cloud platform" is not one.
    let cloud = find(&tags, "Cloud computing");
    assert_eq!(cloud.spans.len(), 1);
    assert_eq!(&text[cloud.spans[0].start..cloud.spans[0].end], "cloud");
    assert!(cloud.spans[0].start > text.find("Requirements").unwrap());
    // Banking is only named in passing (a `?` form).
    assert!(tags.iter().all(|t| t.name != "Banking"), "{tags:#?}");
    // Java names the job in one place and is asked for in another.
    let java = find(&tags, "Java");
    let levels: Vec<Requirement> = java.spans.iter().map(|s| s.requirement).collect();
    assert_eq!(levels, [Requirement::Mentioned, Requirement::Required]);
    assert_eq!(java.years, Some(5));
}

#[test]
fn knowledge_areas_degrees_and_look_alikes_with_the_shipped_catalog() {
    let names = |title: &str, text: &str| -> Vec<String> {
        tagger()
            .tag(title, text)
            .into_iter()
            .map(|t| t.name.to_string())
            .collect()
    };
    let text = "Requirements:\n- Bachelor’s degree in CS or equivalent\n\
                - Working knowledge of databases and web applications\n\
                - Typescript, Node, React\n\
                - Familiarity with Windows, Linux and macOS\n\
                - Experience with Spark and streaming";
    let got = names("", text);
    for want in [
        "Bachelor's degree",
        "Databases",
        "Web applications",
        "TypeScript",
        "Node.js",
        "React",
        "Microsoft Windows",
        "Linux",
        "Apache Spark",
        "Stream processing",
    ] {
        assert!(got.iter().any(|n| n == want), "{want} missing from {got:?}");
    }
    // Look-alikes: a city, a window, a job title with a broad word, a team.
    assert!(
        names("", "Office in Phoenix, AZ. Windows open onto the park.").is_empty(),
        "{:?}",
        names("", "Office in Phoenix, AZ. Windows open onto the park.")
    );
    assert!(names("Engineering Manager", "").is_empty());
    assert!(names("", "We hold a sales authorization from the vendor.").is_empty());
    assert!(names(
        "",
        "Requirements:\n- You will report to the engineering department"
    )
    .is_empty());
}
