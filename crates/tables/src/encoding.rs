//! Text encodings: detection from the bytes, and a reader that turns any of them into UTF-8.
//!
//! Detected, in order:
//! 1. a byte-order mark: UTF-8, UTF-16 LE or BE;
//! 2. UTF-16 without a mark, when one byte of each pair is mostly zero (text that is mostly ASCII);
//! 3. UTF-8, when the sample is valid UTF-8 (a character cut at the end of the sample is fine);
//! 4. otherwise a legacy Vietnamese encoding: the sample is decoded as Windows-1258 and as TCVN3
//!    (ABC), and the one whose words look more like Vietnamese syllables wins (see
//!    [`crate::tcvn3::vietnamese_score`]); ties go to Windows-1258, which also reads Western
//!    European text. When neither decoding looks Vietnamese the choice is reported as a guess.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::tcvn3;

/// The text encoding of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8 (with or without a byte-order mark).
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16, little-endian.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Windows-1258, the Windows code page for Vietnamese.
    #[serde(rename = "windows-1258")]
    Windows1258,
    /// TCVN3 (TCVN 5712:1993, the "ABC" fonts).
    #[serde(rename = "tcvn3")]
    Tcvn3,
}

impl TextEncoding {
    /// The encoding's name as stored (`utf-8`, `windows-1258`, `tcvn3`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf16Le => "utf-16le",
            Self::Utf16Be => "utf-16be",
            Self::Windows1258 => "windows-1258",
            Self::Tcvn3 => "tcvn3",
        }
    }
}

/// What detection found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detected {
    pub encoding: TextEncoding,
    /// Length of the byte-order mark to skip.
    pub bom: usize,
    /// The other candidate when the choice was a guess.
    pub guessed_over: Option<TextEncoding>,
}

/// Detects the encoding of the first bytes of a file.
pub(crate) fn detect(sample: &[u8]) -> Detected {
    let found = |encoding, bom| Detected {
        encoding,
        bom,
        guessed_over: None,
    };
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return found(TextEncoding::Utf8, 3);
    }
    if sample.starts_with(b"\xFF\xFE") {
        return found(TextEncoding::Utf16Le, 2);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return found(TextEncoding::Utf16Be, 2);
    }
    if let Some(utf16) = bomless_utf16(sample) {
        return found(utf16, 0);
    }
    if is_utf8_prefix(sample) {
        return found(TextEncoding::Utf8, 0);
    }
    legacy_vietnamese(sample)
}

/// UTF-16 without a byte-order mark: in mostly-ASCII text one byte of each pair is zero.
fn bomless_utf16(sample: &[u8]) -> Option<TextEncoding> {
    let pairs = sample.len().min(8192) / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even_zeros, mut odd_zeros) = (0, 0);
    for pair in sample[..pairs * 2].chunks_exact(2) {
        even_zeros += usize::from(pair[0] == 0);
        odd_zeros += usize::from(pair[1] == 0);
    }
    let mostly = |zeros: usize| zeros * 10 >= pairs * 6;
    let rarely = |zeros: usize| zeros * 20 <= pairs;
    if mostly(odd_zeros) && rarely(even_zeros) {
        Some(TextEncoding::Utf16Le)
    } else if mostly(even_zeros) && rarely(odd_zeros) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Valid UTF-8, allowing a character cut by the end of the sample.
fn is_utf8_prefix(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none() && sample.len() - err.valid_up_to() < 4,
    }
}

fn legacy_vietnamese(sample: &[u8]) -> Detected {
    let (cp1258, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(sample);
    let mut tcvn = Vec::with_capacity(sample.len() * 2);
    tcvn3::decode_into(sample, &mut tcvn);
    let tcvn = String::from_utf8_lossy(&tcvn);
    let cp1258_score = tcvn3::vietnamese_score(&cp1258);
    let tcvn_score = tcvn3::vietnamese_score(&tcvn);
    let (encoding, other, winning_score) = if tcvn_score > cp1258_score {
        (TextEncoding::Tcvn3, TextEncoding::Windows1258, tcvn_score)
    } else {
        (TextEncoding::Windows1258, TextEncoding::Tcvn3, cp1258_score)
    };
    Detected {
        encoding,
        bom: 0,
        guessed_over: (winning_score <= 0).then_some(other),
    }
}

/// Counts the bytes read through it; the count is shared with a [`ByteCounter`].
pub(crate) struct CountingReader<R> {
    inner: R,
    counter: ByteCounter,
}

/// A handle on the bytes read so far by a [`CountingReader`].
#[derive(Debug, Clone, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl<R: Read> CountingReader<R> {
    /// Counts into `counter`, from zero.
    pub fn new(inner: R, counter: &ByteCounter) -> Self {
        counter.0.store(0, Ordering::Relaxed);
        Self {
            inner,
            counter: counter.clone(),
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

enum Decoder {
    /// UTF-8 already: read straight through (invalid sequences are handled per record later).
    Utf8,
    Rs(encoding_rs::Decoder),
    Tcvn3,
}

/// Reads a file in any [`TextEncoding`] as UTF-8, skipping the byte-order mark.
pub(crate) struct DecodeReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    output_pos: usize,
    bom_left: usize,
    eof: bool,
    /// Compose decoded text to NFC (Windows-1258).
    compose: bool,
    /// Decoded text held back until the next chunk (composition).
    carry: String,
    /// Bytes that had no character in the encoding were replaced (U+FFFD).
    pub replaced: bool,
}

const CHUNK: usize = 64 * 1024;

impl<R: Read> DecodeReader<R> {
    pub fn new(inner: R, detected: Detected) -> Self {
        let decoder = match detected.encoding {
            TextEncoding::Utf8 => Decoder::Utf8,
            TextEncoding::Utf16Le => {
                Decoder::Rs(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            TextEncoding::Utf16Be => {
                Decoder::Rs(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            TextEncoding::Windows1258 => {
                Decoder::Rs(encoding_rs::WINDOWS_1258.new_decoder_without_bom_handling())
            }
            TextEncoding::Tcvn3 => Decoder::Tcvn3,
        };
        Self {
            inner,
            decoder,
            input: vec![0; CHUNK],
            output: Vec::with_capacity(CHUNK * 3),
            output_pos: 0,
            bom_left: detected.bom,
            eof: false,
            compose: detected.encoding == TextEncoding::Windows1258,
            carry: String::new(),
            replaced: false,
        }
    }

    /// Refills the output buffer; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.output.clear();
        self.output_pos = 0;
        while self.output.is_empty() && !self.eof {
            let n = self.inner.read(&mut self.input)?;
            if n == 0 {
                self.eof = true;
            }
            let start = self.bom_left.min(n);
            self.bom_left -= start;
            let chunk = &self.input[start..n];
            match &mut self.decoder {
                Decoder::Utf8 => self.output.extend_from_slice(chunk),
                Decoder::Tcvn3 => tcvn3::decode_into(chunk, &mut self.output),
                Decoder::Rs(decoder) => {
                    let mut consumed = 0;
                    loop {
                        let need = decoder
                            .max_utf8_buffer_length(chunk.len() - consumed)
                            .unwrap_or(CHUNK * 4);
                        let before = self.output.len();
                        self.output.resize(before + need, 0);
                        let (result, read, written, replaced) = decoder.decode_to_utf8(
                            &chunk[consumed..],
                            &mut self.output[before..],
                            self.eof,
                        );
                        self.output.truncate(before + written);
                        self.replaced |= replaced;
                        consumed += read;
                        if result == encoding_rs::CoderResult::InputEmpty {
                            break;
                        }
                    }
                    if self.compose {
                        self.compose_output();
                    }
                }
            }
        }
        Ok(!self.output.is_empty())
    }

    /// Composes the decoded text (NFC): Windows-1258 writes tones as combining marks. The last
    /// character waits for the next chunk, where its marks may be.
    fn compose_output(&mut self) {
        let mut text = std::mem::take(&mut self.carry);
        text.push_str(&String::from_utf8_lossy(&self.output));
        let keep_from = if self.eof {
            text.len()
        } else {
            text.char_indices().next_back().map_or(0, |(at, _)| at)
        };
        self.carry = text[keep_from..].to_owned();
        self.output.clear();
        self.output
            .extend(text[..keep_from].nfc().collect::<String>().bytes());
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Decoder::Utf8 = self.decoder {
            // Straight into `buf`, past the byte-order mark.
            loop {
                let n = self.inner.read(buf)?;
                let skip = self.bom_left.min(n);
                self.bom_left -= skip;
                if n == 0 || n > skip {
                    if skip > 0 {
                        buf.copy_within(skip..n, 0);
                    }
                    return Ok(n - skip);
                }
            }
        }
        if self.output_pos >= self.output.len() && !self.fill()? {
            return Ok(0);
        }
        let available = &self.output[self.output_pos..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.output_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> (TextEncoding, String) {
        let detected = detect(bytes);
        let mut out = String::new();
        DecodeReader::new(bytes, detected)
            .read_to_string(&mut out)
            .unwrap();
        (detected.encoding, out)
    }

    const TEXT: &str = "Tỉnh;Dân số\nHà Nội;8.435,7\nĐà Nẵng;1.220,2\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(read_all(TEXT.as_bytes()), (TextEncoding::Utf8, TEXT.into()));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(TEXT.as_bytes());
        assert_eq!(read_all(&with_bom), (TextEncoding::Utf8, TEXT.into()));
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend_from_slice(&be);
        assert_eq!(read_all(&le_bom), (TextEncoding::Utf16Le, TEXT.into()));
        assert_eq!(read_all(&be_bom), (TextEncoding::Utf16Be, TEXT.into()));
        assert_eq!(read_all(&le), (TextEncoding::Utf16Le, TEXT.into()));
        assert_eq!(read_all(&be), (TextEncoding::Utf16Be, TEXT.into()));
    }

    #[test]
    fn windows_1258_is_told_from_tcvn3() {
        let cp1258 = tcvn3::encode_windows_1258(TEXT);
        assert!(!cp1258.contains(&b'?'));
        let (encoding, text) = read_all(&cp1258);
        assert_eq!(encoding, TextEncoding::Windows1258);
        // Tones written as combining marks come out composed.
        assert_eq!(text, TEXT);

        let (encoding, text) = read_all(&tcvn3::encode(TEXT));
        assert_eq!(encoding, TextEncoding::Tcvn3);
        assert_eq!(text, TEXT);
    }

    #[test]
    fn a_cut_character_at_the_end_of_the_sample_is_still_utf8() {
        let bytes = "Hà Nội".as_bytes();
        assert_eq!(
            detect(&bytes[..bytes.len() - 1]).encoding,
            TextEncoding::Utf8
        );
    }

    #[test]
    fn the_counter_sees_every_byte() {
        let counter = ByteCounter::default();
        let mut reader = CountingReader::new(&b"abcdef"[..], &counter);
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(counter.get(), 6);
    }
}
