//! 100,000-row mapping sheet: export, import + validate, and the whole round trip, with
//! calamine's bare read of the same file as the peer the ratios are taken against.
//!
//! Run: `cargo bench -p tessera-mapping --bench sheet`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use calamine::{Reader, Xlsx};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Cursor;
use tessera_core::{Email, UserId, WorkspaceName};
use tessera_mapping::{Snapshot, SnapshotRow, export, import};

const ROWS: usize = 100_000;

fn snapshot() -> Snapshot {
    Snapshot {
        export_id: "bench".into(),
        workspace: WorkspaceName::parse("bench").unwrap(),
        rows: (0..ROWS)
            .map(|n| SnapshotRow {
                user_id: UserId::random(),
                email: Email::parse(&format!("user{n}@corp.example")).unwrap(),
            })
            .collect(),
    }
}

fn sheet(c: &mut Criterion) {
    let snap = snapshot();
    let bytes = export(&snap).unwrap();
    let mut group = c.benchmark_group("mapping_100k");
    group.sample_size(10);
    group.bench_function("peer_calamine_read_only", |b| {
        b.iter(|| {
            let mut workbook = Xlsx::new(Cursor::new(black_box(&bytes[..]))).unwrap();
            black_box(workbook.worksheet_range("Users").unwrap().height())
        })
    });
    group.bench_function("export", |b| {
        b.iter(|| black_box(export(&snap).unwrap().len()))
    });
    group.bench_function("import_and_validate", |b| {
        b.iter(|| {
            black_box(
                import("user-mapping-bench.xlsx", &bytes, &snap, &snap.rows)
                    .unwrap()
                    .len(),
            )
        })
    });
    group.bench_function("export_import_validate", |b| {
        b.iter(|| {
            let file = export(&snap).unwrap();
            black_box(
                import("user-mapping-bench.xlsx", &file, &snap, &snap.rows)
                    .unwrap()
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, sheet);
criterion_main!(benches);
