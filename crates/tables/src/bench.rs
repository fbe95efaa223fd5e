//! Inputs for benchmarks (`dulieu bench tables`): a deterministic CSV of any size, shaped like
//! published statistics. The benchmark times [`crate::ingest`] on it; nothing here measures time.

use std::io::{self, Write};

const PROVINCES: &[&str] = &[
    "Hà Nội",
    "Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Quảng Ninh",
    "Nghệ An",
    "Thanh Hóa",
    "Đồng Nai",
    "Bình Dương",
    "Khánh Hòa",
    "Lâm Đồng",
    "Gia Lai",
    "Đắk Lắk",
    "An Giang",
];
const SECTORS: &[&str] = &[
    "Nông nghiệp",
    "Công nghiệp",
    "Xây dựng",
    "Dịch vụ",
    "Giáo dục",
    "Y tế",
];

/// Column names of the synthetic CSV.
pub const SYNTHETIC_COLUMNS: [&str; 7] = [
    "id",
    "tinh",
    "nganh",
    "ngay",
    "so_lieu",
    "ty_le",
    "chinh_thuc",
];

/// A small deterministic generator (64-bit LCG), so runs compare.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Writes a comma-separated file of `rows` rows plus a header: an integer id, a province, a
/// sector, a `dd/mm/yyyy` date, an integer count, a decimal rate (`-` now and then for missing)
/// and a boolean. Returns the bytes written.
pub fn write_synthetic_csv(out: &mut impl Write, rows: u64) -> io::Result<u64> {
    let mut out = CountingWriter {
        inner: out,
        bytes: 0,
    };
    writeln!(out, "{}", SYNTHETIC_COLUMNS.join(","))?;
    let mut rng = Lcg(0x5EED);
    for id in 1..=rows {
        let province = PROVINCES[(rng.next() % PROVINCES.len() as u64) as usize];
        let sector = SECTORS[(rng.next() % SECTORS.len() as u64) as usize];
        let day = 1 + rng.next() % 28;
        let month = 1 + rng.next() % 12;
        let year = 2015 + rng.next() % 10;
        let count = rng.next() % 1_000_000;
        let rate = rng.next() % 10_000;
        let official = rng.next().is_multiple_of(2);
        write!(
            out,
            "{id},{province},{sector},{day:02}/{month:02}/{year},{count},"
        )?;
        if rate.is_multiple_of(97) {
            out.write_all(b"-")?;
        } else {
            write!(out, "{}.{:02}", rate / 100, rate % 100)?;
        }
        writeln!(out, ",{official}")?;
    }
    out.flush()?;
    Ok(out.bytes)
}

struct CountingWriter<'a, W> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_csv_is_deterministic_and_sized() {
        let mut first = Vec::new();
        let bytes = write_synthetic_csv(&mut first, 100).unwrap();
        assert_eq!(bytes as usize, first.len());
        let mut second = Vec::new();
        write_synthetic_csv(&mut second, 100).unwrap();
        assert_eq!(first, second);
        let text = String::from_utf8(first).unwrap();
        assert_eq!(text.lines().count(), 101);
        assert!(text.starts_with("id,tinh,nganh,ngay,so_lieu,ty_le,chinh_thuc\n1,"));
    }
}
