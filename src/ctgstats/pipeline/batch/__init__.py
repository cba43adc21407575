"""Batches: the same diagnostic over many territories, in parallel and incrementally.

* :mod:`~ctgstats.pipeline.batch.items` — the territories (params files, or a
  département or an EPCI expanded), ``--only``/``--limit``;
* :mod:`~ctgstats.pipeline.batch.fingerprint` — what an output depends on, to skip
  unchanged territories;
* :mod:`~ctgstats.pipeline.batch.executors` — process pool, serial, Dask;
* :mod:`~ctgstats.pipeline.batch.progress` — what each running territory is doing;
* :mod:`~ctgstats.pipeline.batch.run` — :func:`run_batch` and the worker's :func:`run_task`;
* :mod:`~ctgstats.pipeline.batch.summary` — results, summary table, batch manifest.

The command line (``ctgstats batch``) is :mod:`ctgstats.cli.batch`.
"""

from __future__ import annotations

from ctgstats.pipeline.batch.executors import (
    EXECUTORS,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    register_executor,
    use_dask,
)
from ctgstats.pipeline.batch.fingerprint import (
    FINGERPRINT_KEY,
    fingerprint,
    input_files,
    previous_fingerprint,
    previous_output,
    stamp_fingerprint,
)
from ctgstats.pipeline.batch.items import (
    BatchError,
    BatchItem,
    expand_departement,
    expand_epci,
    items_from_files,
    select,
)
from ctgstats.pipeline.batch.progress import current_steps, note_progress
from ctgstats.pipeline.batch.run import Task, fetch_downloads, prewarm, run_batch, run_task
from ctgstats.pipeline.batch.summary import (
    BATCH_MANIFEST,
    STATUS_FAILED,
    STATUS_INTERRUPTED,
    STATUS_OK,
    STATUS_SKIPPED,
    SUMMARY_COLUMNS,
    BatchResult,
    ItemResult,
    format_summary,
)

__all__ = [
    "BATCH_MANIFEST",
    "EXECUTORS",
    "FINGERPRINT_KEY",
    "STATUS_FAILED",
    "STATUS_INTERRUPTED",
    "STATUS_OK",
    "STATUS_SKIPPED",
    "SUMMARY_COLUMNS",
    "BatchError",
    "BatchItem",
    "BatchResult",
    "Executor",
    "ItemResult",
    "ProcessExecutor",
    "SerialExecutor",
    "Task",
    "current_steps",
    "expand_departement",
    "expand_epci",
    "fetch_downloads",
    "fingerprint",
    "format_summary",
    "input_files",
    "items_from_files",
    "note_progress",
    "prewarm",
    "previous_fingerprint",
    "previous_output",
    "register_executor",
    "run_batch",
    "run_task",
    "select",
    "stamp_fingerprint",
    "use_dask",
]
