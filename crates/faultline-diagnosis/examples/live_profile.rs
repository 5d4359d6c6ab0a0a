//! Profiling aid: times `diagnose_live` on a replica for one call, repeated.
//! `cargo run --release -p faultline-diagnosis --example live_profile -- REPLICA ASSET_ID CODE [SYMPTOM] [REPEAT]`
use faultline_core::Store;
use faultline_diagnosis::{diagnose_live, Query};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let get = |i: usize| args.get(i).cloned().unwrap_or_default();
    let store = Store::open(std::path::Path::new(&get(1)))?;
    let asset = store.resolve_asset(&get(2))?;
    let symptom = Some(get(4)).filter(|s| !s.is_empty());
    let repeat: usize = get(5).parse().unwrap_or(10);
    let at = store.clock().now().timestamp_millis();
    let q = Query {
        asset_tag: asset.tag.clone(),
        codes: vec![get(3)],
        symptom,
        at,
        window_hours: 48,
        limit: 5,
    };
    let mut times = Vec::new();
    for _ in 0..repeat {
        let t = Instant::now();
        let d = diagnose_live(&store, &q)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if times.len() == 1 {
            if let Some(d) = d {
                for c in &d.causes {
                    println!("cause {} {}", c.cause_code, c.score);
                }
                for s in &d.similar_work_orders {
                    println!("similar {} {}", s.number, s.score);
                }
            }
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "min {:.1} ms, median {:.1} ms, max {:.1} ms",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}
