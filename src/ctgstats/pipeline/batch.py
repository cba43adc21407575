"""Batches: the same diagnostic over many territories, in parallel and incrementally.

A batch is a list of :class:`BatchItem` — one territory each, with its validated params —
made from params files (:func:`items_from_files`) or by expanding a département into its
EPCIs or communes (:func:`expand_departement`) or an EPCI into its communes
(:func:`expand_epci`). :func:`run_batch` runs them with an :class:`Executor` (a process
pool by default, ``serial`` for debugging), each territory through
:func:`ctgstats.pipeline.plan.plan_run` and :func:`ctgstats.pipeline.run.run` exactly as
``ctgstats run`` does:

* a failing territory (bad params, unknown code, bad data, a failing notebook) never
  stops the others: its status is ``échec`` with the notebook and cell at fault;
* each successful territory records its :func:`fingerprint` (params, sha256 of every input
  file, notebook templates, ctgstats version) in its ``manifest.json``; the next batch
  skips it (``inchangé (ignoré)``) while the fingerprint is unchanged, unless ``force``;
* INSEE files are parsed once, in the parent, into the shared parquet cache
  (``$CTGSTATS_CACHE_DIR``), so the workers only read parquet;
* at the end, a summary table is printed and ``<output_dir>/batch-manifest.json`` written.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol, Self

import typer

from ctgstats.core.notebooks import get_notebook
from ctgstats.core.params import Params, ParamsError, load_params, parse_params

if TYPE_CHECKING:
    import pandas as pd

STATUS_OK = "réussi"
STATUS_FAILED = "échec"
STATUS_SKIPPED = "inchangé (ignoré)"
STATUS_INTERRUPTED = "interrompu"  # only when the batch itself is interrupted (Ctrl-C)

BATCH_MANIFEST = "batch-manifest.json"
FINGERPRINT_KEY = "fingerprint"
SUMMARY_COLUMNS = ["territoire", "statut", "duree_s", "notebook_en_echec", "cellule", "message"]


class BatchError(ValueError):
    """Bad batch arguments (unknown département or EPCI, nothing selected …), in French."""


# ------------------------------------------------------------------------------ items


@dataclass(frozen=True)
class BatchItem:
    """One territory of a batch.

    ``source`` says where it comes from: a params file path, or
    ``"departement:00 → epci:000000101"`` for an expansion. ``params`` is None for a params
    file that could not be read or validated; ``error`` then holds the message and the item
    fails without running.
    """

    slug: str
    params: Params | None
    source: str
    error: str | None = None

    @property
    def params_file(self) -> str | None:
        """The params file of the item, when it comes from one."""
        return self.source if self.source and Path(self.source).is_file() else None

    def names(self) -> set[str]:
        """What ``only`` may name: slug, code, ``level:code``, file path or stem."""
        names = {self.slug, self.source}
        if self.params is not None:
            names |= {self.params.territory.code, self.params.territory.id}
        if self.params_file:
            names.add(Path(self.source).stem)
        return names


def _catalog(base: Params):
    from ctgstats.data.catalog import Catalog
    from ctgstats.portrait.build import fetch_sources

    return Catalog.from_dirs([*base.data_dirs, *fetch_sources(base)])


def _territory_params(base: Params, level: str, code: str, *, source: str) -> Params:
    """``base`` with the territory replaced; territory-specific settings dropped.

    Kept: COG year, census and income vintages, data folders, downloads, comparators,
    options and the notebooks 01/02. Dropped: the slug, surveys, indicators (T0, action
    plan, local data) and the notebooks 03/04 that need them — they describe one territory.
    The base's own territory keeps everything (its surveys and follow-up included), so a
    batch never replaces its full report by a reduced one.
    """
    if (base.territory.level.value, base.territory.code) == (level, code):
        return base.model_copy(update={"slug": None})
    data = base.to_jsonable()
    data["territory"] = {"level": level, "code": code}
    data["slug"] = None
    data["surveys"] = []
    data.pop("indicators", None)
    if data.get("notebooks"):
        kept = [n for n in data["notebooks"] if not get_notebook(n).territory_specific]
        data["notebooks"] = kept or None
    return parse_params(data, source=source)


def _not_in_composition(kind: str, code: str, known: Iterable[str], composition) -> BatchError:
    known = sorted(set(known))
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.5)
    if len(known) <= 12:
        hint = f" Codes présents : {', '.join(known)}." if known else ""
    elif close:
        hint = f" Codes proches : {', '.join(close)}."
    else:
        hint = f" {len(known)} codes présents, ex. {', '.join(known[:5])}."
    return BatchError(
        f"{kind} {code!r} absent de la table de composition du COG "
        f"{composition.cog_year} ({composition.source}).{hint}"
    )


def expand_departement(base: Params, departement: str, *, level: str = "epci") -> list[BatchItem]:
    """Every EPCI (``level="epci"``) or commune (``level="commune"``) of a département.

    Taken from the composition table of the base params' data (``cog_year``); an EPCI
    straddling départements is included when any of its communes is in ``departement``.
    Each item is ``base`` with the territory replaced (see :func:`_territory_params`) and
    the slug ``f"{level}-{code}"``; items are sorted by code.

    Raises
    ------
    BatchError
        Malformed or unknown département code, or an unknown level.
    """
    from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code
    from ctgstats.core.territories import NO_EPCI

    if level not in ("epci", "commune"):
        raise BatchError(f"niveau {level!r} inconnu pour un département (epci ou commune)")
    if not is_valid_code(Level.DEPARTEMENT, departement):
        raise BatchError(
            f"département {departement!r} : code mal formé (attendu "
            f"{CODE_SHAPES[Level.DEPARTEMENT]})"
        )
    composition = _catalog(base).load_composition(base.cog_year)
    table = composition.table
    rows = table[table["departement"] == departement]
    if rows.empty:
        raise _not_in_composition("département", departement, table["departement"], composition)
    codes = rows[level]
    codes = sorted({c for c in codes if c and c != NO_EPCI})
    return [_item(base, level, code, origin=f"departement:{departement}") for code in codes]


def expand_epci(base: Params, epci: str) -> list[BatchItem]:
    """Every commune of an EPCI (composition of the base params' ``cog_year``), by code.

    Raises
    ------
    BatchError
        Malformed or unknown EPCI code.
    """
    from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code

    if not is_valid_code(Level.EPCI, epci):
        raise BatchError(f"EPCI {epci!r} : code mal formé (attendu {CODE_SHAPES[Level.EPCI]})")
    composition = _catalog(base).load_composition(base.cog_year)
    table = composition.table
    rows = table[table["epci"] == epci]
    if rows.empty:
        raise _not_in_composition("EPCI", epci, table["epci"], composition)
    return [
        _item(base, "commune", code, origin=f"epci:{epci}") for code in sorted(set(rows["commune"]))
    ]


def _item(base: Params, level: str, code: str, *, origin: str) -> BatchItem:
    source = f"{origin} → {level}:{code}"
    return BatchItem(
        slug=f"{level}-{code}",
        params=_territory_params(base, level, code, source=source),
        source=source,
    )


def items_from_files(paths: Sequence[Path | str]) -> list[BatchItem]:
    """Items from params files: folders (their ``*.yaml``/``*.yml``, sorted) or files.

    Each file is validated; a file that cannot be read or validated becomes an item that
    fails with its message (the batch goes on).

    Raises
    ------
    BatchError
        A folder without any params file, or no path at all.
    """
    from ctgstats.pipeline.plan import default_slug, slugify

    files: list[Path] = []
    for entry in paths:
        entry = Path(entry)
        if entry.is_dir():
            found = sorted(
                p
                for p in entry.iterdir()
                if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith(".")
            )
            if not found:
                raise BatchError(f"{entry} : aucun fichier de paramètres *.yaml dans ce dossier")
            files.extend(found)
        else:
            files.append(entry)
    if not files:
        raise BatchError("aucun fichier de paramètres donné")
    items = []
    for path in files:
        try:
            params = load_params(path)
        except ParamsError as error:
            items.append(
                BatchItem(slug=slugify(path.stem), params=None, source=str(path), error=str(error))
            )
            continue
        items.append(BatchItem(slug=default_slug(params), params=params, source=str(path)))
    return items


# ------------------------------------------------------------------------ fingerprint


def _sha(path: Path) -> str:
    from ctgstats.data.cache import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return "absent"


def _data_folders(params: Params, *, cache_dir: Path | None = None) -> tuple[Path, ...]:
    """Folders a run searches: its data dirs and the download folders (no network)."""
    from ctgstats.data import download, sources
    from ctgstats.data.catalog import resolve_data_dir

    folders = [resolve_data_dir(entry) for entry in params.data_dirs]
    for spec in params.download.sources:
        source = sources.get_source(spec.id, spec.vintage, level=spec.level)
        folders.append(download.download_path(source, cache_dir=cache_dir).parent)
    return tuple(folders)


def _discovered(folders: tuple[Path, ...], memo: dict | None) -> list:
    from ctgstats.data import sources

    if memo is not None and folders in memo:
        return memo[folders]
    found = sources.discover(list(folders))
    if memo is not None:
        memo[folders] = found
    return found


def input_files(
    params: Params, *, memo: dict | None = None, cache_dir: Path | None = None
) -> dict[str, str]:
    """``{role: sha256}`` of every input file a run of ``params`` would read.

    The INSEE files discovered in the data folders (keyed by source, vintage and level),
    the bundled commune-movements complement, the survey exports and codebooks, the
    indicator files (local tables, registries, T0, action plan file) and the notebook
    templates of the planned notebooks. A missing file counts as ``"absent"``.
    """
    from importlib import resources

    from ctgstats.data.catalog import BUILTIN_MOVEMENTS, resolve_path
    from ctgstats.pipeline.plan import plan_run

    files: dict[str, str] = {}
    for found in _discovered(_data_folders(params, cache_dir=cache_dir), memo):
        key = f"insee:{found.source.id}:{found.vintage}:{found.level or ''}"
        files[key] = _sha(found.path)
    builtin = Path(str(resources.files("ctgstats") / "data" / BUILTIN_MOVEMENTS))
    files["ctgstats:mouvements_complement"] = _sha(builtin)
    for survey in params.surveys:
        files[f"enquete:{survey.id}:export"] = _sha(resolve_path(survey.export))
        files[f"enquete:{survey.id}:codebook"] = _sha(resolve_path(survey.codebook))
    indicators = params.indicators
    for n, entry in enumerate(indicators.user_tables):
        files[f"indicateurs:table:{n}"] = _sha(resolve_path(entry))
    for n, entry in enumerate(indicators.registry):
        files[f"indicateurs:registre:{n}"] = _sha(resolve_path(entry))
    if indicators.baseline:
        files["indicateurs:t0"] = _sha(resolve_path(indicators.baseline))
    if indicators.action_plan_file:
        files["indicateurs:plan"] = _sha(resolve_path(indicators.action_plan_file))
    for task in plan_run(params).tasks:
        files[f"carnet:{task.name}"] = _sha(task.template)
    return files


def fingerprint(item: BatchItem, *, memo: dict | None = None, cache_dir: Path | None = None) -> str:
    """sha256 of what a territory's output depends on.

    Over: the injected params (:func:`ctgstats.pipeline.plan.injected_params`, JSON with sorted
    keys), the sha256 of every input file (:func:`input_files`) and ``ctgstats.__version__``.
    ``memo`` (a dict kept across calls) avoids discovering the same folders again;
    ``cache_dir`` is where downloaded files are (default: the cache of the environment).

    Raises
    ------
    ValueError
        For an item without valid params.
    """
    import ctgstats
    from ctgstats.pipeline.plan import injected_params

    if item.params is None:
        raise ValueError(f"{item.source}: no valid params, no fingerprint")
    payload = {
        "ctgstats": ctgstats.__version__,
        "params": injected_params(item.params),
        "inputs": input_files(item.params, memo=memo, cache_dir=cache_dir),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_output(folder: Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of a previous *successful* output in ``folder``, or None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(manifest, dict)
        or manifest.get("status") != "success"
        or not (folder / "index.html").is_file()
    ):
        return None
    return manifest


def previous_fingerprint(folder: Path) -> str | None:
    """Fingerprint of a previous *successful* output in ``folder`` (None otherwise)."""
    manifest = previous_output(folder) or {}
    value = manifest.get(FINGERPRINT_KEY)
    return value if isinstance(value, str) else None


def stamp_fingerprint(folder: Path, value: str) -> None:
    """Add ``"fingerprint"`` to the ``manifest.json`` of a published output (atomically)."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[FINGERPRINT_KEY] = value
    tmp = path.with_suffix(".json.batch-tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- workers


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
    """The worker's :class:`~ctgstats.pipeline.execute.KernelSession` (started once, closed at exit)."""
    global _SESSION
    if _SESSION is None:
        import atexit

        from ctgstats.pipeline.execute import KernelSession

        _SESSION = KernelSession()
        atexit.register(_SESSION.close)
    return _SESSION


PROGRESS_DIR = ".ctgstats-progression"


def _progress_file(output_dir: str | Path, slug: str) -> Path:
    return Path(output_dir) / PROGRESS_DIR / slug


def note_progress(output_dir: str | Path, slug: str, message: str) -> None:
    """Record what a worker is doing for ``slug`` (read by the parent's progress bar)."""
    path = _progress_file(output_dir, slug)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(message, encoding="utf-8")
    except OSError:  # progress is best effort: never fail a territory for it
        pass


def current_steps(output_dir: str | Path, slugs: Iterable[str]) -> dict[str, str]:
    """What each running territory is doing (e.g. "exécution de 02_….ipynb")."""
    steps = {}
    for slug in slugs:
        try:
            steps[slug] = _progress_file(output_dir, slug).read_text(encoding="utf-8")
        except OSError:
            steps[slug] = ""
    return steps


def run_task(task: Task) -> ItemResult:
    """Run one territory (in a worker); never raises on a failed territory.

    The notebooks run on the worker's long-lived kernel, so the kernel start-up and the
    imports are paid once per worker, not once per notebook.
    """
    from ctgstats.core.errors import RunError
    from ctgstats.pipeline.plan import plan_run
    from ctgstats.pipeline.run import run

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
    except RunError as error:
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


def _init_worker(environment: dict[str, str]) -> None:
    os.environ.update(environment)


# ------------------------------------------------------------------------- executors


Outcome = ItemResult | BaseException


class Executor(Protocol):
    """Runs tasks and yields ``(task, outcome)`` as they complete.

    ``outcome`` is the function's result, or the exception that prevented it (a worker
    that died). ``started`` is called when a task is handed to a worker. An executor is a
    context manager (it starts and stops its workers). A Dask executor only needs these.
    """

    name: str

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def map(
        self,
        fn: Callable[[Task], ItemResult],
        tasks: Sequence[Task],
        *,
        started: Callable[[Task], None] | None = None,
        tick: Callable[[], None] | None = None,
    ) -> Iterator[tuple[Task, Outcome]]: ...


class SerialExecutor:
    """In the calling process, one task after the other (``jobs=1``, debugging)."""

    name = "serial"

    def __init__(self, jobs: int = 1, environment: dict[str, str] | None = None) -> None:
        self.environment = environment or {}
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> Self:
        self._saved = {k: os.environ.get(k) for k in self.environment}
        os.environ.update(self.environment)
        return self

    def __exit__(self, *exc: object) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def map(self, fn, tasks, *, started=None, tick=None):
        for task in tasks:
            if started:
                started(task)
            try:
                outcome: Outcome = fn(task)
            except Exception as error:  # noqa: BLE001 - reported as the task's failure
                outcome = error
            yield task, outcome


class ProcessExecutor:
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs`` spawned workers.

    At most ``jobs`` tasks are handed out at a time, so ``started`` is called when a task
    really starts. Workers are *spawned* (not forked: the parent holds threads from
    pyarrow and tqdm) and receive ``environment`` (the shared cache folder …). A worker
    that dies makes its tasks fail; the pool is then recreated for the remaining tasks.
    """

    name = "process"

    def __init__(self, jobs: int, environment: dict[str, str] | None = None) -> None:
        self.jobs = max(1, int(jobs))
        self.environment = environment or {}
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.environment,),
        )
        return self._pool

    def __enter__(self) -> Self:
        self._new_pool()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn, tasks, *, started=None, tick=None):
        pool = self._pool or self._new_pool()
        waiting = deque(tasks)
        running: dict[Any, Task] = {}
        while waiting or running:
            while waiting and len(running) < self.jobs:
                task = waiting.popleft()
                try:
                    future = pool.submit(fn, task)
                except BrokenProcessPool:
                    pool = self._new_pool()
                    future = pool.submit(fn, task)
                running[future] = task
                if started:
                    started(task)
            done, _ = wait(running, return_when=FIRST_COMPLETED, timeout=1.0 if tick else None)
            if not done and tick:
                tick()
                continue
            broken = False
            for future in done:
                task = running.pop(future)
                try:
                    outcome: Outcome = future.result()
                except BrokenProcessPool as error:
                    broken = True
                    outcome = error
                except Exception as error:  # noqa: BLE001 - reported as the task's failure
                    outcome = error
                yield task, outcome
            if broken:
                for future, task in list(running.items()):  # they died with the pool
                    running.pop(future)
                    yield task, BrokenProcessPool("processus de travail arrêté brutalement")
                pool = self._new_pool()


EXECUTORS: dict[str, Callable[..., Executor]] = {
    "process": ProcessExecutor,
    "serial": SerialExecutor,
}


def register_executor(name: str, factory: Callable[..., Executor]) -> None:
    """Make ``executor=name`` available (``factory(jobs, environment)``), e.g. Dask."""
    EXECUTORS[name] = factory


def use_dask(scheduler: str) -> None:
    """Register ``executor="dask"`` for the Dask cluster whose scheduler is ``scheduler``."""
    from ctgstats.pipeline.dask_executor import DaskExecutor

    register_executor("dask", lambda jobs, environment: DaskExecutor(scheduler, jobs, environment))


# ----------------------------------------------------------------------------- batch


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
        """One row per territory: territoire, statut, duree_s, notebook_en_echec, cellule,
        message.
        """
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


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def select(
    items: Sequence[BatchItem], *, only: Sequence[str] = (), limit: int | None = None
) -> list[BatchItem]:
    """Items named in ``only`` (slugs, codes, ``level:code``, files), then the first
    ``limit``.

    Raises
    ------
    BatchError
        A name in ``only`` matching no item, or a negative limit.
    """
    selected = list(items)
    if only:
        wanted = [str(o).strip() for o in only]
        unknown = [o for o in wanted if not any(o in item.names() for item in selected)]
        if unknown:
            slugs = [item.slug for item in selected]
            close = sorted({c for o in unknown for c in difflib.get_close_matches(o, slugs)})
            hint = f" (proches : {', '.join(close)})" if close else ""
            raise BatchError(
                f"--only : aucun territoire du lot ne correspond à {', '.join(unknown)}{hint}"
            )
        selected = [item for item in selected if item.names() & set(wanted)]
    if limit is not None:
        if limit < 0:
            raise BatchError(f"--limit doit être positif (reçu {limit})")
        selected = selected[:limit]
    return selected


def _duplicates(items: Sequence[BatchItem]) -> list[BatchItem]:
    """Later items writing into the same output folder as an earlier one become failures."""
    seen: dict[str, BatchItem] = {}
    result = []
    for item in items:
        first = seen.get(item.slug) if item.params is not None else None
        if first is not None:
            item = BatchItem(
                slug=item.slug,
                params=None,
                source=item.source,
                error=f"même dossier de sortie « {item.slug} » que {first.source} "
                "(territoire ou slug en double) : non exécuté",
            )
        elif item.params is not None:
            seen[item.slug] = item
        result.append(item)
    return result


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
    say: Callable[[str], None] = lambda message: None,
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
            folders[_data_folders(item.params, cache_dir=cache_dir)] = None
        except Exception:  # noqa: BLE001, S112 - reported by the territory's own run
            continue
    files = {}
    for group in folders:
        try:
            found = _discovered(group, memo)
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


def _line(result: ItemResult) -> str:
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
        lines.append("Échecs conservés pour inspection : " + ", ".join(r.output for r in kept))
    lines.append(f"Manifeste du lot : {result.manifest_path}")
    return "\n".join(lines)


def _write_manifest(
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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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
    from ctgstats.data.cache import CACHE_DIR_ENV, default_cache_dir

    jobs = max(1, int(jobs if jobs is not None else (os.cpu_count() or 1)))
    output_dir = Path(output_dir)
    cache_dir = Path(cache_dir or default_cache_dir()).expanduser().resolve()
    selected = _duplicates(select(items, only=only, limit=limit))
    started_at, clock = _now(), time.perf_counter()

    fetch_downloads(selected, cache_dir=cache_dir)
    memo: dict = {}
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
                name = (previous.get("territory") or {}).get("name")
                results[n] = ItemResult(
                    slug=item.slug,
                    source=item.source,
                    status=STATUS_SKIPPED,
                    fingerprint=value,
                    output=str(folder),
                    name=name,
                    message="empreinte inchangée",
                )
                continue
        tasks.append(Task(item=item, output_dir=str(output_dir), fingerprint=value, index=n))

    kind = executor if isinstance(executor, str) else getattr(executor, "name", "custom")
    if isinstance(executor, str):
        if executor == "process" and jobs == 1:
            kind = "serial"
        if kind not in EXECUTORS:
            raise BatchError(f"exécuteur {executor!r} inconnu ({', '.join(EXECUTORS)})")
    workers = min(jobs, max(1, len(tasks))) if kind != "serial" else 1

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(selected), desc="Lot", unit="territoire", dynamic_ncols=True)
        bar.update(len(results))
    say = bar.write if bar is not None else (lambda message: None)
    for n in sorted(results):
        say(_line(results[n]))

    running: set[str] = set()

    def describe() -> str:
        steps = current_steps(output_dir, sorted(running))
        return "en cours : " + ", ".join(
            f"{slug} ({step.removeprefix('exécution de ')})" if step else slug
            for slug, step in steps.items()
        )

    def started(task: Task) -> None:
        running.add(task.item.slug)
        if bar is not None:
            bar.set_postfix_str(describe(), refresh=True)

    def tick() -> None:
        if bar is not None and running:
            bar.set_postfix_str(describe(), refresh=True)

    interrupted = False
    try:
        if tasks:
            prewarm([t.item for t in tasks], cache_dir=cache_dir, say=say, memo=memo)
            environment = {CACHE_DIR_ENV: str(cache_dir)}
            for key in ("CTGSTATS_NOTEBOOKS_DIR", "CTGSTATS_OFFLINE"):
                if os.environ.get(key):
                    environment[key] = os.environ[key]
            runner_ = (
                EXECUTORS[kind](workers, environment) if isinstance(executor, str) else executor
            )
            with runner_ as pool:
                for task, outcome in pool.map(
                    run_task, tasks, started=started, tick=tick if bar is not None else None
                ):
                    if isinstance(outcome, BaseException):
                        outcome = ItemResult(
                            slug=task.item.slug,
                            source=task.item.source,
                            status=STATUS_FAILED,
                            fingerprint=task.fingerprint,
                            message=f"processus de travail en erreur : {_message(outcome)}",
                        )
                    results[task.index] = outcome
                    running.discard(task.item.slug)
                    if bar is not None:
                        bar.set_postfix_str(
                            describe() if running else f"dernier : {outcome.slug}", refresh=False
                        )
                        bar.update(1)
                    say(_line(outcome))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(Path(output_dir) / PROGRESS_DIR, ignore_errors=True)
    for n, item in enumerate(selected):
        if n not in results:  # only after an interruption
            results[n] = ItemResult(
                slug=item.slug,
                source=item.source,
                status=STATUS_INTERRUPTED,
                message="lot interrompu",
            )
    result = BatchResult(
        items=[results[n] for n in range(len(selected))],
        output_dir=output_dir,
        manifest_path=output_dir / BATCH_MANIFEST,
        started_at=started_at,
        finished_at=_now(),
        jobs=jobs,
        executor=kind,
        workers=workers,
        duration_s=time.perf_counter() - clock,
        interrupted=interrupted,
    )
    _write_manifest(result, force=force, only=only, limit=limit, cache_dir=cache_dir)
    echo(format_summary(result))
    from ctgstats.publish import portal

    echo(f"Portail : {portal.write_portal(output_dir)}")
    return result


# ------------------------------------------------------------------------------- CLI


class BatchLevel(str, Enum):
    """Level of the territories of an expanded département."""

    epci = "epci"
    commune = "commune"


EXIT_BAD_INPUT = 2


def default_base() -> Params:
    """Territory-independent settings when no ``--base`` is given: ``params/demo.yaml``
    (in the current folder, else the repository's), else the demo data with defaults.
    """
    for path in (
        Path("params") / "demo.yaml",
        Path(__file__).resolve().parents[3] / "params" / "demo.yaml",
    ):
        if path.is_file():
            return load_params(path)
    return parse_params(
        {"territory": {"level": "epci", "code": "000000101"}, "data_dirs": ["ctgstats:demo"]},
        source="(défaut)",
    )


def build_items(
    params: Sequence[Path] = (),
    *,
    departement: str | None = None,
    epci: str | None = None,
    base: Path | None = None,
    level: str = "epci",
) -> list[BatchItem]:
    """The items of ``ctgstats batch`` from its arguments (BatchError when they clash)."""
    given = [
        name
        for name, value in (
            ("PARAMS", bool(params)),
            ("--departement", departement),
            ("--epci", epci),
        )
        if value
    ]
    if len(given) != 1:
        raise BatchError(
            "donnez soit des fichiers ou dossiers de paramètres, soit "
            "--departement CODE, soit --epci CODE"
            + (f" (reçu : {', '.join(given)})" if given else "")
        )
    if params:
        if base is not None:
            raise BatchError("--base ne sert qu'avec --departement ou --epci")
        return items_from_files(list(params))
    if level != "epci" and departement is None:
        raise BatchError("--level ne sert qu'avec --departement")
    base_params = load_params(base) if base is not None else default_base()
    if departement is not None:
        return expand_departement(base_params, departement, level=level)
    return expand_epci(base_params, epci)


def batch_command(
    params: Annotated[
        list[Path] | None,
        typer.Argument(help="Params YAML files or folders of them (all *.yaml, sorted)."),
    ] = None,
    departement: Annotated[
        str | None,
        typer.Option("--departement", help="Every EPCI (or commune, --level) of this département."),
    ] = None,
    epci: Annotated[str | None, typer.Option("--epci", help="Every commune of this EPCI.")] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            help="Params file giving the territory-independent settings for "
            "--departement/--epci (default: params/demo.yaml).",
        ),
    ] = None,
    level: Annotated[
        BatchLevel, typer.Option("--level", help="Territories of --departement: epci or commune.")
    ] = BatchLevel.epci,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Only this territory: slug or code (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Only the first N territories (after --only)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Parallel workers (default: the number of CPUs)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even the territories whose inputs are unchanged.")
    ] = False,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Output folder (default: outputs/).")
    ] = Path("outputs"),
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bar nor line per territory.")
    ] = False,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            help="process (default), serial (debugging) or dask (an existing "
            "Dask cluster, with --scheduler).",
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of the Dask scheduler, e.g. tcp://127.0.0.1:8786 (with --executor dask).",
        ),
    ] = None,
) -> None:
    """Run the diagnostic over many territories in parallel (skipping unchanged ones)."""
    from ctgstats.cli import _input_errors

    def fail(message: str) -> typer.Exit:
        typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)
        return typer.Exit(EXIT_BAD_INPUT)

    try:
        items = build_items(
            params or [],
            departement=departement,
            epci=epci,
            base=base,
            level=level.value if isinstance(level, BatchLevel) else level,
        )
        selected = select(items, only=only or (), limit=limit)
    except (BatchError, *_input_errors()) as error:
        raise fail(str(error)) from None
    if not selected:
        raise fail("aucun territoire à traiter")
    if executor == "dask":
        if not scheduler:
            raise fail("--executor dask demande --scheduler ADRESSE (ex. tcp://127.0.0.1:8786)")
        use_dask(scheduler)
    elif scheduler:
        raise fail("--scheduler ne s'utilise qu'avec --executor dask")
    typer.echo(f"Lot : {len(selected)} territoire(s) sur {len(items)}, sorties dans {output_dir}")
    try:
        result = run_batch(
            items,
            output_dir=output_dir,
            jobs=jobs,
            force=force,
            only=only or (),
            limit=limit,
            progress=not no_progress,
            executor=executor,
            echo=typer.echo,
        )
    except BatchError as error:
        raise fail(str(error)) from None
    raise typer.Exit(result.exit_code)
