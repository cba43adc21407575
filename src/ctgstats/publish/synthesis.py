"""The one-page synthesis that opens ``index.html`` and ``rapport_complet.html``.

Each chapter contributes its own main findings through the notebook catalogue
(:attr:`ctgstats.core.notebooks.NotebookSpec.synthesis`): a new chapter appears in the
synthesis by adding its catalogue entry, without editing this module. The synthesis adds
the follow-up statuses (a chapter like any other) and the main cautions, in words an
elected official understands.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ctgstats.core.notebooks import NOTEBOOKS, NotebookSpec

__all__ = ["MAX_FINDINGS", "SYNTHESIS_CLASS", "Synthesis", "build_synthesis", "synthesis_html"]

MAX_FINDINGS = 10
"""At most this many findings: the synthesis must fit on one printed page."""

SYNTHESIS_CLASS = "ctg-synthese"
"""CSS class of the synthesis section (the single-file report copies it from the index)."""


@dataclass(frozen=True)
class Synthesis:
    """Findings by chapter (title → sentences) and plain-language cautions."""

    findings: list[tuple[str, list[str]]] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(sentences for _, sentences in self.findings)


def _provider(spec: NotebookSpec) -> Callable[..., list[str]] | None:
    if spec.synthesis is None:
        return None
    module, _, name = spec.synthesis.partition(":")
    function: Callable[..., list[str]] = getattr(importlib.import_module(module), name)
    return function


def _cautions(portrait: Any, surveys: Mapping[str, Any], followup: Any) -> list[str]:
    cautions = []
    if portrait is not None:
        cautions.append(
            "Les chiffres sur les ménages et les familles viennent d'un sondage du "
            "recensement (environ un ménage sur quatre dans les petites communes) : une "
            "petite évolution peut n'être qu'un effet du hasard, le rapport le signale."
        )
        missing = [c.label for c in portrait.comparators if c.communes is None]
        if missing:
            cautions.append(
                "Comparaisons incomplètes pour "
                + ", ".join(missing)
                + " : les fichiers fournis ne couvrent pas tout ce territoire, seuls ses "
                "revenus publiés sont comparés."
            )
    if surveys:
        cautions.append(
            "Les enquêtes reposent sur des volontaires : leurs résultats décrivent les "
            "répondants, rééquilibrés sur l'âge et le sexe de la population, pas "
            "l'ensemble des habitants."
        )
    if followup is not None:
        cautions.append(
            "Le recensement ne mesure pas une évolution sur trois ans : le suivi du plan "
            "d'action s'appuie sur les données annuelles (CAF, données locales) et sur "
            "l'enquête répétée."
        )
    return cautions


def build_synthesis(
    *,
    portrait: Any = None,
    surveys: Mapping[str, Any] | None = None,
    followup: Any = None,
    notebooks: Sequence[NotebookSpec] = NOTEBOOKS,
) -> Synthesis:
    """Collect each chapter's findings (catalogue order), at most :data:`MAX_FINDINGS`.

    The room is shared round by round: every chapter's most important sentence first (in
    catalogue order), then every chapter's second, and so on, so that a chapter late in
    the catalogue (the follow-up statuses) is never crowded out by the earlier ones.
    """
    surveys = surveys or {}
    offered: list[tuple[str, list[str]]] = []
    for spec in notebooks:
        provider = _provider(spec)
        if provider is None:
            continue
        sentences = list(provider(portrait=portrait, surveys=surveys, followup=followup))
        if sentences:
            offered.append((spec.title, sentences))
    taken = [0] * len(offered)
    room = MAX_FINDINGS
    for depth in range(max((len(s) for _, s in offered), default=0)):
        for index, (_, sentences) in enumerate(offered):
            if room and depth < len(sentences):
                taken[index] += 1
                room -= 1
    findings = [(title, s[:n]) for (title, s), n in zip(offered, taken, strict=True) if n]
    return Synthesis(findings, _cautions(portrait, surveys, followup))


def synthesis_html(synthesis: Synthesis) -> str:
    """The synthesis as an HTML section (empty string when there is nothing to say)."""
    if synthesis.empty:
        return ""
    sentences = [sentence for _, chapter in synthesis.findings for sentence in chapter]
    items = "".join(f"<li>{escape(sentence)}</li>" for sentence in sentences)
    cautions = "".join(f"<li>{escape(text)}</li>" for text in synthesis.cautions)
    caution_html = (
        f'<h3>À garder en tête</h3><ul class="ctg-synthese-cautions">{cautions}</ul>'
        if cautions
        else ""
    )
    return (
        f'<section class="{SYNTHESIS_CLASS}" aria-labelledby="synthese">'
        '<h2 id="synthese">Synthèse</h2>'
        f'<ul class="ctg-synthese-findings">{items}</ul>{caution_html}'
        '<p class="ctg-synthese-more">Le détail, les définitions et les sources sont dans '
        "chaque partie du rapport ; les termes techniques sont expliqués dans les "
        "définitions.</p></section>"
    )
