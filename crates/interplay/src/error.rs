//! Typed errors. Every message is one line that names what was wrong and where,
//! so a command-line caller can print it as is.

/// Errors returned by the interplay library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file concerned.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A file was read but its content is not what was expected
    /// (unknown format, missing key, corrupt or truncated data).
    #[error("{path}: {message}")]
    Format {
        /// The file concerned.
        path: String,
        /// What went wrong, naming the key where there is one.
        message: String,
    },
    /// Data or arguments given by the caller are invalid
    /// (shapes that differ, NaN, labels out of range, bad option values).
    #[error("{0}")]
    InvalidInput(String),
    /// A model could not be loaded or evaluated.
    #[error("model: {0}")]
    Model(String),
    /// A numerical routine failed (optimiser divergence, solver failure).
    #[error("numerical: {0}")]
    Numerical(String),
    /// The caller asked the work to stop (see [`crate::progress::Progress::check`]).
    #[error("interrupted")]
    Interrupted,
    /// The operation needs an optional backend that this build was compiled
    /// without (a Cargo feature of the `interplay` crate: `onnx`, `parquet`,
    /// `clarabel`).
    #[error("this build of interplay has no {what} support; rebuild with the `{feature}` feature")]
    MissingFeature {
        /// What is missing, as users know it ("ONNX", "Parquet", "Clarabel solver").
        what: &'static str,
        /// The Cargo feature that enables it.
        feature: &'static str,
    },
}

impl Error {
    /// Whether the error is the caller's input (files, data, arguments) rather than a
    /// failure inside the library. Command-line front ends exit with status 2 for these.
    pub fn is_user_input(&self) -> bool {
        matches!(
            self,
            Error::Io { .. }
                | Error::Format { .. }
                | Error::InvalidInput(_)
                | Error::MissingFeature { .. }
        )
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    /// Shorthand for [`Error::MissingFeature`] (for front ends whose own features
    /// forward to the library's).
    pub fn missing_feature(what: &'static str, feature: &'static str) -> Self {
        Error::MissingFeature { what, feature }
    }

    /// Shorthand for [`Error::Format`] on a file.
    pub fn format(path: impl AsRef<std::path::Path>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.as_ref().display().to_string(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Io`] from a [`std::io::Error`].
    pub fn io(path: impl AsRef<std::path::Path>, err: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            message: err.to_string(),
        }
    }
}

/// Result alias used throughout the library.
pub type Result<T> = std::result::Result<T, Error>;
