//! Authentication and authorisation: passwords (argon2id), access tokens (JWT), the login
//! throttle, the typed principal and the role guards of the `/api/<role>` scopes.

pub mod guard;
pub mod jwt;
pub mod password;
pub mod principal;
pub mod roles;
pub mod throttle;

pub use principal::Principal;
pub use roles::Role;
