//! Reports: the last stage, turning labels into numbers people read
//! (evaluation metrics now; tallies and charts later).

pub mod chart;
pub mod metrics;
pub mod tally;

pub use metrics::{score, ClassScore, Gold, Metrics};
pub use tally::{
    label_summary, period_of, tally, Group, LabelShare, PairCount, SkillCount, Tally, TallyRow,
};

/// `s` cut to at most `width` characters, with an ellipsis when cut (for
/// table cells and chart labels).
pub fn shorten(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
