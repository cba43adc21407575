"""The notebook catalogue drives params defaults, validation, the plan and the portal."""

from __future__ import annotations

import pytest

from ctgstats.core.notebooks import (
    NOTEBOOKS,
    NotebookSpec,
    get_notebook,
    notebook_names,
    notebook_of_page,
)
from ctgstats.core.params import ParamsError, parse_params

TERRITORY = {"level": "epci", "code": "200072635"}
SURVEY = {"id": "habitants", "export": "e.csv", "codebook": "c.yaml"}


def test_names_are_unique_and_in_reading_order():
    names = notebook_names()
    assert len(set(names)) == len(names) == len(NOTEBOOKS)
    # the portrait's chapters, then the surveys, then the follow-up; by name within a part
    parts = ["Portrait", "Enquêtes", "Suivi"]
    ranks = [(parts.index(get_notebook(n).part), n) for n in names]
    assert ranks == sorted(ranks)


def test_lookup_of_pages():
    assert notebook_of_page("01_demographie").name == "01_demographie"
    assert notebook_of_page("03_enquete_habitants").name == "03_enquete"
    assert notebook_of_page("01_demographie_x") is None  # not a per-survey notebook
    assert notebook_of_page("rapport_complet") is None
    with pytest.raises(KeyError, match="99_autre"):
        get_notebook("99_autre")


def test_unknown_need_is_refused():
    with pytest.raises(ValueError, match="unknown needs"):
        NotebookSpec(name="05_x", title="X", needs=frozenset({"maps"}))


def test_defaults_follow_requires():
    bare = parse_params({"territory": TERRITORY})
    assert bare.notebook_names == (
        "01_demographie",
        "02_familles_menages",
        "05_logement",
        "06_emploi_jeunesse",
        "07_pauvrete_caf",
        "08_offre_services",
        "09_cartes",
        "10_dispositifs",
    )
    with_survey = parse_params({"territory": TERRITORY, "surveys": [SURVEY]})
    assert with_survey.notebook_names == (
        "01_demographie",
        "02_familles_menages",
        "05_logement",
        "06_emploi_jeunesse",
        "07_pauvrete_caf",
        "08_offre_services",
        "09_cartes",
        "10_dispositifs",
        "03_enquete",
    )


def test_a_notebook_whose_requirement_is_missing_is_refused():
    with pytest.raises(ParamsError, match="'04_indicateurs' demande indicators.action_plan"):
        parse_params({"territory": TERRITORY, "notebooks": ["04_indicateurs"]})
