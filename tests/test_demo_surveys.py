"""Tests of the fictional demo surveys (``ctgstats.demo.surveys``).

The generator is rerun into a temporary folder; every file must be identical to the
committed one under ``src/ctgstats/demo/data/enquetes``. The raw exports are then read with
plain ``csv``/``openpyxl``/pandas (never with the project's adapters) so that these tests pin
the formats themselves and prove that the three habitants exports carry the same answers.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from tests.helpers import sha256 as _sha256
from tests.helpers import xlsx_cells as _xlsx_cells

from ctgstats.demo import DATA_DIR
from ctgstats.demo.surveys import (
    DEFAULT_SEED,
    KOBO_SYSTEM,
    LIMESURVEY_SYSTEM,
    N_DUPLICATES,
    N_ELUS,
    N_ELUS_INCOMPLETE,
    N_HABITANTS,
    N_HABITANTS_INCOMPLETE,
    generate_surveys,
    territory_communes,
)
from ctgstats.surveys.codebook import Codebook, Question, load_codebook

ENQUETES = DATA_DIR / "enquetes"
REGENERATE = "regenerate with `python -m ctgstats.demo.surveys` and commit"
FILES = [
    "README.md",
    "codebook_elus.yaml",
    "codebook_habitants.yaml",
    "elus_limesurvey.csv",
    "habitants_googleforms.csv",
    "habitants_kobo.csv",
    "habitants_kobo.xlsx",
    "habitants_limesurvey.csv",
]
COMMA_OPTION = "Sport, culture et loisirs"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}")
PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.]?\d{2}){4}")

# --------------------------------------------------------------------------------------
# Fixtures and plain readers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The surveys regenerated into a temporary folder."""
    output = tmp_path_factory.mktemp("enquetes")
    generate_surveys(output, seed=DEFAULT_SEED)
    return output


@pytest.fixture(scope="module")
def codebook(generated: Path) -> Codebook:
    return load_codebook(generated / "codebook_habitants.yaml")


def read_csv_rows(path: Path, *, delimiter: str, encoding: str) -> list[dict[str, str]]:
    """Records of a CSV as dicts (blank records, like LimeSurvey's last line, skipped)."""
    text = path.read_text(encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader if any(row)]


def lime(root: Path, name: str = "habitants_limesurvey.csv") -> list[dict[str, str]]:
    return read_csv_rows(root / name, delimiter=",", encoding="utf-8-sig")


def google(root: Path) -> list[dict[str, str]]:
    return read_csv_rows(root / "habitants_googleforms.csv", delimiter=",", encoding="utf-8")


def kobo_csv(root: Path) -> list[dict[str, str]]:
    return read_csv_rows(root / "habitants_kobo.csv", delimiter=";", encoding="utf-8")


def kobo_xlsx(root: Path) -> list[dict[str, Any]]:
    workbook = openpyxl.load_workbook(root / "habitants_kobo.xlsx", read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _kobo_key(question: Question, header: Any) -> str:
    """The Kobo column of a question: its name, possibly behind a group path."""
    name = question.source_column
    return next(k for k in header if k == name or k.endswith("/" + name))


def _split_labels(cell: str, question: Question) -> tuple[str, ...]:
    """Split a Google Forms checkbox cell: labels appear in option order, joined by ", "."""
    codes, rest = [], cell
    for option in question.options:
        if rest == option.label or rest.startswith(option.label + ", "):
            codes.append(option.code)
            rest = rest[len(option.label) + 2 :]
    assert rest == "", f"cannot split {cell!r}"
    return tuple(codes)


def decode(row: dict[str, Any], question: Question, fmt: str) -> Any:
    """The answer of one record to one question, in codes, from a raw export row."""
    if question.type == "multiple":
        if fmt == "limesurvey":
            return tuple(
                o.code for o in question.options if row[f"{question.source_column}_{o.code}"] == "Y"
            )
        if fmt == "googleforms":
            return _split_labels(row[question.label], question)
        if fmt == "kobo_csv":
            return tuple(row[question.source_column].split())
        return tuple(
            o.code for o in question.options if row[f"{question.source_column}/{o.code}"] == 1
        )
    if fmt == "googleforms":
        value = row[question.label]
        if question.options and value:
            value = next(o.code for o in question.options if o.label == value)
    else:
        value = row[_kobo_key(question, row) if fmt.startswith("kobo") else question.source_column]
    return "" if value is None else str(value)


def canonical(
    rows: list[dict[str, Any]], codebook: Codebook, fmt: str, time_column: str
) -> Counter:
    """Multiset of (submission second, answers) of the records of an export."""
    items = Counter()
    for row in rows:
        stamp = str(row[time_column])
        if fmt == "googleforms":  # 14/03/2026 10:22:31
            day, hour = stamp.split(" ")
            stamp = "-".join(reversed(day.split("/"))) + " " + hour
        elif fmt.startswith("kobo"):  # 2026-03-14T10:22:31.123+01:00
            stamp = stamp[:19].replace("T", " ")
        answers = tuple(decode(row, q, fmt) for q in codebook.questions)
        items[(stamp, answers)] += 1
    return items


# --------------------------------------------------------------------------------------
# Reproducibility and codebooks
# --------------------------------------------------------------------------------------


def test_same_files_as_committed(generated: Path) -> None:
    committed = sorted(p.name for p in ENQUETES.iterdir() if p.is_file())
    assert sorted(p.name for p in generated.iterdir()) == FILES, REGENERATE
    assert committed == FILES, REGENERATE


@pytest.mark.parametrize("name", FILES)
def test_files_byte_identical_to_committed(generated: Path, name: str) -> None:
    same = _sha256(generated / name) == _sha256(ENQUETES / name)
    if not same and name.endswith(".xlsx"):  # openpyxl's XML may change by version
        same = _xlsx_cells(generated / name) == _xlsx_cells(ENQUETES / name)
    assert same, f"{name} differs from the committed file; {REGENERATE}"


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    paths = generate_surveys(tmp_path)
    assert sorted(p.name for p in paths) == FILES
    assert all(_sha256(p) == _sha256(generated / p.name) for p in paths)


def test_codebooks_load(generated: Path, codebook: Codebook) -> None:
    elus = load_codebook(generated / "codebook_elus.yaml")
    assert codebook.survey.id == "habitants" and elus.survey.id == "elus"
    assert codebook.survey.incomplete == "exclude"
    assert set(codebook.descriptors) == {"age", "sexe", "commune", "famille"}
    assert set(elus.descriptors) == {"commune", "fonction"}
    age = codebook.descriptors["age"]
    assert [o.census for o in age.options] == [
        ("1529",),
        ("3044",),
        ("4559",),
        ("6074",),
        ("7589", "90P"),
    ]
    sexe = codebook.descriptors["sexe"]
    assert [o.census for o in sexe.options] == [("F",), ("H",), None]
    territory = [code for code, _ in territory_communes()]
    assert len(territory) == 16 and "00013" not in territory
    assert [o.code for o in codebook.descriptors["commune"].options] == territory + ["AUTRE"]
    assert [o.code for o in elus.descriptors["commune"].options] == territory
    assert codebook.question("lieux_acces").finding.codes == ("A2",)
    satisfaction = codebook.question("satisfaction_lieux")
    assert [o.score for o in satisfaction.options] == [1, 2, 3, 4, 5, None]
    assert satisfaction.options[-1].dont_know
    assert set(codebook.question("remarques").themes) == {
        "mobilite",
        "logement",
        "enfance",
        "lien_social",
        "acces_aux_droits",
    }
    assert any("," in o.label for o in codebook.question("services").options)


def test_every_codebook_column_is_in_the_exports(generated: Path, codebook: Codebook) -> None:
    lime_header = set(lime(generated)[0])
    google_header = set(google(generated)[0])
    kobo_header = set(kobo_csv(generated)[0])
    xlsx_header = set(kobo_xlsx(generated)[0])
    for question in codebook.questions:
        assert question.label in google_header
        if question.type == "multiple":
            codes = [o.code for o in question.options]
            assert {f"{question.source_column}_{c}" for c in codes} <= lime_header
            assert {f"{question.source_column}/{c}" for c in codes} <= xlsx_header
            assert question.source_column in kobo_header
        else:
            assert question.source_column in lime_header
            assert _kobo_key(question, kobo_header) == _kobo_key(question, xlsx_header)
            if question.describes or question.id == "enfants":
                assert _kobo_key(question, kobo_header) == f"profil/{question.source_column}"
    elus = load_codebook(generated / "codebook_elus.yaml")
    elus_header = set(lime(generated, "elus_limesurvey.csv")[0])
    for question in elus.questions:
        if question.type == "multiple":
            assert {f"{question.source_column}[{o.code}]" for o in question.options} <= elus_header
        else:
            assert question.source_column in elus_header


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------


def test_limesurvey_format(generated: Path) -> None:
    data = (generated / "habitants_limesurvey.csv").read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"id","submitdate",')
    assert data.endswith(b"\r\n\r\n")
    first = data[3:].split(b"\r\n", 1)[0].decode("utf-8")
    cells = first.split(",")
    assert all(c.startswith('"') and c.endswith('"') for c in cells)
    assert [c.strip('"') for c in cells[:7]] == list(LIMESURVEY_SYSTEM)
    rows = lime(generated)
    stamp = re.compile(r"^2026-0[34]-\d{2} \d{2}:\d{2}:\d{2}$")
    assert all(stamp.match(r["startdate"]) and stamp.match(r["datestamp"]) for r in rows)
    assert all(r["submitdate"] == "" or stamp.match(r["submitdate"]) for r in rows)
    assert [int(r["id"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["services_SQ001"] for r in rows} == {"Y", ""}


def test_googleforms_format(generated: Path) -> None:
    data = (generated / "habitants_googleforms.csv").read_bytes()
    assert data.startswith(b"Horodateur,")
    rows = google(generated)
    assert all(re.match(r"^\d{2}/0[34]/2026 \d{2}:\d{2}:\d{2}$", r["Horodateur"]) for r in rows)


def test_kobo_format(generated: Path) -> None:
    data = (generated / "habitants_kobo.csv").read_bytes()
    assert data.startswith(b'"start";"end";"profil/age";')
    header = list(kobo_csv(generated)[0])
    assert header[-len(KOBO_SYSTEM) :] == list(KOBO_SYSTEM)
    assert list(kobo_xlsx(generated)[0])[-len(KOBO_SYSTEM) :] == list(KOBO_SYSTEM)
    rows = kobo_csv(generated)
    assert all(
        re.match(r"^2026-0[34]-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[12]:00$", r["end"]) for r in rows
    )
    assert len({r["_uuid"] for r in rows}) == len(rows)
    assert [int(r["_index"]) for r in rows] == list(range(1, len(rows) + 1))


# --------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------


def test_respondent_counts(generated: Path) -> None:
    rows = lime(generated)
    complete = [r for r in rows if r["submitdate"]]
    assert len(rows) == N_HABITANTS + N_HABITANTS_INCOMPLETE + N_DUPLICATES
    assert len(complete) == N_HABITANTS + N_DUPLICATES
    assert len(google(generated)) == len(complete)
    assert len(kobo_csv(generated)) == len(complete) == len(kobo_xlsx(generated))
    elus = lime(generated, "elus_limesurvey.csv")
    assert len(elus) == N_ELUS + N_ELUS_INCOMPLETE
    assert sum(bool(r["submitdate"]) for r in elus) == N_ELUS


def test_incomplete_questionnaires_stop_at_their_last_page(generated: Path) -> None:
    pages = {
        1: ["age", "sexe", "commune", "famille", "enfants"],
        2: ["lieuxsatisf", "lieuxacces"],
        3: [f"services_SQ00{i}" for i in range(1, 8)]
        + ["petiteenf", "jeunesse", "droits", "mobilite"],
        4: ["remarques"],
    }
    incomplete = [r for r in lime(generated) if not r["submitdate"]]
    assert {int(r["lastpage"]) for r in incomplete} == {1, 2, 3, 4}
    for row in incomplete:
        for page, columns in pages.items():
            if page >= int(row["lastpage"]):
                assert all(row[c] == "" for c in columns), (row["id"], page)
    assert any(r["age"] for r in incomplete), "some incomplete ones answered page 1"
    assert all(r["remarques"] == "" for r in incomplete)


def test_exact_duplicates(generated: Path) -> None:
    rows = lime(generated)
    signatures = Counter(tuple((k, v) for k, v in r.items() if k != "id") for r in rows)
    assert sorted(signatures.values(), reverse=True)[: N_DUPLICATES + 1] == [2, 2, 1]
    assert (
        sum(n - 1 for n in Counter(tuple(r.values()) for r in google(generated)).values())
        == N_DUPLICATES
    )


def test_three_exports_carry_the_same_answers(generated: Path, codebook: Codebook) -> None:
    complete = [r for r in lime(generated) if r["submitdate"]]
    reference = canonical(complete, codebook, "limesurvey", "submitdate")
    assert sum(reference.values()) == N_HABITANTS + N_DUPLICATES
    assert canonical(google(generated), codebook, "googleforms", "Horodateur") == reference
    assert canonical(kobo_csv(generated), codebook, "kobo_csv", "end") == reference
    assert canonical(kobo_xlsx(generated), codebook, "kobo_xlsx", "end") == reference


def test_kobo_csv_and_xlsx_agree_row_by_row(generated: Path, codebook: Codebook) -> None:
    text_rows, xlsx_rows = kobo_csv(generated), kobo_xlsx(generated)
    services = codebook.question("services")
    for text_row, xlsx_row in zip(text_rows, xlsx_rows, strict=True):
        for name, value in text_row.items():
            if name == "services":
                ticked = {o.code for o in services.options if xlsx_row[f"services/{o.code}"] == 1}
                assert set(value.split()) == ticked
                if not value:  # not answered: per-option cells are empty
                    assert all(xlsx_row[f"services/{o.code}"] is None for o in services.options)
            else:
                assert value == ("" if xlsx_row[name] is None else str(xlsx_row[name]))


def test_comma_option_in_google_checkbox_cells(generated: Path, codebook: Codebook) -> None:
    cells = [r[codebook.question("services").label] for r in google(generated)]
    with_comma = [c for c in cells if COMMA_OPTION in c]
    assert len(with_comma) >= 20
    assert any(c != COMMA_OPTION for c in with_comma), "combined with other options"


def test_commune_codes_keep_leading_zeros(generated: Path) -> None:
    allowed = {code for code, _ in territory_communes()} | {"AUTRE", ""}
    frame = pd.read_csv(
        generated / "habitants_limesurvey.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert set(frame["commune"]) <= allowed
    assert "00001" in set(frame["commune"])
    kobo = pd.read_csv(generated / "habitants_kobo.csv", sep=";", dtype=str, keep_default_na=False)
    assert set(kobo["profil/commune"]) <= allowed
    xlsx = {r["profil/commune"] for r in kobo_xlsx(generated)} - {None}
    assert all(isinstance(c, str) and len(c) == 5 for c in xlsx)
    elus = pd.read_csv(
        generated / "elus_limesurvey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert set(elus["commune"]) <= allowed - {"AUTRE"}


def test_free_text_needs_redaction(generated: Path) -> None:
    complete = [r for r in lime(generated) if r["submitdate"]]
    texts = [r["remarques"] for r in complete if r["remarques"]]
    assert 0.3 <= len(texts) / len(complete) <= 0.5
    assert any(EMAIL.search(t) for t in texts)
    assert any(PHONE.search(t) for t in texts)
    assert any("+33" in t for t in texts)
    assert any("rue des Lilas" in t for t in texts) and any("Mme " in t for t in texts)
    assert any("\n" in t for t in texts), "a multi-line answer"


def test_sample_is_deliberately_not_representative(generated: Path) -> None:
    complete = [r for r in lime(generated) if r["submitdate"]]
    ages = Counter(r["age"] for r in complete if r["age"])
    total = sum(ages.values())
    assert (ages["A2"] + ages["A3"]) / total > 0.5  # flat distribution: 2/5
    assert ages["A5"] / total < 0.12  # flat: 1/5; census about 19 %
    sexes = Counter(r["sexe"] for r in complete if r["sexe"])
    assert sexes["A1"] / (sexes["A1"] + sexes["A2"]) > 0.6  # flat: 1/2
    assert 3 <= sexes["A3"] <= 15, "a few respondents cannot be raked on sex"
    outside = sum(r["commune"] == "AUTRE" for r in complete)
    assert 3 <= outside <= 20, "a few respondents live outside the territory"


def test_non_response_and_finding_rates(generated: Path, codebook: Codebook) -> None:
    complete = [r for r in lime(generated) if r["submitdate"]]
    for question in codebook.questions:
        if question.type in ("single", "likert", "numeric"):
            blank = sum(r[question.source_column] == "" for r in complete) / len(complete)
            assert 0.02 <= blank <= 0.16, question.id
    answered = [r["lieuxacces"] for r in complete if r["lieuxacces"]]
    assert 0.55 <= answered.count("A2") / len(answered) <= 0.72
