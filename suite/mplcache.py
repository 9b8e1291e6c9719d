"""Where matplotlib keeps its cache: never the home directory (one place for every module that plots)."""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path


def matplotlib_cache_dir() -> Path:
    """Where matplotlib keeps its font cache and config for the suite (set as MPLCONFIGDIR before it is imported,
    unless the user set MPLCONFIGDIR): `$XDG_CACHE_HOME/longcot/matplotlib` when XDG_CACHE_HOME is set, else
    `<system temp dir>/longcot-<uid>/matplotlib`; never the home directory. A shared temp directory that is not ours
    alone (another owner, group- or world-writable, a symlink) is not trusted: a fresh private one is used instead."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "longcot" / "matplotlib"
    uid = os.getuid() if hasattr(os, "getuid") else None
    base = Path(tempfile.gettempdir()) / f"longcot-{uid if uid is not None else 'user'}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(base)
        if uid is None or (stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o022):
            return base / "matplotlib"
    except OSError:
        pass
    private = tempfile.mkdtemp(prefix="longcot-matplotlib-")
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return Path(private)



def configure_matplotlib() -> None:
    """Point MPLCONFIGDIR at `matplotlib_cache_dir()` unless the user set it or matplotlib is already loaded; call it
    before the first `import matplotlib`."""
    if "matplotlib" not in sys.modules and not os.environ.get("MPLCONFIGDIR"):
        os.environ["MPLCONFIGDIR"] = str(matplotlib_cache_dir())
