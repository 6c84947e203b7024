//! Embed the default model when it exists (it does in every checkout; it is
//! missing only while bootstrapping the very first training run).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(jobtag_embedded)");
    println!("cargo::rerun-if-changed=models/default.jtm");
    if std::path::Path::new("models/default.jtm").exists() {
        println!("cargo::rustc-cfg=jobtag_embedded");
    }
}
