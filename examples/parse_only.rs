use divopt::input::ScenarioSource;
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let sc = [dir.join("scenarios.csv")];
    let mut times = vec![];
    for _ in 0..n {
        let t = Instant::now();
        let l = divopt::input::load(&dir.join("options.csv"), ScenarioSource::Files(&sc)).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(l);
    }
    println!("first {:.2} ms, median of rest {:.2} ms", times[0], {
        let mut r = times[1..].to_vec();
        r.sort_by(|a, b| a.partial_cmp(b).unwrap());
        r[r.len() / 2]
    });
}
