//! The structure of Vietnamese personal numbers: the 12-digit citizen identity number (CCCD /
//! personal identification number), the 9-digit identity card number (CMND) it replaced, tax
//! codes (MST) and phone numbers.

/// Province codes that open a 12-digit citizen identity number: the province where the birth
/// was registered. Source: the list annexed to Circular 07/2016/TT-BCA (Article 7: the number is
/// 3 digits of province code, 1 digit of century and sex, 2 digits of birth year and 6 random
/// digits), kept by Circular 59/2021/TT-BCA. The codes are "0" followed by the province codes
/// of the statistics office (Decision 124/2004/QD-TTg): 63 provinces, 001–096 with gaps.
/// Numbers already issued keep their code after the 2025 merger of provinces.
pub(crate) const CITIZEN_ID_PROVINCES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The oldest age taken as plausible for a living person.
const MAX_AGE: i32 = 110;

/// Mobile prefixes in use since the 2018 move from 11- to 10-digit mobile numbers
/// (the first three digits, with the leading 0).
const MOBILE_PREFIXES: &[&str] = &[
    "032", "033", "034", "035", "036", "037", "038", "039", "052", "055", "056", "058", "059",
    "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "087", "088",
    "089", "090", "091", "092", "093", "094", "095", "096", "097", "098", "099",
];

/// What a 12-digit number says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CitizenId {
    /// Not 12 digits.
    NotShaped,
    /// 12 digits without the structure (province, century and sex, plausible birth year).
    Unstructured,
    /// 12 digits with the structure.
    Structured,
}

/// Reads a 12-digit citizen identity number (spaces and dots allowed; a number that lost its
/// leading zero in a spreadsheet, 11 digits, is read with it).
pub(crate) fn citizen_id(value: &str, now_year: i32) -> CitizenId {
    let digits = compact_digits(value);
    let digits = match digits.len() {
        12 => digits,
        11 => format!("0{digits}"),
        _ => return CitizenId::NotShaped,
    };
    let province = &digits[..3];
    let century_sex = digits.as_bytes()[3] - b'0';
    let Ok(yy) = digits[4..6].parse::<i32>() else {
        return CitizenId::Unstructured;
    };
    // 0/1: 20th century (male/female), 2/3: 21st, 4/5: 22nd, 6/7: 23rd, 8/9: 24th.
    let year = 1900 + 100 * (century_sex as i32 / 2) + yy;
    let known_province = CITIZEN_ID_PROVINCES
        .iter()
        .any(|(code, _)| *code == province);
    if known_province && (now_year - MAX_AGE..=now_year).contains(&year) {
        CitizenId::Structured
    } else {
        CitizenId::Unstructured
    }
}

/// True for a 9-digit identity card number (not one digit repeated).
pub(crate) fn old_id_card(value: &str) -> bool {
    let digits = compact_digits(value);
    digits.len() == 9 && digits.bytes().any(|b| b != digits.as_bytes()[0])
}

/// True for a tax code with a valid check digit: 10 digits, or 13 as `NNNNNNNNNN-NNN` (a
/// branch). The tenth digit is `10 − (Σ wᵢ·dᵢ mod 11)` with weights 31, 29, 23, 19, 17, 13, 7,
/// 5, 3; digits 3–9 are not all zero, and a branch number is not `000`.
pub(crate) fn tax_code(value: &str) -> bool {
    let compact: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    if !compact.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match compact.len() {
        10 => tax_check_digit_ok(&compact),
        13 => tax_check_digit_ok(&compact[..10]) && &compact[10..] != "000",
        _ => false,
    }
}

/// The tax-code check digit rule on ten digits.
pub(crate) fn tax_check_digit_ok(ten: &str) -> bool {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let digits: Vec<u32> = ten.bytes().map(|b| (b - b'0') as u32).collect();
    if digits.len() != 10 || digits[2..9].iter().all(|&d| d == 0) {
        return false;
    }
    let total: u32 = WEIGHTS.iter().zip(&digits).map(|(w, d)| w * d).sum();
    let check = 10 - total % 11;
    check < 10 && digits[9] == check
}

/// What a phone-like value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phone {
    /// A 10-digit mobile number (`0` or `+84` then a mobile prefix).
    Mobile,
    /// A mobile number that lost its leading zero (stored as a number in a spreadsheet).
    MobileWithoutZero,
    /// An 11-digit landline number (area codes `02x` since the 2017 change).
    Landline,
}

/// Reads a Vietnamese phone number written with spaces, dots, dashes or parentheses, in the
/// national (`0…`) or international (`+84…`, `0084…`, `84…`) form.
pub(crate) fn phone(value: &str) -> Option<Phone> {
    let value = value.trim();
    let international = value.starts_with('+');
    let digits: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '+'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let national = if let Some(rest) = digits.strip_prefix("0084") {
        format!("0{rest}")
    } else if let Some(rest) = digits
        .strip_prefix("84")
        .filter(|r| (international || r.len() == 9 || r.len() == 10) && !r.starts_with('0'))
    {
        format!("0{rest}")
    } else if international {
        return None;
    } else {
        digits
    };
    let mobile = |n: &str| n.len() == 10 && MOBILE_PREFIXES.contains(&&n[..3]);
    if mobile(&national) {
        Some(Phone::Mobile)
    } else if national.len() == 11 && national.starts_with("02") {
        Some(Phone::Landline)
    } else if national.len() == 9 && mobile(&format!("0{national}")) {
        Some(Phone::MobileWithoutZero)
    } else {
        None
    }
}

/// The digits of a number written with spaces or dots between groups; empty when anything
/// else is in it.
pub(crate) fn compact_digits(value: &str) -> String {
    let compact: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.'))
        .collect();
    if compact.bytes().all(|b| b.is_ascii_digit()) {
        compact
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_three_province_codes() {
        assert_eq!(CITIZEN_ID_PROVINCES.len(), 63);
        let mut codes: Vec<&str> = CITIZEN_ID_PROVINCES.iter().map(|(c, _)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert_eq!(codes.first(), Some(&"001"));
        assert_eq!(codes.last(), Some(&"096"));
    }

    #[test]
    fn citizen_id_structure() {
        // Hà Nội, male born 1990.
        assert_eq!(citizen_id("001090012345", 2026), CitizenId::Structured);
        // Hồ Chí Minh, female born 2003, written in groups.
        assert_eq!(citizen_id("079 303 004 567", 2026), CitizenId::Structured);
        // Stored as a number: the leading zero is gone.
        assert_eq!(citizen_id("38185001234", 2026), CitizenId::Structured);
        // 003 is not a province code.
        assert_eq!(citizen_id("003090012345", 2026), CitizenId::Unstructured);
        // Born in 2090: not yet.
        assert_eq!(citizen_id("001290012345", 2026), CitizenId::Unstructured);
        // Born in 1905: too old.
        assert_eq!(citizen_id("001005012345", 2026), CitizenId::Unstructured);
        assert_eq!(citizen_id("12345", 2026), CitizenId::NotShaped);
        assert_eq!(citizen_id("00109001234A", 2026), CitizenId::NotShaped);
    }

    #[test]
    fn tax_codes_need_their_check_digit() {
        assert!(tax_code("0100233488"));
        assert!(tax_code("0314409058-002"));
        assert!(tax_code("0314409058002"));
        assert!(tax_code("01.00.233.488"));
        assert!(!tax_code("0100233480"));
        assert!(!tax_code("0314409058-000"));
        assert!(!tax_code("0100000000"));
        assert!(!tax_code("010023348"));
        assert!(!tax_code("01002334881"));
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(phone("0912 345 678"), Some(Phone::Mobile));
        assert_eq!(phone("+84 912.345.678"), Some(Phone::Mobile));
        assert_eq!(phone("84912345678"), Some(Phone::Mobile));
        assert_eq!(phone("0084-386-123-456"), Some(Phone::Mobile));
        assert_eq!(phone("(024) 3825 1234"), Some(Phone::Landline));
        assert_eq!(phone("+84 24 3825 1234"), Some(Phone::Landline));
        assert_eq!(phone("912345678"), Some(Phone::MobileWithoutZero));
        // 031 and 010 are not mobile prefixes; 12345 is nothing.
        assert_eq!(phone("0312345678"), None);
        assert_eq!(phone("0101234567"), None);
        assert_eq!(phone("12345"), None);
        assert_eq!(phone("+1 202 555 0100"), None);
        assert_eq!(phone("09a2345678"), None);
    }

    #[test]
    fn old_id_cards() {
        assert!(old_id_card("012345678"));
        assert!(old_id_card("012 345 678"));
        assert!(!old_id_card("000000000"));
        assert!(!old_id_card("01234567"));
    }
}
