"""Writing a file so that a killed run never leaves half of it, with the permissions a user expects.

Every command that writes a user's file (fmt, corpus, verify records, graphs, task files, training
run records) goes through `write_atomic`: the data goes to a temporary sibling, which is renamed over
the target in one step. `tempfile` creates that sibling readable by its owner only (0600); the rename
would carry that over, so the sibling first takes the mode of the file it replaces, or, for a new
file, what `open()` would have given it (0666 less the umask).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write `data` (text in `encoding`, or bytes) to `path` atomically; create missing parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode(encoding) if isinstance(data, str) else data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path
