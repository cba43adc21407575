"""Plain helpers shared by the tests (fixtures are in ``conftest.py``).

Importable as ``tests.helpers`` under bare ``pytest`` too: ``pythonpath = ["."]`` in
``pyproject.toml`` puts the repository root on ``sys.path``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd


def one(frame: pd.DataFrame, territoire: str, indicateur: str, annee: str) -> pd.Series:
    """The single figure row of (territoire, indicateur, annee)."""
    rows = frame[
        (frame["territoire"] == territoire)
        & (frame["indicateur"] == indicateur)
        & (frame["annee"] == annee)
    ]
    assert len(rows) == 1, (territoire, indicateur, annee, len(rows))
    return rows.iloc[0]


def assert_not_available(row: pd.Series, *fragments: str) -> None:
    """A figure kept as a row, not available, with its reason in ``note``."""
    assert not row["disponible"]
    assert math.isnan(row["valeur"])
    assert row["note"].startswith("non disponible")
    for fragment in fragments:
        assert fragment in row["note"], (fragment, row["note"])


def sha256(path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def xlsx_cells(path) -> list[tuple[str, tuple[tuple[object, ...], ...]]]:
    """Every sheet's cell values (to compare workbooks whatever openpyxl's XML)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [
            (sheet.title, tuple(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


# ----------------------------------------------------------------- the command line

REPO = Path(__file__).resolve().parents[1]
SHARED_INSEE = REPO.parent / "shared" / "data" / "insee"
CTGSTATS = Path(sys.executable).parent / "ctgstats"


def run_cli(
    *args: object, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """Run the ``ctgstats`` console script in a subprocess, as a user runs it.

    The subprocess inherits the test's environment (with ``env`` on top), so the
    kernel guard of ``conftest.py`` reaches it: a test that runs notebooks through the
    command line must be marked ``notebooks``.
    """
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run(
        [str(CTGSTATS), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=600,
        check=False,
    )


# ----------------------------------------------------------------- a local HTTP server


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without logging each request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class LocalServer:
    """A ThreadingHTTPServer on 127.0.0.1, on a free port, serving one directory."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.timeout = 5
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.running = True

    def url(self, name: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def stop(self) -> None:
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)
            self.running = False
