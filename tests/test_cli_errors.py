"""How the command line maps errors to messages and exit codes (no kernel started).

A :class:`CtgstatsError` prints ``Erreur : <message>`` and exits with its code; anything
else is a bug: its traceback is printed and the exit code is 1, never 2.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ctgstats.cli import app
from ctgstats.core.errors import CtgstatsError, InputError, RunError
from ctgstats.core.params import ParamsError
from ctgstats.pipeline import plan as planner
from ctgstats.pipeline import run as pipeline_run

REPO = Path(__file__).resolve().parents[1]
DEMO_PARAMS = REPO / "params" / "demo.yaml"


def _invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def _schema_raises(monkeypatch, error: BaseException) -> None:
    def json_schema():
        raise error

    monkeypatch.setattr("ctgstats.core.params.json_schema", json_schema)


class _OddError(CtgstatsError):
    exit_code = 3


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ParamsError("territory.code : '1' inconnu"), 2),
        (InputError("entrée refusée"), 2),
        (RunError("l'export a échoué"), 1),
        (_OddError("code à part"), 3),
    ],
)
def test_a_ctgstats_error_exits_with_its_code_and_a_french_message(monkeypatch, error, code):
    _schema_raises(monkeypatch, error)
    result = _invoke("schema")
    assert result.exit_code == code
    assert result.stderr == f"Erreur : {error}\n"
    assert "Traceback" not in result.stderr


def test_a_bare_value_error_is_a_bug_with_a_traceback_and_exit_1(monkeypatch):
    _schema_raises(monkeypatch, ValueError("could not convert string to float: 'x'"))
    result = _invoke("schema")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError: could not convert string to float: 'x'" in result.stderr
    assert "erreur inattendue (ValueError)" in result.stderr


def test_a_file_not_found_error_from_a_library_is_not_bad_input(monkeypatch):
    _schema_raises(monkeypatch, FileNotFoundError("absent.csv"))
    result = _invoke("schema")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def _fake_plan(monkeypatch, tmp_path, failure: BaseException) -> None:
    plan = SimpleNamespace(output_root=tmp_path / "absent")

    def fail(plan, progress):
        raise failure

    monkeypatch.setattr(planner, "plan_run", lambda params, **options: plan)
    monkeypatch.setattr(pipeline_run, "run", fail)


def test_a_run_refused_for_bad_input_before_any_notebook_exits_2(monkeypatch, tmp_path):
    error = RunError("InputError: table illisible")
    error.__cause__ = InputError("indicateurs.csv : colonne 'valeur' absente")
    _fake_plan(monkeypatch, tmp_path, error)
    result = _invoke("run", DEMO_PARAMS)
    assert result.exit_code == 2
    assert result.stderr == "Erreur : indicateurs.csv : colonne 'valeur' absente\n"


def test_a_failed_notebook_exits_1_and_says_where_it_is_kept(monkeypatch, tmp_path):
    error = RunError("02_familles_menages : cellule 4 en erreur", notebook="02_familles_menages")
    error.kept = tmp_path / "kept"
    error.__cause__ = InputError("même avec une cause d'entrée, un carnet a tourné")
    _fake_plan(monkeypatch, tmp_path, error)
    result = _invoke("run", DEMO_PARAMS)
    assert result.exit_code == 1
    assert "Erreur : 02_familles_menages : cellule 4 en erreur" in result.stderr
    assert f"Notebook conservé pour inspection : {tmp_path / 'kept'}" in result.stderr


def test_a_run_failed_by_a_bug_exits_1_with_the_bug_traceback(monkeypatch, tmp_path):
    try:
        {}["P22_POP"]
    except KeyError as bug:
        error = RunError("KeyError: 'P22_POP'")
        error.__cause__ = bug
    _fake_plan(monkeypatch, tmp_path, error)
    result = _invoke("run", DEMO_PARAMS)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "KeyError: 'P22_POP'\nErreur : KeyError: 'P22_POP'" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("run",), "donnez un fichier de paramètres"),
        (("run", DEMO_PARAMS, "--territory", "epci:000000101"), "pas les deux"),
        (("run", "--territory", "epci-000000101", "--data-dir", "x"), "NIVEAU:CODE"),
        (("run", "--territory", "epci:000000101"), "--territory demande au moins un --data-dir"),
        (("run", REPO / "absent.yaml"), "fichier de paramètres introuvable"),
        (("portal", REPO / "absent"), "dossier de sortie introuvable"),
        (("data", "fetch", "no_such_source", "--vintage", "2022"), "identifiant de source inconnu"),
        (("survey-draft", DEMO_PARAMS, "--id", "Mauvais Id"), "survey_id (--id)"),
    ],
)
def test_bad_options_exit_2_with_a_french_message(args, fragment):
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Erreur : ") and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_in_french():
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "Diagnostics statistiques reproductibles" in result.stdout
    run_help = _invoke("run", "--help").stdout
    assert "Calculer le portrait d'un territoire" in run_help
    assert "Dossier de fichiers Insee (répétable)." in run_help


def test_a_command_ending_with_typer_exit_keeps_its_code(monkeypatch):
    # e.g. ``ctgstats batch`` exits itself with the code of its result
    import typer

    _schema_raises(monkeypatch, typer.Exit(3))
    result = _invoke("schema")
    assert result.exit_code == 3
    assert "Traceback" not in result.stderr and "inattendue" not in result.stderr


def test_batch_arguments_that_clash_exit_2():
    result = _invoke("batch")
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : donnez soit des fichiers")
    assert "Traceback" not in result.stderr
