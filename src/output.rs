//! Writing output files so that nothing is ever half-written: every file is
//! rendered in memory first, written to a temporary file beside its target,
//! synced, and renamed into place only when all of them are ready.
//!
//! Interruptions (Ctrl-C, SIGTERM) are handled here too: once
//! [`exit_cleanly_on_interrupt`] is installed, an interrupt removes every
//! temporary file still pending and exits with code 130, except while a set
//! of files is being renamed into place, which is finished first. So an
//! interrupted run leaves either all of its files or none.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Exit code after an interrupt (128 + SIGINT).
pub const INTERRUPTED_EXIT: i32 = 130;

struct Pending {
    /// Temporary files not yet renamed into place.
    temps: Vec<PathBuf>,
    /// Files are being renamed into place: finish before exiting.
    committing: bool,
    interrupted: bool,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    temps: Vec::new(),
    committing: false,
    interrupted: false,
});

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

fn remove_temps_and_exit(state: &mut Pending) -> ! {
    for temp in state.temps.drain(..) {
        let _ = std::fs::remove_file(temp);
    }
    to_stderr!("interrupted: stopped before writing any output file");
    std::process::exit(INTERRUPTED_EXIT);
}

/// Installs the Ctrl-C / SIGTERM handler (once per process; later calls do nothing).
pub fn exit_cleanly_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let mut state = pending();
            state.interrupted = true;
            if !state.committing {
                remove_temps_and_exit(&mut state);
            }
        });
    });
}

/// A file or folder that cannot be written. Its message names the path and
/// the reason, and for the common mistakes what to do.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {}", path.display(), reason(source))]
pub struct OutputError {
    pub path: PathBuf,
    /// The cause (in the message already, so not a chained source: it
    /// would be printed twice).
    pub source: std::io::Error,
}

fn reason(source: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match source.kind() {
        ErrorKind::IsADirectory => "a folder of that name is in the way; give a file name".into(),
        ErrorKind::AlreadyExists | ErrorKind::NotADirectory => {
            "a file is in the way (the path, or a folder on it, is a file); give a folder name"
                .into()
        }
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            format!("{source}; choose a folder you can write to")
        }
        _ => source.to_string(),
    }
}

impl OutputError {
    pub fn new(path: &Path, source: std::io::Error) -> OutputError {
        OutputError {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Checks, before any work, that `dir` can be an output folder: not an
/// existing file, and no file where one of the folders on its way should
/// be (missing ones are created). Whether it can be written shows when it is.
pub fn check_dir(dir: &Path) -> Result<(), OutputError> {
    file_on_the_way(dir, dir)
}

/// Checks, before any work, that `path` can be an output file: a file name,
/// not an existing folder, and no file where one of the folders on its way
/// should be.
pub fn check_file(path: &Path) -> Result<(), OutputError> {
    if path.is_dir() {
        return Err(OutputError::new(
            path,
            std::io::Error::from(std::io::ErrorKind::IsADirectory),
        ));
    }
    if path.file_name().is_none() || path.as_os_str().to_string_lossy().ends_with('/') {
        return Err(OutputError::new(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a file name; name a file, e.g. out/frontier.csv",
            ),
        ));
    }
    file_on_the_way(path, folder_of(path))
}

/// An error when the nearest existing one of `folder` and its ancestors is
/// not a folder.
fn file_on_the_way(path: &Path, folder: &Path) -> Result<(), OutputError> {
    let blocked = folder
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| a.exists())
        .is_some_and(|a| !a.is_dir());
    if blocked {
        return Err(OutputError::new(
            path,
            std::io::Error::from(std::io::ErrorKind::NotADirectory),
        ));
    }
    Ok(())
}

/// Writes `files` (name, contents) into `dir`, creating it if needed. Either
/// every file is in place afterwards or, on error, none was replaced.
pub fn write_all<C: AsRef<[u8]>>(dir: &Path, files: &[(&str, C)]) -> Result<(), OutputError> {
    fn fail(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
        move |source| OutputError::new(path, source)
    }
    check_dir(dir)?;
    std::fs::create_dir_all(dir).map_err(fail(dir))?;
    // Renaming onto a folder fails; finding out before the first rename
    // keeps the set whole.
    for (name, _) in files {
        check_file(&dir.join(name))?;
    }
    let mut staged = Vec::with_capacity(files.len());
    for (name, contents) in files {
        let target = dir.join(name);
        let mut temp =
            temp_file_for(&target, &format!(".{name}."), ".tmp").map_err(fail(&target))?;
        pending().temps.push(temp.path().to_path_buf());
        temp.write_all(contents.as_ref()).map_err(fail(&target))?;
        temp.as_file().sync_all().map_err(fail(&target))?;
        staged.push((temp, target));
    }
    {
        let mut state = pending();
        if state.interrupted {
            remove_temps_and_exit(&mut state);
        }
        state.committing = true;
    }
    let mut result = Ok(());
    let mut finished = Vec::new();
    for (temp, target) in staged {
        finished.push(temp.path().to_path_buf());
        if let Err(e) = temp.persist(&target) {
            result = Err(OutputError {
                path: target.clone(),
                source: e.error,
            });
            break;
        }
    }
    let mut state = pending();
    state.committing = false;
    state.temps.retain(|t| !finished.contains(t));
    if state.interrupted {
        remove_temps_and_exit(&mut state);
    }
    result
}

/// A temporary file beside `target` (named `prefix`, random letters,
/// `suffix`) with the permissions the file should end up with: those of
/// `target` when it exists, so that replacing a file keeps its mode as
/// writing into it would, else those of any new file (read and write for
/// everyone, less the umask; tempfile's own default would be owner-only).
pub fn temp_file_for(
    target: &Path,
    prefix: &str,
    suffix: &str,
) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix);
    let existing = std::fs::metadata(target)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // tempfile's error names the temporary file, which means nothing to the
    // user (the caller names the target): keep only the kind of failure.
    let temp = builder
        .tempfile_in(folder_of(target))
        .map_err(|e| std::io::Error::from(e.kind()))?;
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions)?;
    }
    Ok(temp)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes one file atomically (temporary file, then rename).
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        OutputError::new(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    write_all(folder_of(path), &[(name, contents)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        write_all(&out, &[("a.csv", "1\n"), ("b.json", "{}")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "1\n");
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn a_directory_in_the_way_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        let err = write_all(&dir.path().join("file"), &[("a.csv", "")]).unwrap_err();
        assert!(err.to_string().contains("cannot write"));
    }

    /// Output files are as readable as any file the user creates (umask
    /// applies), and a file written over keeps its mode.
    #[cfg(unix)]
    #[test]
    fn new_files_follow_the_umask_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| {
            format!(
                "{:o}",
                std::fs::metadata(p).unwrap().permissions().mode() & 0o777
            )
        };
        let dir = tempfile::tempdir().unwrap();
        // What a plain new file gets under this process's umask.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "").unwrap();
        let new = dir.path().join("new.csv");
        write_file(&new, b"1\n").unwrap();
        // (Under the usual umask 022 that is 0644; tempfile alone gives 0600.)
        assert_eq!(mode(&new), mode(&plain));

        let kept = dir.path().join("kept.csv");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&kept, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "new");
        assert_eq!(mode(&kept), "640");
    }
}
