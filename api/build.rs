//! Embeds the built dashboards (`dashboards/dist/`, made by `npm run build`) into the binary:
//! writes `dashboards.rs` in OUT_DIR with every file's bytes (include_bytes!) and content type.
//! Without a dist folder the list is empty and `/` says the dashboards were not built.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dashboards = manifest.join("..").join("dashboards");
    let dist = dashboards.join("dist");
    // Cargo scans a watched folder recursively. Without dist/ watch dashboards/ instead (a
    // missing path would rerun this, and rebuild the crate, on every build): creating dist/
    // changes it.
    if dist.is_dir() || !dashboards.is_dir() {
        println!("cargo:rerun-if-changed={}", dist.display());
    } else {
        println!("cargo:rerun-if-changed={}", dashboards.display());
    }

    // The migrations are embedded by `embed_migrations!`, which does not tell cargo about a new
    // migration folder: watch them here, or an incremental build keeps the old list.
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("..").join("migrations").display()
    );

    let mut files = Vec::new();
    if dist.is_dir() {
        collect(&dist, &mut files)?;
    }
    files.sort();

    let mut code =
        String::from("/// Every file of dashboards/dist: URL path, bytes, content type.\n");
    code.push_str("pub static FILES: &[(&str, &[u8], &str)] = &[\n");
    for file in &files {
        let relative = file.strip_prefix(&dist)?;
        let url: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        writeln!(
            code,
            "    ({:?}, include_bytes!({:?}), {:?}),",
            format!("/{}", url.join("/")),
            file.display().to_string(),
            content_type(file)
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("dashboards.rs");
    std::fs::write(out, code)?;
    Ok(())
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
