//! Box headers (ISO/IEC 14496-12 §4.2), child-box iteration and bounds-checked field reads.
//!
//! Everything here works on borrowed slices and reports errors with the absolute stream
//! offset of the box, so nested parsers never index out of bounds or lose context.

use std::fmt;

use crate::error::Mp4Error;

/// A four-character box or sample-entry code.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FourCc(pub [u8; 4]);

impl FourCc {
    /// Placeholder for a box whose type was never received.
    pub const UNKNOWN: FourCc = FourCc(*b"????");
}

impl fmt::Display for FourCc {
    /// Printable ASCII as is, anything else as `\xNN` (input is untrusted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in &self.0 {
            if b.is_ascii_graphic() || b == b' ' {
                write!(f, "{}", char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for FourCc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FourCc({self})")
    }
}

impl PartialEq<&[u8; 4]> for FourCc {
    fn eq(&self, other: &&[u8; 4]) -> bool {
        &self.0 == *other
    }
}

/// A parsed box header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxHeader {
    pub box_type: FourCc,
    /// Whole box, header included.
    pub size: u64,
    /// 8, or 16 with a 64-bit `largesize`.
    pub header_len: u8,
}

/// Parses the header at the start of `buf`; `offset` is where `buf` starts in the stream
/// (for errors). Returns `Ok(None)` until enough bytes are there to know the size.
///
/// `size == 0` ("extends to end of file", §4.2) is rejected: a live stream has no end.
pub fn parse_header(buf: &[u8], offset: u64) -> Result<Option<BoxHeader>, Mp4Error> {
    let Some(&[s0, s1, s2, s3, t0, t1, t2, t3]) = buf.first_chunk::<8>() else {
        return Ok(None);
    };
    let box_type = FourCc([t0, t1, t2, t3]);
    let (size, header_len) = match u32::from_be_bytes([s0, s1, s2, s3]) {
        0 => {
            return Err(Mp4Error::malformed(
                box_type,
                offset,
                "box size 0 (extends to end of file) is not allowed in a live stream",
            ))
        }
        1 => match buf.get(8..).and_then(|b| b.first_chunk::<8>()) {
            Some(large) => (u64::from_be_bytes(*large), 16u8),
            None => return Ok(None),
        },
        n => (u64::from(n), 8u8),
    };
    if size < u64::from(header_len) {
        return Err(Mp4Error::malformed(
            box_type,
            offset,
            format!("box size {size} smaller than header {header_len}"),
        ));
    }
    Ok(Some(BoxHeader {
        box_type,
        size,
        header_len,
    }))
}

/// A complete box borrowed from a buffer.
#[derive(Debug, Clone, Copy)]
pub struct RawBox<'a> {
    pub box_type: FourCc,
    /// Stream offset of the header's first byte.
    pub offset: u64,
    /// Header and payload.
    pub bytes: &'a [u8],
    pub payload: &'a [u8],
}

impl<'a> RawBox<'a> {
    /// Wraps a complete box whose header was already parsed.
    pub(crate) fn new(header: BoxHeader, bytes: &'a [u8], offset: u64) -> Self {
        let payload = bytes
            .get(usize::from(header.header_len)..)
            .unwrap_or_default();
        Self {
            box_type: header.box_type,
            offset,
            bytes,
            payload,
        }
    }

    /// Stream offset of the first payload byte.
    pub fn payload_offset(&self) -> u64 {
        self.offset
            .saturating_add((self.bytes.len() - self.payload.len()) as u64)
    }

    /// Reader over the payload's fields.
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            data: self.payload,
            pos: 0,
            box_type: self.box_type,
            offset: self.offset,
        }
    }

    /// Iterator over child boxes that start `skip` bytes into the payload (after the
    /// container's own fields, e.g. a sample entry's 78 bytes).
    pub fn children_after(&self, skip: usize) -> Result<BoxIter<'a>, Mp4Error> {
        let data = self.payload.get(skip..).ok_or_else(|| {
            self.error(format!(
                "payload of {} bytes has no room for children after {skip}",
                self.payload.len()
            ))
        })?;
        Ok(BoxIter {
            data,
            base: self.payload_offset().saturating_add(skip as u64),
        })
    }

    pub fn children(&self) -> BoxIter<'a> {
        BoxIter {
            data: self.payload,
            base: self.payload_offset(),
        }
    }

    /// First child of the given type, if any.
    pub fn child(&self, box_type: &[u8; 4]) -> Result<Option<RawBox<'a>>, Mp4Error> {
        find(self.children(), box_type)
    }

    /// First child of the given type, or an error naming this box.
    pub fn required(&self, box_type: &[u8; 4]) -> Result<RawBox<'a>, Mp4Error> {
        self.child(box_type)?
            .ok_or_else(|| self.error(format!("missing '{}' box", FourCc(*box_type))))
    }

    pub fn error(&self, reason: impl Into<String>) -> Mp4Error {
        Mp4Error::malformed(self.box_type, self.offset, reason)
    }
}

/// First box of the given type from an iterator of boxes.
pub fn find<'a>(mut iter: BoxIter<'a>, box_type: &[u8; 4]) -> Result<Option<RawBox<'a>>, Mp4Error> {
    iter.find(|b| b.as_ref().map_or(true, |b| b.box_type == box_type))
        .transpose()
}

/// Iterates the boxes packed in a container payload. Stops after the first error.
#[derive(Debug, Clone)]
pub struct BoxIter<'a> {
    data: &'a [u8],
    /// Stream offset of `data[0]`.
    base: u64,
}

impl<'a> Iterator for BoxIter<'a> {
    type Item = Result<RawBox<'a>, Mp4Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // Fewer than 8 bytes left is padding some writers leave (e.g. QuickTime's 4-byte
        // terminator); it cannot be a box, so it ends the iteration.
        let header = match parse_header(self.data, self.base) {
            Ok(Some(h)) => h,
            Ok(None) => return None,
            Err(e) => {
                self.data = &[];
                return Some(Err(e));
            }
        };
        let fits = usize::try_from(header.size)
            .ok()
            .filter(|&s| s <= self.data.len());
        let Some(size) = fits else {
            let err = Mp4Error::malformed(
                header.box_type,
                self.base,
                format!(
                    "box size {} exceeds the {} bytes left in its parent",
                    header.size,
                    self.data.len()
                ),
            );
            self.data = &[];
            return Some(Err(err));
        };
        let (bytes, rest) = self.data.split_at_checked(size)?;
        let raw = RawBox::new(header, bytes, self.base);
        self.data = rest;
        self.base = self.base.saturating_add(size as u64);
        Some(Ok(raw))
    }
}

/// Big-endian field reader over a box payload; every read is bounds-checked and fails with
/// the box's type and offset.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    box_type: FourCc,
    offset: u64,
}

impl<'a> Fields<'a> {
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Mp4Error> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let out = end
            .and_then(|e| self.data.get(self.pos..e))
            .ok_or_else(|| {
                self.error(format!(
                    "needs {n} bytes at payload byte {} but only {} remain",
                    self.pos,
                    self.remaining()
                ))
            })?;
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Mp4Error> {
        let b = self.bytes(N)?;
        b.first_chunk::<N>()
            .copied()
            .ok_or_else(|| self.error("short read"))
    }

    pub fn skip(&mut self, n: usize) -> Result<(), Mp4Error> {
        self.bytes(n).map(|_| ())
    }
    pub fn u8(&mut self) -> Result<u8, Mp4Error> {
        Ok(u8::from_be_bytes(self.array()?))
    }
    pub fn u16(&mut self) -> Result<u16, Mp4Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, Mp4Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub fn i32(&mut self) -> Result<i32, Mp4Error> {
        Ok(i32::from_be_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, Mp4Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    pub fn fourcc(&mut self) -> Result<FourCc, Mp4Error> {
        Ok(FourCc(self.array()?))
    }

    /// FullBox version and 24-bit flags (§4.2).
    pub fn full_box(&mut self) -> Result<(u8, u32), Mp4Error> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0x00ff_ffff))
    }

    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    pub fn error(&self, reason: impl Into<String>) -> Mp4Error {
        Mp4Error::malformed(self.box_type, self.offset, reason)
    }
}
