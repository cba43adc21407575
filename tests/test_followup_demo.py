"""The fictional CTG follow-up of the demo: frozen T0, targets, statuses, CLI freeze."""

from __future__ import annotations

import csv
import json
import math

import pytest
import yaml
from tests.helpers import REPO
from tests.helpers import run_cli as _run

from ctgstats.demo import DATA_DIR
from ctgstats.indicators.followup import INDICATOR_COLUMNS, followup_from_params

SUIVI = DATA_DIR / "suivi"


@pytest.fixture(scope="module")
def followup():
    params = yaml.safe_load((REPO / "params" / "demo.yaml").read_text(encoding="utf-8"))
    return followup_from_params(params)[1]


def _local(indicator: str, year: str) -> dict[str, str]:
    with open(SUIVI / "donnees_locales.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["indicateur"], row["code"], row["periode"]) == (indicator, "000000101", year):
                return row
    raise KeyError(indicator)


def test_every_status_is_reached(followup):
    statuses = set(followup.dashboard["statut"])
    assert statuses == {
        "atteint",
        "en bonne voie",
        "pas d'évolution significative",
        "en recul",
        "non mesurable",
    }


def test_local_indicator_against_the_raw_file(followup):
    row = followup.dashboard.set_index("indicateur").loc["places_eaje_pour_100_enfants_moins_3"]
    t0, later = _local(row.name, "2022"), _local(row.name, "2025")
    t0_value = 100 * float(t0["numerateur"]) / float(t0["denominateur"])
    later_value = 100 * float(later["numerateur"]) / float(later["denominateur"])
    assert row["t0_valeur"] == pytest.approx(t0_value, rel=1e-9)
    assert row["derniere_valeur"] == pytest.approx(later_value, rel=1e-9)
    assert row["evolution"] == pytest.approx(later_value - t0_value, rel=1e-9)
    assert later_value < 25 and row["statut"] == "en bonne voie"  # target 25 not reached


def test_census_indicator_is_not_measurable_at_three_years(followup):
    row = followup.dashboard.set_index("indicateur").loc["part_familles_monoparentales"]
    assert row["statut"] == "non mesurable"
    assert math.isnan(row["evolution"])


def test_survey_indicator_uses_both_waves(followup):
    row = followup.dashboard.set_index("indicateur").loc["enquete_lieux_echanges_insuffisants"]
    assert (row["t0_annee"], row["derniere_annee"]) == (2026, 2029)
    assert row["statut"] == "atteint" and "Newcombe" in row["explication"]


def test_public_table_columns(followup):
    assert list(followup.indicators_table().columns) == INDICATOR_COLUMNS


def test_committed_t0_matches_a_fresh_freeze(tmp_path):
    params = yaml.safe_load((REPO / "params" / "demo_t0.yaml").read_text(encoding="utf-8"))
    params["indicators"]["baseline"] = str(tmp_path / "t0.json")
    path = tmp_path / "demo_t0.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    first = _run("baseline", "freeze", path)
    assert first.returncode == 0, first.stderr
    fresh = json.loads((tmp_path / "t0.json").read_text(encoding="utf-8"))
    committed = json.loads((SUIVI / "t0_baseline.json").read_text(encoding="utf-8"))
    assert fresh["values"] == committed["values"]
    assert fresh["territory"] == committed["territory"]

    again = _run("baseline", "freeze", path)
    assert again.returncode == 2
    assert "jamais réécrit en silence" in again.stderr and "--force" in again.stderr
    forced = _run("baseline", "freeze", path, "--force")
    assert forced.returncode == 0, forced.stderr
    backups = list(tmp_path.glob("t0.*.bak.json"))
    assert len(backups) == 1


def test_price_index_of_the_params_is_read_and_checked(tmp_path):
    from ctgstats.indicators.prices import PriceIndexError

    params = yaml.safe_load((REPO / "params" / "demo.yaml").read_text(encoding="utf-8"))
    bad = tmp_path / "ipc.csv"
    bad.write_text("annee;indice;source\n2016;zéro;Insee\n", encoding="utf-8")
    params["indicators"]["price_index"] = str(bad)
    with pytest.raises(PriceIndexError, match=r"(?s)ipc\.csv.*ligne 2, colonne « indice »"):
        followup_from_params(params)


def test_dashboard_puts_the_status_second_in_a_scrolling_box(followup):
    """On a phone the table scrolls sideways in its box; its first two columns (the
    indicator and its status) are the ones kept in view."""
    from bs4 import BeautifulSoup

    from ctgstats.indicators.views import dashboard

    soup = BeautifulSoup(dashboard(followup).data, "html.parser")
    tables = soup.find_all("table", class_="ctg-dashboard")
    assert len(tables) == followup.dashboard["fiche"].nunique()
    for table in tables:
        assert "ctg-table-block" in table.parent["class"]
        headers = [th.get_text() for th in table.thead.find_all("th")]
        assert headers == ["Indicateur", "Statut", "T0", "Cible", "Dernière valeur", "Évolution"]
    rows = [tr for table in tables for tr in table.tbody.find_all("tr")]
    assert len(rows) == len(followup.dashboard)
    shown = [tr.find_all("td")[1].find("span", class_="ctg-status").get_text() for tr in rows]
    assert shown == list(followup.dashboard["statut"])


def test_survey_indicators_are_described_in_the_questionnaires_words(followup):
    """The glossary reads the question and the answers, not their ids and codes."""
    import yaml

    from ctgstats.demo import DATA_DIR
    from ctgstats.indicators.views import glossary

    result = followup
    codebook = yaml.safe_load(
        (DATA_DIR / "enquetes" / "codebook_habitants.yaml").read_text(encoding="utf-8")
    )
    question = next(q for q in codebook["questions"] if q["id"] == "acces_droits")
    answer = next(o["label"] for o in question["options"] if o["code"] == "A1")
    import html as html_module

    html = html_module.unescape(glossary(result).data)
    assert f"question « {question['label']} », réponse « {answer} »" in html
    assert "acces_droits" not in html and "lieux_acces" not in html
