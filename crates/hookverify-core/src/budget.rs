//! [`BodyBudget`]: one bound on the body bytes buffered by every delivery in flight.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Overload, VerifyError};

/// A limit on the body bytes buffered by all deliveries in flight together, shared by every
/// route and worker it is given to.
///
/// A per-request body limit bounds one delivery; a flood of slow deliveries, each just under
/// that limit, still adds up. Give one `BodyBudget` to every verifying route (it is a handle:
/// clones share the count) and the bytes they hold together never exceed it:
///
/// - a delivery is admitted only while the bytes held are below the budget; past it, it is
///   answered 503 ([`VerifyError::Overloaded`]) before its body is read;
/// - each piece of an admitted body is charged as it is kept; a piece that does not fit is
///   answered 503 and the delivery's buffer is freed at once;
/// - a verified body stays charged while the handler holds it, and is released when the last
///   reference to it is dropped, so the count follows the memory it stands for.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use bytes::Bytes;
/// use hookverify_core::{BodyBudget, SignOptions, Verifier, VerifyError};
///
/// let verifier = Verifier::github("test-only-secret")?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let headers = verifier.sign(b"hello world", &SignOptions::at(now))?;
/// let budget = BodyBudget::new(11);
/// let admit = || verifier.begin(&headers, now)?.buffered(1024, Some(11))?.with_budget(&budget);
///
/// let mut first = admit()?;
/// first.push(Bytes::from_static(b"hello "))?;
/// assert_eq!(budget.in_use(), 6);
///
/// // Six of eleven bytes are held: a second delivery gets in, but its body does not fit.
/// let mut second = admit()?;
/// assert!(matches!(
///     second.push(Bytes::from_static(b"hello world")),
///     Err(VerifyError::Overloaded { .. })
/// ));
/// drop(second);
///
/// first.push(Bytes::from_static(b"world"))?;
/// assert_eq!(budget.in_use(), 11);
/// // The budget is full: the next delivery is refused before its body is read.
/// assert!(matches!(admit(), Err(VerifyError::Overloaded { .. })));
///
/// let (_, body) = first.finish()?;
/// // The verified body stays charged until it is dropped.
/// assert_eq!(budget.in_use(), 11);
/// drop(body);
/// assert_eq!(budget.in_use(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct BodyBudget {
    shared: Arc<Shared>,
}

struct Shared {
    capacity: usize,
    in_use: AtomicUsize,
}

impl BodyBudget {
    /// A budget of `bytes` buffered body bytes across all deliveries in flight. A budget of 0
    /// admits nothing.
    #[must_use]
    pub fn new(bytes: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                capacity: bytes,
                in_use: AtomicUsize::new(0),
            }),
        }
    }

    /// The budget, in bytes.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// The body bytes held right now by the deliveries this budget admitted.
    #[must_use]
    pub fn in_use(&self) -> usize {
        self.shared.in_use.load(Ordering::Relaxed)
    }

    /// Admits a new delivery if the bytes held are below the budget.
    pub(crate) fn admit(&self) -> Result<Charge, VerifyError> {
        if self.in_use() >= self.capacity() {
            return Err(exhausted());
        }
        Ok(Charge {
            budget: self.clone(),
            bytes: 0,
        })
    }
}

impl fmt::Debug for BodyBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyBudget")
            .field("capacity", &self.capacity())
            .field("in_use", &self.in_use())
            .finish()
    }
}

/// The bytes one delivery holds against a [`BodyBudget`]; given back when dropped.
pub(crate) struct Charge {
    budget: BodyBudget,
    bytes: usize,
}

impl Charge {
    /// Charges `bytes` more, if they fit in the budget.
    pub(crate) fn add(&mut self, bytes: usize) -> Result<(), VerifyError> {
        let shared = &self.budget.shared;
        shared
            .in_use
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |in_use| {
                in_use
                    .checked_add(bytes)
                    .filter(|total| *total <= shared.capacity)
            })
            .map_err(|_| exhausted())?;
        self.bytes = self.bytes.saturating_add(bytes);
        Ok(())
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget
            .shared
            .in_use
            .fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

const fn exhausted() -> VerifyError {
    VerifyError::Overloaded {
        reason: Overload::BodyBudget,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_fit_the_budget_exactly_and_are_given_back_on_drop() {
        let budget = BodyBudget::new(10);
        let mut one = budget.admit().unwrap();
        one.add(4).unwrap();
        let mut two = budget.admit().unwrap();
        two.add(6).unwrap();
        assert_eq!(budget.in_use(), 10);
        assert!(two.add(1).is_err());
        assert!(budget.admit().is_err());
        drop(one);
        assert_eq!(budget.in_use(), 6);
        assert!(budget.admit().is_ok());
        drop(two);
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_zero_budget_admits_nothing() {
        assert!(BodyBudget::new(0).admit().is_err());
    }

    #[test]
    fn a_charge_that_would_overflow_is_refused() {
        let budget = BodyBudget::new(usize::MAX);
        let mut charge = budget.admit().unwrap();
        charge.add(usize::MAX).unwrap();
        let mut other = Charge {
            budget: budget.clone(),
            bytes: 0,
        };
        assert!(other.add(1).is_err());
    }
}
