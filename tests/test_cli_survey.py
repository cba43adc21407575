"""``ctgstats survey`` and ``survey-draft`` end to end, and bad survey input."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from tests.helpers import run_cli as _run

from ctgstats.demo import DATA_DIR
from ctgstats.publish.export import check_offline
from ctgstats.surveys.model import FREQUENCY_COLUMNS

SURVEYS = DATA_DIR / "enquetes"


@pytest.mark.notebooks
def test_survey_command_writes_tables_and_an_offline_summary(tmp_path):
    result = _run(
        "survey",
        SURVEYS / "habitants_googleforms.csv",
        "--codebook",
        SURVEYS / "codebook_habitants.yaml",
        "--format",
        "googleforms",
        "--output-dir",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "enquete-habitants"
    with open(
        folder / "tables" / "enquete_habitants_frequences.csv", encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == FREQUENCY_COLUMNS
    assert {r["pondere"] for r in rows} == {"False"}  # no territory: unweighted
    html = (folder / "03_enquete_habitants.html").read_text(encoding="utf-8")
    assert check_offline(html) == []
    assert "@exemple.fr" not in html  # e-mails redacted before any output
    assert "IC 95" in html
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "success"
    assert {f["source"] for f in manifest["data_files"]} == {"enquete_export", "enquete_codebook"}


def test_answer_outside_the_codebook_is_refused_with_its_place(tmp_path):
    export = tmp_path / "habitants.csv"
    text = (SURVEYS / "habitants_googleforms.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace(",Femme,", ",Peut-être,", 1)
    assert "Peut-être" in lines[3]
    export.write_text("".join(lines), encoding="utf-8")
    result = _run(
        "survey",
        export,
        "--codebook",
        SURVEYS / "codebook_habitants.yaml",
        "--format",
        "googleforms",
        "--output-dir",
        tmp_path / "out",
    )
    assert result.returncode == 2
    assert "Peut-être" in result.stderr and "ligne 4" in result.stderr
    assert str(export) in result.stderr
    assert not (tmp_path / "out").exists()


def test_codebook_with_an_unknown_type_is_refused(tmp_path):
    codebook = tmp_path / "codebook.yaml"
    text = (SURVEYS / "codebook_habitants.yaml").read_text(encoding="utf-8")
    codebook.write_text(text.replace("type: numeric", "type: nombre", 1), encoding="utf-8")
    result = _run(
        "survey",
        SURVEYS / "habitants_limesurvey.csv",
        "--codebook",
        codebook,
        "--output-dir",
        tmp_path / "out",
    )
    assert result.returncode == 2
    assert "type de question inconnu" in result.stderr and "'nombre'" in result.stderr


def test_unknown_format_is_refused(tmp_path):
    result = _run(
        "survey",
        SURVEYS / "habitants_limesurvey.csv",
        "--codebook",
        SURVEYS / "codebook_habitants.yaml",
        "--format",
        "typeform",
        "--output-dir",
        tmp_path,
    )
    assert result.returncode == 2 and "typeform" in result.stderr


def test_survey_draft_writes_a_loadable_codebook(tmp_path):
    export = tmp_path / "export.csv"
    shutil.copy(SURVEYS / "elus_limesurvey.csv", export)
    target = tmp_path / "codebook.yaml"
    result = _run("survey-draft", export, "--id", "elus", "--output", target)
    assert result.returncode == 0, result.stderr
    from ctgstats.surveys.codebook import load_codebook

    assert load_codebook(target).survey.id == "elus"
    again = _run("survey-draft", export, "--id", "elus", "--output", target)
    assert again.returncode == 2 and "non écrasé" in again.stderr
