//! The bounded buffer between a publisher and its forward: bytes that arrive while no
//! forward is connected (or faster than it sends) wait here; when it is full the oldest
//! messages are dropped and counted.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use tokio::sync::Notify;

/// Default capacity of a session's buffer: 8 MiB (about 13 s of a 5 Mbit/s stream).
pub const DEFAULT_BUFFER_BYTES: usize = 8 * 1024 * 1024;

/// A byte-bounded FIFO of SRT messages (MPEG-TS payloads), dropping the oldest when full.
#[derive(Debug)]
pub struct PreForwardBuffer {
    messages: VecDeque<Bytes>,
    bytes: usize,
    capacity: usize,
    dropped_bytes: u64,
    dropped_messages: u64,
}

impl PreForwardBuffer {
    pub fn new(capacity: usize) -> Self {
        Self {
            messages: VecDeque::new(),
            bytes: 0,
            capacity,
            dropped_bytes: 0,
            dropped_messages: 0,
        }
    }

    /// Appends a message, dropping the oldest ones until it fits; returns the bytes dropped
    /// by this call. A message larger than the whole capacity is itself dropped.
    pub fn push(&mut self, message: Bytes) -> usize {
        let mut dropped = 0;
        if message.len() > self.capacity {
            dropped += message.len();
            self.dropped_messages += 1;
        } else {
            while self.bytes + message.len() > self.capacity {
                match self.messages.pop_front() {
                    Some(old) => {
                        self.bytes -= old.len();
                        dropped += old.len();
                        self.dropped_messages += 1;
                    }
                    None => break,
                }
            }
            self.bytes += message.len();
            self.messages.push_back(message);
        }
        self.dropped_bytes += dropped as u64;
        dropped
    }

    /// Takes the oldest message.
    pub fn pop(&mut self) -> Option<Bytes> {
        let message = self.messages.pop_front()?;
        self.bytes -= message.len();
        Some(message)
    }

    /// Bytes waiting.
    pub fn len_bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Bytes dropped since the buffer was created.
    pub fn dropped_bytes(&self) -> u64 {
        self.dropped_bytes
    }

    /// Messages dropped since the buffer was created.
    pub fn dropped_messages(&self) -> u64 {
        self.dropped_messages
    }
}

/// A [`PreForwardBuffer`] shared by a session (the writer) and its forward (the reader).
#[derive(Debug)]
pub(crate) struct SharedBuffer {
    inner: Mutex<PreForwardBuffer>,
    ready: Notify,
}

impl SharedBuffer {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(PreForwardBuffer::new(capacity)),
            ready: Notify::new(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut PreForwardBuffer) -> R) -> R {
        // A poisoned lock only means a panic elsewhere while holding it; the buffer itself
        // is always consistent between calls, so keep using it.
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Appends a message and wakes the forward; returns the bytes dropped.
    pub(crate) fn push(&self, message: Bytes) -> usize {
        let dropped = self.with(|b| b.push(message));
        self.ready.notify_one();
        dropped
    }

    /// Waits for the oldest message.
    pub(crate) async fn pop(&self) -> Bytes {
        loop {
            if let Some(message) = self.with(PreForwardBuffer::pop) {
                return message;
            }
            self.ready.notified().await;
        }
    }

    pub(crate) fn dropped_bytes(&self) -> u64 {
        self.with(|b| b.dropped_bytes())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn msg(n: usize, fill: u8) -> Bytes {
        Bytes::from(vec![fill; n])
    }

    #[test]
    fn keeps_order_and_bound() {
        let mut b = PreForwardBuffer::new(10);
        assert_eq!(b.push(msg(4, 1)), 0);
        assert_eq!(b.push(msg(4, 2)), 0);
        assert_eq!(b.len_bytes(), 8);
        // 4 more do not fit: the oldest (4 bytes) goes.
        assert_eq!(b.push(msg(4, 3)), 4);
        assert_eq!(b.len_bytes(), 8);
        assert_eq!(b.dropped_bytes(), 4);
        assert_eq!(b.dropped_messages(), 1);
        assert_eq!(b.pop().unwrap()[0], 2);
        assert_eq!(b.pop().unwrap()[0], 3);
        assert!(b.pop().is_none());
        assert!(b.is_empty());
    }

    #[test]
    fn oversized_message_is_dropped() {
        let mut b = PreForwardBuffer::new(10);
        b.push(msg(5, 1));
        assert_eq!(b.push(msg(11, 2)), 11);
        assert_eq!(b.len_bytes(), 5);
        assert_eq!(b.dropped_messages(), 1);
    }

    #[test]
    fn drops_many_to_fit_one() {
        let mut b = PreForwardBuffer::new(10);
        for i in 0..5 {
            b.push(msg(2, i));
        }
        assert_eq!(b.push(msg(9, 9)), 10);
        assert_eq!(b.len_bytes(), 9);
        assert_eq!(b.pop().unwrap()[0], 9);
    }

    #[tokio::test]
    async fn shared_pop_waits_for_push() {
        let shared = std::sync::Arc::new(SharedBuffer::new(100));
        let reader = shared.clone();
        let task = tokio::spawn(async move { reader.pop().await });
        tokio::task::yield_now().await;
        shared.push(msg(3, 7));
        assert_eq!(task.await.unwrap()[..], [7, 7, 7]);
    }
}
