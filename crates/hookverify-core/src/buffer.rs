//! [`BufferedVerification`]: a verification that also keeps the body, within a limit. The part
//! of a middleware that is not about its framework.

use std::fmt;

use bytes::{Bytes, BytesMut};

use crate::{Verification, Verified, VerifyError};

/// The body limit adapters start with: 2 MiB, axum's default for buffered bodies.
pub const DEFAULT_MAX_BODY_SIZE: usize = 2 * 1024 * 1024;

/// A [`Verification`] that keeps the body it is fed, up to a size limit.
///
/// Made by [`Verification::buffered`]. Middleware feeds it each chunk as it arrives and, when
/// the body ends, gets back the [`Verified`] metadata together with the exact bytes to hand on.
/// The body is stored once: a single chunk is kept as it came (no copy), several are gathered
/// into one buffer sized from the announced length.
///
/// The verification state (a few kilobytes of MAC states and candidate tags) lives on the heap,
/// so this value stays a few words long: middleware moves it into a future, and frameworks box
/// and move futures, which would otherwise copy those kilobytes at every step.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use bytes::Bytes;
/// use hookverify_core::{SignOptions, Verifier, VerifyError};
///
/// let verifier = Verifier::github("test-only-secret")?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let headers = verifier.sign(b"hello world", &SignOptions::at(now))?;
///
/// let mut body = verifier.begin(&headers, now)?.buffered(1024, None)?;
/// body.push(Bytes::from_static(b"hello "))?;
/// body.push(Bytes::from_static(b"world"))?;
/// let (verified, bytes) = body.finish()?;
/// assert_eq!(bytes, "hello world");
///
/// // A body that passes the limit is refused as soon as it does.
/// let mut body = verifier.begin(&headers, now)?.buffered(8, None)?;
/// assert_eq!(body.push(Bytes::from_static(b"hello world")), Err(VerifyError::BodyTooLarge { limit: 8 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BufferedVerification {
    verification: Box<Verification>,
    buffer: Buffer,
    received: usize,
    limit: usize,
    /// The capacity to reserve once the body comes in more than one chunk.
    capacity: usize,
}

impl Verification {
    /// Keeps the body as it is fed, refusing more than `limit` bytes.
    ///
    /// `announced` is the length the request declares (`Content-Length`, or a body's exact size
    /// hint), if any: a declared length over the limit is refused before any byte is read, and
    /// a smaller one sizes the buffer.
    ///
    /// # Errors
    ///
    /// [`VerifyError::BodyTooLarge`] when `announced` exceeds `limit`.
    pub fn buffered(
        self,
        limit: usize,
        announced: Option<u64>,
    ) -> Result<BufferedVerification, VerifyError> {
        let announced = announced.unwrap_or(0);
        if announced > u64::try_from(limit).unwrap_or(u64::MAX) {
            return Err(too_large(limit));
        }
        Ok(BufferedVerification {
            verification: Box::new(self),
            buffer: Buffer::Empty,
            received: 0,
            limit,
            capacity: usize::try_from(announced).unwrap_or(limit),
        })
    }
}

impl BufferedVerification {
    /// Feeds and keeps the next chunk of the body.
    ///
    /// # Errors
    ///
    /// [`VerifyError::BodyTooLarge`] when the body received so far exceeds the limit; the chunk
    /// is then dropped unread.
    pub fn push(&mut self, chunk: Bytes) -> Result<(), VerifyError> {
        self.received = self.received.saturating_add(chunk.len());
        if self.received > self.limit {
            return Err(too_large(self.limit));
        }
        self.verification.update(&chunk);
        self.buffer.push(chunk, self.capacity);
        Ok(())
    }

    /// Ends the body: the verdict, and on success the metadata and the whole body.
    ///
    /// # Errors
    ///
    /// [`VerifyError::SignatureMismatch`] when no signature matches.
    pub fn finish(self) -> Result<(Verified, Bytes), VerifyError> {
        let mut verification = self.verification;
        let verified = verification.conclude()?;
        Ok((verified, self.buffer.freeze()))
    }
}

impl fmt::Debug for BufferedVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferedVerification")
            .field("verification", &self.verification)
            .field("received", &self.received)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

fn too_large(limit: usize) -> VerifyError {
    VerifyError::BodyTooLarge {
        limit: u64::try_from(limit).unwrap_or(u64::MAX),
    }
}

/// The body received so far.
#[derive(Default)]
enum Buffer {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Buffer {
    fn push(&mut self, chunk: Bytes, capacity: usize) {
        if chunk.is_empty() {
            return;
        }
        *self = match std::mem::take(self) {
            Self::Empty => Self::One(chunk),
            Self::One(first) => {
                let needed = first.len().saturating_add(chunk.len());
                let mut buffer = BytesMut::with_capacity(capacity.max(needed));
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Self::Many(buffer)
            }
            Self::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Self::Many(buffer)
            }
        };
    }

    fn freeze(self) -> Bytes {
        match self {
            Self::Empty => Bytes::new(),
            Self::One(bytes) => bytes,
            Self::Many(buffer) => buffer.freeze(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::{SignOptions, Verifier};

    fn begin(body: &[u8]) -> Verification {
        let verifier = Verifier::github("s").unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1);
        let headers = verifier.sign(body, &SignOptions::at(now)).unwrap();
        verifier.begin(&headers, now).unwrap()
    }

    #[test]
    fn a_single_chunk_is_kept_without_copying() {
        let body = Bytes::from(vec![7u8; 100]);
        let mut buffered = begin(&body).buffered(100, Some(100)).unwrap();
        buffered.push(body.clone()).unwrap();
        let (_, kept) = buffered.finish().unwrap();
        assert_eq!(kept.as_ptr(), body.as_ptr());
    }

    #[test]
    fn the_limit_is_inclusive() {
        let body = vec![1u8; 10];
        let mut buffered = begin(&body).buffered(10, None).unwrap();
        for byte in body.chunks(3) {
            buffered.push(Bytes::copy_from_slice(byte)).unwrap();
        }
        assert_eq!(buffered.finish().unwrap().1, body);

        let mut buffered = begin(&body).buffered(9, None).unwrap();
        assert_eq!(
            buffered.push(Bytes::from(body)),
            Err(VerifyError::BodyTooLarge { limit: 9 })
        );
    }

    #[test]
    fn an_announced_length_over_the_limit_is_refused_up_front() {
        assert_eq!(
            begin(b"").buffered(10, Some(11)).unwrap_err(),
            VerifyError::BodyTooLarge { limit: 10 }
        );
        assert!(begin(b"").buffered(10, Some(10)).is_ok());
        assert!(begin(b"").buffered(10, Some(u64::MAX)).is_err());
    }

    #[test]
    fn empty_chunks_and_bodies_are_fine() {
        let mut buffered = begin(b"").buffered(0, Some(0)).unwrap();
        buffered.push(Bytes::new()).unwrap();
        assert_eq!(buffered.finish().unwrap().1, "");
    }
}
