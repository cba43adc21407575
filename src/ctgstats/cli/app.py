"""The typer application, its sub-applications and what every command shares.

Every command registered on :data:`app` (or a sub-application) goes through
:func:`exit_on_error`:

* a :class:`~ctgstats.core.errors.CtgstatsError` prints ``Erreur : <message>`` in red on
  stderr and exits with its ``exit_code`` (2 for bad input, 1 for a failed run); a
  :class:`~ctgstats.core.errors.RunError` raised because of bad input before any notebook
  ran exits 2 with the message of that input error;
* anything else is a bug: its traceback is printed on stderr and the exit code is 1.

Exit codes: 0 success; 1 a notebook or export failed (the failed notebook is kept), or an
unexpected error; 2 invalid parameters or input data (nothing was executed or written).
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import typer

from ctgstats.core.errors import EXIT_RUN_FAILED, CtgstatsError, InputError, RunError
from ctgstats.core.params import Params, ParamsError, load_params, parse_params

__all__ = [
    "CommandApp",
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


def _print_bug_traceback(error: BaseException) -> None:
    traceback.print_exception(error, file=sys.stderr)


def exit_on_error(function: F) -> F:
    """Wrap a command: CtgstatsError → French message and its exit code; bug → traceback, 1.

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
            message, code = _user_message(error)
            echo_error(message)
            raise typer.Exit(code) from None
        except _PASS_THROUGH:
            raise
        except Exception as error:  # noqa: BLE001 - a bug: traceback shown, exit code 1
            _print_bug_traceback(error)
            echo_error(
                f"erreur inattendue ({type(error).__name__}) : {error} — ce n'est pas une "
                "erreur de saisie ; signalez-la avec la trace ci-dessus"
            )
            raise typer.Exit(EXIT_RUN_FAILED) from None

    return command  # type: ignore[return-value]


class CommandApp(typer.Typer):
    """A :class:`typer.Typer` whose every command goes through :func:`exit_on_error`."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """Register a command, wrapped by :func:`exit_on_error` (same options as typer)."""
        register = super().command(*args, **kwargs)

        def decorator(function: F) -> F:
            register(exit_on_error(function))
            return function

        return decorator


app = CommandApp(
    add_completion=False,
    no_args_is_help=True,
    help="Diagnostics statistiques reproductibles des territoires français "
    "(CTG, ABS, Pacte local des solidarités).",
)
data_app = CommandApp(
    no_args_is_help=True, help="Inspecter et télécharger les fichiers sources de l'Insee."
)
app.add_typer(data_app, name="data")
baseline_app = CommandApp(
    no_args_is_help=True, help="Figer le T0 des indicateurs d'un plan d'action."
)
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
