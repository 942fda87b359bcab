//! Resource limits for the readers of untrusted data files.
//!
//! Every reader checks what a file *declares* (lengths, shapes, entry sizes)
//! against these limits and against the bytes actually present before it
//! allocates, so a small hostile file fails fast with a one-line error instead of
//! exhausting memory or the stack. The limits are generous for real datasets:
//! each is either a fixed cap far above what `torch.save`, `np.savez` or
//! safetensors write, or a multiple of the size of the file being read.

/// Deepest nesting of pickle containers (and of MARKs) accepted. `torch.save` of
/// a dict of tensors nests about five levels; 128 leaves room for nested dicts.
pub const PICKLE_MAX_DEPTH: u32 = 128;

/// Most memo entries a pickle may create.
pub const PICKLE_MAX_MEMO: usize = 1 << 20;

/// Most opcodes a pickle may execute. Every opcode consumes at least one byte, so
/// the input length bounds this too; the cap keeps a huge entry from running long.
pub const PICKLE_MAX_OPS: usize = 1 << 24;

/// Most values a pickled object may expand to when shared references are
/// counted every time they are reached. Values shared through the memo are held
/// once (by reference), but a "memo bomb" that re-packs a memoised container
/// doubles this count at every step and is refused long before anything that
/// walks the tree could blow up.
pub const PICKLE_MAX_EXPANDED: u64 = 1 << 24;

/// Longest module or class name in a GLOBAL opcode.
pub const PICKLE_MAX_NAME: usize = 256;

/// The bytes of all tensor views of a `.pt` file together may be at most
/// `VIEW_FACTOR ×` the file size plus [`VIEW_SLACK`]. Views that repeat storage
/// elements (stride 0, overlapping strides) are legal and kept, but one that
/// would materialise far more than the file holds (`[1e11, 10]` with stride
/// `[0, 1]`: 4 TB from 40 bytes) is refused.
pub const VIEW_FACTOR: u64 = 16;

/// See [`VIEW_FACTOR`]: lets small files hold modest broadcast views.
pub const VIEW_SLACK: u64 = 1 << 20;

/// Most entries in a zip archive (`.npz`, `.pt`).
pub const ZIP_MAX_ENTRIES: usize = 1 << 16;

/// Highest inflate ratio (uncompressed / compressed) of one zip entry. Deflate
/// cannot exceed about 1032:1, so only runs of identical bytes come near it.
pub const ZIP_MAX_RATIO: u64 = 1000;

/// Entries up to this many uncompressed bytes are exempt from
/// [`ZIP_MAX_RATIO`], and every archive may inflate to at least this much, so
/// small or highly regular arrays (all-zero labels) still load.
pub const ZIP_FLOOR: u64 = 64 << 20;

/// All entries of an archive together may inflate to at most
/// `ZIP_TOTAL_FACTOR ×` the archive's size plus [`ZIP_FLOOR`]: a 1.5 MB `.npz`
/// may yield about 214 MB, never 1.5 GB.
pub const ZIP_TOTAL_FACTOR: u64 = 100;

/// Longest `.npy` header accepted (numpy itself refuses headers over 10 000
/// bytes unless told otherwise).
pub const NPY_MAX_HEADER: usize = 1 << 16;

/// Longest `.safetensors` JSON header accepted (the safetensors crate's own cap).
pub const SAFETENSORS_MAX_HEADER: u64 = 100_000_000;

/// How many bytes of tensor views a `.pt` file of `file_len` bytes may yield.
pub fn view_budget(file_len: u64) -> u64 {
    file_len
        .saturating_mul(VIEW_FACTOR)
        .saturating_add(VIEW_SLACK)
}

/// How many bytes all entries of an archive of `file_len` bytes may inflate to.
pub fn zip_budget(file_len: u64) -> u64 {
    file_len
        .saturating_mul(ZIP_TOTAL_FACTOR)
        .saturating_add(ZIP_FLOOR)
}

/// The bytes of the file at `path`, refused unread when larger than
/// `max_bytes` (the error names the path and says it is larger than any
/// `what`): for files read whole, whose size no header declared.
pub fn read_capped(path: &std::path::Path, max_bytes: u64, what: &str) -> crate::Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .map_err(|e| crate::Error::io(path, e))?
        .len();
    if size > max_bytes {
        return Err(crate::Error::format(
            path,
            format!("{size} bytes is larger than any {what} ({max_bytes} bytes)"),
        ));
    }
    std::fs::read(path).map_err(|e| crate::Error::io(path, e))
}
