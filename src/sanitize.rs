//! Text from the store is shown, never obeyed: control characters, escape sequences and
//! bidirectional overrides become visible placeholders before they reach the terminal.

use std::borrow::Cow;

/// The text with every character that could steer the terminal replaced by a visible one:
/// C0 controls by their Unicode pictures (`␛`, `␀`, …), DEL by `␡`, C1 controls and bidi
/// controls by `�`. Line breaks and tabs become `⏎` and `⇥`, since a cell holds one line.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_placeholder) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if needs_placeholder(c) {
                    placeholder(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

fn needs_placeholder(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn placeholder(c: char) -> char {
    match c {
        '\n' | '\r' => '⏎',
        '\t' => '⇥',
        '\u{7F}' => '␡',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        _ => '�',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(sanitize("Zoë 名前 👩‍💻"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(sanitize("a\u{1b}[31mred"), "a␛[31mred");
        assert_eq!(sanitize("x\u{0}y\u{7f}"), "x␀y␡");
        assert_eq!(sanitize("evil\u{202e}txt"), "evil�txt");
        assert_eq!(sanitize("one\ntwo\tthree"), "one⏎two⇥three");
        assert_eq!(sanitize("c1\u{9b}31m"), "c1�31m");
    }
}
