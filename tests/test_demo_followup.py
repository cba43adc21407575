"""Tests of the fictional follow-up data of the demo CTG (``ctgstats.demo.followup``).

The generator is rerun into a temporary folder; every file must be identical to the
committed one under ``src/ctgstats/demo/data/suivi``. The files are then read with plain
``csv``/``openpyxl``/``yaml`` (never with the project's readers) so that these tests pin the
formats and the story the demo tells: EAJE coverage up, RSA stable, a significant fall of
"not enough places to meet" in the resident survey.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
import yaml
from tests.helpers import sha256 as _sha256
from tests.helpers import xlsx_cells as _xlsx_cells

from ctgstats.demo import DATA_DIR
from ctgstats.demo.followup import (
    ACTION_PLAN,
    DEFAULT_SEED,
    N_WAVE2,
    N_WAVE2_DUPLICATES,
    N_WAVE2_INCOMPLETE,
    USER_TABLE_COLUMNS,
    generate_followup,
    haut_val_communes,
)
from ctgstats.surveys.codebook import load_codebook

SUIVI = DATA_DIR / "suivi"
ENQUETES = DATA_DIR / "enquetes"
REGENERATE = "regenerate with `python -m ctgstats.demo.followup` and commit"
FILES = [
    "README.md",
    "donnees_locales.csv",
    "donnees_locales.xlsx",
    "habitants_vague2_limesurvey.csv",
    "plan_action.yaml",
]
TEMPLATE = "indicateur,code,niveau,periode,valeur,numerateur,denominateur,source,commentaire"
EAJE = "places_eaje_pour_100_enfants_moins_3"
INDICATORS = {
    EAJE,
    "assistantes_maternelles_places",
    "allocataires_caf",
    "allocataires_rsa",
    "allocataires_aah",
    "allocataires_prime_activite",
    "beneficiaires_aeeh",
    "frequentation_alsh",
    "jeunes_accueillis_structures_jeunesse",
    "personnes_accompagnees_france_services",
}
STATUSES = {
    "atteint",
    "en bonne voie",
    "pas d'évolution significative",
    "en recul",
    "non mesurable",
}

# --------------------------------------------------------------------------------------
# Fixtures and plain readers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The follow-up files regenerated into a temporary folder."""
    output = tmp_path_factory.mktemp("suivi")
    generate_followup(output, seed=DEFAULT_SEED)
    return output


@pytest.fixture(scope="module")
def local_rows() -> list[dict[str, str]]:
    """The committed local-data CSV, every cell as text."""
    with (SUIVI / "donnees_locales.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _value(rows: list[dict[str, str]], indicator: str, level: str, code: str, year: int) -> float:
    found = [
        r
        for r in rows
        if (r["indicateur"], r["niveau"], r["code"], r["periode"])
        == (indicator, level, code, str(year))
    ]
    assert len(found) == 1, (indicator, level, code, year)
    return float(found[0]["valeur"])


def _limesurvey(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def _complete_distinct(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Submitted records, dropping exact re-submissions (identical except ``id``)."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for row in rows:
        key = tuple(v for k, v in row.items() if k != "id")
        if row["submitdate"] and key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _share(rows: list[dict[str, str]], column: str, codes: set[str]) -> tuple[float, int]:
    """Share (%) of ``codes`` among the respondents who answered ``column``, and the base."""
    answered = [r for r in rows if r[column]]
    return 100 * sum(r[column] in codes for r in answered) / len(answered), len(answered)


# --------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------


def test_committed_files_exist() -> None:
    missing = [name for name in FILES if not (SUIVI / name).is_file()]
    assert not missing, f"missing {missing}: {REGENERATE}"


def test_generated_file_list(generated: Path) -> None:
    assert sorted(p.name for p in generated.iterdir()) == FILES


@pytest.mark.parametrize("name", FILES)
def test_files_identical_to_committed(generated: Path, name: str) -> None:
    new, committed = generated / name, SUIVI / name
    if _sha256(new) == _sha256(committed):
        return
    # openpyxl's XML may change with its version: compare the cells of the workbook.
    assert name.endswith(".xlsx") and _xlsx_cells(new) == _xlsx_cells(committed), (
        f"{name} differs from the committed file: {REGENERATE}"
    )


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    for path in generate_followup(tmp_path):
        assert path.read_bytes() == (generated / path.name).read_bytes(), path.name


def test_other_files_left_alone(tmp_path: Path) -> None:
    (tmp_path / "t0_baseline.json").write_text("{}", encoding="utf-8")
    generate_followup(tmp_path)
    assert (tmp_path / "t0_baseline.json").read_text(encoding="utf-8") == "{}"


def test_readme_says_fictional() -> None:
    text = (SUIVI / "README.md").read_text(encoding="utf-8")
    assert "FICTIVES" in text and "FICTIONAL" in text
    assert str(DEFAULT_SEED) in text
    for status in STATUSES:
        assert f"**{status}**" in text, status


# --------------------------------------------------------------------------------------
# Local data: the user-table template
# --------------------------------------------------------------------------------------


def test_csv_has_exactly_the_template_columns() -> None:
    raw = (SUIVI / "donnees_locales.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == TEMPLATE == ",".join(USER_TABLE_COLUMNS)
    assert "\r" not in text and ";" not in text  # no other separator to sniff
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert {len(row) for row in rows} == {len(USER_TABLE_COLUMNS)}


def test_indicators_levels_and_years(local_rows: list[dict[str, str]]) -> None:
    assert {r["indicateur"] for r in local_rows} == INDICATORS
    assert {r["niveau"] for r in local_rows} == {"epci", "departement", "commune"}
    for indicator in INDICATORS:
        for level, code in (("epci", "000000101"), ("departement", "00")):
            years = {
                r["periode"]
                for r in local_rows
                if r["indicateur"] == indicator and r["niveau"] == level and r["code"] == code
            }
            assert {"2022", "2025"} <= years <= {"2022", "2023", "2024", "2025"}, indicator
    trend = {r["indicateur"] for r in local_rows if r["periode"] in ("2023", "2024")}
    assert len(trend) >= 5


def test_codes_keep_leading_zeros(local_rows: list[dict[str, str]]) -> None:
    expected = {code for code, _ in haut_val_communes()}
    assert len(expected) == 16 and "00013" not in expected
    communes = {r["code"] for r in local_rows if r["niveau"] == "commune"}
    assert communes == expected
    assert {r["code"] for r in local_rows if r["niveau"] == "departement"} == {"00"}
    assert {r["code"] for r in local_rows if r["niveau"] == "epci"} == {"000000101"}
    text = (SUIVI / "donnees_locales.csv").read_text(encoding="utf-8")
    assert ",00001,commune," in text and ",00,departement," in text


def test_values_are_numbers(local_rows: list[dict[str, str]]) -> None:
    for row in local_rows:
        float(row["valeur"])
        assert row["source"].endswith("(données fictives)")
        if row["indicateur"] != EAJE:
            assert row["valeur"].isdigit(), row  # counts are integers
            assert row["numerateur"] == row["denominateur"] == ""


def test_eaje_ratio_is_numerator_over_denominator(local_rows: list[dict[str, str]]) -> None:
    rows = [r for r in local_rows if r["indicateur"] == EAJE]
    assert rows
    for row in rows:
        numerator, denominator = int(row["numerateur"]), int(row["denominateur"])
        assert float(row["valeur"]) == pytest.approx(numerator / denominator * 100, rel=1e-9)
    t0 = _value(local_rows, EAJE, "epci", "000000101", 2022)
    latest = _value(local_rows, EAJE, "epci", "000000101", 2025)
    assert 17 < t0 < 19 and 23 < latest < 25  # ~18 -> ~24, target 25 not reached


def test_commune_counts_sum_to_the_epci(local_rows: list[dict[str, str]]) -> None:
    keys = {(r["indicateur"], r["periode"]) for r in local_rows if r["niveau"] == "commune"}
    assert keys
    for indicator, year in keys:
        total = sum(
            int(r["valeur"])
            for r in local_rows
            if r["niveau"] == "commune" and (r["indicateur"], r["periode"]) == (indicator, year)
        )
        assert total == _value(local_rows, indicator, "epci", "000000101", int(year))


def test_story_of_the_local_data(local_rows: list[dict[str, str]]) -> None:
    def change(indicator: str, level: str = "epci", code: str = "000000101") -> float:
        return (
            _value(local_rows, indicator, level, code, 2025)
            / _value(local_rows, indicator, level, code, 2022)
            - 1
        )

    assert abs(change("allocataires_rsa")) < 0.01  # stable within ±1 %
    assert change("allocataires_aah") > 0.05
    assert change("frequentation_alsh") > 0.05
    assert change("personnes_accompagnees_france_services") > (1.10**3 - 1)
    assert change("jeunes_accueillis_structures_jeunesse") < -0.05
    assert -0.05 < change("allocataires_caf") < 0  # fewer families
    for indicator in INDICATORS - {EAJE}:  # the département is larger
        assert _value(local_rows, indicator, "departement", "00", 2022) > 5 * _value(
            local_rows, indicator, "epci", "000000101", 2022
        )
    caf = [r for r in local_rows if r["indicateur"] == "allocataires_caf"]
    assert all("ménage Insee" in r["commentaire"] for r in caf)


def test_xlsx_has_the_same_rows(local_rows: list[dict[str, str]]) -> None:
    workbook = openpyxl.load_workbook(SUIVI / "donnees_locales.xlsx", read_only=True)
    try:
        assert workbook.sheetnames[0] == "donnees"
        cells = list(workbook["donnees"].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert list(cells[0]) == list(USER_TABLE_COLUMNS)
    assert len(cells) - 1 == len(local_rows)
    for row, expected in zip(cells[1:], local_rows, strict=True):
        as_text = ["" if v is None else str(v) for v in row]
        assert isinstance(row[1], str)  # codes stay text
        assert as_text[:4] == [expected[c] for c in USER_TABLE_COLUMNS[:4]]
        assert float(row[4]) == float(expected["valeur"])
        assert as_text[5:] == [expected[c] for c in USER_TABLE_COLUMNS[5:]]


# --------------------------------------------------------------------------------------
# Resident survey, wave 2
# --------------------------------------------------------------------------------------


def test_wave2_same_format_as_wave1() -> None:
    wave1 = (ENQUETES / "habitants_limesurvey.csv").read_bytes()
    wave2 = (SUIVI / "habitants_vague2_limesurvey.csv").read_bytes()
    assert wave2.startswith(b"\xef\xbb\xbf") and wave2.endswith(b"\r\n\r\n")
    assert wave1.split(b"\r\n", 1)[0] == wave2.split(b"\r\n", 1)[0]  # same headings
    first_record = wave2.split(b"\r\n")[1].decode("utf-8")
    assert first_record.startswith('"1","') and first_record.endswith('"')


def test_wave2_counts_and_dates() -> None:
    header, rows = _limesurvey(SUIVI / "habitants_vague2_limesurvey.csv")
    assert header == _limesurvey(ENQUETES / "habitants_limesurvey.csv")[0]
    assert len(rows) == N_WAVE2 + N_WAVE2_INCOMPLETE + N_WAVE2_DUPLICATES
    assert sum(not r["submitdate"] for r in rows) == N_WAVE2_INCOMPLETE
    assert len(_complete_distinct(rows)) == N_WAVE2
    assert all(r["startdate"].startswith(("2029-03", "2029-04")) for r in rows)


def test_wave2_read_by_the_codebook() -> None:
    codebook = load_codebook(ENQUETES / "codebook_habitants.yaml")
    _, rows = _limesurvey(SUIVI / "habitants_vague2_limesurvey.csv")
    for question in codebook.questions:
        if question.type not in ("single", "likert"):
            continue
        allowed = {option.code for option in question.options} | {""}
        assert {r[question.column] for r in rows} <= allowed, question.id


def test_wave2_keeps_the_opt_in_skew() -> None:
    rows = _complete_distinct(_limesurvey(SUIVI / "habitants_vague2_limesurvey.csv")[1])
    women, _ = _share(rows, "sexe", {"A1"})
    middle, _ = _share(rows, "age", {"A2", "A3"})
    old, _ = _share(rows, "age", {"A5"})
    assert women > 56 and middle > 50 and old < 12  # census 15+: 52 %, 40 %, 19 %


def test_wave2_shares_moved_as_planned() -> None:
    """Hand check: lieux d'échanges insuffisants ~62 % -> ~50 %, renoncement unchanged."""
    wave1 = _complete_distinct(_limesurvey(ENQUETES / "habitants_limesurvey.csv")[1])
    wave2 = _complete_distinct(_limesurvey(SUIVI / "habitants_vague2_limesurvey.csv")[1])
    before, n1 = _share(wave1, "lieuxacces", {"A2"})
    after, n2 = _share(wave2, "lieuxacces", {"A2"})
    assert 58 < before < 66 and 44 < after < 54
    p = (before * n1 + after * n2) / (n1 + n2) / 100
    z = (before - after) / 100 / (p * (1 - p) * (1 / n1 + 1 / n2)) ** 0.5
    assert z > 2.5  # a significant fall, even before weighting
    satisfied1, _ = _share(wave1, "lieuxsatisf", {"A4", "A5"})
    satisfied2, _ = _share(wave2, "lieuxsatisf", {"A4", "A5"})
    assert satisfied2 - satisfied1 > 6
    gave_up1, _ = _share(wave1, "droits", {"A1"})
    gave_up2, _ = _share(wave2, "droits", {"A1"})
    assert 8 < gave_up2 < 15 and abs(gave_up1 - gave_up2) < 4


# --------------------------------------------------------------------------------------
# Action plan
# --------------------------------------------------------------------------------------


def test_plan_is_a_list_of_sheets() -> None:
    plan = yaml.safe_load((SUIVI / "plan_action.yaml").read_text(encoding="utf-8"))
    assert isinstance(plan, list) and len(plan) == 4
    kinds = set()
    for sheet in plan:
        assert set(sheet) == {"fiche", "theme", "targets"} and sheet["targets"]
        for item in sheet["targets"]:
            target = item["target"]
            if target is None:
                continue
            kinds.add(target["kind"])
            key = "direction" if target["kind"] == "direction" else "value"
            assert set(target) == {"kind", key}
    assert kinds == {"level", "rate", "change", "direction"}
    first = plan[0]["targets"][0]
    assert first == {"indicator": EAJE, "target": {"kind": "level", "value": 25}}


def test_plan_validates_as_params() -> None:
    from ctgstats.core.params import Indicators

    spec = Indicators.model_validate({"action_plan_file": str(SUIVI / "plan_action.yaml")})
    assert [s.fiche for s in spec.action_plan] == [s.fiche for s in ACTION_PLAN]


def test_every_status_is_expected_somewhere() -> None:
    assert {t.expected for sheet in ACTION_PLAN for t in sheet.targets} == STATUSES
