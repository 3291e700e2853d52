// Test helpers fail loudly on purpose.
#![allow(clippy::unwrap_used)]

use domain::{PostContent, PostTitle, UserName};
use regex::Regex;

use super::*;

/// Strings at the edges of the domain's rules: whitespace of every kind,
/// control characters, line breaks, non-ASCII text.
const SAMPLES: &[&str] = &[
    "Ada",
    "  Ada  ",
    "Ada Lovelace",
    "é",
    "日本語",
    "",
    " ",
    "\t",
    "\u{3000}",
    "\u{a0}Ada\u{2003}",
    "\u{85}Ada",
    "Ada\u{85}x",
    "Ada\nLovelace",
    "Ada\n",
    "\nAda",
    "Ada\tLovelace",
    "Ada\r\nLovelace",
    "Ada\u{0}",
    "Ada\u{7}",
    "Ada\u{7f}",
    "Ada\u{9f}",
    "Ada\u{b}x",
    "\u{1b}[31mred",
    "line one\nline two",
    "\n\n",
    "\t\tindented",
    "x\u{2028}y",
    "🦀 crab",
    "Ada\u{200B}",
    "\u{200B}",
    "\u{FEFF}Ada",
    "Ada\u{202E}x",
    "\u{2066}Ada\u{2069}",
    "Ada\u{E0041}\u{E007F}",
    "\u{3164}",
    "Ada \u{3164}",
    "\u{2800}",
    "Ada\u{E000}",
    "Ada\u{F0000}",
    "Cafe\u{301}",
    "❤\u{FE0F}",
];

fn matches(pattern: &str, text: &str) -> bool {
    Regex::new(pattern).unwrap().is_match(text)
}

/// Within the length limits, the pattern accepts exactly what the domain does.
#[test]
fn the_one_line_pattern_agrees_with_names_and_titles() {
    let pattern = one_line_pattern();
    for sample in SAMPLES {
        assert_eq!(
            matches(&pattern, sample),
            UserName::parse(*sample).is_ok(),
            "name {sample:?}"
        );
        assert_eq!(
            matches(&pattern, sample),
            PostTitle::parse(*sample).is_ok(),
            "title {sample:?}"
        );
    }
}

#[test]
fn the_multi_line_pattern_agrees_with_post_content() {
    let pattern = multi_line_pattern();
    for sample in SAMPLES {
        assert_eq!(
            matches(&pattern, sample),
            PostContent::parse(*sample).is_ok(),
            "content {sample:?}"
        );
    }
}
