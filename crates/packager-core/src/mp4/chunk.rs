//! CMAF chunk writer: one `moof` + `mdat` holding a run of samples (ISO/IEC 23000-19 §7.3.2.3,
//! box layouts from ISO/IEC 14496-12 §8.8).

use super::Sample;

// Fixed box sizes of the moof we write.
const MFHD: usize = 16; // header 8, FullBox 4, sequence_number 4
const TFHD: usize = 16; // header 8, FullBox 4, track_ID 4
const TFDT: usize = 20; // header 8, FullBox 4, baseMediaDecodeTime (v1) 8
const TRUN_FIXED: usize = 20; // header 8, FullBox 4, sample_count 4, data_offset 4
const TRUN_PER_SAMPLE: usize = 16; // duration, size, flags, composition offset
const TRAF_FIXED: usize = 8 + TFHD + TFDT + TRUN_FIXED;
const MOOF_FIXED: usize = 8 + MFHD + TRAF_FIXED;

/// tfhd: default-base-is-moof, so data offsets are relative to the moof (CMAF requires it).
const TFHD_FLAGS: u32 = 0x02_0000;
/// trun: data-offset, sample duration, size, flags and composition-time offset present.
const TRUN_FLAGS: u32 = 0x0001 | 0x0100 | 0x0200 | 0x0400 | 0x0800;

/// Exact byte length of [`write_chunk`]'s output.
pub fn chunk_len(samples: &[Sample]) -> usize {
    let data: usize = samples.iter().map(|s| s.data.len()).sum();
    moof_len(samples.len()) + mdat_header_len(data) + data
}

fn moof_len(sample_count: usize) -> usize {
    MOOF_FIXED + TRUN_PER_SAMPLE * sample_count
}

/// A 32-bit size unless the payload needs `largesize` (§4.2).
fn mdat_header_len(data: usize) -> usize {
    if data + 8 > u32::MAX as usize {
        16
    } else {
        8
    }
}

/// Writes one CMAF chunk: `moof`(`mfhd`, `traf`(`tfhd`, `tfdt` v1, `trun` v1)) + `mdat`.
///
/// `tfdt` is the first sample's decode time; every sample gets explicit duration, size,
/// flags and a signed composition offset, so no defaults from `trex` are needed to read it.
/// An empty `samples` gives a valid chunk with no samples.
///
/// Sample counts and sizes are assumed to fit the box fields (a moof of up to ~268 million
/// samples, samples of up to 4 GiB each), which any real part does by many orders.
pub fn write_chunk(track_id: u32, sequence_number: u32, samples: &[Sample]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk_len(samples));
    write_chunk_into(&mut out, track_id, sequence_number, samples);
    out
}

/// Like [`write_chunk`], appending to `out` (lets callers reuse a buffer).
pub fn write_chunk_into(
    out: &mut Vec<u8>,
    track_id: u32,
    sequence_number: u32,
    samples: &[Sample],
) {
    let data_len: usize = samples.iter().map(|s| s.data.len()).sum();
    let moof_len = moof_len(samples.len());
    let mdat_header = mdat_header_len(data_len);
    out.reserve(moof_len + mdat_header + data_len);

    let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let first_decode_time = samples.first().map_or(0, |s| s.decode_time);

    put_header(out, moof_len, b"moof");
    put_header(out, MFHD, b"mfhd");
    put_u32(out, 0);
    put_u32(out, sequence_number);
    put_header(out, moof_len - 8 - MFHD, b"traf");
    put_header(out, TFHD, b"tfhd");
    put_u32(out, TFHD_FLAGS);
    put_u32(out, track_id);
    put_header(out, TFDT, b"tfdt");
    put_u32(out, 1 << 24);
    out.extend_from_slice(&first_decode_time.to_be_bytes());
    put_header(out, TRUN_FIXED + TRUN_PER_SAMPLE * samples.len(), b"trun");
    put_u32(out, (1 << 24) | TRUN_FLAGS);
    put_u32(out, u32_of(samples.len()));
    // First payload byte, relative to the moof start.
    put_u32(out, u32_of(moof_len + mdat_header));
    for s in samples {
        let mut entry = [0u8; TRUN_PER_SAMPLE];
        let fields = [
            s.duration,
            u32_of(s.data.len()),
            s.flags,
            s.composition_offset as u32,
        ];
        for (dst, v) in entry.chunks_exact_mut(4).zip(fields) {
            dst.copy_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&entry);
    }

    if mdat_header == 16 {
        put_u32(out, 1);
        out.extend_from_slice(b"mdat");
        out.extend_from_slice(&((data_len + 16) as u64).to_be_bytes());
    } else {
        put_header(out, data_len + 8, b"mdat");
    }
    for s in samples {
        out.extend_from_slice(&s.data);
    }
}

fn put_header(out: &mut Vec<u8>, size: usize, box_type: &[u8; 4]) {
    put_u32(out, u32::try_from(size).unwrap_or(u32::MAX));
    out.extend_from_slice(box_type);
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}
