"""Atomic writes: a temporary file beside the target, flushed to disk and renamed over it, so
a crash mid-save leaves the previous file intact; leftovers of dead writers are cleaned up."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_TEMPORARY = re.compile(
    r"\.(?P<target>.+)\.(?P<pid>[0-9]+)@(?P<host>[0-9a-f]{8})\.[0-9a-f]{8}\.tmp"
)


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (when in doubt, it is)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):  # PermissionError: alive, someone else's
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that saves killed mid-write left in ``folder``.

    Only files named like [atomic_write][glassnet.io.atomic.atomic_write]'s temporaries, written
    on this machine by a process that no longer exists, are removed; a save still running
    elsewhere keeps its file. Does nothing on systems without POSIX process signals (Windows).

    Returns:
        The files removed.
    """
    if os.name != "posix":
        return []  # os.kill(pid, 0) would be a real signal there
    folder = Path(folder)
    host = _host_tag()
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        match = _TEMPORARY.fullmatch(name)
        if match is None or match["host"] != host or _process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):  # gone already: another save cleaned it first
            if stat.S_ISREG(os.lstat(folder / name).st_mode):
                os.remove(folder / name)
                removed.append(folder / name)
    return removed


def _naming(error: OSError, target: Path) -> OSError:
    """The same kind of error, with a message that names the file being saved."""
    try:
        if error.errno is not None and error.strerror:
            return type(error)(error.errno, f"{error.strerror} (saving)", str(target))
        return type(error)(f"{target}: saving failed: {error}")
    except Exception:  # an OSError subclass with its own constructor
        return OSError(f"{target}: saving failed: {error}")


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere renames cannot be flushed)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot flush a folder; the data itself is on disk
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Open a temporary file for writing that replaces ``path`` only if the block succeeds.

    The temporary sits beside ``path`` and is named ``.<name>.<pid>@<host>.<random>.tmp``, so a
    leftover is recognisable; every call first removes leftovers whose process has died. A new
    file gets the permissions the umask gives any new file; a replaced file keeps its own.
    Errors name ``path``, and leave any previous file at ``path`` untouched.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.bin"
        >>> with atomic_write(path) as f:
        ...     _ = f.write(b"all or nothing")
        >>> path.read_bytes()
        b'all or nothing'
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _naming(error, target) from error
    remove_stale_temporaries(target.parent)
    temporary = target.with_name(  # the name shortened: the temporary's must fit too
        f".{target.name[:200]}.{os.getpid()}@{_host_tag()}.{secrets.token_hex(4)}.tmp"
    )
    keep_mode = None
    with contextlib.suppress(OSError):
        existing = os.stat(target)
        if stat.S_ISREG(existing.st_mode):
            keep_mode = stat.S_IMODE(existing.st_mode)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(temporary, flags | getattr(os, "O_CLOEXEC", 0), 0o666)  # umask applies
    except OSError as error:
        raise _naming(error, target) from error
    try:
        with os.fdopen(fd, "wb") as f:
            if keep_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), keep_mode)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
        _fsync_folder(target.parent)
    except OSError as error:
        raise _naming(error, target) from error
    finally:
        with contextlib.suppress(OSError):
            os.remove(temporary)  # still there only if something failed
