//! Progress bars on standard error (drawn only when it is a terminal), in one style.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps drawn with `template` (an indicatif template); the default bar if the
/// template does not parse.
pub fn bar(template: &str, len: u64) -> ProgressBar {
    ProgressBar::new(len).with_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}
