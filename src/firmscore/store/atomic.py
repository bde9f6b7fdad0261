"""Durable, all-or-nothing writes: a file or a folder is either the old one or the new one, never half.

Every artifact of the data home (scores, receipts, models, ``current.json``, features, graph
outputs, labels, trust indicators, reports, the batch log, the catalog) is written through this
module, because a process can be killed at any instruction:

* a **file** is written to a temporary name in the same folder (``.<name>.tmp-<token>``),
  flushed and ``fsync``-ed, given its mode, renamed over the target (atomic on POSIX) and the
  folder is ``fsync``-ed so that the rename itself survives a power cut;
* a **folder** whose files belong together (``scores.parquet`` with its ``receipt.json``) is
  filled under a temporary name (``.<name>.new-<token>``), every file in it synced, and then
  swapped with the old folder in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two
  renames, the old folder parked as ``.<name>.old-<token>`` in between).

Readers therefore never see a 0-byte or half-written file, and a pair of files never mixes two
runs. What a kill can leave behind are hidden leftovers with those three markers, which
:func:`remove_leftovers` (run by recovery when a writer next opens the home) resolves: a
``.new-`` folder or ``.tmp-`` file is dropped (its rename never happened, or it holds the old
content after a swap), an ``.old-`` folder is dropped when its target exists and moved back
when it does not (the kill fell between the two fallback renames).

Files are created 0600 and folders 0700 unless a caller asks otherwise, matching the home's
permission rule.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_FILE = ".tmp-"  # .<name>.tmp-<token>: a file being written
NEW_DIR = ".new-"  # .<name>.new-<token>: a folder being filled (or the old one, just swapped out)
OLD_DIR = ".old-"  # .<name>.old-<token>: the old folder, parked by the two-rename fallback
_MARKERS = (TMP_FILE, NEW_DIR, OLD_DIR)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _token() -> str:
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def _leftover_name(path: Path, marker: str) -> Path:
    return path.with_name(f".{path.name}{marker}{_token()}")


def make_dirs(path: Path, mode: int = DIR_MODE) -> Path:
    """Create ``path`` and missing parents (new folders get ``mode``); return it."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=mode)
    return path


def fsync_dir(path: Path) -> None:
    """Make the entries of folder ``path`` (creations, renames, removals) durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file written by someone else (a library given a path) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """Sync every file and folder under ``root`` (deepest first), then ``root`` itself."""
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            fsync_file(Path(dirpath) / name)
        fsync_dir(Path(dirpath))


def durable_rename(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst`` (atomic, replacing a file) and sync both folders."""
    os.replace(src, dst)
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


@contextlib.contextmanager
def atomic_path(path: Path | str, *, mode: int = FILE_MODE) -> Iterator[Path]:
    """A temporary path beside ``path`` for any writer; on success it becomes ``path`` durably.

    For libraries that write to a path (``pq.write_table``, ``duckdb.connect``). On an exception
    the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    make_dirs(target.parent)
    tmp = _leftover_name(target, TMP_FILE)
    try:
        yield tmp
        fsync_file(tmp)
        os.chmod(tmp, mode)
        durable_rename(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes(path: Path | str, data: bytes, *, mode: int = FILE_MODE) -> Path:
    """Write ``data`` to ``path`` all-or-nothing (temporary file, fsync, rename, fsync folder)."""
    target = Path(path)
    with atomic_path(target, mode=mode) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return target


def write_text(path: Path | str, text: str, *, mode: int = FILE_MODE, encoding: str = "utf-8") -> Path:
    """:func:`write_bytes` of ``text`` encoded."""
    return write_bytes(path, text.encode(encoding), mode=mode)


def write_json(path: Path | str, obj: Any, *, mode: int = FILE_MODE, indent: int | None = 1,
               default: Any = None) -> Path:
    """:func:`write_text` of ``obj`` as JSON (UTF-8, not ASCII-escaped)."""
    return write_text(path, json.dumps(obj, ensure_ascii=False, indent=indent, default=default), mode=mode)


def write_parquet(path: Path | str, table: pa.Table, *, mode: int = FILE_MODE, **options: Any) -> Path:
    """``pq.write_table(table, path, **options)`` all-or-nothing."""
    target = Path(path)
    with atomic_path(target, mode=mode) as tmp:
        pq.write_table(table, tmp, **options)
    return target


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def replace_dir(new: Path, target: Path) -> None:
    """Make the complete folder ``new`` be ``target`` in one visible step; the old content is removed."""
    fsync_tree(new)
    if not target.exists():
        durable_rename(new, target)
        return
    if _exchange(new, target):
        fsync_dir(target.parent)
        shutil.rmtree(new)  # holds the old content now
        return
    old = _leftover_name(target, OLD_DIR)
    os.replace(target, old)
    os.replace(new, target)
    fsync_dir(target.parent)
    shutil.rmtree(old)


@contextlib.contextmanager
def atomic_dir(path: Path | str, *, mode: int = DIR_MODE) -> Iterator[Path]:
    """A temporary folder to fill; on success it replaces ``path`` as a whole (see :func:`replace_dir`).

    Use it for files that are only meaningful together; everything previously in ``path`` is
    replaced. On an exception the temporary folder is removed and ``path`` is untouched.
    """
    target = Path(path)
    make_dirs(target.parent)
    tmp = _leftover_name(target, NEW_DIR)
    tmp.mkdir(mode=mode)
    try:
        yield tmp
        replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _leftover(name: str) -> tuple[str, str] | None:
    """(marker, target name) when ``name`` is one of this module's temporary names."""
    if not name.startswith("."):
        return None
    for marker in _MARKERS:
        base, sep, _ = name[1:].rpartition(marker)
        if sep and base:
            return marker, base
    return None


def remove_leftovers(root: Path, skip: frozenset[str] = frozenset()) -> list[Path]:
    """Resolve what killed writes left under ``root`` (not entering folders named in ``skip``).

    Returns the paths removed or moved back.
    """
    done: list[Path] = []
    if not root.exists():
        return done
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        here = Path(dirpath)
        changed = False
        for name in [*files, *dirs]:
            hit = _leftover(name)
            if hit is None:
                continue
            marker, base = hit
            path = here / name
            target = here / base
            if marker == OLD_DIR and not target.exists():
                os.replace(path, target)  # killed between the fallback's two renames: the old folder returns
            elif path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            done.append(path)
            changed = True
        dirs[:] = [d for d in dirs if _leftover(d) is None]
        if changed:
            fsync_dir(here)
    return done
