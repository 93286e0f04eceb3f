//! The frontier chart: premium for resilience (% over the floor-0 cost)
//! against the floor, one line per series, the knee marked, and the floors no
//! plan can reach shaded. SVG or PNG by the file's extension; rendered in
//! memory from frontier rows only, with a bundled font (DejaVu Sans), so no
//! system font library is needed.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frontier::{FrontierRow, SeriesKey};

const SIZE: (u32, u32) = (1000, 640);

/// Chart formats, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// Registers the bundled DejaVu Sans as "sans-serif" (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is valid; a failure would only lose the labels.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// A label for a series: the files as given on the command line.
fn label((input, scenarios, measure): &SeriesKey, several_measures: bool) -> String {
    let mut text = format!("{input} · {scenarios}");
    if several_measures {
        text.push_str(&format!(" · {measure}"));
    }
    text
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[FrontierRow],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let mut series: Vec<(SeriesKey, Vec<&FrontierRow>)> = Vec::new();
    for row in rows {
        match series.iter_mut().find(|(k, _)| *k == row.series()) {
            Some((_, members)) => members.push(row),
            None => series.push((row.series(), vec![row])),
        }
    }
    let several_measures = series.iter().any(|(k, _)| k.2 != series[0].0 .2);
    let premiums = rows.iter().filter_map(|r| r.premium_pct);
    let y_max = premiums.fold(0.0_f64, f64::max).max(0.1) * 1.12;

    let mut chart = ChartBuilder::on(root)
        .caption("Cost of resilience", ("sans-serif", 26))
        .margin(18)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0_f64..1.0_f64, 0.0_f64..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("resilience floor (share of critical demand served in every scenario)")
        .y_desc("premium over the floor-0 cost (%)")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;

    for (i, (key, members)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let max_floor = members[0].max_floor;
        if max_floor < 1.0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(max_floor, 0.0), (1.0, y_max)],
                    color.mix(0.12).filled(),
                )))
                .map_err(err)?
                .label(format!(
                    "no plan reaches floors above {}",
                    // rounded down, so the label never claims more than is reachable
                    crate::report::num((max_floor * 1000.0).floor() / 1000.0)
                ))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], color.mix(0.25).filled())
                });
        }
        let points: Vec<(f64, f64)> = members
            .iter()
            .filter_map(|r| Some((r.floor, r.premium_pct?)))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(3),
            ))
            .map_err(err)?
            .label(label(key, several_measures))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(err)?;
        for knee in members.iter().filter(|r| r.knee) {
            let Some(premium) = knee.premium_pct else {
                continue;
            };
            let at = (knee.floor, premium);
            chart
                .draw_series([
                    Circle::new(at, 9, color.stroke_width(3)).into_dyn(),
                    Text::new(
                        format!(
                            "knee: floor {}, +{:.2}%",
                            crate::report::num(knee.floor),
                            premium
                        ),
                        (
                            knee.floor - 0.02,
                            premium + y_max * (0.05 + 0.06 * (i % 4) as f64),
                        ),
                        ("sans-serif", 16).into_font().color(&BLACK).pos(
                            plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Right,
                                plotters::style::text_anchor::VPos::Center,
                            ),
                        ),
                    )
                    .into_dyn(),
                ])
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static;
}

/// Renders `chart` at 1000×640 as SVG text or PNG bytes, with the bundled font.
pub fn render_chart(chart: &impl Chart, format: Format) -> Result<Vec<u8>, String> {
    register_font();
    match format {
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
                chart.draw(&root)?;
            }
            Ok(text.into_bytes())
        }
        Format::Png => {
            let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
                chart.draw(&root)?;
            }
            let image = image::RgbImage::from_raw(SIZE.0, SIZE.1, pixels)
                .ok_or("the pixel buffer does not match the chart size")?;
            let mut png = Vec::new();
            image
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
            Ok(png)
        }
    }
}

struct Frontier<'a>(&'a [FrontierRow]);

impl Chart for Frontier<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        draw(root, self.0)
    }
}

/// Renders the frontier chart of `rows` in `format`.
pub fn render(rows: &[FrontierRow], format: Format) -> Result<Vec<u8>, String> {
    render_chart(&Frontier(rows), format)
}
