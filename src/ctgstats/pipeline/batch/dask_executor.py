"""Dask (distributed) executor for ``ctgstats batch`` — when one machine is not enough.

``ctgstats batch … --executor dask --scheduler tcp://host:8786`` sends each territory to
an existing Dask cluster (the ``distributed`` scheduler and workers, started by the usual
Dask tools: ``dask scheduler``, ``dask worker``, a Kubernetes or SLURM deployment …). No
distribution layer of ctgstats' own: this adapter only submits the same task function as
the local process pool and yields results as they complete. Every worker needs ctgstats
installed and access to the data folders, the shared cache folder and the output folder
(a shared file system).

Install with ``pip install "ctgstats[dask]"``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Self


def _set_environment(environment: dict[str, str]) -> None:
    """Run on every worker: the shared cache folder and the notebook templates."""
    os.environ.update(environment)


class DaskExecutor:
    """Submit batch tasks to a Dask cluster at ``scheduler`` (address of its scheduler).

    Parameters
    ----------
    scheduler
        Address of the scheduler, e.g. ``"tcp://127.0.0.1:8786"``.
    jobs
        Unused (the cluster's workers decide the parallelism); kept for the common
        executor signature.
    environment
        Variables set on every worker before the tasks (``CTGSTATS_CACHE_DIR`` …).
    """

    name = "dask"

    def __init__(
        self, scheduler: str, jobs: int = 0, environment: dict[str, str] | None = None
    ) -> None:
        self.scheduler = scheduler
        self.jobs = jobs
        self.environment = environment or {}
        self.client: Any = None

    def __enter__(self) -> Self:
        try:
            from distributed import Client
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise RuntimeError(
                "the Dask executor needs the 'distributed' package: pip install 'ctgstats[dask]'"
            ) from error
        self.client = Client(self.scheduler, timeout="30s")
        if self.environment:
            self.client.run(_set_environment, self.environment)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    @property
    def workers(self) -> int:
        """Number of workers of the cluster."""
        info = self.client.scheduler_info() if self.client is not None else {}
        return len(info.get("workers", {})) or 1

    def map(
        self,
        fn: Callable[[Any], Any],
        tasks: Sequence[Any],
        *,
        started: Callable[[Any], None] | None = None,
        tick: Callable[[], None] | None = None,  # noqa: ARG002 - the common signature
    ) -> Iterator[tuple[Any, Any]]:
        """Submit every task; yield ``(task, result or exception)`` as they complete."""
        from distributed import as_completed

        futures = {}
        for task in tasks:
            key = (
                f"ctgstats-{getattr(getattr(task, 'item', None), 'slug', 'tache')}-"
                f"{uuid.uuid4().hex[:8]}"
            )
            futures[self.client.submit(fn, task, key=key, pure=False)] = task
            if started:
                started(task)
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - reported as the task's failure
                outcome = error
            yield task, outcome
