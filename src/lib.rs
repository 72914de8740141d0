#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod asynchronous;
mod breach;
mod error;
pub mod ffi;
mod gate;
mod pepper;
mod policy;
mod schemes;
mod screen;
mod wrap;

pub use breach::{BreachIndex, IndexSummary};
pub use error::{Error, Result};
pub use pepper::{MAX_KEY_ID_LEN, MAX_SECRET_LEN, MIN_SECRET_LEN, PepperKey};
pub use policy::{
    ConfigError, DEFAULT_M_COST, DEFAULT_P_COST, DEFAULT_T_COST, Limits, MAX_STORED_LEN, Policy,
    PolicyBuilder, Verdict,
};
pub use schemes::salted::salted_import;
pub use screen::{
    Context, DEFAULT_MAX_LENGTH, MAX_LENGTH_FLOOR, MIN_LENGTH, MIN_LENGTH_SINGLE_FACTOR, Reason,
    Rejections,
};
