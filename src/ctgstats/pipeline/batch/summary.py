"""The outcome of a batch: one result per territory, the summary table, the batch manifest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ctgstats.core.files import write_text_atomic

if TYPE_CHECKING:
    import pandas as pd

STATUS_OK = "réussi"
STATUS_FAILED = "échec"
STATUS_SKIPPED = "inchangé (ignoré)"
STATUS_INTERRUPTED = "interrompu"  # only when the batch itself is interrupted (Ctrl-C)

BATCH_MANIFEST = "batch-manifest.json"
SUMMARY_COLUMNS = ["territoire", "statut", "duree_s", "notebook_en_echec", "cellule", "message"]


@dataclass(frozen=True)
class ItemResult:
    """What a worker sends back for one territory (small and picklable)."""

    slug: str
    source: str
    status: str
    duration_s: float = 0.0
    notebook: str | None = None
    cell: int | None = None
    message: str = ""
    output: str | None = None
    fingerprint: str | None = None
    name: str | None = None


@dataclass
class BatchResult:
    """Outcome of a batch: one :class:`ItemResult` per selected territory."""

    items: list[ItemResult]
    output_dir: Path
    manifest_path: Path
    started_at: str
    finished_at: str
    jobs: int
    executor: str
    workers: int = 1
    duration_s: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> list[ItemResult]:
        return [r for r in self.items if r.status not in (STATUS_OK, STATUS_SKIPPED)]

    @property
    def exit_code(self) -> int:
        """0 when every territory succeeded or was skipped, 1 otherwise."""
        return 1 if self.failed or self.interrupted else 0

    def counts(self) -> dict[str, int]:
        return {
            status: sum(r.status == status for r in self.items)
            for status in (STATUS_OK, STATUS_FAILED, STATUS_SKIPPED, STATUS_INTERRUPTED)
        }

    @property
    def summary(self) -> pd.DataFrame:
        """One row per territory (the columns of :data:`SUMMARY_COLUMNS`)."""
        import pandas as pd

        frame = pd.DataFrame(
            [
                {
                    "territoire": r.slug,
                    "statut": r.status,
                    "duree_s": round(r.duration_s, 1),
                    "notebook_en_echec": r.notebook or "",
                    "cellule": r.cell,
                    "message": r.message,
                }
                for r in self.items
            ],
            columns=SUMMARY_COLUMNS,
        )
        frame["cellule"] = frame["cellule"].astype("Int64")
        return frame


def now() -> str:
    """The current local time, ISO 8601 to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def line(result: ItemResult) -> str:
    duration = f"{result.duration_s:.1f}".replace(".", ",")
    label = f"{result.slug}" + (f" ({result.name})" if result.name else "")
    if result.status == STATUS_OK:
        return f"✓ {label} : {result.status} en {duration} s"
    if result.status == STATUS_SKIPPED:
        return f"= {label} : {result.status}"
    where = ""
    if result.notebook:
        where = (
            f" [{result.notebook}"
            + (f", cellule {result.cell}" if result.cell is not None else "")
            + "]"
        )
    return f"✗ {label} : {result.status}{where} — {_first_line(result.message)}"


def _first_line(text: str, width: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def format_summary(result: BatchResult) -> str:
    """The summary table in French, with the counts and where the batch manifest is."""
    counts = result.counts()
    duration = f"{result.duration_s:.1f}".replace(".", ",")
    head = (
        f"Bilan du lot : {len(result.items)} territoire(s) — {counts[STATUS_OK]} réussi(s), "
        f"{counts[STATUS_FAILED]} en échec, {counts[STATUS_SKIPPED]} inchangé(s) "
        f"(ignoré(s))"
        + (f", {counts[STATUS_INTERRUPTED]} interrompu(s)" if counts[STATUS_INTERRUPTED] else "")
        + f" — {duration} s, {result.workers} processus ({result.executor})"
    )
    lines = [head]
    if result.items:
        import pandas as pd

        frame = result.summary.rename(
            columns={
                "territoire": "territoire",
                "statut": "statut",
                "duree_s": "durée (s)",
                "notebook_en_echec": "notebook en échec",
                "cellule": "cellule",
                "message": "message",
            }
        )
        frame["durée (s)"] = [f"{v:.1f}".replace(".", ",") for v in frame["durée (s)"]]
        frame["cellule"] = ["" if pd.isna(v) else str(int(v)) for v in frame["cellule"]]
        frame["message"] = [_first_line(m, 100) for m in frame["message"]]
        lines.append(frame.to_string(index=False))
    kept = [r for r in result.failed if r.output]
    if kept:
        lines.append(
            "Échecs conservés pour inspection : " + ", ".join(r.output or "" for r in kept)
        )
    lines.append(f"Manifeste du lot : {result.manifest_path}")
    return "\n".join(lines)


def write_manifest(
    result: BatchResult, *, force: bool, only: Sequence[str], limit: int | None, cache_dir: Path
) -> None:
    import ctgstats

    content = {
        "tool": "ctgstats batch",
        "ctgstats_version": ctgstats.__version__,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "duration_seconds": round(result.duration_s, 3),
        "jobs": result.jobs,
        "workers": result.workers,
        "executor": result.executor,
        "output_dir": str(result.output_dir.resolve()),
        "cache_dir": str(cache_dir),
        "force": force,
        "only": list(only),
        "limit": limit,
        "interrupted": result.interrupted,
        "counts": result.counts(),
        "exit_code": result.exit_code,
        "items": [
            {
                "territoire": r.slug,
                "source": r.source,
                "nom": r.name,
                "statut": r.status,
                "duree_s": round(r.duration_s, 3),
                "empreinte": r.fingerprint,
                "dossier": r.output,
                "notebook_en_echec": r.notebook,
                "cellule": r.cell,
                "message": r.message or None,
            }
            for r in result.items
        ],
    }
    path = result.manifest_path
    write_text_atomic(path, json.dumps(content, ensure_ascii=False, indent=2) + "\n")
