//! TCVN3 (TCVN 5712:1993, the "ABC" font encoding): the byte table and a test of whether a
//! decoding looks like Vietnamese.
//!
//! TCVN3 is not in `encoding_rs`. Bytes below 0x80 are ASCII. Bytes 0x80–0xFF map as in the
//! VN1 variant of the standard (the C0 control range, where VN1 puts a few capitals, is left as
//! controls: files from the ABC fonts never use it). Capitals written with an upper-case ABC font
//! (`.VnTimeH`) share the bytes of the small letters and so decode as small letters; that
//! information is in the font, not in the bytes.

use unicode_normalization::UnicodeNormalization;

/// Characters of bytes 0x80–0xFF in TCVN3.
const HIGH: [char; 128] = [
    '\u{C0}', '\u{1EA2}', '\u{C3}', '\u{C1}', '\u{1EA0}', '\u{1EB6}', '\u{1EAC}',
    '\u{C8}', // 0x80
    '\u{1EBA}', '\u{1EBC}', '\u{C9}', '\u{1EB8}', '\u{1EC6}', '\u{CC}', '\u{1EC8}',
    '\u{128}', // 0x88
    '\u{CD}', '\u{1ECA}', '\u{D2}', '\u{1ECE}', '\u{D5}', '\u{D3}', '\u{1ECC}',
    '\u{1ED8}', // 0x90
    '\u{1EDC}', '\u{1EDE}', '\u{1EE0}', '\u{1EDA}', '\u{1EE2}', '\u{D9}', '\u{1EE6}',
    '\u{168}', // 0x98
    '\u{A0}', '\u{102}', '\u{C2}', '\u{CA}', '\u{D4}', '\u{1A0}', '\u{1AF}',
    '\u{110}', // 0xA0
    '\u{103}', '\u{E2}', '\u{EA}', '\u{F4}', '\u{1A1}', '\u{1B0}', '\u{111}',
    '\u{1EB0}', // 0xA8
    '\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}', '\u{E0}', '\u{1EA3}',
    '\u{E3}', // 0xB0
    '\u{E1}', '\u{1EA1}', '\u{1EB2}', '\u{1EB1}', '\u{1EB3}', '\u{1EB5}', '\u{1EAF}',
    '\u{1EB4}', // 0xB8
    '\u{1EAE}', '\u{1EA6}', '\u{1EA8}', '\u{1EAA}', '\u{1EA4}', '\u{1EC0}', '\u{1EB7}',
    '\u{1EA7}', // 0xC0
    '\u{1EA9}', '\u{1EAB}', '\u{1EA5}', '\u{1EAD}', '\u{E8}', '\u{1EC2}', '\u{1EBB}',
    '\u{1EBD}', // 0xC8
    '\u{E9}', '\u{1EB9}', '\u{1EC1}', '\u{1EC3}', '\u{1EC5}', '\u{1EBF}', '\u{1EC7}',
    '\u{EC}', // 0xD0
    '\u{1EC9}', '\u{1EC4}', '\u{1EBE}', '\u{1ED2}', '\u{129}', '\u{ED}', '\u{1ECB}',
    '\u{F2}', // 0xD8
    '\u{1ED4}', '\u{1ECF}', '\u{F5}', '\u{F3}', '\u{1ECD}', '\u{1ED3}', '\u{1ED5}',
    '\u{1ED7}', // 0xE0
    '\u{1ED1}', '\u{1ED9}', '\u{1EDD}', '\u{1EDF}', '\u{1EE1}', '\u{1EDB}', '\u{1EE3}',
    '\u{F9}', // 0xE8
    '\u{1ED6}', '\u{1EE7}', '\u{169}', '\u{FA}', '\u{1EE5}', '\u{1EEB}', '\u{1EED}',
    '\u{1EEF}', // 0xF0
    '\u{1EE9}', '\u{1EF1}', '\u{1EF3}', '\u{1EF7}', '\u{1EF9}', '\u{FD}', '\u{1EF5}',
    '\u{1ED0}', // 0xF8
];

/// The character of one TCVN3 byte.
pub(crate) fn decode_byte(byte: u8) -> char {
    if byte < 0x80 {
        char::from(byte)
    } else {
        HIGH[usize::from(byte - 0x80)]
    }
}

/// Appends the UTF-8 of TCVN3 `bytes` to `out`.
pub(crate) fn decode_into(bytes: &[u8], out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    for &byte in bytes {
        if byte < 0x80 {
            out.push(byte);
        } else {
            out.extend_from_slice(decode_byte(byte).encode_utf8(&mut buf).as_bytes());
        }
    }
}

/// Encodes text into TCVN3 (characters it cannot hold become `?`). For tests and fixtures.
pub fn encode(text: &str) -> Vec<u8> {
    text.nfc()
        .map(|ch| {
            if ch.is_ascii() {
                ch as u8
            } else {
                HIGH.iter()
                    .position(|&c| c == ch)
                    .map_or(b'?', |i| 0x80 + i as u8)
            }
        })
        .collect()
}

/// Combining tone marks of Vietnamese (grave, acute, tilde, hook above, dot below).
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
/// Combining marks that make the vowels ă, â, ê, ô, ơ, ư.
const VOWEL_MARKS: [char; 3] = ['\u{302}', '\u{306}', '\u{31B}'];

/// How Vietnamese a text looks: words with non-ASCII letters that are well-formed Vietnamese
/// syllables (letters of the Vietnamese alphabet, at most one tone mark) count +1, other words
/// with non-ASCII characters −1. Used to choose between legacy encodings.
pub(crate) fn vietnamese_score(text: &str) -> i64 {
    let mut score = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_ascii_punctuation()) {
        if word.is_ascii() {
            continue;
        }
        score += if is_vietnamese_syllable(word) { 1 } else { -1 };
    }
    score
}

/// A word of Vietnamese letters: tone marks only on vowels and at most one, vowel marks
/// (circumflex, breve, horn) only on a, e, o, u.
fn is_vietnamese_syllable(word: &str) -> bool {
    let mut tones = 0;
    let mut base: Option<char> = None;
    for ch in word.nfd() {
        if ch.is_ascii_alphabetic() || ch == 'đ' || ch == 'Đ' {
            base = Some(ch.to_ascii_lowercase());
        } else if TONES.contains(&ch) {
            tones += 1;
            if tones > 1 || !base.is_some_and(|b| "aeiouy".contains(b)) {
                return false;
            }
        } else if VOWEL_MARKS.contains(&ch) {
            if !base.is_some_and(|b| "aeou".contains(b)) {
                return false;
            }
        } else {
            return false;
        }
    }
    true
}

/// Encodes text into Windows-1258 the way Vietnamese Windows software writes it: letters with a
/// circumflex, breve or horn precomposed, tone marks as combining characters (characters it
/// cannot hold become `?`). For tests and fixtures.
pub fn encode_windows_1258(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let push = |text: &str, out: &mut Vec<u8>| {
        for ch in text.chars() {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(ch.encode_utf8(&mut buf));
            if unmappable {
                out.push(b'?');
            } else {
                out.extend_from_slice(&bytes);
            }
        }
    };
    // Each letter with its marks: the vowel marks composed into it, the tone written after.
    let mut letter = String::new();
    let mut tones = String::new();
    for ch in text.nfd().chain(std::iter::once('\0')) {
        if TONES.contains(&ch) {
            tones.push(ch);
        } else if VOWEL_MARKS.contains(&ch) {
            letter.push(ch);
        } else {
            push(&letter.nfc().collect::<String>(), &mut out);
            push(&tones, &mut out);
            letter.clear();
            tones.clear();
            if ch != '\0' {
                letter.push(ch);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let mut out = Vec::new();
        decode_into(bytes, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decodes_the_abc_letters() {
        // "Hà Nội", "Việt Nam", "Đà Nẵng" as the ABC fonts write them.
        assert_eq!(decode(b"H\xb5 N\xe9i"), "Hà Nội");
        assert_eq!(decode(b"Vi\xd6t Nam"), "Việt Nam");
        assert_eq!(decode(b"\xa7\xb5 N\xbdng"), "Đà Nẵng");
        assert_eq!(decode(b"d\xad\xeang"), "dường");
    }

    #[test]
    fn encode_is_the_inverse_of_decode_for_vietnamese_text() {
        let text = "Tổng cục Thống kê: dân số trung bình phân theo địa phương";
        assert_eq!(decode(&encode(text)), text);
    }

    #[test]
    fn windows_1258_keeps_tones_as_combining_marks() {
        let bytes = encode_windows_1258("Hà Nội");
        assert_eq!(bytes, b"Ha\xCC N\xF4\xF2i");
        let (decoded, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(&bytes);
        assert_eq!(decoded.nfc().collect::<String>(), "Hà Nội");
    }

    #[test]
    fn vietnamese_text_scores_above_mojibake() {
        assert!(vietnamese_score("Dân số trung bình của Hà Nội") > 0);
        // TCVN3 bytes read as Windows-1258 give symbols inside words.
        assert!(vietnamese_score("D©n sè trung b×nh cña Hµ Néi") < 0);
        // Two tone marks in one word is not a syllable.
        assert!(vietnamese_score("Nụũi") < 0);
        assert_eq!(vietnamese_score("plain ASCII only"), 0);
    }
}
