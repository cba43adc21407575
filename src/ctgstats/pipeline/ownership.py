"""ctgstats replaces only what it can prove it wrote.

A report folder is ctgstats' when it holds a ``manifest.json`` whose ``tool`` is
``"ctgstats"``; a portal page when its ``<head>`` names ctgstats as its generator
(:func:`ctgstats.publish.portal.check_portal_replaceable`). Anything else at the path of a report,
of a kept failure (``<slug>.echec``) or of the portal is refused before any computation
starts, with a French message naming the path: nothing of the user's is ever deleted.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ctgstats.core.errors import InputError
from ctgstats.pipeline.plan import RunPlan
from ctgstats.publish.portal import check_portal_replaceable

__all__ = [
    "NotOursError",
    "OutputDirError",
    "check_replaceable",
    "check_writable",
    "is_ctgstats_report",
]


class NotOursError(InputError, FileExistsError):
    """A path ctgstats would replace holds something ctgstats did not write."""


class OutputDirError(InputError, OSError):
    """The output folder cannot be created or written to."""


def check_writable(root: Path) -> None:
    """Refuse an output folder ctgstats could not create or write in, before any work.

    Nothing is created: the folder itself when it exists, else its nearest existing
    parent, is probed with a temporary folder removed at once.

    Raises
    ------
    OutputDirError
        A part of the path is a file, or the folder (or the parent it would be created
        in) is not writable; the message names the path.
    """
    root = Path(root)
    absolute = root.expanduser().absolute()
    existing = absolute
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    fix = "choisissez un autre dossier de sortie (--output-dir ou output_dir des paramètres)"
    if not existing.is_dir():
        where = "c'est un fichier" if existing == absolute else f"{existing} est un fichier"
        raise OutputDirError(f"dossier de sortie {root} : {where}, pas un dossier ; {fix}")
    try:
        tempfile.TemporaryDirectory(prefix=".ctgstats-essai-", dir=existing).cleanup()
    except OSError as error:
        what = "" if existing == absolute else f" (dossier parent {existing})"
        raise OutputDirError(
            f"dossier de sortie {root}{what} : écriture impossible "
            f"({error.strerror or error}) ; {fix}"
        ) from None


def is_ctgstats_report(folder: Path) -> bool:
    """Tell whether ``folder`` is a report written by ctgstats (its ``manifest.json``)."""
    manifest = Path(folder) / "manifest.json"
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and content.get("tool") == "ctgstats"


def _refuse(path: Path, what: str) -> NotOursError:
    return NotOursError(
        f"{path} existe et n'a pas été écrit par ctgstats ({what}) : ctgstats ne remplace "
        "que ce qu'il a écrit lui-même. Déplacez ou renommez ce dossier, ou choisissez "
        "un autre dossier de sortie (--output-dir)."
    )


def check_replaceable(plan: RunPlan, *, portal: bool = False) -> None:
    """Refuse a run whose outputs would replace something ctgstats did not write.

    Parameters
    ----------
    plan
        The run: its report folder, its kept-failure folder.
    portal
        Also check ``<output-dir>/index.html``, which the run will (re)write.

    Raises
    ------
    NotOursError
        Naming the path and what is wrong with it.
    """
    for folder in (plan.final_dir, plan.failed_dir):
        if not folder.exists() and not folder.is_symlink():
            continue
        if not folder.is_dir():
            raise _refuse(folder, "c'est un fichier, pas un dossier de rapport")
        if not is_ctgstats_report(folder):
            raise _refuse(folder, "pas de manifest.json de ctgstats")
    if portal:
        check_portal_replaceable(plan.output_root)
