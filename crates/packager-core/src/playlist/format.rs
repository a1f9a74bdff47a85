//! Value formatting for playlist lines (RFC 8216bis §4.2 attribute value types).
//!
//! Every helper is a `Display` wrapper so lines are written straight into the output
//! buffer. None of them can fail or panic, whatever the input: out-of-domain numbers are
//! clamped and characters a playlist must not contain are percent-encoded.

use std::fmt::{self, Display, Formatter, Write};

/// Tolerance for comparing seconds that went through float sums (e.g. `3.0 * 0.2`
/// is `0.6000000000000001`); far below the 5-decimal precision we print.
pub(crate) const EPS: f64 = 1e-6;

/// Seconds usable in arithmetic: NaN, infinities and negatives become 0.
pub(crate) fn seconds(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        0.0
    }
}

/// A `decimal-floating-point` (§4.2): at most 5 decimals, trailing zeros trimmed but
/// one decimal kept (`0.2`, `1.0`, `4.00008`) — the style of the RFC's own examples.
/// Non-finite or negative values print as `0.0` (the type is non-negative).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal(pub f64);

impl Display for Decimal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let text = format!("{:.5}", seconds(self.0));
        let trimmed = text.trim_end_matches('0');
        if trimmed.ends_with('.') {
            write!(f, "{trimmed}0")
        } else {
            f.write_str(trimmed)
        }
    }
}

/// Writes `s` with the characters a playlist line cannot carry percent-encoded: `"`
/// (would end a quoted-string, §4.2), and the control characters §4.1 forbids (CR/LF
/// would split the line). Meant for URIs, where percent-encoding is the right escape.
fn write_sanitized(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    for c in s.chars() {
        if c == '"' || c.is_control() {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                write!(f, "%{byte:02X}")?;
            }
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

/// A `quoted-string` attribute value (§4.2), double quotes included.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quoted<'a>(pub &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        write_sanitized(f, self.0)?;
        f.write_char('"')
    }
}

/// A URI line (segment or variant playlist URI): sanitized so it stays one line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UriLine<'a>(pub &'a str);

impl Display for UriLine<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_sanitized(f, self.0)
    }
}

/// `YES` / `NO` enumerated-string.
pub(crate) fn yes_no(flag: bool) -> &'static str {
    if flag {
        "YES"
    } else {
        "NO"
    }
}

/// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in ms since the epoch: the
/// range a 4-digit ISO 8601 year can express; values outside are clamped.
const MIN_MS: i64 = -62_167_219_200_000;
const MAX_MS: i64 = 253_402_300_799_999;
const MS_PER_DAY: i64 = 86_400_000;

/// Proleptic Gregorian (year, month, day) of a day count relative to 1970-01-01.
///
/// Works in 400-year eras (146097 days each) of years starting on March 1st, so the
/// leap day is the last day of its year and month lengths follow a fixed 153-day
/// pattern per 5 months.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of March-based year, 0..=365
    let mp = (5 * doy + 2) / 153; // March-based month, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12); fall back rather than panic.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// `EXT-X-PROGRAM-DATE-TIME` value (§4.4.4.6): ISO 8601 UTC with milliseconds, e.g.
/// `2024-05-01T12:00:00.250Z`, from ms since the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateTime(pub i64);

impl Display for DateTime {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let ms = self.0.clamp(MIN_MS, MAX_MS);
        let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
        let in_day = ms.rem_euclid(MS_PER_DAY);
        let (secs, millis) = (in_day / 1_000, in_day % 1_000);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            secs / 3_600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_trimmed_to_at_most_five_places() {
        let cases = [
            (0.2, "0.2"),
            (1.0, "1.0"),
            (0.0, "0.0"),
            (4.00008, "4.00008"),
            (1.0 / 3.0, "0.33333"),
            (2.000004, "2.0"),
            (0.6000000000000001, "0.6"),
            (12.5, "12.5"),
            (f64::NAN, "0.0"),
            (f64::INFINITY, "0.0"),
            (-1.5, "0.0"),
            (-0.0, "0.0"),
        ];
        for (value, expected) in cases {
            assert_eq!(Decimal(value).to_string(), expected, "{value}");
        }
    }

    #[test]
    fn quoted_strings_cannot_break_out() {
        assert_eq!(Quoted("a.mp4").to_string(), "\"a.mp4\"");
        assert_eq!(
            Quoted("x\"y\r\nz\u{85}").to_string(),
            "\"x%22y%0D%0Az%C2%85\""
        );
        assert_eq!(UriLine("seg\n1.m4s").to_string(), "seg%0A1.m4s");
        assert_eq!(UriLine("über/ä.m4s").to_string(), "über/ä.m4s");
    }

    #[test]
    fn civil_dates_match_known_days() {
        // Day numbers cross-checked with an independent calendar implementation.
        let cases = [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (59, (1970, 3, 1)),
            (10_957, (2000, 1, 1)),
            (11_016, (2000, 2, 29)),
            (11_017, (2000, 3, 1)),
            (47_541, (2100, 3, 1)), // 2100 is not a leap year
            (19_782, (2024, 2, 29)),
            (-719_528, (0, 1, 1)),
            (2_932_896, (9999, 12, 31)),
        ];
        for (days, expected) in cases {
            assert_eq!(civil_from_days(days), expected, "day {days}");
        }
    }

    #[test]
    fn program_date_times() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (i64::MIN, "0000-01-01T00:00:00.000Z"),
            (i64::MAX, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(DateTime(ms).to_string(), expected, "{ms}");
        }
    }
}
