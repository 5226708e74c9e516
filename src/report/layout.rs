//! Page layout for the assessment packs: A4 pages, text measured with the embedded font's own
//! glyph widths and wrapped inside its column, tables with ruled lines whose rows continue on
//! the next page (with the header repeated), and a footer on every page. printpdf draws what
//! this module places; it has no wrapping or tables of its own.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing,
    Pt, Rgb, TextItem, WindingOrder,
};

pub const PAGE_WIDTH_MM: f32 = 210.0;
pub const PAGE_HEIGHT_MM: f32 = 297.0;
pub const MARGIN_MM: f32 = 20.0;
/// Room kept free at the bottom for the footer.
pub const FOOTER_MM: f32 = 14.0;
/// Space between a table cell's text and its rules.
const CELL_PAD_MM: f32 = 1.6;

pub const BODY_PT: f32 = 10.0;
pub const SMALL_PT: f32 = 8.0;
pub const HEADING_PT: f32 = 15.0;
pub const SUBHEADING_PT: f32 = 12.0;
pub const TITLE_PT: f32 = 22.0;

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Width a drawn mark (✓ ✗ ☐) takes, in em.
const MARK_EM: f32 = 1.0;

fn mm_to_pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// A font face: its id in the PDF and its metrics for measuring.
pub struct Face {
    pub id: FontId,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    pub fn new(id: FontId, bytes: &'static [u8]) -> Result<Face, String> {
        let metrics = ttf_parser::Face::parse(bytes, 0).map_err(|e| e.to_string())?;
        Ok(Face { id, metrics })
    }

    /// Whether the font has a glyph for `c` (else a fallback character is printed).
    pub fn covers(&self, c: char) -> bool {
        self.metrics.glyph_index(c).is_some()
    }

    /// Width of `text` at `size_pt`, in millimetres, from the font's advance widths.
    pub fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        let units = f32::from(self.metrics.units_per_em());
        let advance: f32 = text
            .chars()
            .map(|c| match self.metrics.glyph_index(c) {
                Some(g) => self.metrics.glyph_hor_advance(g).map_or(0.0, f32::from),
                // Drawn marks take one em; other missing characters print as "?".
                None if matches!(c, '✓' | '✗' | '☐') => MARK_EM * units,
                None => self
                    .metrics
                    .glyph_index('?')
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0.0, f32::from),
            })
            .sum();
        advance / units * size_pt / PT_PER_MM
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

impl Fonts {
    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// Splits `text` into lines no wider than `width_mm`: at spaces where it can, inside a word
/// only when the word alone is wider than the column. Line breaks in the text are kept.
pub fn wrap(face: &Face, text: &str, size_pt: f32, width_mm: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width_mm(&candidate, size_pt) <= width_mm {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if face.width_mm(word, size_pt) <= width_mm {
                line = word.to_owned();
                continue;
            }
            // A word wider than the column: cut it where it fills the line.
            for c in word.chars() {
                let mut longer = line.clone();
                longer.push(c);
                if !line.is_empty() && face.width_mm(&longer, size_pt) > width_mm {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = longer;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// What a pack is made of, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    /// Smaller, grey text (notes, hints).
    Note(String),
    /// "Label: value" on one row, the value wrapping in its own column.
    Field(String, String),
    Table {
        headers: Vec<String>,
        /// Relative column widths.
        widths: Vec<f32>,
        rows: Vec<Vec<String>>,
    },
    /// Ruled lines to write on by hand, each with its label.
    WritingLines(Vec<String>),
    /// A horizontal bar chart: one bar per row, its length the value against the largest.
    Bars(Vec<Bar>),
    Spacer(f32),
    PageBreak,
}

/// One bar of a [`Block::Bars`] chart: its label, its value and the value as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

/// A line of text placed on a page, kept for the tests' width checks.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLine {
    pub page: usize,
    pub text: String,
    pub width_mm: f32,
    pub column_mm: f32,
}

/// The laid-out pages: printpdf operations per page, and every placed line.
pub struct Laid {
    pub pages: Vec<Vec<Op>>,
    pub lines: Vec<PlacedLine>,
}

struct Cursor<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    lines: Vec<PlacedLine>,
    /// Distance from the top of the page, in mm.
    y: f32,
}

const CONTENT_WIDTH: f32 = PAGE_WIDTH_MM - 2.0 * MARGIN_MM;
const BOTTOM: f32 = PAGE_HEIGHT_MM - MARGIN_MM - FOOTER_MM;

fn line_height(size_pt: f32) -> f32 {
    size_pt * 1.35 / PT_PER_MM
}

fn grey() -> Color {
    Color::Rgb(Rgb {
        r: 0.35,
        g: 0.35,
        b: 0.35,
        icc_profile: None,
    })
}

fn black() -> Color {
    Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    })
}

fn bar_blue() -> Color {
    Color::Rgb(Rgb {
        r: 0.22,
        g: 0.45,
        b: 0.70,
        icc_profile: None,
    })
}

fn point(x_mm: f32, y_from_top_mm: f32) -> Point {
    Point {
        x: Pt(mm_to_pt(x_mm)),
        y: Pt(mm_to_pt(PAGE_HEIGHT_MM - y_from_top_mm)),
    }
}

impl<'a> Cursor<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Cursor {
            fonts,
            pages: vec![Vec::new()],
            lines: Vec::new(),
            y: MARGIN_MM,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_MM;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN_MM {
            self.new_page();
        }
    }

    /// Writes one line with its baseline `size` below the cursor's top. The marks Noto Sans
    /// lacks (✓ ✗ ☐) are drawn as lines; any other missing character prints as "?", never as
    /// an empty box.
    fn text_at(&mut self, x: f32, top: f32, text: &str, size: f32, weight: Weight, column: f32) {
        let face = self.fonts.face(weight);
        let em = size / PT_PER_MM;
        let baseline = top + em;
        let page = self.pages.len() - 1;
        let font = face.id.clone();
        let mut runs: Vec<(f32, String)> = Vec::new();
        let mut marks: Vec<(f32, char)> = Vec::new();
        let mut run = String::new();
        let mut run_x = x;
        let mut cursor_x = x;
        for c in text.chars() {
            if face.covers(c) {
                run.push(c);
                continue;
            }
            if matches!(c, '✓' | '✗' | '☐') {
                cursor_x = run_x + face.width_mm(&run, size);
                runs.push((run_x, std::mem::take(&mut run)));
                marks.push((cursor_x, c));
                run_x = cursor_x + MARK_EM * em;
            } else {
                run.push('?');
            }
        }
        runs.push((run_x, run));
        let width_mm = runs
            .last()
            .map_or(0.0, |(rx, r)| rx + face.width_mm(r, size) - x)
            .max(cursor_x - x);
        let mut printed = String::new();
        for (rx, r) in runs.into_iter().filter(|(_, r)| !r.is_empty()) {
            printed.push_str(&r);
            self.ops().extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(size),
                },
                Op::SetTextCursor {
                    pos: point(rx, baseline),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(r)],
                },
                Op::EndTextSection,
            ]);
        }
        for (mx, mark) in marks {
            self.mark(mx, baseline, em, mark);
        }
        self.lines.push(PlacedLine {
            page,
            text: printed,
            width_mm,
            column_mm: column,
        });
    }

    /// ✓, ✗ or ☐ drawn in a square of 0.7 em standing on the baseline.
    fn mark(&mut self, x: f32, baseline: f32, em: f32, mark: char) {
        let side = 0.7 * em;
        let (left, right, top, bottom) =
            (x + 0.1 * em, x + 0.1 * em + side, baseline - side, baseline);
        let path = |points: &[(f32, f32)], closed: bool| Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|&(px, py)| LinePoint {
                        p: point(px, py),
                        bezier: false,
                    })
                    .collect(),
                is_closed: closed,
            },
        };
        let ops = match mark {
            '✓' => vec![path(
                &[
                    (left, top + 0.55 * side),
                    (left + 0.35 * side, bottom),
                    (right, top),
                ],
                false,
            )],
            '✗' => vec![
                path(&[(left, top), (right, bottom)], false),
                path(&[(left, bottom), (right, top)], false),
            ],
            _ => vec![path(
                &[(left, top), (right, top), (right, bottom), (left, bottom)],
                true,
            )],
        };
        self.ops().extend(ops);
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.ops().push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(x1, y1),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(x2, y2),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// Wrapped text across the content width (or from `indent`), flowing onto new pages.
    fn flow(&mut self, text: &str, size: f32, weight: Weight, indent: f32, muted: bool) {
        let column = CONTENT_WIDTH - indent;
        let lines = wrap(self.fonts.face(weight), text, size, column);
        if muted {
            self.ops().push(Op::SetFillColor { col: grey() });
        }
        for line in lines {
            self.need(line_height(size));
            let top = self.y;
            self.text_at(MARGIN_MM + indent, top, &line, size, weight, column);
            self.y += line_height(size);
        }
        if muted {
            self.ops().push(Op::SetFillColor { col: black() });
        }
    }

    fn table(&mut self, headers: &[String], widths: &[f32], rows: &[Vec<String>]) {
        let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
        let columns: Vec<f32> = widths.iter().map(|w| w / total * CONTENT_WIDTH).collect();
        let size = SMALL_PT + 1.0;
        let lh = line_height(size);
        let wrap_row = |fonts: &Fonts, cells: &[String], weight: Weight| -> Vec<Vec<String>> {
            columns
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = cells.get(i).map(String::as_str).unwrap_or_default();
                    wrap(fonts.face(weight), text, size, w - 2.0 * CELL_PAD_MM)
                })
                .collect()
        };
        let header = wrap_row(self.fonts, headers, Weight::Bold);
        // A table of label–value lines has no header row.
        let has_header = headers.iter().any(|h| !h.is_empty());
        let height_of = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD_MM
        };
        let header_height = if has_header { height_of(&header) } else { 0.0 };
        let draw_row = |cursor: &mut Cursor<'_>, cells: &[Vec<String>], weight: Weight| {
            let height = height_of(cells);
            let top = cursor.y;
            let mut x = MARGIN_MM;
            for (i, lines) in cells.iter().enumerate() {
                for (n, line) in lines.iter().enumerate() {
                    let line_top = top + CELL_PAD_MM + n as f32 * lh;
                    cursor.text_at(
                        x + CELL_PAD_MM,
                        line_top,
                        line,
                        size,
                        weight,
                        columns[i] - 2.0 * CELL_PAD_MM,
                    );
                }
                x += columns[i];
            }
            // Rules: the row's bottom and every column's sides.
            cursor.rule(
                MARGIN_MM,
                top + height,
                MARGIN_MM + CONTENT_WIDTH,
                top + height,
            );
            let mut x = MARGIN_MM;
            cursor.rule(x, top, x, top + height);
            for w in &columns {
                x += w;
                cursor.rule(x, top, x, top + height);
            }
            cursor.y += height;
        };
        let start_with_header = |cursor: &mut Cursor<'_>| {
            let top = cursor.y;
            cursor.rule(MARGIN_MM, top, MARGIN_MM + CONTENT_WIDTH, top);
            if has_header {
                draw_row(cursor, &header, Weight::Bold);
            }
        };
        self.need(header_height + lh + 2.0 * CELL_PAD_MM);
        start_with_header(self);
        for row in rows {
            let cells = wrap_row(self.fonts, row, Weight::Regular);
            let height = height_of(&cells);
            if self.y + height > BOTTOM {
                if height + header_height <= BOTTOM - MARGIN_MM {
                    self.new_page();
                    start_with_header(self);
                } else {
                    // A row taller than a page: its lines flow on, row by row.
                    for n in 0..cells.iter().map(Vec::len).max().unwrap_or(0) {
                        let slice: Vec<Vec<String>> = cells
                            .iter()
                            .map(|c| c.get(n).cloned().into_iter().collect())
                            .collect();
                        if self.y + height_of(&slice) > BOTTOM {
                            self.new_page();
                            start_with_header(self);
                        }
                        draw_row(self, &slice, Weight::Regular);
                    }
                    continue;
                }
            }
            draw_row(self, &cells, Weight::Regular);
        }
        self.y += 3.0;
    }

    /// The height a bar chart takes.
    fn bars_height(&self, bars: &[Bar]) -> f32 {
        (line_height(SMALL_PT + 1.0) + 1.6) * bars.len() as f32 + 3.0
    }

    /// Label, a filled bar proportional to the value, the value; a bar per row.
    fn bars(&mut self, bars: &[Bar]) {
        const LABEL_MM: f32 = 55.0;
        const VALUE_MM: f32 = 24.0;
        let size = SMALL_PT + 1.0;
        let row_height = line_height(size) + 1.6;
        let track = CONTENT_WIDTH - LABEL_MM - VALUE_MM - 4.0;
        let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
        // A chart that fits on a page is not cut across two.
        let whole = row_height * bars.len() as f32;
        if whole <= BOTTOM - MARGIN_MM {
            self.need(whole);
        }
        for bar in bars {
            self.need(row_height);
            let top = self.y;
            let label = wrap(
                self.fonts.face(Weight::Regular),
                &bar.label,
                size,
                LABEL_MM - 2.0,
            )
            .into_iter()
            .next()
            .unwrap_or_default();
            self.text_at(
                MARGIN_MM,
                top,
                &label,
                size,
                Weight::Regular,
                LABEL_MM - 2.0,
            );
            let length = if max > 0.0 {
                (bar.value / max) as f32 * track
            } else {
                0.0
            };
            let left = MARGIN_MM + LABEL_MM;
            if length > 0.0 {
                let (bar_top, bar_bottom) = (top + 0.6, top + row_height - 1.0);
                let corner = |x: f32, y: f32| LinePoint {
                    p: point(x, y),
                    bezier: false,
                };
                self.ops().extend([
                    Op::SetFillColor { col: bar_blue() },
                    Op::DrawPolygon {
                        polygon: Polygon {
                            rings: vec![PolygonRing {
                                points: vec![
                                    corner(left, bar_top),
                                    corner(left + length.max(0.4), bar_top),
                                    corner(left + length.max(0.4), bar_bottom),
                                    corner(left, bar_bottom),
                                ],
                            }],
                            mode: PaintMode::Fill,
                            winding_order: WindingOrder::NonZero,
                        },
                    },
                    Op::SetFillColor { col: black() },
                ]);
            }
            self.text_at(
                left + length + 2.0,
                top,
                &bar.shown,
                size,
                Weight::Bold,
                VALUE_MM,
            );
            self.y += row_height;
        }
        self.y += 3.0;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                self.y += 30.0;
                self.flow(text, TITLE_PT, Weight::Bold, 0.0, false);
                self.y += 6.0;
            }
            Block::Heading(text) => {
                self.need(line_height(HEADING_PT) + 3.0 * line_height(BODY_PT));
                self.y += 3.0;
                self.flow(text, HEADING_PT, Weight::Bold, 0.0, false);
                let y = self.y;
                self.rule(MARGIN_MM, y, MARGIN_MM + CONTENT_WIDTH, y);
                self.y += 3.0;
            }
            Block::Subheading(text) => {
                self.need(line_height(SUBHEADING_PT) + 2.0 * line_height(BODY_PT));
                self.y += 2.0;
                self.flow(text, SUBHEADING_PT, Weight::Bold, 0.0, false);
                self.y += 1.0;
            }
            Block::Paragraph(text) => {
                self.flow(text, BODY_PT, Weight::Regular, 0.0, false);
                self.y += 2.0;
            }
            Block::Note(text) => {
                self.flow(text, SMALL_PT, Weight::Regular, 0.0, true);
                self.y += 1.5;
            }
            Block::Field(label, value) => {
                let label_width = 55.0;
                let value_width = CONTENT_WIDTH - label_width;
                let labels = wrap(
                    self.fonts.face(Weight::Bold),
                    label,
                    BODY_PT,
                    label_width - 3.0,
                );
                let values = wrap(
                    self.fonts.face(Weight::Regular),
                    value,
                    BODY_PT,
                    value_width,
                );
                let lh = line_height(BODY_PT);
                for n in 0..labels.len().max(values.len()) {
                    self.need(lh);
                    let top = self.y;
                    if let Some(l) = labels.get(n) {
                        self.text_at(MARGIN_MM, top, l, BODY_PT, Weight::Bold, label_width - 3.0);
                    }
                    if let Some(v) = values.get(n) {
                        self.text_at(
                            MARGIN_MM + label_width,
                            top,
                            v,
                            BODY_PT,
                            Weight::Regular,
                            value_width,
                        );
                    }
                    self.y += lh;
                }
                self.y += 0.8;
            }
            Block::Table {
                headers,
                widths,
                rows,
            } => self.table(headers, widths, rows),
            Block::WritingLines(labels) => {
                for label in labels {
                    self.need(12.0);
                    self.y += 8.0;
                    let y = self.y;
                    let label_width = self.fonts.regular.width_mm(label, BODY_PT).min(70.0);
                    self.text_at(MARGIN_MM, y - 4.5, label, BODY_PT, Weight::Regular, 70.0);
                    self.rule(
                        MARGIN_MM + label_width + 2.0,
                        y,
                        MARGIN_MM + CONTENT_WIDTH,
                        y,
                    );
                    self.y += 2.0;
                }
                self.y += 2.0;
            }
            Block::Bars(bars) => self.bars(bars),
            Block::Spacer(mm) => self.y += mm,
            Block::PageBreak => {
                if self.y > MARGIN_MM {
                    self.new_page();
                }
            }
        }
    }
}

/// Lays the blocks out on A4 pages and adds the footer (`left` text, "X / Y", and
/// `second_line`) to every page.
pub fn lay_out(fonts: &Fonts, blocks: &[Block], left: &str, second_line: &str) -> Laid {
    let mut cursor = Cursor::new(fonts);
    cursor.ops().push(Op::SetOutlineThickness { pt: Pt(0.5) });
    for (i, block) in blocks.iter().enumerate() {
        // A heading stays with the chart under it (when both fit on a page).
        if let (Block::Heading(_) | Block::Subheading(_), Some(Block::Bars(bars))) =
            (block, blocks.get(i + 1))
        {
            let together = line_height(HEADING_PT) + 8.0 + cursor.bars_height(bars);
            if together <= BOTTOM - MARGIN_MM {
                cursor.need(together);
            }
        }
        cursor.block(block);
    }
    let total = cursor.pages.len();
    for index in 0..total {
        cursor.pages[index].insert(0, Op::SetOutlineThickness { pt: Pt(0.5) });
        let saved = std::mem::take(&mut cursor.pages);
        let mut footer = Cursor {
            fonts,
            pages: vec![Vec::new()],
            lines: Vec::new(),
            y: 0.0,
        };
        let top = PAGE_HEIGHT_MM - MARGIN_MM - FOOTER_MM + 6.0;
        footer.rule(MARGIN_MM, top - 1.5, MARGIN_MM + CONTENT_WIDTH, top - 1.5);
        footer.ops().push(Op::SetFillColor { col: grey() });
        let number = format!("{} / {total}", index + 1);
        let number_width = fonts.regular.width_mm(&number, SMALL_PT);
        let left_width = CONTENT_WIDTH - number_width - 5.0;
        let left_line = wrap(&fonts.regular, left, SMALL_PT, left_width)
            .into_iter()
            .next()
            .unwrap_or_default();
        footer.text_at(
            MARGIN_MM,
            top,
            &left_line,
            SMALL_PT,
            Weight::Bold,
            left_width,
        );
        footer.text_at(
            MARGIN_MM + CONTENT_WIDTH - number_width,
            top,
            &number,
            SMALL_PT,
            Weight::Regular,
            number_width,
        );
        let second = wrap(&fonts.regular, second_line, SMALL_PT, CONTENT_WIDTH)
            .into_iter()
            .next()
            .unwrap_or_default();
        footer.text_at(
            MARGIN_MM,
            top + line_height(SMALL_PT),
            &second,
            SMALL_PT,
            Weight::Regular,
            CONTENT_WIDTH,
        );
        footer.ops().push(Op::SetFillColor { col: black() });
        cursor.pages = saved;
        let footer_ops = footer.pages.pop().unwrap_or_default();
        cursor.pages[index].extend(footer_ops);
        cursor.lines.extend(
            footer
                .lines
                .into_iter()
                .map(|l| PlacedLine { page: index, ..l }),
        );
    }
    Laid {
        pages: cursor.pages,
        lines: cursor.lines,
    }
}

pub fn page_size() -> (Mm, Mm) {
    (Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM))
}
