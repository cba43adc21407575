"""How the command line maps errors to messages and exit codes (no kernel started).

A :class:`CtgstatsError` prints ``Erreur : <message>`` and exits with its code; anything
else is a bug: a French sentence without the Python class name, exit code 1 (never 2),
and its traceback only with ``ctgstats --debug``. Help pages are French throughout.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.helpers import run_cli
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


def test_a_bare_value_error_is_a_bug_said_in_french_without_class_name(monkeypatch):
    _schema_raises(monkeypatch, ValueError("could not convert string to float: 'x'"))
    result = _invoke("schema")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "ValueError" not in result.stderr
    assert result.stderr.startswith(
        "Erreur : erreur inattendue : could not convert string to float: 'x' — ce n'est pas "
        "une erreur de saisie ; merci de signaler ce problème"
    )
    assert "ctgstats --debug" in result.stderr


def test_debug_shows_the_traceback_of_a_bug(monkeypatch):
    _schema_raises(monkeypatch, ValueError("could not convert string to float: 'x'"))
    result = _invoke("--debug", "schema")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError: could not convert string to float: 'x'" in result.stderr
    # the flag holds for one invocation only
    assert "Traceback" not in _invoke("schema").stderr


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError("absent.csv"),
        KeyError("P22_POP"),
        TypeError("unsupported operand"),
        ValueError(""),
    ],
)
def test_an_unexpected_error_prints_no_python_class_name(monkeypatch, error):
    _schema_raises(monkeypatch, error)
    result = _invoke("schema")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert type(error).__name__ not in result.stderr
    assert "Error" not in result.stderr and "erreur inattendue : " in result.stderr


def _fake_plan(monkeypatch, tmp_path, failure: BaseException) -> None:
    root = tmp_path / "absent"
    plan = SimpleNamespace(
        output_root=root, final_dir=root / "epci-x", failed_dir=root / "epci-x.echec"
    )

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


def test_a_run_failed_by_a_bug_exits_1_in_french_with_its_kept_notebook(monkeypatch, tmp_path):
    try:
        {}["P22_POP"]
    except KeyError as bug:
        error = RunError("KeyError: 'P22_POP'")
        error.__cause__ = bug
        error.kept = tmp_path / "kept"
    _fake_plan(monkeypatch, tmp_path, error)
    result = _invoke("run", DEMO_PARAMS)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
    assert result.stderr.startswith("Erreur : erreur inattendue : 'P22_POP' — ")
    assert f"Notebook conservé pour inspection : {tmp_path / 'kept'}" in result.stderr
    debug = _invoke("--debug", "run", DEMO_PARAMS)
    assert "Traceback (most recent call last)" in debug.stderr
    assert "KeyError: 'P22_POP'" in debug.stderr


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
        (("data", "fetch", "rp_evol_struct_pop", "--vintage", "2O22"), "une année est attendue"),
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


# ----------------------------------------------------------------- French help pages


def _commands(command=None, path=()):
    """Every (path, click command) of the application, groups included."""
    from typer.main import get_command

    command = command or get_command(app)
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMAND_PATHS = [path for path, _ in _commands()]

#: Words of typer's and click's English help pages, and Python type names.
ENGLISH = (
    "Usage",
    "Show this message",
    "and exit",
    "[default",
    "[required]",
    "Commands",
    "COMMAND [",
    "[ARGS",
    "<bool>",
    "<str>",
    "<int",
    "<path>",
    "list[",
    "Path]",
    "params_file",
    "source_id",
    "output_dir",
)


def test_the_console_script_help_is_french():
    page = run_cli("--help", env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    assert "Utilisation : ctgstats [OPTIONS] COMMANDE [ARGUMENTS]..." in page
    assert "Afficher cette aide et quitter." in page and "Commandes" in page
    assert not [word for word in ENGLISH if word in page], page


def test_every_command_is_checked():
    names = {" ".join(path) for path in COMMAND_PATHS}
    assert {"", "run", "batch", "data fetch", "data list", "baseline freeze", "version"} <= names


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "ctgstats")
def test_every_help_page_is_french(path):
    result = CliRunner().invoke(
        app, [*path, "--help"], prog_name="ctgstats", env={"COLUMNS": "200", "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.lstrip().startswith(f"Utilisation : {' '.join(('ctgstats', *path))} [OPTIONS]")
    assert "Afficher cette aide et quitter." in page
    found = [word for word in ENGLISH if word in page]
    assert not found, page


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "ctgstats")
def test_every_option_and_argument_has_a_french_help(path):
    from typer.main import get_command

    command = dict(_commands(get_command(app)))[path]
    params = command.get_params(command.context_class(command))  # with --help
    assert params
    for param in params:
        assert (param.help or "").strip(), f"{' '.join(path)} {param.name} : aide vide"
    assert (command.help or "").strip()


def test_vintage_latest_is_refused_with_the_reason_and_the_vintages():
    result = run_cli("data", "fetch", "rp_evol_struct_pop", "--vintage", "latest")
    assert result.returncode == 2
    assert result.stderr.startswith("Erreur : --vintage latest refusé : ")
    assert "pour qu'un rapport puisse être reproduit" in result.stderr
    assert "millésimes disponibles pour rp_evol_struct_pop : 2016, 2017" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_unknown_command_is_said_in_french_headings():
    result = run_cli("bogus", env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.returncode == 2
    assert "Utilisation : ctgstats" in result.stderr and "Erreur" in result.stderr
    assert "Usage" not in result.stderr and "Try " not in result.stderr


def test_unreadable_inputs_get_a_french_sentence_naming_them(tmp_path):
    """A params path that is a folder, a params file or codebook not in UTF-8, a missing
    data folder: exit 2 and a sentence naming the path, no traceback (issue 14)."""
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes('territory:\n  level: epci\n  code: "1"\n  name: "Café"\n'.encode("latin-1"))
    cases = {
        ("validate", str(tmp_path)): f"{tmp_path} est un dossier",
        ("validate", str(latin1)): f"{latin1} : le fichier n'est pas encodé en UTF-8",
        ("data", "list", str(tmp_path / "absent")): "dossier(s) de données introuvable(s)",
    }
    for args, expected in cases.items():
        result = _invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_codebook_not_in_utf8_is_named():
    import pytest as _pytest

    from ctgstats.surveys.codebook import CodebookError, load_codebook

    path = REPO / "tests" / "fixtures"
    with _pytest.raises(CodebookError, match="est un dossier"):
        load_codebook(path)


# ------------------------------------------------------------ French usage errors

#: English words of click's and typer's usage errors (and pydantic's value errors).
ENGLISH_ERRORS = (
    "No such",
    "Missing",
    "Invalid value",
    "Usage",
    "Try ",
    "Error",
    "Possible options",
    "Did you mean",
    "is not",
    "Input should",
    "Value error",
    "unexpected extra",
    "requires an argument",
    "greater than",
    " or ",
)


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (("run", "--nope"), "option inconnue : --nope."),
        (("validate",), "argument obligatoire manquant : 'PARAMÈTRES'."),
        (("batch", "--level", "zzz", "x.yaml"), "ne fait pas partie des valeurs possibles"),
        (("batch", "--level", "zzz", "x.yaml"), "'epci', 'commune'"),
        (("run", DEMO_PARAMS, "--cog-year", "abc"), "un nombre entier est attendu."),
        (("run", DEMO_PARAMS, "--territory"), "l'option '--territory' attend une valeur."),
        (("run", "a.yaml", "b.yaml"), "argument(s) en trop : b.yaml."),
        (
            ("batch", "--jobs", "0", "x.yaml"),
            "valeur invalide pour '--jobs' / '-j' : 1 au minimum.",
        ),
        (("bogus",), "commande inconnue : 'bogus'."),
        (("rnu",), "Vouliez-vous dire 'run' ?"),
    ],
)
def test_usage_errors_are_french_and_exit_2(args, french):
    result = CliRunner().invoke(
        app, [str(a) for a in args], prog_name="ctgstats", env={"COLUMNS": "300", "NO_COLOR": "1"}
    )
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.replace("│", " ").split())
    assert french in text, text
    assert "Erreur" in text
    assert not [word for word in ENGLISH_ERRORS if word in text], text
    assert "Traceback" not in result.stderr and "typer" not in result.stderr


def test_a_bad_parameter_raised_by_a_command_is_not_a_bug(monkeypatch):
    import typer

    _schema_raises(monkeypatch, typer.BadParameter("valeur refusée", param_hint="'--output'"))
    result = _invoke("schema")
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.replace("│", " ").split())
    assert "valeur invalide pour '--output' : valeur refusée" in text
    assert "inattendue" not in text
