//! Reports: the last stage, turning labels into numbers people read
//! (evaluation metrics now; tallies and charts later).

pub mod chart;
pub mod metrics;
pub mod tally;

pub use metrics::{score, ClassScore, Gold, Metrics};
pub use tally::{
    label_summary, period_of, tally, Group, LabelShare, PairCount, SkillCount, Tally, TallyRow,
};
