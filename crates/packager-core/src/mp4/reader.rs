//! Incremental reader for a live fragmented-MP4 byte stream.

use super::header::{parse_header, BoxHeader, FourCc, RawBox};
use super::moof::{self, Fragment};
use super::moov::{self, TrackDefaults};
use super::{Init, Sample, TrackInfo};
use crate::error::Mp4Error;

/// Bounds on what the reader accepts, so hostile input cannot make it allocate without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderLimits {
    /// Largest top-level box (header included) the reader will buffer. Also bounds the
    /// bytes collected before `moov`.
    pub max_box_size: u64,
    /// Most samples one `moof` may describe.
    pub max_samples_per_fragment: usize,
}

impl Default for ReaderLimits {
    fn default() -> Self {
        Self {
            max_box_size: 16 * 1024 * 1024,
            max_samples_per_fragment: 10_000,
        }
    }
}

/// What the reader found, in stream order.
#[derive(Debug, Clone)]
pub enum Fmp4Event {
    /// `ftyp` + `moov` arrived (emitted again if the stream carries a new `moov`).
    Init(Init),
    /// One fragment's samples (`moof` + `mdat`), in decode order.
    Samples(Vec<Sample>),
}

/// Turns fMP4 bytes, in any chunking, into [`Fmp4Event`]s.
///
/// Only the current incomplete top-level box is buffered. Boxes other than `ftyp`, `moov`,
/// `moof` and `mdat` are skipped once the init is out (`styp`, `sidx`, `prft`, `emsg`, ...);
/// before `moov` they become part of the init bytes, except `free`/`skip`.
///
/// Errors are fatal: once one is found, every later `push`/`finish` returns it again (a
/// stream that lost box sync cannot be trusted; start a new reader for a new connection).
/// Events completed earlier in the same `push` call are not lost: that call returns them
/// and the error comes from the next call.
#[derive(Debug)]
pub struct Fmp4Reader {
    limits: ReaderLimits,
    /// Bytes of the current, incomplete top-level box.
    buf: Vec<u8>,
    /// Header of the box in `buf`, once enough of it arrived.
    header: Option<BoxHeader>,
    /// Stream offset of the first byte of the box being assembled.
    pos: u64,
    /// Boxes seen before `moov`, kept for the init segment.
    pre_init: Vec<u8>,
    track: Option<(TrackInfo, Option<TrackDefaults>)>,
    /// A parsed `moof` waiting for its `mdat`.
    pending: Option<Fragment>,
    error: Option<Mp4Error>,
}

impl Fmp4Reader {
    pub fn new(limits: ReaderLimits) -> Self {
        Self {
            limits,
            buf: Vec::new(),
            header: None,
            pos: 0,
            pre_init: Vec::new(),
            track: None,
            pending: None,
            error: None,
        }
    }

    /// The track of the last `moov` read, if any.
    pub fn track(&self) -> Option<&TrackInfo> {
        self.track.as_ref().map(|(t, _)| t)
    }

    /// Stream offset up to which all bytes were consumed into complete boxes.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Feeds the next bytes of the stream; returns the events they completed.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<Fmp4Event>, Mp4Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let mut events = Vec::new();
        match self.push_inner(data, &mut events) {
            Ok(()) => Ok(events),
            Err(e) => {
                self.error = Some(e.clone());
                // Drop what can no longer be used.
                self.buf = Vec::new();
                self.pending = None;
                if events.is_empty() {
                    Err(e)
                } else {
                    Ok(events)
                }
            }
        }
    }

    /// Declares the end of the stream: fails if it stopped inside a box, or after a `moof`
    /// whose `mdat` never came.
    pub fn finish(&mut self) -> Result<(), Mp4Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let err = if !self.buf.is_empty() {
            let (box_type, reason) = match self.header {
                Some(h) => (
                    h.box_type,
                    format!("{} of {} bytes received", self.buf.len(), h.size),
                ),
                None => (
                    self.buf
                        .get(4..8)
                        .and_then(|t| t.first_chunk::<4>())
                        .map_or(FourCc::UNKNOWN, |t| FourCc(*t)),
                    format!("{} bytes of a box header received", self.buf.len()),
                ),
            };
            Some(Mp4Error::Truncated {
                box_type,
                offset: self.pos,
                reason,
            })
        } else {
            self.pending
                .as_ref()
                .filter(|f| !f.is_empty())
                .map(|f| Mp4Error::Truncated {
                    box_type: FourCc(*b"moof"),
                    offset: f.moof_offset,
                    reason: "stream ended before the mdat holding its samples".into(),
                })
        };
        match err {
            Some(e) => {
                self.error = Some(e.clone());
                Err(e)
            }
            None => Ok(()),
        }
    }

    fn push_inner(
        &mut self,
        mut input: &[u8],
        events: &mut Vec<Fmp4Event>,
    ) -> Result<(), Mp4Error> {
        while !input.is_empty() {
            if self.buf.is_empty() {
                // Fast path: a box that lies entirely in `input` is parsed in place.
                if let Some(h) = parse_header(input, self.pos)? {
                    let size = self.check_size(h)?;
                    if let Some((bytes, rest)) = input.split_at_checked(size) {
                        self.on_box(h, bytes, events)?;
                        input = rest;
                        continue;
                    }
                    self.header = Some(h);
                    self.buf.reserve_exact(size);
                }
                self.buf.extend_from_slice(input);
                return Ok(());
            }
            // Slow path: complete the header, then the box, in `buf`.
            let want = match self.header {
                Some(h) => self.check_size(h)?,
                // 8 bytes say the size; 16 when it is a 64-bit largesize.
                None if self.buf.len() < 8 => 8,
                None => 16,
            };
            let take = want.saturating_sub(self.buf.len()).min(input.len());
            let (head, rest) = input.split_at_checked(take).unwrap_or((input, &[]));
            self.buf.extend_from_slice(head);
            input = rest;
            if self.header.is_none() {
                if let Some(h) = parse_header(&self.buf, self.pos)? {
                    let size = self.check_size(h)?;
                    self.header = Some(h);
                    self.buf.reserve_exact(size.saturating_sub(self.buf.len()));
                }
            }
            if let Some(h) = self.header {
                if self.buf.len() as u64 == h.size {
                    let bytes = std::mem::take(&mut self.buf);
                    self.on_box(h, &bytes, events)?;
                    self.buf = bytes;
                    self.buf.clear();
                }
            }
        }
        Ok(())
    }

    /// Rejects boxes over the limit before any byte of them is buffered.
    fn check_size(&self, h: BoxHeader) -> Result<usize, Mp4Error> {
        let too_big = || Mp4Error::LimitExceeded {
            box_type: h.box_type,
            offset: self.pos,
            what: "box size",
            value: h.size,
            limit: self.limits.max_box_size,
        };
        if h.size > self.limits.max_box_size {
            return Err(too_big());
        }
        usize::try_from(h.size).map_err(|_| too_big())
    }

    /// Handles one complete top-level box starting at `self.pos`.
    fn on_box(
        &mut self,
        h: BoxHeader,
        bytes: &[u8],
        events: &mut Vec<Fmp4Event>,
    ) -> Result<(), Mp4Error> {
        let raw = RawBox::new(h, bytes, self.pos);
        self.header = None;
        match &h.box_type.0 {
            b"ftyp" => {
                // A new init (e.g. the encoder restarted on the same connection).
                self.pre_init.clear();
                self.add_pre_init(&raw)?;
            }
            b"moov" => {
                self.expect_no_pending(&raw)?;
                let (track, defaults) = moov::parse_moov(&raw)?;
                let mut init_bytes = std::mem::take(&mut self.pre_init);
                init_bytes.extend_from_slice(bytes);
                self.track = Some((track.clone(), defaults));
                events.push(Fmp4Event::Init(Init {
                    bytes: init_bytes,
                    track,
                }));
            }
            b"moof" => {
                self.expect_no_pending(&raw)?;
                let Some((track, defaults)) = &self.track else {
                    return Err(Mp4Error::out_of_order(
                        h.box_type,
                        raw.offset,
                        "moof before moov",
                    ));
                };
                let frag = moof::parse_moof(
                    &raw,
                    track.track_id,
                    *defaults,
                    self.limits.max_samples_per_fragment,
                )?;
                self.pending = Some(frag);
            }
            b"mdat" => {
                let frag = self.pending.take().ok_or_else(|| {
                    Mp4Error::out_of_order(
                        h.box_type,
                        raw.offset,
                        "mdat without a preceding moof (only fragmented MP4 is supported)",
                    )
                })?;
                let samples = moof::extract(frag, &raw)?;
                if !samples.is_empty() {
                    events.push(Fmp4Event::Samples(samples));
                }
            }
            b"free" | b"skip" => {}
            _ if self.track.is_none() => self.add_pre_init(&raw)?,
            _ => {}
        }
        self.pos = self.pos.saturating_add(h.size);
        Ok(())
    }

    fn add_pre_init(&mut self, raw: &RawBox<'_>) -> Result<(), Mp4Error> {
        let total = (self.pre_init.len() + raw.bytes.len()) as u64;
        if total > self.limits.max_box_size {
            return Err(Mp4Error::LimitExceeded {
                box_type: raw.box_type,
                offset: raw.offset,
                what: "bytes before moov",
                value: total,
                limit: self.limits.max_box_size,
            });
        }
        self.pre_init.extend_from_slice(raw.bytes);
        Ok(())
    }

    /// A `moof` with samples must be followed by its `mdat` before the next moof/moov.
    fn expect_no_pending(&mut self, raw: &RawBox<'_>) -> Result<(), Mp4Error> {
        match self.pending.take() {
            Some(f) if !f.is_empty() => Err(Mp4Error::out_of_order(
                raw.box_type,
                raw.offset,
                format!(
                    "the moof at offset {} was not followed by an mdat",
                    f.moof_offset
                ),
            )),
            _ => Ok(()),
        }
    }
}
