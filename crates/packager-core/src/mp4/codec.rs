//! RFC 6381 `CODECS` strings from sample-entry configuration boxes.

use std::fmt::Write as _;

use super::header::{FourCc, RawBox};
use crate::error::Mp4Error;

/// `avc1.PPCCLL` from an `avcC` box (ISO/IEC 14496-15 §5.3.3.1: the three bytes after
/// `configurationVersion` are profile, constraint flags and level).
pub fn avc(entry: FourCc, avcc: &RawBox<'_>) -> Result<String, Mp4Error> {
    let mut f = avcc.fields();
    f.skip(1)?;
    let [profile, constraints, level] = [f.u8()?, f.u8()?, f.u8()?];
    Ok(format!("{entry}.{profile:02x}{constraints:02x}{level:02x}"))
}

/// `hvc1.<space><profile>.<compat>.<tier><level>.<constraints>` from an `hvcC` box
/// (ISO/IEC 14496-15 Annex E.3).
pub fn hevc(entry: FourCc, hvcc: &RawBox<'_>) -> Result<String, Mp4Error> {
    let mut f = hvcc.fields();
    f.skip(1)?;
    let b = f.u8()?;
    let compat = f.u32()?;
    let constraints = f.bytes(6)?;
    let level = f.u8()?;
    let space = ["", "A", "B", "C"]
        .get(usize::from(b >> 6))
        .copied()
        .unwrap_or_default();
    let tier = if b & 0x20 != 0 { 'H' } else { 'L' };
    // The compatibility flags are written bit-reversed, in hex without leading zeros.
    let mut s = format!(
        "{entry}.{space}{}.{:x}.{tier}{level}",
        b & 0x1f,
        compat.reverse_bits()
    );
    // Constraint bytes, each in hex, trailing zero bytes omitted.
    let used = constraints
        .iter()
        .rposition(|&c| c != 0)
        .map_or(0, |i| i + 1);
    for c in constraints.iter().take(used) {
        let _ = write!(s, ".{c:x}");
    }
    Ok(s)
}

/// What `esds` tells about an MPEG-4 audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsdsInfo {
    pub codec: String,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
}

/// `mp4a.40.<AOT>` from an `esds` box: ES_Descriptor → DecoderConfigDescriptor →
/// DecoderSpecificInfo (ISO/IEC 14496-1 §7.2.6), whose first bits are the
/// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
pub fn esds(esds: &RawBox<'_>) -> Result<EsdsInfo, Mp4Error> {
    let mut f = esds.fields();
    f.full_box()?;
    expect_descriptor(&mut f, 0x03)?;
    f.skip(2)?; // ES_ID
    let es_flags = f.u8()?;
    if es_flags & 0x80 != 0 {
        f.skip(2)?; // dependsOn_ES_ID
    }
    if es_flags & 0x40 != 0 {
        let len = f.u8()?;
        f.skip(usize::from(len))?; // URL
    }
    if es_flags & 0x20 != 0 {
        f.skip(2)?; // OCR_ES_Id
    }
    expect_descriptor(&mut f, 0x04)?;
    let object_type = f.u8()?;
    f.skip(12)?; // streamType, bufferSizeDB, maxBitrate, avgBitrate
    if object_type != 0x40 {
        // Not MPEG-4 Audio (e.g. 0x6b MP3): RFC 6381 uses the bare object type.
        return Ok(EsdsInfo {
            codec: format!("mp4a.{object_type:02x}"),
            sample_rate: None,
            channels: None,
        });
    }
    if f.remaining() == 0 || f.u8()? != 0x05 {
        return Ok(EsdsInfo {
            codec: "mp4a.40".into(),
            sample_rate: None,
            channels: None,
        });
    }
    let len = descriptor_len(&mut f)?;
    let asc = f.bytes(len)?;
    let mut bits = Bits { data: asc, pos: 0 };
    let missing = || esds.error("AudioSpecificConfig too short");
    let mut aot = bits.read(5).ok_or_else(missing)?;
    if aot == 31 {
        aot = 32 + bits.read(6).ok_or_else(missing)?;
    }
    let freq_index = bits.read(4).ok_or_else(missing)?;
    let sample_rate = match freq_index {
        0xf => Some(bits.read(24).ok_or_else(missing)?),
        i => SAMPLE_RATES.get(i as usize).copied(),
    };
    let channels = match bits.read(4) {
        Some(c @ 1..=6) => Some(c as u16),
        Some(7) => Some(8),
        _ => None, // 0: defined by a program config element; use the sample entry.
    };
    Ok(EsdsInfo {
        codec: format!("mp4a.40.{aot}"),
        sample_rate,
        channels,
    })
}

/// ISO/IEC 14496-3 Table 1.18, samplingFrequencyIndex.
const SAMPLE_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

fn expect_descriptor(f: &mut super::header::Fields<'_>, tag: u8) -> Result<usize, Mp4Error> {
    let got = f.u8()?;
    if got != tag {
        return Err(f.error(format!(
            "expected descriptor tag {tag:#04x}, found {got:#04x}"
        )));
    }
    descriptor_len(f)
}

/// Expandable size: up to four bytes of 7 bits, high bit = more follow (ISO/IEC 14496-1 §8.3.3).
fn descriptor_len(f: &mut super::header::Fields<'_>) -> Result<usize, Mp4Error> {
    let mut len = 0usize;
    for _ in 0..4 {
        let b = f.u8()?;
        len = (len << 7) | usize::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Ok(len);
        }
    }
    Err(f.error("descriptor length longer than 4 bytes"))
}

/// MSB-first bit reader.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = self.data.get(self.pos / 8)?;
            let bit = (byte >> (7 - (self.pos % 8))) & 1;
            v = (v << 1) | u32::from(bit);
            self.pos += 1;
        }
        Some(v)
    }
}
