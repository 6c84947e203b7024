//! Reports: the last stage, turning labels into numbers people read
//! (evaluation metrics now; tallies and charts later).

pub(crate) mod calibration;
#[cfg(feature = "charts")]
mod chart;
mod metrics;
mod tally;

pub use calibration::{Calibration, CalibrationScores, CoveragePoint, ReliabilityBin};
#[cfg(feature = "charts")]
pub use chart::{bar_chart, calibration_chart, trend_chart};
pub(crate) use metrics::{score, Gold};
pub use metrics::{ClassScore, Metrics};
pub use tally::{
    period_of, Group, LabelShare, LabelSummary, PairCount, SkillCount, Tally, TallyBuilder,
    TallyOptions, TallyRow,
};

/// `s` cut to at most `width` characters, with an ellipsis when cut (for
/// table cells and chart labels).
pub(crate) fn shorten(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
