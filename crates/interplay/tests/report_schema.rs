//! The JSON Schemas under docs/schema/ are the ones the report types generate, so
//! the documented schema cannot drift from what the CLI writes and Python returns.
//! Regenerate them with `INTERPLAY_WRITE_SCHEMAS=1 cargo test --release --workspace
//! report_schema::`.

use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema")
}

#[test]
fn documented_schemas_match_the_report_types() {
    let dir = schema_dir();
    let write = std::env::var_os("INTERPLAY_WRITE_SCHEMAS").is_some();
    for (name, schema) in interplay::report::schemas() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; regenerate with INTERPLAY_WRITE_SCHEMAS=1",
                path.display()
            )
        });
        assert_eq!(
            committed, text,
            "{name} is out of date; regenerate with INTERPLAY_WRITE_SCHEMAS=1"
        );
    }
}

#[test]
fn every_report_names_its_schema_version_and_units() {
    for (name, schema) in interplay::report::schemas() {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no required list"))
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for field in [
            "schema_version",
            "interplay_version",
            "method",
            "units",
            "seed",
        ] {
            assert!(required.contains(&field), "{name} lacks {field}");
        }
    }
}
