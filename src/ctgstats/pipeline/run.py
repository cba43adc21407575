"""Carrying out a plan: prepare → execute → export → manifest → publish.

* **prepare** (:mod:`ctgstats.pipeline.prepare`) computes the portrait, the surveys and
  the follow-up in-process, so that bad data fail before any kernel starts; the tables
  are written.
* **execute** (:mod:`ctgstats.pipeline.execute`) runs each notebook with papermill on one
  kernel into a *staging* folder.
* **export** turns each executed notebook into a self-contained offline HTML, and writes
  the territory's ``index.html``.
* **manifest** (:mod:`ctgstats.pipeline.manifest`) records the parameters, every data
  file with its sha256, versions, timings and status.

Only a complete, successful run replaces the previous output folder (an atomic rename of
the staging folder, :func:`publish`). A failed run leaves the previous good output
untouched and keeps the failed notebook, with its error, in ``<output-dir>/<slug>.echec/``
(:func:`keep_failed`).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

from ctgstats import __version__
from ctgstats.core.codes import Level
from ctgstats.core.errors import RunError
from ctgstats.core.notebooks import get_notebook
from ctgstats.data import sources
from ctgstats.pipeline import ownership
from ctgstats.pipeline.execute import KernelSession
from ctgstats.pipeline.manifest import Manifest
from ctgstats.pipeline.plan import Progress, RunPlan
from ctgstats.pipeline.prepare import Prepared, check_templates, prepare
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_date
from ctgstats.publish import export, portal, report
from ctgstats.publish.synthesis import build_synthesis, synthesis_html


def _quiet(message: str) -> None:  # noqa: ARG001 - the default progress reporter
    return None


def run(
    plan: RunPlan, *, progress: Progress | None = None, session: KernelSession | None = None
) -> Path:
    """Carry out a plan; returns the final output folder.

    Raises
    ------
    RunError
        When a notebook or the export fails (the failed run is kept in ``plan.failed_dir``).
    Exception
        Data and parameter errors from the portrait or the survey analysis, raised before
        any kernel starts; nothing is written then.

    Every notebook is executed by papermill on one kernel: ``session``'s (a batch worker
    keeps one across territories), else one started for this run after the preparation
    and shut down at its end.
    """
    say = progress or _quiet
    own_session = session is None
    session = session if session is not None else KernelSession()
    try:
        return _run(plan, say=say, session=session)
    finally:
        if own_session:
            session.close()


def _run(plan: RunPlan, *, say: Progress, session: KernelSession) -> Path:
    ownership.check_writable(plan.output_root)
    ownership.check_replaceable(plan)
    check_templates(plan)  # every template, before the first notebook runs
    remove_stale_staging(plan.output_root)
    manifest = Manifest(plan=plan)
    clock = time.perf_counter()
    prepared = prepare(plan, say=say)
    manifest.timings["preparation"] = time.perf_counter() - clock
    if prepared.portrait is not None:
        portrait = prepared.portrait
        manifest.territory = {
            "level": portrait.territory.level.value,
            "code": portrait.territory.code,
            "name": portrait.territory.label,
            "cog_year": portrait.cog_year,
        }
        departement = _departement(portrait)
        if departement is not None:
            manifest.territory["departement"] = departement
    manifest.fictional = prepared.fictional
    manifest.data_files = prepared.data_files()

    staging = plan.staging_dir
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        manifest.outputs.extend(
            report.write_tables(
                prepared.portrait,
                staging / "tables",
                surveys=prepared.surveys,
                followup=prepared.followup,
                stem=f"diagnostic_{plan.slug}",
            )
        )
        for task in plan.tasks:
            say(f"exécution de {task.executed}")
            start = time.perf_counter()
            session.execute(task, folder=staging)
            manifest.timings[f"notebook:{task.executed}"] = time.perf_counter() - start
            manifest.outputs.append(task.executed)
        start = time.perf_counter()
        pages = [(t.title, t.html) for t in plan.tasks]
        for number, task in enumerate(plan.tasks):
            say(f"export HTML de {task.executed}")
            export.notebook_to_html(
                staging / task.executed,
                staging / task.html,
                title=f"{task.title} — {prepared.label}",
                fictional=prepared.fictional,
                index_href="index.html",
                footer=_footer(prepared),
                previous=pages[number - 1] if number > 0 else None,
                following=pages[number + 1] if number + 1 < len(pages) else None,
            )
            manifest.outputs.append(task.html)
        links = _single_file(plan, prepared, staging, manifest, say=say)
        report.write_index(
            prepared.portrait,
            staging,
            surveys=prepared.surveys,
            followup=prepared.followup,
            tasks=links,
            chapters=_chapters(plan),
            stem=f"diagnostic_{plan.slug}",
        )
        manifest.outputs.append("index.html")
        manifest.timings["export"] = time.perf_counter() - start
    except BaseException as error:
        manifest.status = "failed"
        manifest.error = {
            "type": type(error).__name__,
            "message": str(error),
            "notebook": getattr(error, "notebook", None),
            "cell": getattr(error, "cell", None),
        }
        manifest.timings["total"] = time.perf_counter() - clock
        manifest.write(staging)
        kept = keep_failed(plan)
        if isinstance(error, RunError):
            error.kept = kept
            raise
        raise RunError(f"{type(error).__name__}: {error}", kept=kept) from error
    manifest.status = "success"
    manifest.outputs.append("manifest.json")
    manifest.timings["total"] = time.perf_counter() - clock
    manifest.write(staging)
    publish(plan)
    say(f"rapport écrit dans {plan.final_dir}")
    return plan.final_dir


def _single_file(
    plan: RunPlan, prepared: Prepared, staging: Path, manifest: Manifest, *, say: Progress
) -> list[tuple[str, str]]:
    """Gather the notebooks into ``rapport_complet.html`` (within its size budget)."""
    synthesis = synthesis_html(
        build_synthesis(
            portrait=prepared.portrait, surveys=prepared.surveys, followup=prepared.followup
        )
    )
    try:
        portal.single_file_report(
            staging,
            parts=[t.html for t in plan.tasks],
            title=prepared.label,
            synthesis_html=synthesis,
        )
    except portal.ReportTooLargeError as error:
        say(f"rapport complet non écrit : {error}")
        return []
    manifest.outputs.append(portal.SINGLE_FILE_NAME)
    return [("Rapport complet (un seul fichier, à imprimer ou envoyer)", portal.SINGLE_FILE_NAME)]


def _departement(portrait: Portrait) -> dict[str, str] | None:
    """Département of the territory (itself, else its département comparator), or None.

    The portal groups the territories of a large batch by it.
    """
    candidates = [portrait.territory, *portrait.comparators]
    found = next((t for t in candidates if t.level is Level.DEPARTEMENT), None)
    return None if found is None else {"code": found.code, "name": found.label}


def _chapters(plan: RunPlan) -> list[tuple[str, list[tuple[str, str]]]]:
    """The report pages grouped under their part (« Portrait », « Enquêtes », « Suivi »).

    Parts come in the order of their first page in the run (the reading order of the
    « précédent / suivant » links).
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for task in plan.tasks:
        groups.setdefault(get_notebook(task.name).part, []).append((task.title, task.html))
    return list(groups.items())


def _footer(prepared: Prepared) -> str:
    files = prepared.data_files()
    named = sources.readable_sources((f["source"], f["vintage"]) for f in files)
    if any(f["source"] not in sources.SOURCE_IDS for f in files):
        named.append("données locales de la collectivité (plan d'action, enquêtes)")
    geography = (
        f" — géographie COG {prepared.portrait.cog_year}" if prepared.portrait is not None else ""
    )
    return (
        f"Généré le {fr_date(datetime.now())} avec ctgstats "
        f"{__version__}{geography} — sources : {' ; '.join(named)}. La liste des fichiers "
        "lus et leurs empreintes figurent dans le manifeste du rapport."
    )


#: Hidden folders of a run: its staging folder, and the previous report being replaced.
_STAGING_PID = re.compile(r"^\..+\.(?:en-cours-(?:lot-)?|ancien-)(\d+)$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def stale_staging(where: RunPlan | Path, *, before: float | None = None) -> list[Path]:
    """Hidden folders of earlier runs whose process is gone.

    A run killed before its end (power cut, ``kill -9``) leaves its hidden
    ``.<slug>.en-cours-<pid>`` folder (or ``.<slug>.ancien-<pid>``, the previous report
    being replaced) behind. ``where`` is an output folder (every report's folders) or a
    plan (the folders of its report only). A folder is stale when it was last changed
    before ``before`` (default: now) and its process is dead; a folder whose process
    still runs (a concurrent run, a batch worker) is left alone.
    """
    before = time.time() if before is None else before
    if isinstance(where, RunPlan):
        root, prefix, own = where.output_root, f".{where.slug}.", where.staging_dir
    else:
        root, prefix, own = Path(where), ".", None
    stale = []
    try:
        entries = list(root.iterdir())
    except OSError:  # no output folder yet
        return []
    for folder in entries:
        match = _STAGING_PID.match(folder.name)
        if match is None or not folder.name.startswith(prefix) or folder == own:
            continue
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            older = folder.stat().st_mtime < before
        except OSError:
            continue
        if older and not _alive(int(match.group(1))):
            stale.append(folder)
    return sorted(stale)


def remove_stale_staging(root: Path) -> list[Path]:
    """Remove the :func:`stale_staging` folders of every report in ``root``; returns them."""
    removed = stale_staging(root)
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def keep_failed(plan: RunPlan) -> Path:
    """Move the staging folder of a failed run to ``<slug>.echec`` (replacing an older one).

    An older ``<slug>.echec`` that ctgstats did not write is left alone: the failed run
    then stays in its staging folder.
    """
    if plan.failed_dir.exists() and not ownership.is_ctgstats_report(plan.failed_dir):
        return plan.staging_dir
    if plan.failed_dir.exists():
        shutil.rmtree(plan.failed_dir)
    os.replace(plan.staging_dir, plan.failed_dir)
    return plan.failed_dir


def publish(plan: RunPlan) -> None:
    """Replace the previous output by the staging folder (renames only).

    Raises
    ------
    NotOursError
        When the report's path holds something ctgstats did not write (checked again here:
        it may have appeared during the run); the staging folder is kept.
    """
    ownership.check_replaceable(plan)
    old = None
    if plan.final_dir.exists():
        old = plan.output_root / f".{plan.slug}.ancien-{os.getpid()}"
        os.replace(plan.final_dir, old)
    os.replace(plan.staging_dir, plan.final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    if plan.failed_dir.exists():
        shutil.rmtree(plan.failed_dir, ignore_errors=True)
