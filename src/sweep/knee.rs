//! The knee of a cost-of-resilience curve: the point past which every extra
//! point of floor costs much more than the points before.
//!
//! Method: Kneedle (Satopää, Albrecht, Irwin and Raghavan, 2011) for an
//! increasing convex curve. Both axes are normalized to [0, 1] over the
//! feasible points; the knee is the point where the curve lies farthest below
//! the straight line from the first to the last point, i.e. the point that
//! maximizes x_n − y_n. It is deterministic (the first maximum wins) and needs
//! no tuning constant. A curve with fewer than three points, a flat cost, or
//! no point below the chord (by at least [`MIN_DEPTH`]) has no knee.

/// A knee must lie at least this far (in normalized units) below the chord.
pub const MIN_DEPTH: f64 = 0.05;

/// Index of the knee of `curve` (points sorted by x, y non-decreasing).
pub fn knee_index(curve: &[(f64, f64)]) -> Option<usize> {
    if curve.len() < 3 {
        return None;
    }
    let x0 = curve[0].0;
    let x1 = curve[curve.len() - 1].0;
    let y_min = curve.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let y_max = curve.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if x1 <= x0 || y_max - y_min <= 1e-9 * y_max.abs().max(1.0) {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    for (i, &(x, y)) in curve.iter().enumerate() {
        let depth = (x - x0) / (x1 - x0) - (y - y_min) / (y_max - y_min);
        if best.is_none_or(|(_, d)| depth > d) {
            best = Some((i, depth));
        }
    }
    best.filter(|&(_, depth)| depth >= MIN_DEPTH)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hockey_stick_knee_is_the_last_cheap_point() {
        // Cost flat to 0.8, then steep.
        let curve = [
            (0.0, 100.0),
            (0.2, 101.0),
            (0.4, 102.0),
            (0.6, 103.0),
            (0.8, 104.0),
            (0.9, 130.0),
            (1.0, 200.0),
        ];
        assert_eq!(knee_index(&curve), Some(4));
    }

    #[test]
    fn exponential_curve_knee() {
        // y = e^(10x): the normalized distance below the chord peaks near x = 0.76.
        let curve: Vec<(f64, f64)> = (0..=20)
            .map(|i| {
                let x = f64::from(i) * 0.05;
                (x, (10.0 * x).exp())
            })
            .collect();
        let knee = knee_index(&curve).unwrap();
        assert!(
            (curve[knee].0 - 0.75).abs() < 0.051,
            "knee at {}",
            curve[knee].0
        );
    }

    #[test]
    fn straight_and_flat_curves_have_no_knee() {
        let line: Vec<(f64, f64)> = (0..5)
            .map(|i| (f64::from(i), 10.0 * f64::from(i)))
            .collect();
        assert_eq!(knee_index(&line), None);
        let flat = [(0.0, 5.0), (0.5, 5.0), (1.0, 5.0)];
        assert_eq!(knee_index(&flat), None);
        assert_eq!(knee_index(&[(0.0, 1.0), (1.0, 2.0)]), None);
    }
}
