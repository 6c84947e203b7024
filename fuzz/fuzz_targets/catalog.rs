//! The skill-catalog CSV on any bytes: a catalog (that compiles into a
//! labeller and tags a posting) or an error that says where.
#![no_main]
use std::sync::{Arc, OnceLock};

static MODEL: OnceLock<Arc<jobtag::Model>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    match jobtag::SkillCatalog::from_reader(bytes, "fuzz.csv") {
        Ok(catalog) => {
            let model =
                MODEL.get_or_init(|| Arc::new(jobtag::Model::embedded().expect("embedded model")));
            let labeller = jobtag::Labeller::builder()
                .model(model.clone())
                .catalog(catalog)
                .build();
            if let Ok(l) = labeller {
                let _ = l.tag_skills(&jobtag::Posting::new(
                    "Engineer",
                    "Python, SQL, Go and R; 5+ years of Java",
                ));
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.csv"), "{e}"),
    }
});
