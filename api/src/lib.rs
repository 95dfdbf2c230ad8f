//! Zhirong service.
