"""The typer application, its sub-applications and what every command shares.

Every command registered on :data:`app` (or a sub-application) goes through
:func:`exit_on_error`:

* a :class:`~ctgstats.core.errors.CtgstatsError` prints ``Erreur : <message>`` in red on
  stderr and exits with its ``exit_code`` (2 for bad input, 1 for a failed run); a
  :class:`~ctgstats.core.errors.RunError` raised because of bad input before any notebook
  ran exits 2 with the message of that input error;
* anything else is a bug: a French sentence asks to report it (no Python class name) and
  the exit code is 1; its traceback is printed only with ``ctgstats --debug …`` (or the
  environment variable ``CTGSTATS_DEBUG=1``).

Help pages and usage errors are in French too: :class:`FrenchCommand` and
:class:`FrenchGroup` write the usage line, the ``--help`` option and the type column in
French, and :func:`_french_help_strings` sets typer's panel titles and fixed strings.

Exit codes: 0 success; 1 a notebook or export failed (the failed notebook is kept), or an
unexpected error; 2 invalid parameters or input data (nothing was executed or written).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import typer
import typer._click.exceptions as typer_errors
import typer.core
import typer.rich_utils

from ctgstats.core.errors import EXIT_RUN_FAILED, CtgstatsError, InputError, RunError
from ctgstats.core.params import Params, ParamsError, load_params, parse_params

__all__ = [
    "CommandApp",
    "FrenchCommand",
    "FrenchGroup",
    "app",
    "baseline_app",
    "data_app",
    "echo_error",
    "exit_on_error",
    "params_from_options",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Exceptions that end a command on purpose (exit codes, usage errors): not bugs.
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.Abort,
    click.exceptions.Exit,
    click.exceptions.Abort,
    click.ClickException,
    typer_errors.ClickException,
)


def echo_error(message: str) -> None:
    """Print ``Erreur : <message>`` in red on stderr."""
    typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)


def _user_message(error: CtgstatsError) -> tuple[str, int]:
    """What to print for ``error`` and the exit code."""
    if isinstance(error, RunError):
        cause = error.__cause__
        if isinstance(cause, InputError) and error.notebook is None:
            return str(cause), cause.exit_code
        detail = f"\nNotebook conservé pour inspection : {error.kept}" if error.kept else ""
        return f"{error}{detail}", error.exit_code
    return str(error), error.exit_code


#: Set by ``ctgstats --debug``: unexpected errors print their traceback.
_DEBUG = {"on": False}

#: What an unexpected error asks of the user (after its French description).
REPORT_BUG = (
    "ce n'est pas une erreur de saisie ; merci de signaler ce problème avec la commande "
    "lancée (relancez-la avec ctgstats --debug … pour afficher la trace)"
)


def _debug() -> bool:
    return _DEBUG["on"] or os.environ.get("CTGSTATS_DEBUG", "") not in ("", "0")


def _print_bug_traceback(error: BaseException) -> None:
    if _debug():
        traceback.print_exception(error, file=sys.stderr)


def _bug_message(error: BaseException) -> str:
    """An unexpected error in French, without its Python class name."""
    detail = str(error).strip() or "sans message"
    return f"erreur inattendue : {detail} — {REPORT_BUG}"


def exit_on_error(function: F) -> F:
    """Wrap a command: CtgstatsError → French message and its exit code; bug → French, 1.

    Parameters
    ----------
    function
        The command function (its signature and docstring are kept for typer).

    Returns
    -------
    callable
        The wrapped command.
    """

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except CtgstatsError as error:
            cause = error.__cause__
            if (
                isinstance(error, RunError)
                and error.notebook is None
                and cause is not None
                and not isinstance(cause, CtgstatsError)
            ):
                _print_bug_traceback(cause)
                kept = f"\nNotebook conservé pour inspection : {error.kept}" if error.kept else ""
                echo_error(_bug_message(cause) + kept)
                raise typer.Exit(error.exit_code) from None
            message, code = _user_message(error)
            echo_error(message)
            raise typer.Exit(code) from None
        except _PASS_THROUGH:
            raise
        except Exception as error:  # noqa: BLE001 - a bug: French message, exit code 1
            _print_bug_traceback(error)
            echo_error(_bug_message(error))
            raise typer.Exit(EXIT_RUN_FAILED) from None

    return command  # type: ignore[return-value]


# --------------------------------------------------------------------- French help pages

#: The prefix of usage lines (click writes "Usage: ").
USAGE_PREFIX = "Utilisation : "
#: The help text of ``--help``.
HELP_OPTION_TEXT = "Afficher cette aide et quitter."
#: Type column of an option or argument without a metavar, by typer's English label.
FRENCH_TYPES: dict[str, str] = {
    "<path>": "CHEMIN",
    "<file>": "FICHIER",
    "<dir>": "DOSSIER",
    "<str>": "TEXTE",
    "<int>": "ENTIER",
    "<int range>": "ENTIER",
    "<float>": "NOMBRE",
    "<float range>": "NOMBRE",
    "<list[Path]>": "CHEMIN…",
    "<list[str]>": "TEXTE…",
}


def _french_help_strings() -> None:
    """Typer's fixed strings of help pages and errors, in French (module settings)."""
    settings = {
        "DEPRECATED_STRING": "(obsolète) ",
        "DEFAULT_STRING": "[par défaut : {}]",
        "ENVVAR_STRING": "[variable d'environnement : {}]",
        "REQUIRED_LONG_STRING": "[obligatoire]",
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commandes",
        "ERRORS_PANEL_TITLE": "Erreur",
        "ABORTED_TEXT": "Interrompu.",
        "RICH_HELP": "Aide : [blue]'{command_path} {help_option}'[/]",
    }
    for name, text in settings.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, text)


_french_help_strings()


def _french_type(label: str | None) -> str | None:
    if label is None:
        return None
    return FRENCH_TYPES.get(label, label)


def _frenchify_params(command: Any, ctx: Any) -> None:
    """French metavars: none for flags, French type names elsewhere (explicit ones kept)."""
    for param in command.params:
        if isinstance(param, typer.core.TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag else _french_type(param.display_type(ctx))
        elif isinstance(param, typer.core.TyperArgument) and "display_type_rich" not in vars(param):
            # typer shows an argument's type next to its name: none when the argument has
            # a French metavar (its name says it), else the type in French
            label = None if param.metavar else _french_type(param.display_type_rich(ctx))
            shown = lambda ctx, label=label: label  # noqa: ARG005, E731 - called as (ctx=…)
            setattr(param, "display_type_rich", shown)  # noqa: B010


def _french_help_option(option: Any) -> Any:
    if option is not None:
        option.help = HELP_OPTION_TEXT
        option.metavar = ""
    return option


# ------------------------------------------------------------------ French usage errors

#: Value messages of click's parameter types (English) → French, by regular expression.
_VALUE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), french)
    for pattern, french in (
        (r"^(.+) is not one of (.+)\.$", r"\1 ne fait pas partie des valeurs possibles : \2."),
        (r"^(.+) is not (.+)\.$", r"\1 n'est pas la valeur possible \2."),
        (r"^(.+) is not a valid integer\.$", r"\1 n'est pas un nombre entier."),
        (r"^(.+) is not a valid float\.$", r"\1 n'est pas un nombre."),
        (r"^(.+) is not a valid boolean\..*$", r"\1 n'est pas une valeur oui/non."),
        (r"^(.+) is not in the range (.+)\.$", r"\1 n'est pas dans l'intervalle \2."),
        (r"^(.+) does not match the formats? (.+)\.$", r"\1 n'a pas le format attendu (\2)."),
        (r"^(?:File|Path|Directory) (.+) does not exist\.$", r"le chemin \1 n'existe pas."),
        (r"^(?:File|Path) (.+) is a directory\.$", r"\1 est un dossier, un fichier est attendu."),
        (r"^(?:Directory|Path) (.+) is a file\.$", r"\1 est un fichier, un dossier est attendu."),
        (r"^(?:File|Path|Directory) (.+) is not readable\.$", r"\1 n'est pas lisible."),
        (
            r"^(?:File|Path|Directory) (.+) is not writable\.$",
            r"\1 n'est pas accessible en écriture.",
        ),
        (r"^Option (.+) requires an argument\.$", r"l'option \1 attend une valeur."),
        (r"^Option (.+) requires (\d+) arguments\.$", r"l'option \1 attend \2 valeurs."),
        (r"^Option (.+) does not take a value\.$", r"l'option \1 ne prend pas de valeur."),
        (r"^Argument (.+) takes (\d+) values\.$", r"l'argument \1 attend \2 valeurs."),
        (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", r"argument(s) en trop : \1."),
        (r"^Value (.+) is not a valid (.+)\.$", r"\1 n'est pas une valeur valide."),
        (r"^Input should be a valid integer.*$", "un nombre entier est attendu."),
        (r"^Input should be a valid number.*$", "un nombre est attendu."),
        (r"^Input should be a valid boolean.*$", "une valeur oui/non est attendue."),
        (r"^Input should be greater than or equal to (.+)$", r"\1 au minimum."),
        (r"^Input should be greater than (.+)$", r"une valeur supérieure à \1 est attendue."),
        (r"^Input should be less than or equal to (.+)$", r"\1 au maximum."),
        (r"^Input should be less than (.+)$", r"une valeur inférieure à \1 est attendue."),
        (r"^Input should be (.+)$", r"valeurs possibles : \1."),
        (r"^Missing command\.$", "commande manquante."),
        (
            r"^No such command (.+?)\.(?: Did you mean (.+)\?)?$",
            r"commande inconnue : \1.",
        ),
    )
)
_DID_YOU_MEAN = re.compile(r"Did you mean (.+)\?$")


def _french_text(message: str) -> str:
    """A message of click or typer in French (unchanged when it is not one of theirs)."""
    text = message.strip().removeprefix("Value error, ")
    for pattern, french in _VALUE_MESSAGES:
        if pattern.match(text):
            result = pattern.sub(french, text).replace("' or '", "' ou '")
            suggestion = _DID_YOU_MEAN.search(text)
            if suggestion and text.startswith("No such command"):
                result += f" Vouliez-vous dire {suggestion.group(1)} ?"
            return result
    return text


def _param_hint(error: Any) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(repr(h) for h in hint) if isinstance(hint, list | tuple) else str(hint)
    if error.param is not None:
        try:
            return str(error.param.get_error_hint())
        except TypeError:  # click's own parameters take the context
            return str(error.param.get_error_hint(error.ctx))
    return ""


def french_usage_message(error: Exception) -> str:
    """The French text of a usage error raised by click or typer.

    Parameters
    ----------
    error
        A ``UsageError`` (unknown option or command, missing or invalid argument …).

    Returns
    -------
    str
        The message shown in the error box (no Python class name, no English).
    """
    if isinstance(error, typer_errors.NoSuchOption):
        text = f"option inconnue : {error.option_name}."
        if error.possibilities:
            text += f" Options proches : {', '.join(sorted(error.possibilities))}."
        return text
    if isinstance(error, typer_errors.MissingParameter):
        hint = _param_hint(error)
        kind = getattr(error.param, "param_type_name", error.param_type)
        what = {"argument": "argument", "option": "option"}.get(str(kind), "paramètre")
        detail = f" {_french_text(error.message)}" if error.message else ""
        return f"{what} obligatoire manquant{'e' if what == 'option' else ''} : {hint}.{detail}"
    if isinstance(error, typer_errors.BadParameter):
        hint = _param_hint(error)
        where = f" pour {hint}" if hint else ""
        return f"valeur invalide{where} : {_french_text(error.message)}"
    return _french_text(str(getattr(error, "message", error)))


def _frenchify_error(error: Exception) -> None:
    """Make a usage error print its French message (once)."""
    if getattr(error, "_ctgstats_french", False):
        return
    text = french_usage_message(error)
    setattr(error, "format_message", lambda: text)  # noqa: B010 - instance override
    setattr(error, "_ctgstats_french", True)  # noqa: B010


class _FrenchHelp:
    """Usage line, ``--help`` option, types and usage errors in French (typer mixin)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Parse the command line; usage errors are raised with a French message."""
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except typer_errors.UsageError as error:
            _frenchify_error(error)
            raise

    def resolve_command(self, *args: Any, **kwargs: Any) -> Any:
        """Find the sub-command; an unknown one is said in French."""
        try:
            return super().resolve_command(*args, **kwargs)  # type: ignore[misc]
        except typer_errors.UsageError as error:
            _frenchify_error(error)
            raise

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; usage errors raised by it are said in French."""
        try:
            return super().invoke(*args, **kwargs)  # type: ignore[misc]
        except typer_errors.UsageError as error:
            _frenchify_error(error)
            raise

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """Write the usage line with a French prefix."""
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        """The ``--help`` option, with its French help."""
        return _french_help_option(super().get_help_option(ctx))  # type: ignore[misc]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help page, with French metavars."""
        _frenchify_params(self, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]


class FrenchCommand(_FrenchHelp, typer.core.TyperCommand):
    """A typer command whose usage line, ``--help`` option and types are in French."""


class FrenchGroup(_FrenchHelp, typer.core.TyperGroup):
    """A typer group whose usage line, ``--help`` option and types are in French."""


class CommandApp(typer.Typer):
    """A :class:`typer.Typer` whose every command goes through :func:`exit_on_error`."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """Register a command, wrapped by :func:`exit_on_error` (same options as typer)."""
        kwargs.setdefault("cls", FrenchCommand)
        register = super().command(*args, **kwargs)

        def decorator(function: F) -> F:
            register(exit_on_error(function))
            return function

        return decorator


#: What every application shares: French group class and usage words.
_GROUP_SETTINGS: dict[str, Any] = {
    "cls": FrenchGroup,
    "no_args_is_help": True,
    "options_metavar": "[OPTIONS]",
    "subcommand_metavar": "COMMANDE [ARGUMENTS]...",
}

app = CommandApp(
    add_completion=False,
    help="Diagnostics statistiques reproductibles des territoires français "
    "(CTG, ABS, Pacte local des solidarités).",
    **_GROUP_SETTINGS,
)


@app.callback()
def _main(
    debug: bool = typer.Option(
        False,
        "--debug",
        help="Afficher la trace complète d'une erreur inattendue (pour la signaler).",
    ),
) -> None:
    """Diagnostics statistiques reproductibles des territoires français."""
    _DEBUG["on"] = debug


data_app = CommandApp(
    help="Inspecter et télécharger les fichiers sources de l'Insee.", **_GROUP_SETTINGS
)
app.add_typer(data_app, name="data")
baseline_app = CommandApp(help="Figer le T0 des indicateurs d'un plan d'action.", **_GROUP_SETTINGS)
app.add_typer(baseline_app, name="baseline")


def params_from_options(
    params_file: Path | None,
    *,
    territory: str | None = None,
    data_dirs: list[Path] | None = None,
    cog_year: int | None = None,
    notebooks: list[str] | None = None,
) -> tuple[Params, str | None]:
    """The params of a command: a params file (options override it) or ``--territory``.

    Parameters
    ----------
    params_file
        Params YAML file, or None with ``territory``.
    territory
        ``NIVEAU:CODE`` (e.g. ``epci:200072635``) when there is no params file.
    data_dirs, cog_year, notebooks
        ``--data-dir``, ``--cog-year`` and ``--notebook`` options (override the file).

    Returns
    -------
    tuple
        The validated params and the params file as a string (None with ``territory``).

    Raises
    ------
    ParamsError
        Both or neither of a file and ``--territory``, a malformed ``--territory``, no
        ``--data-dir`` with ``--territory``, or invalid parameters.
    """
    if params_file is not None and territory is not None:
        raise ParamsError("donnez soit un fichier de paramètres, soit --territory, pas les deux")
    if params_file is not None:
        return _override(load_params(params_file), params_file, data_dirs, cog_year, notebooks)
    if territory is None:
        raise ParamsError(
            "donnez un fichier de paramètres (ex. params/demo.yaml) ou --territory NIVEAU:CODE"
        )
    if ":" not in territory:
        raise ParamsError(
            f"--territory : NIVEAU:CODE attendu (ex. epci:200072635), reçu {territory!r}"
        )
    level, code = territory.split(":", 1)
    if not data_dirs:
        raise ParamsError("--territory demande au moins un --data-dir")
    data: dict[str, Any] = {
        "territory": {"level": level, "code": code},
        "data_dirs": [str(d) for d in data_dirs],
    }
    if cog_year is not None:
        data["cog_year"] = cog_year
    if notebooks:
        data["notebooks"] = notebooks
    return parse_params(data, source="--territory"), None


def _override(
    params: Params,
    params_file: Path,
    data_dirs: list[Path] | None,
    cog_year: int | None,
    notebooks: list[str] | None,
) -> tuple[Params, str]:
    updates: dict[str, Any] = {}
    if data_dirs:
        updates["data_dirs"] = [str(d) for d in data_dirs]
    if cog_year is not None:
        updates["cog_year"] = cog_year
    if notebooks:
        updates["notebooks"] = notebooks
    if updates:
        params = parse_params(params.to_jsonable() | updates, source=str(params_file))
    return params, str(params_file)
