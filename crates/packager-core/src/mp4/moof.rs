//! Fragment parsing: `moof` (ISO/IEC 14496-12 §8.8.4-8.8.12) into a sample plan, then the
//! sample payloads sliced out of the `mdat` that follows.

use super::header::RawBox;
use super::moov::TrackDefaults;
use super::Sample;
use crate::error::Mp4Error;

/// A sample described by `trun`, its payload still to be read from `mdat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlannedSample {
    decode_time: u64,
    duration: u32,
    composition_offset: i32,
    flags: u32,
    /// Absolute stream offset of the payload.
    data_start: u64,
    size: u32,
}

/// A parsed `moof` waiting for its `mdat`.
#[derive(Debug, Clone, Default)]
pub struct Fragment {
    pub moof_offset: u64,
    samples: Vec<PlannedSample>,
    /// Sum of all sample sizes.
    data_len: u64,
}

impl Fragment {
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

// tfhd flags (§8.8.7.1).
const BASE_DATA_OFFSET: u32 = 0x1;
const SAMPLE_DESCRIPTION_INDEX: u32 = 0x2;
const DEFAULT_DURATION: u32 = 0x8;
const DEFAULT_SIZE: u32 = 0x10;
const DEFAULT_FLAGS: u32 = 0x20;
const DURATION_IS_EMPTY: u32 = 0x1_0000;
const DEFAULT_BASE_IS_MOOF: u32 = 0x2_0000;
// trun flags (§8.8.8.1).
const DATA_OFFSET: u32 = 0x1;
const FIRST_SAMPLE_FLAGS: u32 = 0x4;
const SAMPLE_DURATION: u32 = 0x100;
const SAMPLE_SIZE: u32 = 0x200;
const SAMPLE_FLAGS: u32 = 0x400;
const SAMPLE_CTO: u32 = 0x800;

/// Per-traf defaults after the tfhd → trex fallback.
#[derive(Debug, Clone, Copy)]
struct TrafDefaults {
    duration: Option<u32>,
    size: Option<u32>,
    flags: Option<u32>,
}

/// Parses a `moof` for the stream's one track. At most `max_samples` samples in total.
pub fn parse_moof(
    moof: &RawBox<'_>,
    track_id: u32,
    trex: Option<TrackDefaults>,
    max_samples: usize,
) -> Result<Fragment, Mp4Error> {
    let mut parser = MoofParser {
        track_id,
        trex,
        max_samples,
        frag: Fragment {
            moof_offset: moof.offset,
            ..Fragment::default()
        },
    };
    // Without base-data-offset or default-base-is-moof, the first traf's base is the moof
    // and each later traf's base is the end of the previous traf's data (§8.8.7.1).
    let mut implicit_base = moof.offset;
    for traf in moof.children() {
        let traf = traf?;
        if traf.box_type == b"traf" {
            implicit_base = parser.traf(&traf, implicit_base)?;
        }
    }
    Ok(parser.frag)
}

/// State while walking one `moof`.
#[derive(Debug)]
struct MoofParser {
    track_id: u32,
    trex: Option<TrackDefaults>,
    max_samples: usize,
    frag: Fragment,
}

impl MoofParser {
    /// Adds one `traf`'s samples; returns where its data ends.
    fn traf(&mut self, traf: &RawBox<'_>, implicit_base: u64) -> Result<u64, Mp4Error> {
        let tfhd = traf.required(b"tfhd")?;
        let mut f = tfhd.fields();
        let (_, flags) = f.full_box()?;
        let id = f.u32()?;
        if id != self.track_id {
            return Err(tfhd.error(format!(
                "track_ID {id} does not match the stream's track {}",
                self.track_id
            )));
        }
        let base_data_offset = match flags & BASE_DATA_OFFSET {
            0 => None,
            _ => Some(f.u64()?),
        };
        let mut field_if = |bit: u32| -> Result<Option<u32>, Mp4Error> {
            match flags & bit {
                0 => Ok(None),
                _ => f.u32().map(Some),
            }
        };
        field_if(SAMPLE_DESCRIPTION_INDEX)?; // one sample entry per stream: nothing to select
        let trex = self.trex;
        let defaults = TrafDefaults {
            duration: field_if(DEFAULT_DURATION)?.or(trex.map(|t| t.sample_duration)),
            size: field_if(DEFAULT_SIZE)?.or(trex.map(|t| t.sample_size)),
            flags: field_if(DEFAULT_FLAGS)?.or(trex.map(|t| t.sample_flags)),
        };
        let base = match base_data_offset {
            Some(b) => b,
            None if flags & DEFAULT_BASE_IS_MOOF != 0 => self.frag.moof_offset,
            None => implicit_base,
        };

        let mut truns = traf
            .children()
            .filter(|b| b.as_ref().map_or(true, |b| b.box_type == b"trun"))
            .peekable();
        if flags & DURATION_IS_EMPTY != 0 || truns.peek().is_none() {
            return Ok(base); // no samples in this traf
        }

        // §8.8.12: tfdt gives the absolute decode time of the first sample in this traf.
        let tfdt = traf
            .child(b"tfdt")?
            .ok_or_else(|| traf.error("missing tfdt (decode times would be unknown)"))?;
        let mut f = tfdt.fields();
        let mut decode_time = match f.full_box()?.0 {
            1 => f.u64()?,
            _ => u64::from(f.u32()?),
        };

        // A trun without data-offset continues where the previous one's data ended; the
        // first one starts at the base.
        let mut next_data = base;
        for trun in truns {
            (next_data, decode_time) = self.trun(&trun?, base, next_data, decode_time, defaults)?;
        }
        Ok(next_data)
    }

    /// Adds one `trun`'s samples; returns where its data and its decode times end.
    fn trun(
        &mut self,
        trun: &RawBox<'_>,
        base: u64,
        next_data: u64,
        mut decode_time: u64,
        defaults: TrafDefaults,
    ) -> Result<(u64, u64), Mp4Error> {
        let frag = &mut self.frag;
        let mut f = trun.fields();
        let (_, flags) = f.full_box()?;
        let count = f.u32()?;
        let total = frag.samples.len().saturating_add(count as usize);
        if total > self.max_samples {
            return Err(Mp4Error::LimitExceeded {
                box_type: trun.box_type,
                offset: trun.offset,
                what: "sample count",
                value: u64::from(count),
                limit: self.max_samples.saturating_sub(frag.samples.len()) as u64,
            });
        }
        let mut data = if flags & DATA_OFFSET != 0 {
            let off = f.i32()?;
            base.checked_add_signed(i64::from(off))
                .ok_or_else(|| trun.error(format!("data offset {off} outside the stream")))?
        } else {
            next_data
        };
        let first_flags = match flags & FIRST_SAMPLE_FLAGS {
            0 => None,
            _ => Some(f.u32()?),
        };

        // Check the table fits before reserving room for it.
        let per_sample = [SAMPLE_DURATION, SAMPLE_SIZE, SAMPLE_FLAGS, SAMPLE_CTO]
            .iter()
            .filter(|&&bit| flags & bit != 0)
            .count()
            * 4;
        let table = per_sample.saturating_mul(count as usize);
        if table > f.remaining() {
            return Err(trun.error(format!(
                "sample count {count} needs {table} bytes of sample table, box has {}",
                f.remaining()
            )));
        }
        frag.samples.reserve(count as usize);

        let missing = |what: &str| trun.error(format!("no sample {what} in trun, tfhd or trex"));
        for i in 0..count {
            let duration = match flags & SAMPLE_DURATION {
                0 => defaults.duration.ok_or_else(|| missing("duration"))?,
                _ => f.u32()?,
            };
            let size = match flags & SAMPLE_SIZE {
                0 => defaults.size.ok_or_else(|| missing("size"))?,
                _ => f.u32()?,
            };
            let sample_flags = match flags & SAMPLE_FLAGS {
                0 => None,
                _ => Some(f.u32()?),
            };
            // Version 0 stores the offset unsigned, but writers put negative values there
            // too; reading the bits as signed handles both.
            let composition_offset = match flags & SAMPLE_CTO {
                0 => 0,
                _ => f.i32()?,
            };
            let sample_flags = match (i, first_flags) {
                (0, Some(first)) => first,
                _ => sample_flags
                    .or(defaults.flags)
                    .ok_or_else(|| missing("flags"))?,
            };
            frag.samples.push(PlannedSample {
                decode_time,
                duration,
                composition_offset,
                flags: sample_flags,
                data_start: data,
                size,
            });
            decode_time = decode_time
                .checked_add(u64::from(duration))
                .ok_or_else(|| trun.error("decode time overflows 64 bits"))?;
            data = data
                .checked_add(u64::from(size))
                .ok_or_else(|| trun.error("sample data offset overflows 64 bits"))?;
            frag.data_len = frag.data_len.saturating_add(u64::from(size));
        }
        Ok((data, decode_time))
    }
}

/// Slices the planned samples out of the `mdat` that follows the `moof`.
pub fn extract(frag: Fragment, mdat: &RawBox<'_>) -> Result<Vec<Sample>, Mp4Error> {
    let payload_start = mdat.payload_offset();
    let payload_len = mdat.payload.len() as u64;
    // Bounds total allocation by the mdat size even if sample ranges overlap.
    if frag.data_len > payload_len {
        return Err(mdat.error(format!(
            "mdat shorter than trun data: samples need {} bytes, mdat payload has {payload_len}",
            frag.data_len
        )));
    }
    frag.samples
        .into_iter()
        .map(|s| {
            let range = s.data_start.checked_sub(payload_start).and_then(|start| {
                let start = usize::try_from(start).ok()?;
                Some(start..start.checked_add(usize::try_from(s.size).ok()?)?)
            });
            let data = range.and_then(|r| mdat.payload.get(r)).ok_or_else(|| {
                mdat.error(format!(
                    "sample data at stream offset {} (+{} bytes) lies outside the mdat payload",
                    s.data_start, s.size
                ))
            })?;
            Ok(Sample {
                decode_time: s.decode_time,
                duration: s.duration,
                composition_offset: s.composition_offset,
                flags: s.flags,
                data: data.to_vec(),
            })
        })
        .collect()
}
