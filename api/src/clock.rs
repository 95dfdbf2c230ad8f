//! The service's one source of "now", so tests can move time by hand instead of sleeping.

use std::sync::Mutex;

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

pub trait Clock: Send + Sync {
    /// The current instant in UTC.
    fn now(&self) -> NaiveDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc()
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    pub fn new(start: NaiveDateTime) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }

    pub fn set(&self, to: NaiveDateTime) {
        if let Ok(mut t) = self.0.lock() {
            *t = to;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|p| *p.into_inner())
    }
}

/// Legal dates are China calendar dates (UTC+8, no daylight saving): today there.
pub fn china_today(now_utc: NaiveDateTime) -> NaiveDate {
    (now_utc + Duration::hours(8)).date()
}
