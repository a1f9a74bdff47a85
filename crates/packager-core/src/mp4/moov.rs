//! Initialisation parsing: the single track's facts from `moov` (ISO/IEC 14496-12 §8.2-8.8).

use super::codec;
use super::header::{FourCc, RawBox};
use super::{TrackInfo, TrackKind};
use crate::error::Mp4Error;

/// `trex` defaults (§8.8.3) that fragments may rely on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackDefaults {
    pub sample_duration: u32,
    pub sample_size: u32,
    pub sample_flags: u32,
}

/// Parses `moov`: exactly one `trak`, plus the matching `trex` from `mvex` (if any).
pub fn parse_moov(moov: &RawBox<'_>) -> Result<(TrackInfo, Option<TrackDefaults>), Mp4Error> {
    let mut trak = None;
    let mut mvex = None;
    for child in moov.children() {
        let child = child?;
        match &child.box_type.0 {
            b"trak" if trak.is_some() => {
                return Err(Mp4Error::unsupported(
                    child.box_type,
                    child.offset,
                    "more than one track (exactly one expected per stream)",
                ))
            }
            b"trak" => trak = Some(child),
            b"mvex" => mvex = Some(child),
            _ => {}
        }
    }
    let trak = trak.ok_or_else(|| moov.error("no 'trak' box (exactly one track expected)"))?;
    let track = parse_trak(&trak)?;
    let defaults = match mvex {
        Some(mvex) => find_trex(&mvex, track.track_id)?,
        None => None,
    };
    Ok((track, defaults))
}

fn find_trex(mvex: &RawBox<'_>, track_id: u32) -> Result<Option<TrackDefaults>, Mp4Error> {
    for child in mvex.children() {
        let child = child?;
        if child.box_type != b"trex" {
            continue;
        }
        let mut f = child.fields();
        f.full_box()?;
        if f.u32()? != track_id {
            continue;
        }
        f.skip(4)?; // default_sample_description_index
        return Ok(Some(TrackDefaults {
            sample_duration: f.u32()?,
            sample_size: f.u32()?,
            sample_flags: f.u32()?,
        }));
    }
    Ok(None)
}

fn parse_trak(trak: &RawBox<'_>) -> Result<TrackInfo, Mp4Error> {
    // tkhd (§8.3.2): version 1 has 64-bit creation/modification times before track_ID.
    let tkhd = trak.required(b"tkhd")?;
    let mut f = tkhd.fields();
    let (version, _) = f.full_box()?;
    f.skip(if version == 1 { 16 } else { 8 })?;
    let track_id = f.u32()?;

    let mdia = trak.required(b"mdia")?;
    // mdhd (§8.4.2): same version rule for the times before timescale.
    let mdhd = mdia.required(b"mdhd")?;
    let mut f = mdhd.fields();
    let (version, _) = f.full_box()?;
    f.skip(if version == 1 { 16 } else { 8 })?;
    let timescale = f.u32()?;
    if timescale == 0 {
        return Err(mdhd.error("timescale 0"));
    }

    // hdlr (§8.4.3): pre_defined, then handler_type.
    let hdlr = mdia.required(b"hdlr")?;
    let mut f = hdlr.fields();
    f.full_box()?;
    f.skip(4)?;
    let handler = f.fourcc()?;
    let kind = match &handler.0 {
        b"vide" => TrackKind::Video,
        b"soun" => TrackKind::Audio,
        _ => {
            return Err(Mp4Error::unsupported(
                hdlr.box_type,
                hdlr.offset,
                format!("handler '{handler}' (only 'vide' and 'soun' tracks are supported)"),
            ))
        }
    };

    let stsd = mdia
        .required(b"minf")?
        .required(b"stbl")?
        .required(b"stsd")?;
    // stsd (§8.5.2): FullBox, entry_count, entries. One rendition = one sample entry in use;
    // the first one describes it.
    let entry = stsd
        .children_after(8)?
        .next()
        .ok_or_else(|| stsd.error("no sample entry"))??;
    let mut track = TrackInfo {
        track_id,
        kind,
        timescale,
        codec: String::new(),
        width: None,
        height: None,
        sample_rate: None,
        channels: None,
    };
    match kind {
        TrackKind::Video => parse_visual_entry(&entry, &mut track)?,
        TrackKind::Audio => parse_audio_entry(&entry, &mut track)?,
    }
    Ok(track)
}

/// VisualSampleEntry (§12.1.3): 8 bytes SampleEntry, 16 reserved, width, height, then
/// 50 more bytes before the child boxes at payload byte 78.
fn parse_visual_entry(entry: &RawBox<'_>, track: &mut TrackInfo) -> Result<(), Mp4Error> {
    let mut f = entry.fields();
    f.skip(24)?;
    track.width = Some(u32::from(f.u16()?));
    track.height = Some(u32::from(f.u16()?));
    let config = |t: &[u8; 4]| -> Result<RawBox<'_>, Mp4Error> {
        super::header::find(entry.children_after(78)?, t)?
            .ok_or_else(|| entry.error(format!("missing '{}' configuration box", FourCc(*t))))
    };
    track.codec = match &entry.box_type.0 {
        b"avc1" | b"avc3" => codec::avc(entry.box_type, &config(b"avcC")?)?,
        b"hvc1" | b"hev1" => codec::hevc(entry.box_type, &config(b"hvcC")?)?,
        _ => return Err(unsupported_entry(entry)),
    };
    Ok(())
}

/// AudioSampleEntry (§12.2.3): 8 bytes SampleEntry, 8 reserved (QuickTime puts a version
/// in the first two), channelcount at 16, samplesize, 4 reserved, 16.16 samplerate at 24,
/// children at 28 (QuickTime sound description version 1 adds 16 bytes).
fn parse_audio_entry(entry: &RawBox<'_>, track: &mut TrackInfo) -> Result<(), Mp4Error> {
    let mut f = entry.fields();
    f.skip(8)?;
    let qt_version = f.u16()?;
    f.skip(6)?;
    let channels = f.u16()?;
    f.skip(6)?;
    let sample_rate = f.u32()? >> 16;
    let children_at = match qt_version {
        0 => 28,
        1 => 44,
        v => {
            return Err(Mp4Error::unsupported(
                entry.box_type,
                entry.offset,
                format!("audio sample entry version {v}"),
            ))
        }
    };
    track.channels = Some(channels);
    track.sample_rate = Some(sample_rate);
    match &entry.box_type.0 {
        b"mp4a" => {
            let esds = super::header::find(entry.children_after(children_at)?, b"esds")?
                .ok_or_else(|| entry.error("missing 'esds' box"))?;
            let info = codec::esds(&esds)?;
            // The AudioSpecificConfig is authoritative: the 16.16 field cannot hold rates
            // above 65535 Hz and writers fill it inconsistently.
            track.sample_rate = info.sample_rate.or(track.sample_rate);
            track.channels = info.channels.or(track.channels);
            track.codec = info.codec;
        }
        b"Opus" => track.codec = "opus".into(),
        _ => return Err(unsupported_entry(entry)),
    }
    Ok(())
}

fn unsupported_entry(entry: &RawBox<'_>) -> Mp4Error {
    Mp4Error::unsupported(
        entry.box_type,
        entry.offset,
        format!("unsupported sample entry '{}'", entry.box_type),
    )
}
