//! Charts (plotters): of a tally, horizontal bars of the top skills per
//! group or one line per skill over periods; of an evaluation, each head's
//! reliability diagram and risk-coverage curve. SVG or PNG by file
//! extension.
//!
//! Text needs a TrueType font to be measured (and, for PNG, drawn). The font
//! is read at run time from `JOBTAG_FONT` or the usual system locations
//! (DejaVu Sans, Liberation Sans, Arial), not bundled with jobtag.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::calibration::Calibration;
use super::shorten;
use super::tally::Tally;
use crate::error::{Error, Result};

const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// Register a sans-serif font once per process.
fn ensure_font() -> Result<()> {
    static FONT: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let candidates = std::env::var("JOBTAG_FONT").into_iter().chain(FONT_PATHS.iter().map(|s| s.to_string()));
        for path in candidates {
            if let Ok(bytes) = std::fs::read(&path) {
                // plotters keeps fonts for the life of the process.
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return Ok(());
                }
            }
        }
        Err("no TrueType font found for chart text: install fonts-dejavu-core or set JOBTAG_FONT to a .ttf file".into())
    })
    .clone()
    .map_err(Error::Chart)
}

/// The grey footnote under a chart.
fn draw_note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, note: String) -> Result<()> {
    let style = ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90));
    area.draw(&Text::new(note, (12, 8), style))
        .map_err(chart_err)
}

fn chart_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Chart(e.to_string())
}

const WIDTH: u32 = 1000;
const PANEL_TOP: u32 = 70;
const ROW: u32 = 26;
const MAX_PANELS: usize = 8;

/// Horizontal bar charts of the `top` skills of each group (up to 8 groups,
/// the overall group first), written to `path` (.svg or .png).
pub fn bar_chart(tally: &Tally, path: &Path, top: usize) -> Result<()> {
    ensure_font()?;
    let panels: Vec<_> = tally.groups.iter().take(MAX_PANELS).collect();
    let heights: Vec<u32> = panels
        .iter()
        .map(|g| PANEL_TOP + 50 + ROW * g.skills.len().min(top).max(1) as u32)
        .collect();
    let height = heights.iter().sum::<u32>() + 40;
    let draw = |root: DrawingArea<_, Shift>| -> Result<()> {
        draw_bars(root, tally, &panels, &heights, top)
    };
    match extension(path)?.as_str() {
        "svg" => draw(SVGBackend::new(path, (WIDTH, height)).into_drawing_area()),
        _ => draw_png(path, height, |root| {
            draw_bars(root, tally, &panels, &heights, top)
        }),
    }
}

fn extension(path: &Path) -> Result<String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "svg" | "png" => Ok(ext),
        _ => Err(Error::Chart(format!(
            "{}: the chart file must end in .svg or .png",
            path.display()
        ))),
    }
}

fn draw_png(
    path: &Path,
    height: u32,
    draw: impl FnOnce(DrawingArea<BitMapBackend, Shift>) -> Result<()>,
) -> Result<()> {
    draw(BitMapBackend::new(path, (WIDTH, height)).into_drawing_area())
}

fn group_name(tally: &Tally, key: &[String]) -> String {
    if key.iter().all(|k| k == "all") {
        "all postings".to_string()
    } else {
        tally
            .by
            .iter()
            .zip(key)
            .map(|(b, k)| format!("{b} = {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn draw_bars<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    tally: &Tally,
    panels: &[&super::tally::Group],
    heights: &[u32],
    top: usize,
) -> Result<()> {
    root.fill(&WHITE).map_err(chart_err)?;
    let (body, footer) = root.split_vertically(heights.iter().sum::<u32>());
    let mut rest = body;
    for (g, h) in panels.iter().zip(heights) {
        let (area, below) = rest.split_vertically(*h);
        rest = below;
        let skills: Vec<_> = g.skills.iter().take(top).collect();
        let n = skills.len().max(1);
        let max = skills.iter().map(|s| s.share).fold(0.0, f64::max).max(0.05);
        // Leave room right of the longest bar, in whole tens of percent.
        let x_max = (((max + 0.05) * 10.0).ceil() / 10.0).min(1.0).max(max);
        let title = format!(
            "Top skills: {} ({} postings)",
            group_name(tally, &g.key),
            g.postings
        );
        let mut chart = ChartBuilder::on(&area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(38)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..x_max, (0..n - 1).into_segmented())
            .map_err(chart_err)?;
        let names: Vec<String> = skills.iter().map(|s| shorten(&s.skill, 32)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("share of postings that name the skill")
            .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(n - 1 - *i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(skills.iter().enumerate().map(|(i, s)| {
                let row = n - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (s.share, SegmentValue::Exact(row + 1)),
                    ],
                    RGBColor(46, 110, 180).filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(chart_err)?;
    }
    let shown = panels.len();
    let note = format!(
        "jobtag tally: {} postings in all; {} of {} groups shown; share = postings naming the skill / postings in the group",
        tally.groups.first().map_or(0, |g| g.postings),
        shown,
        tally.groups.len()
    );
    draw_note(&footer, note)?;
    root.present().map_err(chart_err)
}

/// One line per skill: its share of postings in each period, for the
/// `top` skills of the whole tally. The tally must be grouped by period only.
pub fn trend_chart(tally: &Tally, path: &Path, top: usize) -> Result<()> {
    ensure_font()?;
    if tally.by != ["period"] {
        return Err(Error::Chart(
            "a trend chart needs --period without --by".into(),
        ));
    }
    let periods: Vec<&super::tally::Group> = tally
        .groups
        .iter()
        .skip(1)
        .filter(|g| !g.key[0].starts_with('('))
        .collect();
    if periods.is_empty() {
        return Err(Error::Chart("no dated postings to chart".into()));
    }
    let skills: Vec<String> = tally.groups[0]
        .skills
        .iter()
        .take(top.min(10))
        .map(|s| s.skill.clone())
        .collect();
    let share = |g: &super::tally::Group, skill: &str| {
        g.skills
            .iter()
            .find(|s| s.skill == skill)
            .map_or(0.0, |s| s.share)
    };
    let max = periods
        .iter()
        .flat_map(|g| skills.iter().map(move |s| share(g, s)))
        .fold(0.0, f64::max)
        .max(0.05);
    let total = tally.groups[0].postings;
    let undated = tally
        .groups
        .iter()
        .skip(1)
        .filter(|g| g.key[0].starts_with('('))
        .map(|g| g.postings)
        .sum::<usize>();
    let data = Trend {
        labels: periods.iter().map(|g| g.key[0].clone()).collect(),
        periods,
        skills,
        max,
        total,
        undated,
    };
    match extension(path)?.as_str() {
        "svg" => draw_trend(
            SVGBackend::new(path, (WIDTH, 600)).into_drawing_area(),
            &data,
        ),
        _ => draw_trend(
            BitMapBackend::new(path, (WIDTH, 600)).into_drawing_area(),
            &data,
        ),
    }
}

struct Trend<'a> {
    labels: Vec<String>,
    periods: Vec<&'a super::tally::Group>,
    skills: Vec<String>,
    max: f64,
    total: usize,
    undated: usize,
}

fn draw_trend<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, data: &Trend) -> Result<()> {
    let Trend {
        labels,
        periods,
        skills,
        max,
        total,
        undated,
    } = data;
    let (max, total, undated) = (*max, *total, *undated);
    let share = |g: &super::tally::Group, skill: &str| {
        g.skills
            .iter()
            .find(|s| s.skill == skill)
            .map_or(0.0, |s| s.share)
    };
    root.fill(&WHITE).map_err(chart_err)?;
    let (body, footer) = root.split_vertically(560);
    let mut chart = ChartBuilder::on(&body)
        .caption("Skill demand by period", ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (0..labels.len() - 1).into_segmented(),
            0f64..(max * 1.1).min(1.0),
        )
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .x_labels(labels.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .x_desc("period")
        .y_desc("share of postings")
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .draw()
        .map_err(chart_err)?;
    for (k, skill) in skills.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let points: Vec<(SegmentValue<usize>, f64)> = periods
            .iter()
            .enumerate()
            .map(|(i, g)| (SegmentValue::CenterOf(i), share(g, skill)))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(chart_err)?
            .label(skill.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )
            .map_err(chart_err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(chart_err)?;
    let note =
        format!("jobtag tally: {total} postings, {undated} without a usable date (not charted)");
    draw_note(&footer, note)?;
    root.present().map_err(chart_err)
}

const CALIBRATION_ROW: u32 = 430;

/// The reliability diagram (confidence against accuracy, before and after
/// calibration, with the diagonal of a perfectly calibrated head) and the
/// risk-coverage curve (accuracy on the most confident share) of each
/// head, one row per head, written to `path` (.svg or .png).
pub fn calibration_chart(heads: &[(&str, &Calibration)], path: &Path) -> Result<()> {
    ensure_font()?;
    if heads.is_empty() {
        return Err(Error::Chart("no head has calibration figures".into()));
    }
    let height = CALIBRATION_ROW * heads.len() as u32 + 40;
    match extension(path)?.as_str() {
        "svg" => draw_calibration(
            SVGBackend::new(path, (WIDTH, height)).into_drawing_area(),
            heads,
        ),
        _ => draw_png(path, height, |root| draw_calibration(root, heads)),
    }
}

fn draw_calibration<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    heads: &[(&str, &Calibration)],
) -> Result<()> {
    root.fill(&WHITE).map_err(chart_err)?;
    let (body, footer) = root.split_vertically(CALIBRATION_ROW * heads.len() as u32);
    let rows = body.split_evenly((heads.len(), 2));
    let before_colour = RGBColor(150, 150, 150);
    let after_colour = RGBColor(31, 119, 180);
    for (i, (name, c)) in heads.iter().enumerate() {
        // Reliability: one point per non-empty bin, at (mean confidence,
        // accuracy).
        let mut chart = ChartBuilder::on(&rows[2 * i])
            .caption(
                format!("{name}: reliability (temperature {:.2})", c.temperature),
                ("sans-serif", 18),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_desc("confidence")
            .y_desc("accuracy")
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 13))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.3).stroke_width(1),
            ))
            .map_err(chart_err)?;
        for (bins, colour, label) in [
            (
                &c.reliability_before,
                before_colour,
                format!("before (ECE {:.3})", c.before.ece),
            ),
            (
                &c.reliability,
                after_colour,
                format!("after (ECE {:.3})", c.after.ece),
            ),
        ] {
            let points: Vec<(f64, f64)> = bins
                .iter()
                .filter(|b| b.n > 0)
                .map(|b| (b.confidence, b.accuracy))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(chart_err)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, colour.filled())),
                )
                .map_err(chart_err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(chart_err)?;

        // Risk-coverage: accuracy on the most confident share.
        let low = c
            .risk_coverage
            .iter()
            .map(|p| p.accuracy)
            .fold(1.0f64, f64::min);
        let floor = ((low - 0.05) * 20.0).floor() / 20.0;
        let mut chart = ChartBuilder::on(&rows[2 * i + 1])
            .caption(format!("{name}: risk-coverage"), ("sans-serif", 18))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..1f64, floor.max(0.0)..1.0)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_desc("coverage (most confident first)")
            .y_desc("accuracy")
            .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 13))
            .draw()
            .map_err(chart_err)?;
        let points: Vec<(f64, f64)> = c
            .risk_coverage
            .iter()
            .map(|p| (p.coverage, p.accuracy))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                after_colour.stroke_width(2),
            ))
            .map_err(chart_err)?;
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, after_colour.filled())),
            )
            .map_err(chart_err)?;
    }
    draw_note(
        &footer,
        "jobtag eval: reliability in 10 equal-width confidence bins; diagonal = perfectly calibrated"
            .into(),
    )?;
    root.present().map_err(chart_err)
}
