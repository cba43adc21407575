"""The notebook catalogue: every chapter of a diagnostic, described once.

Params validation, the run plan, the batch and the portal read :data:`NOTEBOOKS`; adding
a chapter is its library modules, one notebook template (``ctgstats/notebooks/<name>.ipynb``)
and one :class:`NotebookSpec` here. Pure data: this module imports nothing from ctgstats.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GROUPS",
    "NOTEBOOKS",
    "NotebookSpec",
    "chapter_specs",
    "default_notebooks",
    "get_notebook",
    "notebook_names",
    "notebook_of_page",
]

#: Headings of the home page's list of chapters, in reading order (:attr:`NotebookSpec.part`).
GROUPS = ("Portrait", "Enquêtes", "Suivi")

#: What the preparation of a run can compute before any kernel starts.
NEEDS = frozenset({"portrait", "surveys", "followup"})


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of the catalogue.

    Attributes
    ----------
    name
        File stem of the template and of the executed notebook (``"01_demographie"``).
    title
        French title of its HTML page.
    per_survey
        Executed once per survey (``03_enquete_<id>.ipynb``) rather than once per run.
    per_series
        Executed once per survey series having at least two dated waves
        (``03b_enquete_vagues_<series>.ipynb``), with ``series`` injected.
    needs
        What the preparation computes for it: ``"portrait"``, ``"surveys"``,
        ``"followup"``.
    requires
        Dotted params field that must not be empty for the notebook to run
        (``"surveys"``, ``"indicators.action_plan"``), or None.
    territory_specific
        Describes one territory only (its surveys, its action plan): dropped from the
        territories of a batch expansion.
    default
        Runs when the params list no notebooks (provided ``requires`` is met).
    synthesis
        ``"module:function"`` of the function giving the chapter's contribution to the
        one-page synthesis (:mod:`ctgstats.publish.synthesis`), or None. It is called
        with keyword arguments ``portrait``, ``surveys`` and ``followup`` and returns
        French sentences, most important first.
    chapter
        ``"module:attribute"`` of the chapter's :class:`ctgstats.portrait.chapters.Chapter`
        (its figures, tables, cautions and findings, computed with the portrait), or None
        for the notebooks whose computations are wired by hand (01, 02, surveys, follow-up).
    registry
        Package-relative path of the chapter's indicator registry file
        (``"portrait/housing/indicateurs.yaml"``), read after the shipped registry by
        :func:`ctgstats.data.registry.load_registry`, or None.
    key_figures
        Indicator ids the chapter adds to the key figures of the territory's index page.
    portal_figures
        ``(indicator id, short column label)`` the chapter adds to the portal's table of
        territories (keep it to one or two: the portal is read on a phone too).
    demo
        ``"module:function"`` of each writer of the chapter's fictional demo files, called
        in order by :func:`ctgstats.demo.generate.generate` with ``(out, seed, data)``.
    group
        French heading the chapter is listed under on the territory's home page
        (:data:`GROUPS`), or None to derive it from ``needs`` (:attr:`part`).
    """

    name: str
    title: str
    per_survey: bool = False
    per_series: bool = False
    needs: frozenset[str] = frozenset({"portrait"})
    requires: str | None = None
    territory_specific: bool = False
    default: bool = True
    synthesis: str | None = None
    chapter: str | None = None
    registry: str | None = None
    key_figures: tuple[str, ...] = ()
    portal_figures: tuple[tuple[str, str], ...] = ()
    demo: tuple[str, ...] = ()
    group: str | None = None

    @property
    def part(self) -> str:
        """Heading the chapter is listed under: « Portrait », « Enquêtes » or « Suivi ».

        The explicit ``group`` when set; else « Suivi » for a chapter needing the
        follow-up, « Enquêtes » for one needing the surveys, « Portrait » otherwise.
        """
        if self.group:
            return self.group
        if "followup" in self.needs:
            return "Suivi"
        if "surveys" in self.needs:
            return "Enquêtes"
        return "Portrait"

    def __post_init__(self) -> None:
        unknown = self.needs - NEEDS
        if unknown:
            raise ValueError(f"{self.name}: unknown needs {sorted(unknown)}")

    @property
    def template(self) -> str:
        """File name of the template: ``"01_demographie.ipynb"``."""
        return f"{self.name}.ipynb"


#: Reading order: the portrait's chapters, then the surveys, then the follow-up (the
#: plan, the pages' « précédent / suivant » links, the home page and the full report
#: follow it; file names keep their historical numbers).
NOTEBOOKS: tuple[NotebookSpec, ...] = (
    NotebookSpec(
        name="01_demographie",
        title="Démographie : population, âges, vieillissement",
        synthesis="ctgstats.portrait.findings:demography_synthesis",
    ),
    NotebookSpec(
        name="02_familles_menages",
        title="Familles, ménages et revenus",
        synthesis="ctgstats.portrait.findings:families_synthesis",
    ),
    NotebookSpec(
        name="05_logement",
        title="Logement : parc, occupation, statut et confort",
        synthesis="ctgstats.portrait.housing.findings:synthesis",
        chapter="ctgstats.portrait.housing:CHAPTER",
        registry="portrait/housing/indicateurs.yaml",
        key_figures=("part_residences_secondaires", "part_logements_vacants", "part_proprietaires"),
        portal_figures=(("part_residences_secondaires", "Rés. secondaires"),),
        demo=("ctgstats.demo.housing:write", "ctgstats.demo.rpls:write"),
    ),
    NotebookSpec(
        name="06_emploi_jeunesse",
        title="Emploi, formation et jeunesse",
        synthesis="ctgstats.portrait.employment.findings:synthesis",
        chapter="ctgstats.portrait.employment:CHAPTER",
        registry="portrait/employment/indicateurs.yaml",
        key_figures=("taux_chomage_15_64", "taux_chomage_15_24", "part_neet_15_24"),
        portal_figures=(("taux_chomage_15_64", "Chômage 15-64 ans (recensement)"),),
        demo=("ctgstats.demo.employment:write",),
    ),
    NotebookSpec(
        name="07_pauvrete_caf",
        title="Pauvreté, prestations CAF et petite enfance",
        synthesis="ctgstats.portrait.poverty.findings:synthesis",
        chapter="ctgstats.portrait.poverty:CHAPTER",
        registry="portrait/poverty/indicateurs.yaml",
        key_figures=("taux_pauvrete_60", "taux_pauvrete_60_moins_30", "intensite_pauvrete"),
        portal_figures=(("taux_pauvrete_60", "Taux de pauvreté"),),
        demo=(
            "ctgstats.demo.poverty:write",
            "ctgstats.demo.childcare:write",
            "ctgstats.demo.caf:write",
        ),
    ),
    NotebookSpec(
        name="08_offre_services",
        title="Offre de services : équipements et distances",
        synthesis="ctgstats.portrait.services.findings:synthesis",
        chapter="ctgstats.portrait.services:CHAPTER",
        registry="portrait/services/indicateurs.yaml",
        key_figures=("part_pop_sans_medecin_generaliste", "densite_medecin_generaliste"),
        portal_figures=(("part_pop_sans_medecin_generaliste", "Sans médecin dans la commune"),),
        demo=("ctgstats.demo.services:write",),
    ),
    NotebookSpec(
        name="09_cartes",
        title="Cartes : besoins et offre de services",
        chapter="ctgstats.portrait.maps:CHAPTER",
        demo=("ctgstats.demo.contours:write",),
    ),
    NotebookSpec(
        name="10_dispositifs",
        title="Dispositifs existants et besoins du territoire",
        chapter="ctgstats.portrait.dispositifs:CHAPTER",
        demo=("ctgstats.demo.dispositifs:write",),
    ),
    NotebookSpec(
        name="03_enquete",
        title="Enquête",
        per_survey=True,
        needs=frozenset({"portrait", "surveys"}),
        requires="surveys",
        territory_specific=True,
        synthesis="ctgstats.surveys.analysis:survey_synthesis",
    ),
    NotebookSpec(
        name="03b_enquete_vagues",
        title="Enquête : comparaison des vagues",
        per_series=True,
        needs=frozenset({"portrait", "surveys"}),
        requires="survey_series",
        territory_specific=True,
        synthesis="ctgstats.surveys.waves:waves_synthesis",
    ),
    NotebookSpec(
        name="04_indicateurs",
        title="Suivi des indicateurs du plan d'action",
        needs=frozenset({"portrait", "surveys", "followup"}),
        requires="indicators.action_plan",
        territory_specific=True,
        synthesis="ctgstats.indicators.followup:followup_synthesis",
    ),
)

_BY_NAME = {spec.name: spec for spec in NOTEBOOKS}


def chapter_specs() -> tuple[NotebookSpec, ...]:
    """The notebooks that bring a portrait chapter (``chapter`` set), in reading order."""
    return tuple(spec for spec in NOTEBOOKS if spec.chapter)


def notebook_names() -> tuple[str, ...]:
    """Names of every notebook of the catalogue, in reading order."""
    return tuple(_BY_NAME)


def get_notebook(name: str) -> NotebookSpec:
    """The spec of notebook ``name``.

    Raises
    ------
    KeyError
        For a name that is not in the catalogue.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"notebook {name!r} inconnu (catalogue : {', '.join(_BY_NAME)})") from None


def default_notebooks() -> tuple[NotebookSpec, ...]:
    """The notebooks that run when the params list none (before checking ``requires``)."""
    return tuple(spec for spec in NOTEBOOKS if spec.default)


def notebook_of_page(stem: str) -> NotebookSpec | None:
    """The notebook an executed file stem comes from, or None.

    ``"01_demographie"`` → its spec; ``"03_enquete_habitants"`` → the per-survey spec
    ``03_enquete``; ``"03b_enquete_vagues_habitants"`` → the per-series spec; anything
    else → None.
    """
    spec = _BY_NAME.get(stem)
    if spec is not None:
        return spec
    for candidate in NOTEBOOKS:
        if (candidate.per_survey or candidate.per_series) and stem.startswith(candidate.name + "_"):
            return candidate
    return None
