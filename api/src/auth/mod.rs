//! Authentication: password hashing now; tokens, guards and principals come with the auth issue.

pub mod password;
pub mod roles;

pub use roles::Role;
