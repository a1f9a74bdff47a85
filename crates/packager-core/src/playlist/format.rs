//! Value formatting for playlist lines (RFC 8216bis §4.2 attribute value types), written
//! straight into the playlist text. A media playlist is rendered for every blocking reload,
//! so values are formatted by hand, without the `fmt` machinery or an allocation each.
//!
//! None of it can fail or panic, whatever the input: out-of-domain numbers are clamped and
//! characters a playlist must not contain are percent-encoded.

use std::fmt::Write;

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

// Below 2^44, `x * 1e5` is within 2^-10 of its exact value (half an ulp), so rounding it
// gives the correctly rounded 5-decimal value unless it lies this close to a half.
const DECIMAL_FAST_LIMIT: f64 = 17_592_186_044_416.0; // 2^44
const DECIMAL_TIE_MARGIN: f64 = 1.0 / 256.0;

/// Playlist text under construction. Every method appends; lines end with [`Out::eol`].
#[derive(Debug)]
pub(crate) struct Out(String);

impl Out {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Out(String::with_capacity(bytes))
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn finish(self) -> String {
        self.0
    }

    /// Literal text (tag names, attribute names, punctuation).
    pub(crate) fn str(&mut self, text: &str) -> &mut Self {
        self.0.push_str(text);
        self
    }

    pub(crate) fn eol(&mut self) {
        self.0.push('\n');
    }

    /// ASCII digits and punctuation built by the methods below.
    fn ascii(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend(bytes.iter().copied().map(char::from));
        self
    }

    /// A `decimal-integer`.
    pub(crate) fn int(&mut self, n: impl Into<u64>) -> &mut Self {
        let mut rest: u64 = n.into();
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        for slot in buf.iter_mut().rev() {
            *slot = digit(rest);
            rest /= 10;
            start -= 1;
            if rest == 0 {
                break;
            }
        }
        self.ascii(buf.get(start..).unwrap_or_default())
    }

    /// A `decimal-floating-point` (§4.2): at most 5 decimals, trailing zeros trimmed but
    /// one decimal kept (`0.2`, `1.0`, `4.00008`) — the style of the RFC's own examples.
    /// Non-finite or negative values print as `0.0` (the type is non-negative). The
    /// digits are those of `format!("{:.5}")`, which rounds the exact binary value.
    pub(crate) fn decimal(&mut self, value: f64) -> &mut Self {
        let value = seconds(value);
        let scaled = value * 100_000.0;
        if scaled < DECIMAL_FAST_LIMIT && (scaled.fract() - 0.5).abs() > DECIMAL_TIE_MARGIN {
            let n = scaled.round() as u64;
            let fraction = fixed_digits::<5>(n % 100_000);
            let zeros = fraction
                .iter()
                .skip(1)
                .rev()
                .take_while(|&&d| d == b'0')
                .count();
            let fraction = fraction.get(..5 - zeros).unwrap_or_default();
            self.int(n / 100_000).str(".").ascii(fraction)
        } else {
            // Huge values and near-ties: let the standard library round exactly.
            let _ = write!(self.0, "{value:.5}");
            while self.0.ends_with('0') && !self.0.ends_with(".0") {
                self.0.pop();
            }
            self
        }
    }

    /// An `EXT-X-PROGRAM-DATE-TIME` value (§4.4.4.6): ISO 8601 UTC with milliseconds, e.g.
    /// `2024-05-01T12:00:00.250Z`, from ms since the Unix epoch.
    pub(crate) fn date_time(&mut self, ms: i64) -> &mut Self {
        let ms = ms.clamp(MIN_MS, MAX_MS);
        let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
        // Both non-negative after the clamp: years 0..=9999, ms within a day.
        let in_day = ms.rem_euclid(MS_PER_DAY).unsigned_abs();
        let (secs, millis) = (in_day / 1_000, in_day % 1_000);
        let [y0, y1, y2, y3] = fixed_digits(year.unsigned_abs());
        let [mo0, mo1] = fixed_digits(month.into());
        let [d0, d1] = fixed_digits(day.into());
        let [h0, h1] = fixed_digits(secs / 3_600);
        let [mi0, mi1] = fixed_digits(secs / 60 % 60);
        let [s0, s1] = fixed_digits(secs % 60);
        let [ms0, ms1, ms2] = fixed_digits(millis);
        self.ascii(&[
            y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0,
            s1, b'.', ms0, ms1, ms2, b'Z',
        ])
    }

    /// A `quoted-string` attribute value (§4.2), double quotes included.
    pub(crate) fn quoted(&mut self, text: &str) -> &mut Self {
        self.str("\"").uri(text).str("\"")
    }

    /// A URI (a URI line, or inside a quoted-string) with the characters a playlist line
    /// cannot carry percent-encoded: `"` (would end a quoted-string, §4.2), and the
    /// control characters §4.1 forbids (CR/LF would split the line).
    pub(crate) fn uri(&mut self, text: &str) -> &mut Self {
        // Our own names are printable ASCII: copied whole. (A fold rather than `all`, so
        // that the check has no branch per byte.)
        let printable = text.bytes().fold(true, |ok, b| {
            ok & (b' '..b'\x7f').contains(&b) & (b != b'"')
        });
        if printable {
            return self.str(text);
        }
        for c in text.chars() {
            if c == '"' || c.is_control() {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(self.0, "%{byte:02X}");
                }
            } else {
                self.0.push(c);
            }
        }
        self
    }

    /// `YES` / `NO` enumerated-string.
    pub(crate) fn yes_no(&mut self, flag: bool) -> &mut Self {
        self.str(if flag { "YES" } else { "NO" })
    }

    /// Anything else, through `fmt` (values that are not on a hot path).
    pub(crate) fn fmt(&mut self, args: std::fmt::Arguments<'_>) -> &mut Self {
        let _ = self.0.write_fmt(args);
        self
    }
}

/// The ASCII digit of `n`'s last decimal place.
fn digit(n: u64) -> u8 {
    b'0' + (n % 10) as u8
}

/// The last `N` decimal digits of `n`, zero-padded.
fn fixed_digits<const N: usize>(mut n: u64) -> [u8; N] {
    let mut out = [b'0'; N];
    for slot in out.iter_mut().rev() {
        *slot = digit(n);
        n /= 10;
    }
    out
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    fn text(write: impl FnOnce(&mut Out) -> &mut Out) -> String {
        let mut out = Out(String::new());
        write(&mut out);
        out.finish()
    }

    /// The definition the fast path must match: the standard library's exact rounding.
    fn reference_decimal(value: f64) -> String {
        let text = format!("{:.5}", seconds(value));
        let trimmed = text.trim_end_matches('0');
        if trimmed.ends_with('.') {
            format!("{trimmed}0")
        } else {
            trimmed.to_string()
        }
    }

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
            (1e20, "100000000000000000000.0"),
            (0.000015, "0.00002"), // just above the tie in binary
            (0.015625, "0.01562"), // an exact tie: 1/64
        ];
        for (value, expected) in cases {
            assert_eq!(text(|o| o.decimal(value)), expected, "{value}");
            assert_eq!(reference_decimal(value), expected, "{value}");
        }
    }

    proptest::proptest! {
        #[test]
        fn decimals_match_exact_rounding(
            value in proptest::prop_oneof![
                0.0f64..10.0,
                0.0f64..1e9,
                // Ties and near-ties at the fifth decimal, in binary and in decimal.
                (0u64..1 << 30).prop_map(|k| k as f64 / 64.0),
                (0u64..10_000_000).prop_map(|k| (k as f64 + 0.5) / 1e5),
                proptest::num::f64::ANY,
            ]
        ) {
            proptest::prop_assert_eq!(text(|o| o.decimal(value)), reference_decimal(value));
        }
    }

    #[test]
    fn integers() {
        for n in [0, 7, 10, 1_000_000, u64::MAX] {
            assert_eq!(text(|o| o.int(n)), n.to_string());
        }
    }

    #[test]
    fn quoted_strings_cannot_break_out() {
        assert_eq!(text(|o| o.quoted("a.mp4")), "\"a.mp4\"");
        assert_eq!(
            text(|o| o.quoted("x\"y\r\nz\u{85}\u{7f}")),
            "\"x%22y%0D%0Az%C2%85%7F\""
        );
        assert_eq!(text(|o| o.uri("seg\n1.m4s")), "seg%0A1.m4s");
        assert_eq!(text(|o| o.uri("über/ä.m4s")), "über/ä.m4s");
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
            assert_eq!(text(|o| o.date_time(ms)), expected, "{ms}");
        }
    }
}
