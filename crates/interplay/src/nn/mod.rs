//! Small dense networks trained by hand-written forward/backward passes and Adam.
