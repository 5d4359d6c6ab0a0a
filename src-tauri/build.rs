// Build script: reads the Tauri config at the repo root, compiles the capabilities (ACL) and
// makes cargo rebuild the app when the built UI in ui/dist changes (it is embedded at compile time).
fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
