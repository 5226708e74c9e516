//! Files embedded in the binary, shared by the window and the PDF packs.

/// Noto Sans (SIL OFL 1.1, assets/fonts/OFL.txt): Azerbaijani, Cyrillic and ₼, embedded so
/// that neither the window nor a printed pack depends on the fonts of the laptop (a fresh
/// Windows or Wine profile may have none).
pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
pub const ICON_PNG: &[u8] = include_bytes!("../assets/icons/yuva-64.png");
