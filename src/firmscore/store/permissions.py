"""Private file modes: data home folders 0700, files 0600, by default.

Every stage writes files (Parquet parts, the ledger and its WAL, DuckDB catalogs, quarantine, features,
models, scores, reports) through different libraries (Arrow, SQLite, DuckDB, plain Python). Rather
than each writer choosing a mode, the process that runs them — the ``firmscore`` command, the HTTP
service — sets the umask ``077`` once at start (:func:`use_private_umask`): every file and folder any
library creates is then private to the account that runs firmscore. :func:`harden` brings a home
written by an older version (or copied in with other modes) to the same modes, and
:func:`loose_modes` lists what is not private, for a test or an audit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def use_private_umask() -> int:
    """Set the process umask to 077 (files 0600, folders 0700); returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


def _walk(root: Path) -> list[Path]:
    out = [root]
    for dirpath, dirnames, filenames in os.walk(root):
        out.extend(Path(dirpath) / d for d in dirnames)
        out.extend(Path(dirpath) / f for f in filenames)
    return out


def loose_modes(root: Path) -> list[tuple[Path, str]]:
    """Folders and files under ``root`` (itself included) that group or others may read, write or enter."""
    loose = []
    for path in _walk(Path(root)):
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            continue
        if st.st_mode & 0o077:
            loose.append((path, oct(stat.S_IMODE(st.st_mode))))
    return loose


def harden(root: Path) -> int:
    """Set every folder under ``root`` to 0700 and every file to 0600; returns how many modes changed."""
    changed = 0
    for path in _walk(Path(root)):
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            continue
        want = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
        if stat.S_IMODE(st.st_mode) != want:
            path.chmod(want)
            changed += 1
    return changed
