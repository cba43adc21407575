"""Running a batch: every territory through ``plan_run`` and ``run``, as ``ctgstats run``.

* a failing territory (bad params, unknown code, bad data, a failing notebook) never
  stops the others: its status is ``échec`` with the notebook and cell at fault;
* a territory whose fingerprint is unchanged since its last successful output is skipped
  (``inchangé (ignoré)``), unless ``force``;
* INSEE files are parsed once, in the parent, into the shared parquet cache
  (``$CTGSTATS_CACHE_DIR``), so the workers only read parquet; each worker keeps one
  kernel for all the territories it runs;
* at the end, a summary table is printed, ``<output_dir>/batch-manifest.json`` written and
  the portal of the output folder refreshed.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctgstats.core.errors import RunError
from ctgstats.pipeline.batch.executors import EXECUTORS, Executor
from ctgstats.pipeline.batch.fingerprint import (
    FINGERPRINT_KEY,
    data_folders,
    discovered,
    fingerprint,
    previous_output,
    stamp_fingerprint,
)
from ctgstats.pipeline.batch.items import BatchError, BatchItem, select, unique_outputs
from ctgstats.pipeline.batch.progress import PROGRESS_DIR, BatchProgress, note_progress
from ctgstats.pipeline.batch.summary import (
    BATCH_MANIFEST,
    STATUS_FAILED,
    STATUS_INTERRUPTED,
    STATUS_OK,
    STATUS_SKIPPED,
    BatchResult,
    ItemResult,
    format_summary,
    line,
    now,
    write_manifest,
)
from ctgstats.pipeline.execute import KernelSession
from ctgstats.pipeline.ownership import check_writable
from ctgstats.pipeline.plan import plan_run
from ctgstats.pipeline.prepare import TemplateNotFoundError
from ctgstats.pipeline.run import remove_stale_staging, run


def _silent(message: str) -> None:  # noqa: ARG001 - the default progress reporter
    return None


#: Variables of the parent handed to the workers (with the shared cache folder).
WORKER_ENVIRONMENT = ("CTGSTATS_NOTEBOOKS_DIR", "CTGSTATS_OFFLINE")


@dataclass(frozen=True)
class Task:
    """A territory to run, as sent to a worker."""

    item: BatchItem
    output_dir: str
    fingerprint: str | None = None
    index: int = 0  # position in the batch


def _message(error: BaseException) -> str:
    text = str(error).strip()
    if isinstance(error, (ValueError, LookupError, OSError)) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_SESSION = None  # one kernel per worker process, reused by every territory it runs


def worker_session():
    """The worker's :class:`~ctgstats.pipeline.execute.KernelSession` (closed at exit)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = KernelSession()
        atexit.register(_SESSION.close)
    return _SESSION


def run_task(task: Task) -> ItemResult:
    """Run one territory (in a worker); never raises on a failed territory.

    The notebooks run on the worker's long-lived kernel, so the kernel start-up and the
    imports are paid once per worker, not once per notebook.
    """
    item = task.item
    start = time.perf_counter()

    def result(status: str, **fields: Any) -> ItemResult:
        return ItemResult(
            slug=item.slug,
            source=item.source,
            status=status,
            duration_s=round(time.perf_counter() - start, 3),
            fingerprint=task.fingerprint,
            **fields,
        )

    if item.params is None:
        return result(STATUS_FAILED, message=item.error or "paramètres invalides")
    try:
        plan = plan_run(
            item.params,
            output_dir=task.output_dir,
            params_source=item.params_file,
            token=f"lot-{os.getpid()}",
        )
        folder = run(
            plan,
            session=worker_session(),
            progress=lambda message: note_progress(task.output_dir, item.slug, message),
        )
    except KeyboardInterrupt:  # Ctrl-C reaches the workers too
        return result(STATUS_INTERRUPTED, message="lot interrompu")
    except RunError as error:
        if isinstance(error.__cause__, KeyboardInterrupt):
            kept = str(error.kept) if error.kept else None
            return result(STATUS_INTERRUPTED, message="lot interrompu", output=kept)
        cause = error.__cause__
        message = str(error) if error.notebook or cause is None else _message(cause)
        return result(
            STATUS_FAILED,
            notebook=error.notebook,
            cell=error.cell,
            message=message,
            output=str(error.kept) if error.kept else None,
        )
    except (Exception, SystemExit) as error:  # noqa: BLE001 - one territory, reported
        return result(STATUS_FAILED, message=_message(error))
    name = None
    try:
        if task.fingerprint:
            stamp_fingerprint(folder, task.fingerprint)
        name = (
            json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            .get("territory", {})
            .get("name")
        )
    except (OSError, ValueError) as error:
        return result(
            STATUS_FAILED, message=f"empreinte non écrite : {_message(error)}", output=str(folder)
        )
    return result(STATUS_OK, output=str(folder), name=name)


def check_batch_templates(items: Sequence[BatchItem], *, output_dir: Path) -> None:
    """Every notebook any territory plans has its template, before anything runs.

    Raises
    ------
    TemplateNotFoundError
        Naming the notebook, its template and how many territories plan it.
    """
    missing: dict[str, tuple[str, list[str]]] = {}
    for item in items:
        if item.params is None:
            continue
        plan = plan_run(item.params, output_dir=output_dir, token="verification")
        for task in plan.tasks:
            if not task.template.is_file():
                missing.setdefault(task.name, (str(task.template), []))[1].append(item.slug)
    if missing:
        name, (template, slugs) = next(iter(missing.items()))
        raise TemplateNotFoundError(
            f"notebook {name} : modèle {template} introuvable (prévu pour {len(slugs)} "
            f"territoire(s), dont {slugs[0]}) ; aucun territoire n'a été lancé"
        )


def fetch_downloads(items: Sequence[BatchItem], *, cache_dir: Path) -> None:
    """Fetch, once and in the parent, the files listed under ``download`` in the params.

    So that the workers never download the same file concurrently, and the fingerprints
    see the downloaded files. Errors are ignored: each territory reports them when it runs.
    """
    from ctgstats.portrait.build import fetch_sources

    fetched: set[str] = set()
    for item in items:
        if item.params is None or not item.params.download.sources:
            continue
        key = item.params.download.model_dump_json()
        if key in fetched:
            continue
        fetched.add(key)
        try:
            fetch_sources(item.params, cache_dir=cache_dir)
        except Exception:  # noqa: BLE001, S112 - reported by the territory's own run
            continue


def prewarm(
    items: Sequence[BatchItem],
    *,
    cache_dir: Path,
    say: Callable[[str], None] = _silent,
    memo: dict | None = None,
) -> int:
    """Parse every INSEE file of the items' data folders once into the parquet cache.

    Every discovered file is parsed (not only those a run reads): later batches find them
    ready. Errors are ignored: each territory reports them when it runs. Returns the number
    of files made ready.
    """
    from ctgstats.data import cache

    folders: dict[tuple[Path, ...], None] = {}
    for item in items:
        if item.params is None:
            continue
        try:
            folders[data_folders(item.params, cache_dir=cache_dir)] = None
        except Exception:  # noqa: BLE001, S112 - reported by the territory's own run
            continue
    files = {}
    for group in folders:
        try:
            found = discovered(group, memo)
        except Exception:  # noqa: BLE001, S112 - reported by the territory's own run
            continue
        for one in found:
            files[(one.path, one.member, one.sheet)] = one
    if files:
        say(f"lecture unique des fichiers Insee dans le cache partagé ({len(files)} fichiers)")
    ready = 0
    for path, member, sheet in files:
        try:
            cache.cached_column_names(path, cache_dir=cache_dir, member=member, sheet=sheet)
            ready += 1
        except Exception:  # noqa: BLE001, S112 - reported by the territory's own run
            continue
    return ready


def run_batch(
    items: Sequence[BatchItem],
    *,
    output_dir: Path | str,
    jobs: int | None = None,
    force: bool = False,
    only: Sequence[str] = (),
    limit: int | None = None,
    progress: bool = True,
    executor: str | Executor = "process",
    cache_dir: Path | None = None,
    echo: Callable[[str], None] = print,
) -> BatchResult:
    """Run many territories; a failing one never stops the others.

    Parameters
    ----------
    items
        The territories (:func:`items_from_files`, :func:`expand_departement` …).
    output_dir
        Parent of every territory's folder (overrides each params' ``output_dir``).
    jobs
        Worker processes (default ``os.cpu_count()``); ``jobs=1`` runs serially.
    force
        Run even the territories whose fingerprint is unchanged.
    only, limit
        Keep the items named in ``only`` (slugs, codes, ``level:code``), then the first
        ``limit`` (:func:`select`).
    progress
        A tqdm bar and one line per finished territory (False in tests).
    executor
        ``"process"`` (default), ``"serial"``, a name given to :func:`register_executor`,
        or an :class:`Executor` instance.
    cache_dir
        Parquet cache shared by the workers (default :func:`ctgstats.data.cache.default_cache_dir`).
    echo
        Where the summary is printed.

    Raises
    ------
    BatchError
        ``only`` names nothing in the batch, or an unknown executor.
    """
    from ctgstats.data.cache import default_cache_dir
    from ctgstats.publish import portal

    check_writable(Path(output_dir))
    portal.check_portal_replaceable(Path(output_dir))
    jobs = max(1, int(jobs if jobs is not None else (os.cpu_count() or 1)))
    output_dir = Path(output_dir)
    cache_dir = Path(cache_dir or default_cache_dir()).expanduser().resolve()
    selected = unique_outputs(select(items, only=only, limit=limit))
    check_batch_templates(selected, output_dir=output_dir)
    started_at, clock = now(), time.perf_counter()
    remove_stale_staging(output_dir)
    fetch_downloads(selected, cache_dir=cache_dir)
    memo: dict = {}
    results, tasks = _skip_unchanged(
        selected, output_dir=output_dir, force=force, memo=memo, cache_dir=cache_dir
    )
    kind, workers = _executor_kind(executor, jobs=jobs, tasks=len(tasks))
    bar = BatchProgress(output_dir, total=len(selected), done=len(results), enabled=progress)
    for n in sorted(results):
        bar.say(line(results[n]))
    interrupted = False
    try:
        if tasks:
            prewarm([t.item for t in tasks], cache_dir=cache_dir, say=bar.say, memo=memo)
            pool = _executor(executor, kind, workers, cache_dir=cache_dir)
            _run_tasks(pool, tasks, bar=bar, results=results)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
        shutil.rmtree(output_dir / PROGRESS_DIR, ignore_errors=True)
    result = BatchResult(
        items=_in_order(selected, results),
        output_dir=output_dir,
        manifest_path=output_dir / BATCH_MANIFEST,
        started_at=started_at,
        finished_at=now(),
        jobs=jobs,
        executor=kind,
        workers=workers,
        duration_s=time.perf_counter() - clock,
        interrupted=interrupted,
    )
    write_manifest(result, force=force, only=only, limit=limit, cache_dir=cache_dir)
    echo(format_summary(result))
    echo(f"Portail : {portal.write_portal(output_dir)}")
    return result


def _skip_unchanged(
    selected: Sequence[BatchItem],
    *,
    output_dir: Path,
    force: bool,
    memo: dict,
    cache_dir: Path,
) -> tuple[dict[int, ItemResult], list[Task]]:
    """Results of the territories whose fingerprint is unchanged, and the tasks to run."""
    results: dict[int, ItemResult] = {}
    tasks: list[Task] = []
    for n, item in enumerate(selected):
        value = None
        if item.params is not None:
            try:
                value = fingerprint(item, memo=memo, cache_dir=cache_dir)
            except Exception:  # noqa: BLE001 - the run itself will report the problem
                value = None
            folder = output_dir / item.slug
            previous = None if force or value is None else previous_output(folder)
            if previous is not None and previous.get(FINGERPRINT_KEY) == value:
                results[n] = ItemResult(
                    slug=item.slug,
                    source=item.source,
                    status=STATUS_SKIPPED,
                    fingerprint=value,
                    output=str(folder),
                    name=(previous.get("territory") or {}).get("name"),
                    message="empreinte inchangée",
                )
                continue
        tasks.append(Task(item=item, output_dir=str(output_dir), fingerprint=value, index=n))
    return results, tasks


def _executor_kind(executor: str | Executor, *, jobs: int, tasks: int) -> tuple[str, int]:
    """The executor's name and its number of workers (BatchError for an unknown name)."""
    kind = executor if isinstance(executor, str) else getattr(executor, "name", "custom")
    if isinstance(executor, str):
        if executor == "process" and jobs == 1:
            kind = "serial"
        if kind not in EXECUTORS:
            raise BatchError(f"exécuteur {executor!r} inconnu ({', '.join(EXECUTORS)})")
    workers = min(jobs, max(1, tasks)) if kind != "serial" else 1
    return kind, workers


def _executor(executor: str | Executor, kind: str, workers: int, *, cache_dir: Path) -> Executor:
    """The executor instance, its workers given the shared cache folder."""
    if not isinstance(executor, str):
        return executor
    from ctgstats.data.cache import CACHE_DIR_ENV

    environment = {CACHE_DIR_ENV: str(cache_dir)}
    environment.update({key: os.environ[key] for key in WORKER_ENVIRONMENT if os.environ.get(key)})
    return EXECUTORS[kind](workers, environment)


def _run_tasks(
    pool: Executor, tasks: Sequence[Task], *, bar: BatchProgress, results: dict[int, ItemResult]
) -> None:
    """Run ``tasks`` on ``pool`` into ``results``; a dead worker fails its territory only.

    Each outcome is recorded as it arrives, so that an interruption (Ctrl-C) keeps the
    territories already finished: only the others are « interrompu ».
    """
    with pool as running:
        for task, outcome in running.map(
            run_task, tasks, started=bar.started, tick=bar.tick if bar.enabled else None
        ):
            if isinstance(outcome, KeyboardInterrupt):
                continue  # « interrompu » (:func:`_in_order`)
            if isinstance(outcome, BaseException):
                outcome = ItemResult(
                    slug=task.item.slug,
                    source=task.item.source,
                    status=STATUS_FAILED,
                    fingerprint=task.fingerprint,
                    message=f"processus de travail en erreur : {_message(outcome)}",
                )
            results[task.index] = outcome
            bar.finished(outcome.slug)
            bar.say(line(outcome))


def _in_order(selected: Sequence[BatchItem], results: dict[int, ItemResult]) -> list[ItemResult]:
    """One result per selected item; the missing ones were interrupted (Ctrl-C)."""
    return [
        results.get(n)
        or ItemResult(
            slug=item.slug, source=item.source, status=STATUS_INTERRUPTED, message="lot interrompu"
        )
        for n, item in enumerate(selected)
    ]
