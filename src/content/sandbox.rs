//! The content folder on disk: every file the content names is resolved
//! inside the folder, checked to be a regular file, and read through a size
//! cap, or refused with a [`Refusal`] that says why in plain words.
//!
//! Whoever may edit the content (or push to the repository it is pulled
//! from) names files in `sources.toml`, and the bot may run as root. So a
//! name never reaches outside the folder: no absolute path, no `..`, no link
//! that leads out (`/etc/shadow`, or `/proc/self/environ`, which holds the
//! token); nothing but a regular file is opened (a FIFO would block the load
//! forever, `/dev/zero` would fill memory); and no file is read past its cap.
//! Every check happens before the file is opened, and the open handle is
//! checked again to be the very file that was checked. Nothing outside the
//! folder is ever opened, so no problem can depend on what is outside it.
//!
//! [`check_name`] is the part that needs no disk, so the loader applies it
//! whatever its reader (tests read from memory).

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::load::{ENTRIES, FILES};

/// The largest article text read, in bytes. The shipped articles are 3.5
/// and 6.6 KB (one web page each); even the synthetic benchmark article
/// with a section for each of 10,000 entries is about 0.8 MB. A file past
/// this is almost certainly the wrong file (a PDF, a dump), and is refused
/// before it costs the bot its memory.
pub const MAX_ARTICLE_BYTES: u64 = 1_000_000;

/// The largest `entries.toml` read, in bytes. The shipped one is 55 KB; the
/// 10,000-entry catalog the reload figures are measured on
/// (`docs/PERFORMANCE.md`) is 5 MB, so this leaves room for about 60,000
/// entries while bounding what a mistaken file costs (the loader holds the
/// text and its parsed records at once, beside the catalog being served).
pub const MAX_ENTRIES_BYTES: u64 = 32_000_000;

/// The largest of the other TOML files (`sources.toml`, `topics.toml`,
/// `synonyms.toml`, `messages.toml`, `red-flags.toml`, `crisis.toml`,
/// `smalltalk.toml`), in bytes. The largest shipped one is 22 KB; a
/// `sources.toml` listing a section for each of 10,000 entries is about
/// 0.4 MB.
pub const MAX_TOML_BYTES: u64 = 4_000_000;

/// Why a file the content names is not read. Its [`Display`](fmt::Display)
/// is a sentence about "the file"; [`Refusal::sentence`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The name is empty.
    Empty,
    /// An absolute path (`/etc/passwd`).
    Absolute,
    /// A Windows path: a drive (`C:`) or a backslash.
    WindowsPath,
    /// A `..` component.
    Parent,
    /// A NUL character, which no file name can hold.
    Nul,
    /// A link that does not lead to a file inside the folder: it leads
    /// outside, or nowhere. The two read alike, so a refusal says nothing
    /// about what exists outside the folder.
    Outside,
    /// Not a regular file: a folder, a FIFO, a device or a socket.
    NotAFile(&'static str),
    /// Larger than its cap: the size when known, the cap, and what kind of
    /// file the cap is for.
    TooLarge {
        /// The file's size, when it is known (a file that grows while read
        /// is only known to be larger than the cap).
        size: Option<u64>,
        /// The cap.
        cap: u64,
        /// What the cap is for: "an article", "entries.toml"...
        what: &'static str,
    },
    /// The file was replaced (by a link, a FIFO, another file) between the
    /// checks and the open.
    Changed,
}

impl Refusal {
    /// The refusal as a sentence whose subject is `subject` (`file
    /// "articles/x.txt"`, or "the file" when the problem is at the file).
    pub fn sentence(&self, subject: &str) -> String {
        const EXAMPLE: &str = "for example \"articles/my-article.txt\"";
        match self {
            // Only a name written in `sources.toml` can be empty.
            Refusal::Empty => format!(
                "`file` is empty: name the article's text file, relative to the content \
                 folder ({EXAMPLE})"
            ),
            Refusal::Absolute => format!(
                "{subject} is an absolute path: the bot reads only files inside the content \
                 folder, named relative to it ({EXAMPLE})"
            ),
            Refusal::WindowsPath => format!(
                "{subject} is a Windows path: name the file relative to the content folder, \
                 with forward slashes ({EXAMPLE})"
            ),
            Refusal::Parent => format!(
                "{subject} goes up out of the content folder with \"..\": the bot reads only \
                 files inside the content folder"
            ),
            Refusal::Nul => format!("{subject} contains a NUL character, which no file name can"),
            Refusal::Outside => format!(
                "{subject} is a link that does not lead to a file inside the content folder: \
                 the bot reads only files inside it (copy the file in instead of linking to it)"
            ),
            Refusal::NotAFile(kind) => {
                format!("{subject} is {kind}, not a regular file: the bot reads only regular files")
            }
            Refusal::TooLarge { size, cap, what } => {
                let size = match size {
                    Some(size) => format!("is {}", megabytes_above(*size, *cap)),
                    None => format!("is more than {}", megabytes(*cap)),
                };
                format!(
                    "{subject} {size}; {what} may be at most {}. Is this the right file?",
                    megabytes(*cap)
                )
            }
            Refusal::Changed => {
                format!("{subject} was replaced while it was being read: check the content again")
            }
        }
    }

    /// The refusal an error from [`ContentDir::read`] carries, if it is one
    /// (otherwise it is an ordinary I/O error: missing, permission denied).
    pub fn of(err: &io::Error) -> Option<&Refusal> {
        err.get_ref().and_then(|e| e.downcast_ref::<Refusal>())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence("the file"))
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for io::Error {
    fn from(refusal: Refusal) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, refusal)
    }
}

/// `bytes` in megabytes, to a tenth (caps are whole megabytes).
fn megabytes(bytes: u64) -> String {
    let tenths = bytes / 100_000;
    if tenths % 10 == 0 {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A size above `cap` in megabytes, never rounded down to read as the cap.
fn megabytes_above(size: u64, cap: u64) -> String {
    if size / 100_000 <= cap / 100_000 {
        format!("just over {}", megabytes(cap))
    } else {
        megabytes(size)
    }
}

/// Refuses a name that could leave the folder whatever the disk holds:
/// empty, absolute, a Windows drive or backslash, a `..` or a NUL. Names are
/// relative to the content folder.
pub fn check_name(name: &str) -> Result<(), Refusal> {
    if name.is_empty() {
        return Err(Refusal::Empty);
    }
    if name.contains('\0') {
        return Err(Refusal::Nul);
    }
    if name.starts_with('/') {
        return Err(Refusal::Absolute);
    }
    let drive =
        name.len() >= 2 && name.as_bytes()[0].is_ascii_alphabetic() && name.as_bytes()[1] == b':';
    if drive || name.contains('\\') {
        return Err(Refusal::WindowsPath);
    }
    for component in Path::new(name).components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(Refusal::Parent),
            Component::RootDir => return Err(Refusal::Absolute),
            Component::Prefix(_) => return Err(Refusal::WindowsPath),
        }
    }
    Ok(())
}

/// The cap for a file, and what kind of file it is for, by its name.
fn cap_for(name: &str) -> (u64, &'static str) {
    if name == ENTRIES {
        return (MAX_ENTRIES_BYTES, ENTRIES);
    }
    match FILES.iter().find(|&&f| f == name) {
        Some(file) => (MAX_TOML_BYTES, file),
        None => (MAX_ARTICLE_BYTES, "an article"),
    }
}

/// A content folder on disk, the only way the loader reads one.
#[derive(Debug)]
pub struct ContentDir {
    /// The folder as given, to name it in problems.
    label: String,
    /// The folder with every link resolved, or why it cannot be.
    root: Result<PathBuf, io::ErrorKind>,
}

/// A file [`ContentDir::resolve`] allows: its path with no link in it,
/// inside the folder, and what it was when checked.
#[derive(Debug)]
pub struct Resolved {
    /// The file's canonical path.
    pub path: PathBuf,
    /// The file as checked, to compare with what is opened.
    meta: Metadata,
}

impl ContentDir {
    /// The content folder at `dir`. A folder that does not exist (or cannot
    /// be resolved) gives a `ContentDir` whose every file is missing.
    pub fn new(dir: &Path) -> ContentDir {
        ContentDir {
            label: dir.display().to_string(),
            root: fs::canonicalize(dir).map_err(|e| e.kind()),
        }
    }

    /// The folder as given, as problems name it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Where the file named `name` (relative to the folder) is, once it is
    /// known to be a regular file inside the folder, checked without opening
    /// anything. Refusals are [`Refusal`]s (see [`Refusal::of`]); a missing
    /// file is [`io::ErrorKind::NotFound`].
    pub fn resolve(&self, name: &str) -> io::Result<Resolved> {
        check_name(name)?;
        let root = self.root.as_ref().map_err(|&kind| io::Error::from(kind))?;
        let through_link = through_link(root, name);
        let path = match fs::canonicalize(root.join(name)) {
            Ok(path) => path,
            // A dangling link reads like one leading out: whether a path
            // outside exists is none of the content's business.
            Err(_) if through_link => return Err(Refusal::Outside.into()),
            Err(err) => return Err(err),
        };
        if !path.starts_with(root) {
            return Err(Refusal::Outside.into());
        }
        // `path` has no link left in it; should one appear, it is refused.
        let meta = fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            return Err(Refusal::Changed.into());
        }
        if !meta.is_file() {
            return Err(Refusal::NotAFile(kind_of(&meta)).into());
        }
        Ok(Resolved { path, meta })
    }

    /// Reads the file named `name`, through [`ContentDir::resolve`] and its
    /// size cap.
    pub fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        self.read_via(name, ContentDir::open_file)
    }

    /// Opens a resolved path for reading. On Unix, without following a link
    /// (one swapped in after the checks fails the open) and without blocking
    /// (a FIFO swapped in opens at once, and is then refused as not a file).
    pub fn open_file(path: &Path) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        options.open(path)
    }

    /// [`ContentDir::read`] with `open` opening the resolved path
    /// ([`ContentDir::open_file`] there): the one place a content file is
    /// opened, so tests can watch every open. What `open` returns is checked
    /// to be the regular file that was resolved.
    pub fn read_via(
        &self,
        name: &str,
        open: impl FnOnce(&Path) -> io::Result<File>,
    ) -> io::Result<Vec<u8>> {
        let resolved = self.resolve(name)?;
        let (cap, what) = cap_for(name);
        let too_large = |size| Refusal::TooLarge { size, cap, what };
        if resolved.meta.len() > cap {
            return Err(too_large(Some(resolved.meta.len())).into());
        }
        let file = match open(&resolved.path) {
            Ok(file) => file,
            Err(err) if is_link_error(&err) => return Err(Refusal::Changed.into()),
            Err(err) => return Err(err),
        };
        let opened = file.metadata()?;
        if !opened.is_file() || !same_file(&opened, &resolved.meta) {
            return Err(Refusal::Changed.into());
        }
        if opened.len() > cap {
            return Err(too_large(Some(opened.len())).into());
        }
        read_capped(file, cap).map_err(|err| match err {
            Capped::Io(err) => err,
            Capped::Over => too_large(None).into(),
        })
    }
}

/// Whether any part of `name`, from the root down, is a link.
fn through_link(root: &Path, name: &str) -> bool {
    let mut path = root.to_path_buf();
    for component in Path::new(name).components() {
        path.push(component);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// What a file that is not a regular file is, in words.
fn kind_of(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Whether an open failed because the path is now a link (`O_NOFOLLOW`).
fn is_link_error(err: &io::Error) -> bool {
    #[cfg(unix)]
    {
        err.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        false
    }
}

/// Whether the opened file is the one that was checked.
fn same_file(opened: &Metadata, checked: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        opened.dev() == checked.dev() && opened.ino() == checked.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (opened, checked);
        true
    }
}

/// Why [`read_capped`] stopped.
enum Capped {
    Io(io::Error),
    /// There was more than the cap.
    Over,
}

/// Reads at most `cap` bytes, and says so if there was more: the size
/// checked before opening may not be the size read (a file that grows, or
/// a kernel file that reports 0).
fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, Capped> {
    let mut bytes = Vec::new();
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Capped::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Capped::Over);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for (name, refusal) in [
            ("", Some(Refusal::Empty)),
            ("/etc/passwd", Some(Refusal::Absolute)),
            ("/proc/self/environ", Some(Refusal::Absolute)),
            ("//x", Some(Refusal::Absolute)),
            ("../x.txt", Some(Refusal::Parent)),
            ("articles/../../x.txt", Some(Refusal::Parent)),
            ("articles/..", Some(Refusal::Parent)),
            ("C:\\Windows\\win.ini", Some(Refusal::WindowsPath)),
            ("c:x.txt", Some(Refusal::WindowsPath)),
            ("articles\\x.txt", Some(Refusal::WindowsPath)),
            ("x\0.txt", Some(Refusal::Nul)),
            ("articles/x.txt", None),
            ("./articles/x.txt", None),
            ("x..y.txt", None),
            ("...", None),
            ("ab:c.txt", None),
            ("a:b.txt", Some(Refusal::WindowsPath)),
        ] {
            assert_eq!(check_name(name).err(), refusal, "{name:?}");
        }
    }

    /// The cap holds on a reader with no end.
    #[test]
    fn reading_stops_at_the_cap() {
        assert!(matches!(read_capped(io::repeat(0), 10), Err(Capped::Over)));
        assert!(matches!(read_capped(&[0u8; 10][..], 10), Ok(b) if b.len() == 10));
    }

    #[test]
    fn sizes_read_plainly() {
        let sentence = |size, cap| {
            Refusal::TooLarge {
                size,
                cap,
                what: "an article",
            }
            .sentence("file \"x.txt\"")
        };
        assert_eq!(
            sentence(Some(3_250_000), MAX_ARTICLE_BYTES),
            "file \"x.txt\" is 3.2 MB; an article may be at most 1 MB. Is this the right file?"
        );
        assert_eq!(
            sentence(Some(1_000_001), MAX_ARTICLE_BYTES),
            "file \"x.txt\" is just over 1 MB; an article may be at most 1 MB. Is this the right file?"
        );
        assert_eq!(
            sentence(None, MAX_ARTICLE_BYTES),
            "file \"x.txt\" is more than 1 MB; an article may be at most 1 MB. Is this the right file?"
        );
    }

    /// Each file gets the cap of its kind; a name in `sources.toml` that
    /// is not one of the TOML files is an article.
    #[test]
    fn caps_by_kind() {
        assert_eq!(cap_for("entries.toml"), (MAX_ENTRIES_BYTES, "entries.toml"));
        assert_eq!(cap_for("topics.toml"), (MAX_TOML_BYTES, "topics.toml"));
        assert_eq!(cap_for("articles/x.txt"), (MAX_ARTICLE_BYTES, "an article"));
    }
}
