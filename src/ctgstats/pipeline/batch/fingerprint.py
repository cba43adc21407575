"""Fingerprints: what a territory's output depends on, to skip unchanged territories.

Each successful territory records its :func:`fingerprint` (params, sha256 of every input
file, notebook templates, ctgstats version) in its ``manifest.json``
(:func:`stamp_fingerprint`); the next batch skips it while the fingerprint is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ctgstats.core.files import write_text_atomic
from ctgstats.core.params import Params
from ctgstats.pipeline.batch.items import BatchItem

FINGERPRINT_KEY = "fingerprint"


def _sha(path: Path) -> str:
    from ctgstats.core.files import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return "absent"


def data_folders(params: Params, *, cache_dir: Path | None = None) -> tuple[Path, ...]:
    """Folders a run searches: its data dirs and the download folders (no network)."""
    from ctgstats.core.files import resolve_data_dir
    from ctgstats.data import download, sources

    folders = [resolve_data_dir(entry) for entry in params.data_dirs]
    for spec in params.download.sources:
        source = sources.get_source(spec.id, spec.vintage, level=spec.level)
        folders.append(download.download_path(source, cache_dir=cache_dir).parent)
    return tuple(folders)


def discovered(folders: tuple[Path, ...], memo: dict | None) -> list:
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
    indicator files (local tables, registries, T0, action plan file), the inventory of
    dispositifs and the notebook
    templates of the planned notebooks. A missing file counts as ``"absent"``.
    """
    from importlib import resources

    from ctgstats.core.files import resolve_path
    from ctgstats.data.catalog import BUILTIN_MOVEMENTS
    from ctgstats.pipeline.plan import plan_run

    files: dict[str, str] = {}
    for found in discovered(data_folders(params, cache_dir=cache_dir), memo):
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
    if params.dispositifs:
        files["dispositifs"] = _sha(resolve_path(params.dispositifs))
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
    write_text_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
