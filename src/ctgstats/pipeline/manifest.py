"""``manifest.json`` of a run: params, data files with their sha256, versions, timings."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ctgstats import __version__
from ctgstats.core.files import file_sha256, write_text_atomic
from ctgstats.pipeline.plan import RunPlan

VERSIONED_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbclient",
    "matplotlib",
    "seaborn",
    "scipy",
    "pydantic",
    "openpyxl",
)


def versions() -> dict[str, str]:
    """Versions of Python, ctgstats and the libraries that shape the numbers."""
    result = {"python": platform.python_version(), "ctgstats": __version__}
    for name in VERSIONED_PACKAGES:
        try:
            result[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            result[name] = "absent"
    return result


@dataclass
class Manifest:
    """``manifest.json`` of a run."""

    plan: RunPlan
    started_at: str = field(default_factory=lambda: now())
    status: str = "running"
    timings: dict[str, float] = field(default_factory=dict)
    data_files: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    territory: dict[str, Any] = field(default_factory=dict)
    fictional: bool = False

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan
        params_file = None
        if plan.params_source and Path(plan.params_source).is_file():
            params_file = {
                "path": str(Path(plan.params_source).resolve()),
                "sha256": file_sha256(Path(plan.params_source)),
            }
        return {
            "tool": "ctgstats",
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": now(),
            "territory": self.territory,
            "fictional_data": self.fictional,
            "params": plan.injected,
            "params_file": params_file,
            "data_files": self.data_files,
            "versions": versions(),
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "notebooks": [t.name for t in plan.tasks],
            "outputs": sorted(self.outputs),
            "error": self.error,
        }

    def write(self, folder: Path) -> Path:
        path = folder / "manifest.json"
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        return write_text_atomic(path, text)


def now() -> str:
    """The current local time, ISO 8601 to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")
