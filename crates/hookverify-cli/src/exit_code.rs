//! The exit codes scripts can rely on.

use std::process::ExitCode;

/// How a `hookverify` run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// 0: signed, verified, or answered with a 2xx.
    Success,
    /// 1: the delivery was rejected, or the server answered something other than 2xx (or could
    /// not be reached).
    Rejected,
    /// 2: the command line, a file, or the configuration was wrong. clap uses 2 for its own
    /// usage errors too.
    Usage,
}

impl Outcome {
    /// The number the process exits with.
    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Rejected => 1,
            Self::Usage => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        Self::from(outcome.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Outcome::Success.code(), 0);
        assert_eq!(Outcome::Rejected.code(), 1);
        assert_eq!(Outcome::Usage.code(), 2);
    }
}
