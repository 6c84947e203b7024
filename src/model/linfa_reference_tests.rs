//! Our sparse softmax trainer against `linfa-logistic`'s dense multinomial
//! regression on the same objective: probabilities must agree.

use crate::features::{CsrMatrix, SparseRow};
use crate::model::{ClassWeight, SoftmaxParams};
use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::Array1;

/// A small, noisy, mostly-zero problem: 120 rows, 30 features, 4 classes.
fn problem() -> (CsrMatrix, Array1<usize>) {
    let mut rows = Vec::new();
    let mut y = Vec::new();
    let mut state = 12345u64;
    let mut rand = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..120 {
        let class = i % 4;
        let mut pairs = Vec::new();
        for f in 0..30u32 {
            let informative = f as usize % 4 == class && rand() < 0.5;
            if informative || rand() < 0.08 {
                pairs.push((f, (0.2 + rand()) as f32));
            }
        }
        rows.push(SparseRow::from_pairs(pairs));
        y.push(class);
    }
    (CsrMatrix::from_rows(&rows, 30), Array1::from(y))
}

#[test]
fn sparse_trainer_agrees_with_linfa_logistic() {
    let (x, y) = problem();
    let alpha = 1.0;

    let ours = SoftmaxParams::new(4)
        .alpha(alpha)
        .class_weight(ClassWeight::None)
        .tolerance(1e-9)
        .max_iterations(2000)
        .fit(&DatasetBase::new(x.clone(), y.clone()))
        .unwrap();
    assert!(ours.report().iterations > 0);

    let dense = x.to_dense();
    let reference = MultiLogisticRegression::default()
        .alpha(alpha)
        .max_iterations(2000)
        .gradient_tolerance(1e-9)
        .fit(&Dataset::new(dense.clone(), y.clone()))
        .unwrap();
    let theirs = reference.predict_probabilities(&dense);
    let ours_p = ours.predict_proba(&x);
    let classes = reference.classes();
    let mut max_diff = 0.0f64;
    for r in 0..x.nrows() {
        for (col, &class) in classes.iter().enumerate() {
            let d = (f64::from(ours_p[[r, class]]) - theirs[[r, col]]).abs();
            max_diff = max_diff.max(d);
        }
    }
    assert!(max_diff < 2e-3, "largest probability difference {max_diff}");
    // And the predictions are the same labels.
    let ours_y: Array1<usize> = ours.predict(&x);
    let theirs_y = reference.predict(&dense);
    assert_eq!(ours_y, theirs_y);
}
