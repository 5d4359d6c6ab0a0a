//! One running app per data directory: the running app holds an exclusive lock on
//! `DATA_DIR/faultline.lock` (released by the OS when it exits, even when killed) and listens on
//! the Unix socket `DATA_DIR/faultline.sock`; a second start on the same directory finds the lock
//! taken, asks the first one to bring its window to the front, and exits. Two copies on one
//! replica would each run auto-sync and keep their own drafts.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = "faultline.lock";
/// The socket's name inside the data directory.
#[cfg(unix)]
pub const SOCKET_FILE: &str = "faultline.sock";

/// What a running app is asked over the socket.
const FOCUS: &str = "focus";

/// The lock of the running app; dropping it lets another app open the directory.
#[derive(Debug)]
pub struct Instance {
    _lock: File,
    #[cfg(unix)]
    socket: Option<PathBuf>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(path) = &self.socket {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// Another app holds the data directory.
    #[error("Faultline is already running on the data directory {0}")]
    Running(PathBuf),
    #[error("cannot lock the data directory {dir}: {source}")]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// Takes the data directory for this process. `on_focus` runs (on a background thread) each time
/// a second start asks this one to show itself.
pub fn acquire(
    dir: &Path,
    on_focus: impl Fn() + Send + 'static,
) -> Result<Instance, InstanceError> {
    let io = |source| InstanceError::Io {
        dir: dir.to_path_buf(),
        source,
    };
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(io)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(InstanceError::Running(dir.to_path_buf())),
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    #[cfg(unix)]
    let socket = listen(dir, on_focus);
    #[cfg(not(unix))]
    drop(on_focus);
    Ok(Instance {
        _lock: lock,
        #[cfg(unix)]
        socket,
    })
}

/// How a start on a data directory ended: this process holds it, or another app does.
#[derive(Debug)]
pub enum Start {
    /// This process holds the directory.
    Acquired(Instance),
    /// Another app held it for the whole wait; `focused`: it answered the request to show itself.
    AlreadyRunning { focused: bool },
}

/// How long a second start waits for the lock before it gives up: `answered` when the app holding
/// it answered the focus request (it is most likely running; it may also be closing its window),
/// `silent` when nobody answered (the app holding it is exiting: its socket is gone first).
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    pub answered: Duration,
    pub silent: Duration,
}

impl Patience {
    /// The app's: a start right after the window was closed waits for the closing app to exit
    /// instead of exiting itself with nothing shown.
    pub const APP: Patience = Patience {
        answered: Duration::from_secs(3),
        silent: Duration::from_secs(15),
    };
}

/// [`acquire`], and when another app holds `dir`: asks it to show itself, then keeps trying the
/// lock for a while, so that reopening the app right after closing it (while the old process
/// still shuts down) opens it instead of doing nothing.
pub fn acquire_or_wait(
    dir: &Path,
    on_focus: impl Fn() + Send + Sync + 'static,
    patience: Patience,
) -> Result<Start, InstanceError> {
    let on_focus = Arc::new(on_focus);
    let started = Instant::now();
    let mut focused = None;
    loop {
        let f = Arc::clone(&on_focus);
        match acquire(dir, move || f()) {
            Ok(instance) => {
                if let Some(focused) = focused {
                    tracing::info!(
                        waited_ms = started.elapsed().as_millis() as u64,
                        focused,
                        "the app that held the data directory exited; starting"
                    );
                }
                return Ok(Start::Acquired(instance));
            }
            Err(InstanceError::Running(_)) => {}
            Err(error) => return Err(error),
        }
        let answered = *focused.get_or_insert_with(|| ask_running_to_focus(dir).is_ok());
        let wait = if answered {
            patience.answered
        } else {
            patience.silent
        };
        if started.elapsed() >= wait {
            tracing::info!(
                focused = answered,
                dir = %dir.display(),
                "another app holds the data directory"
            );
            return Ok(Start::AlreadyRunning { focused: answered });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Asks the app running on `dir` to bring its window to the front.
pub fn ask_running_to_focus(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut s = std::os::unix::net::UnixStream::connect(dir.join(SOCKET_FILE))?;
        s.write_all(format!("{FOCUS}\n").as_bytes())?;
        s.flush()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Err(std::io::Error::other("not supported on this platform"))
    }
}

/// Binds the socket (a stale one from a killed app is replaced: we hold the lock) and answers
/// focus requests. Without a socket (path too long, read-only dir) the lock still protects the
/// directory; only the focusing is lost.
#[cfg(unix)]
fn listen(dir: &Path, on_focus: impl Fn() + Send + 'static) -> Option<PathBuf> {
    let path = dir.join(SOCKET_FILE);
    let _ = std::fs::remove_file(&path);
    let listener = match std::os::unix::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "no single-instance socket: a second start cannot focus this window");
            return None;
        }
    };
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut line = String::new();
            if BufReader::new(stream).read_line(&mut line).is_ok() && line.trim() == FOCUS {
                on_focus();
            }
        }
    });
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const SHORT: Patience = Patience {
        answered: Duration::from_millis(300),
        silent: Duration::from_secs(10),
    };

    #[test]
    fn a_start_while_the_holder_exits_waits_and_takes_the_directory() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let first = acquire(dir.path(), || {}).map_err(std::io::Error::other)?;
        // The closing app: its socket is gone first, its lock a moment later.
        let socket = dir.path().join(SOCKET_FILE);
        std::fs::remove_file(&socket)?;
        let exiting = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            drop(first);
        });
        let started = Instant::now();
        let second = acquire_or_wait(dir.path(), || {}, SHORT);
        assert!(matches!(second, Ok(Start::Acquired(_))), "{second:?}");
        assert!(started.elapsed() >= Duration::from_millis(400));
        let _ = exiting.join();
        Ok(())
    }

    #[test]
    fn a_start_while_the_holder_runs_focuses_it_and_gives_up() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (tx, rx) = mpsc::channel();
        let _first = acquire(dir.path(), move || {
            let _ = tx.send(());
        })
        .map_err(std::io::Error::other)?;
        let second = acquire_or_wait(dir.path(), || {}, SHORT);
        assert!(
            matches!(second, Ok(Start::AlreadyRunning { focused: true })),
            "{second:?}"
        );
        assert!(
            rx.recv_timeout(Duration::from_secs(5)).is_ok(),
            "focus asked"
        );
        Ok(())
    }

    #[test]
    fn a_second_instance_on_the_same_directory_is_refused_and_focuses_the_first(
    ) -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (tx, rx) = mpsc::channel();
        let first = acquire(dir.path(), move || {
            let _ = tx.send(());
        });
        assert!(first.is_ok(), "{first:?}");
        let second = acquire(dir.path(), || {});
        assert!(
            matches!(second, Err(InstanceError::Running(_))),
            "{second:?}"
        );
        assert!(ask_running_to_focus(dir.path()).is_ok());
        assert!(
            rx.recv_timeout(Duration::from_secs(5)).is_ok(),
            "focus asked"
        );

        // Another directory is independent.
        let other = tempfile::tempdir()?;
        assert!(acquire(other.path(), || {}).is_ok());

        // Once the first app exits, the directory can be opened again.
        drop(first);
        assert!(acquire(dir.path(), || {}).is_ok());
        Ok(())
    }

    #[test]
    fn nobody_to_focus_when_no_app_runs() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        assert!(ask_running_to_focus(dir.path()).is_err());
        Ok(())
    }
}
