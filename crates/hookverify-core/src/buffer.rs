//! [`BufferedVerification`]: a verification that also keeps the body, within a limit. The part
//! of a middleware that is not about its framework.

use std::fmt;

use bytes::Bytes;

use crate::budget::Charge;
use crate::{BodyBudget, Overload, Verification, Verified, VerifyError};

/// The body limit adapters start with: 2 MiB, axum's default for buffered bodies.
pub const DEFAULT_MAX_BODY_SIZE: usize = 2 * 1024 * 1024;

/// The most a buffer reserves before the bytes to fill it have arrived: a body that announces
/// the whole limit and then stalls holds this much, not the limit.
const FIRST_RESERVATION: usize = 64 * 1024;

/// A [`Verification`] that keeps the body it is fed, up to a size limit.
///
/// Made by [`Verifier::begin_buffered`](crate::Verifier::begin_buffered) or
/// [`Verification::buffered`]. Middleware feeds it each chunk as it arrives and, when the body
/// ends, gets back the [`Verified`] metadata together with the exact bytes to hand on.
///
/// The body is stored once: a single chunk is kept as it came (no copy), several are gathered
/// into one buffer. That buffer never trusts the announced length: it starts at most at 64 KiB
/// and doubles as bytes arrive (never past the announced length or the limit), so what a
/// delivery holds follows what it sent. Memory is reserved fallibly: an allocation failure is a
/// [`VerifyError::Overloaded`] (503), never an abort. With
/// [`with_budget`](Self::with_budget), what it holds is also charged to a [`BodyBudget`]
/// shared with other deliveries.
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
    /// The announced length, if any: the buffer never grows past it.
    announced: Option<usize>,
    /// What the buffer holds against a shared budget, if one was given.
    charge: Option<Charge>,
}

impl Verification {
    /// Keeps the body as it is fed, refusing more than `limit` bytes.
    ///
    /// `announced` is the length the request declares (`Content-Length`, or a body's exact size
    /// hint), if any: a declared length over the limit is refused before any byte is read. A
    /// smaller one caps how far the buffer grows, but nothing is reserved for bytes that have
    /// not arrived beyond the first 64 KiB.
    ///
    /// # Errors
    ///
    /// [`VerifyError::BodyTooLarge`] when `announced` exceeds `limit`.
    pub fn buffered(
        self,
        limit: usize,
        announced: Option<u64>,
    ) -> Result<BufferedVerification, VerifyError> {
        BufferedVerification::new(Box::new(self), limit, announced)
    }
}

impl BufferedVerification {
    pub(crate) fn new(
        verification: Box<Verification>,
        limit: usize,
        announced: Option<u64>,
    ) -> Result<Self, VerifyError> {
        let announced = match announced.map(usize::try_from) {
            None => None,
            Some(Ok(len)) if len <= limit => Some(len),
            Some(_) => return Err(too_large(limit)),
        };
        Ok(Self {
            verification,
            buffer: Buffer::Empty,
            received: 0,
            limit,
            announced,
            charge: None,
        })
    }

    /// Charges what this delivery buffers to `budget`, which other deliveries share.
    ///
    /// # Errors
    ///
    /// [`VerifyError::Overloaded`] when the deliveries in flight already hold the whole budget;
    /// the delivery should then be answered before its body is read.
    pub fn with_budget(mut self, budget: &BodyBudget) -> Result<Self, VerifyError> {
        self.charge = Some(budget.admit()?);
        Ok(self)
    }

    /// Feeds and keeps the next chunk of the body.
    ///
    /// # Errors
    ///
    /// [`VerifyError::BodyTooLarge`] when the body received so far exceeds the limit; the chunk
    /// is then dropped unread. [`VerifyError::Overloaded`] when the chunk cannot be kept: it does
    /// not fit in the budget, or the allocator refused the memory.
    pub fn push(&mut self, chunk: Bytes) -> Result<(), VerifyError> {
        self.received = self.received.saturating_add(chunk.len());
        if self.received > self.limit {
            return Err(too_large(self.limit));
        }
        // The body is kept here, so the verification only feeds its keys.
        self.verification.absorb(&chunk);
        self.keep(chunk)
    }

    /// Ends the body: the verdict, and on success the metadata and the whole body.
    ///
    /// With a budget, the body stays charged to it until the returned bytes (and every clone of
    /// them) are dropped.
    ///
    /// # Errors
    ///
    /// [`VerifyError::SignatureMismatch`] when no signature matches.
    pub fn finish(self) -> Result<(Verified, Bytes), VerifyError> {
        let Self {
            mut verification,
            buffer,
            charge,
            ..
        } = self;
        let bytes = buffer.freeze();
        let verified = verification.conclude(Some(&bytes))?;
        let bytes = match charge {
            Some(charge) if !bytes.is_empty() => Bytes::from_owner(Charged {
                bytes,
                _charge: charge,
            }),
            _ => bytes,
        };
        Ok((verified, bytes))
    }

    /// Stores `chunk`, reserving (and charging) room as it is needed.
    fn keep(&mut self, chunk: Bytes) -> Result<(), VerifyError> {
        if chunk.is_empty() {
            return Ok(());
        }
        let (len, held) = match &self.buffer {
            Buffer::Empty => {
                self.charge(chunk.len())?;
                self.buffer = Buffer::One(chunk);
                return Ok(());
            }
            Buffer::One(first) => (first.len(), first.len()),
            Buffer::Many(buffer) => (buffer.len(), buffer.capacity()),
        };
        let needed = len.saturating_add(chunk.len());
        if needed > held {
            let capacity = self.next_capacity(held, needed);
            self.charge(capacity.saturating_sub(held))?;
            self.buffer.grow_to(capacity)?;
        }
        self.buffer.extend(&chunk);
        Ok(())
    }

    /// The capacity to grow to when `needed` bytes must fit and `held` are reserved: double,
    /// from at least [`FIRST_RESERVATION`], never past the announced length or the limit
    /// (unless `needed` is larger, which only a body longer than it announced can cause).
    fn next_capacity(&self, held: usize, needed: usize) -> usize {
        let ceiling = self.announced.unwrap_or(self.limit).min(self.limit);
        held.saturating_mul(2)
            .max(FIRST_RESERVATION)
            .min(ceiling)
            .max(needed)
    }

    fn charge(&mut self, bytes: usize) -> Result<(), VerifyError> {
        match &mut self.charge {
            Some(charge) => charge.add(bytes),
            None => Ok(()),
        }
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

/// A verified body that keeps its budget charge until the last reference to it is dropped.
struct Charged {
    bytes: Bytes,
    _charge: Charge,
}

impl AsRef<[u8]> for Charged {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

/// The body received so far.
#[derive(Default)]
enum Buffer {
    #[default]
    Empty,
    /// A single chunk, kept as it came.
    One(Bytes),
    /// Several chunks, copied into one buffer.
    Many(Vec<u8>),
}

impl Buffer {
    /// Makes room for `capacity` bytes in all, in one buffer, without aborting on failure.
    fn grow_to(&mut self, capacity: usize) -> Result<(), VerifyError> {
        let out_of_memory = |_| VerifyError::Overloaded {
            reason: Overload::OutOfMemory,
        };
        if let Self::Many(buffer) = self {
            let additional = capacity.saturating_sub(buffer.len());
            return buffer.try_reserve_exact(additional).map_err(out_of_memory);
        }
        let mut buffer = Vec::new();
        buffer.try_reserve_exact(capacity).map_err(out_of_memory)?;
        if let Self::One(first) = self {
            buffer.extend_from_slice(first);
        }
        *self = Self::Many(buffer);
        Ok(())
    }

    /// Appends `chunk` to a buffer that [`grow_to`](Self::grow_to) made room in.
    fn extend(&mut self, chunk: &[u8]) {
        if let Self::Many(buffer) = self {
            buffer.extend_from_slice(chunk);
        }
    }

    fn freeze(self) -> Bytes {
        match self {
            Self::Empty => Bytes::new(),
            Self::One(bytes) => bytes,
            Self::Many(buffer) => Bytes::from(buffer),
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

    fn reserved(buffered: &BufferedVerification) -> usize {
        match &buffered.buffer {
            Buffer::Empty => 0,
            Buffer::One(bytes) => bytes.len(),
            Buffer::Many(buffer) => buffer.capacity(),
        }
    }

    #[test]
    fn the_announced_length_is_not_reserved_before_the_bytes_arrive() {
        // issues/11: two 1-byte pieces of a body announcing 2 MiB reserved 2 MiB.
        let limit = 2 * 1024 * 1024;
        let mut buffered = begin(b"").buffered(limit, Some(limit as u64)).unwrap();
        buffered.push(Bytes::from_static(b"{")).unwrap();
        buffered.push(Bytes::from_static(b"\"")).unwrap();
        assert_eq!(reserved(&buffered), FIRST_RESERVATION);
    }

    #[test]
    fn the_buffer_grows_with_what_arrives_and_stops_at_the_announced_length() {
        let body = vec![5u8; 300_000];
        let mut buffered = begin(&body).buffered(1 << 20, Some(300_000)).unwrap();
        let mut received = 0;
        for chunk in body.chunks(16 * 1024) {
            buffered.push(Bytes::copy_from_slice(chunk)).unwrap();
            received += chunk.len();
            let reserved = reserved(&buffered);
            assert!(reserved >= received);
            assert!(
                reserved <= (2 * received).max(FIRST_RESERVATION),
                "{reserved} for {received}"
            );
        }
        assert_eq!(reserved(&buffered), 300_000);
        let (_, kept) = buffered.finish().unwrap();
        assert_eq!(kept, body);
    }

    #[test]
    fn without_an_announced_length_the_buffer_stops_at_the_limit() {
        let body = vec![5u8; 100_000];
        let mut buffered = begin(&body).buffered(100_000, None).unwrap();
        for chunk in body.chunks(30_000) {
            buffered.push(Bytes::copy_from_slice(chunk)).unwrap();
        }
        assert_eq!(reserved(&buffered), 100_000);
        assert_eq!(buffered.finish().unwrap().1, body);
    }

    #[test]
    fn a_refused_allocation_is_an_overload_not_an_abort() {
        let mut buffer = Buffer::One(Bytes::from_static(b"x"));
        assert_eq!(
            buffer.grow_to(usize::MAX),
            Err(VerifyError::Overloaded {
                reason: Overload::OutOfMemory
            })
        );
    }

    #[test]
    fn the_budget_is_charged_what_the_buffer_reserves_and_given_back_with_the_body() {
        let budget = BodyBudget::new(1 << 20);
        let body = vec![9u8; 100_000];
        let mut buffered = begin(&body)
            .buffered(1 << 20, Some(100_000))
            .unwrap()
            .with_budget(&budget)
            .unwrap();
        buffered.push(Bytes::copy_from_slice(&body[..10])).unwrap();
        assert_eq!(budget.in_use(), 10);
        buffered
            .push(Bytes::copy_from_slice(&body[10..20]))
            .unwrap();
        assert_eq!(budget.in_use(), FIRST_RESERVATION);
        buffered.push(Bytes::copy_from_slice(&body[20..])).unwrap();
        assert_eq!(budget.in_use(), 100_000);

        let (_, kept) = buffered.finish().unwrap();
        let clone = kept.clone();
        drop(kept);
        assert_eq!(budget.in_use(), 100_000, "a clone still holds the body");
        assert_eq!(clone, body);
        drop(clone);
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_rejected_delivery_gives_its_budget_back() {
        let budget = BodyBudget::new(1 << 20);
        let mut buffered = begin(b"signed")
            .buffered(1 << 20, None)
            .unwrap()
            .with_budget(&budget)
            .unwrap();
        buffered.push(Bytes::from_static(b"forged")).unwrap();
        buffered.push(Bytes::from_static(b"!")).unwrap();
        assert_eq!(budget.in_use(), FIRST_RESERVATION);
        assert_eq!(buffered.finish(), Err(VerifyError::SignatureMismatch));
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_piece_that_does_not_fit_the_budget_is_refused() {
        let budget = BodyBudget::new(FIRST_RESERVATION - 1);
        let mut buffered = begin(b"")
            .buffered(1 << 20, None)
            .unwrap()
            .with_budget(&budget)
            .unwrap();
        buffered.push(Bytes::from_static(b"a")).unwrap();
        assert_eq!(
            buffered.push(Bytes::from_static(b"b")),
            Err(VerifyError::Overloaded {
                reason: Overload::BodyBudget
            })
        );
        drop(buffered);
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn empty_chunks_and_bodies_are_fine() {
        let mut buffered = begin(b"").buffered(0, Some(0)).unwrap();
        buffered.push(Bytes::new()).unwrap();
        assert_eq!(buffered.finish().unwrap().1, "");
    }
}
