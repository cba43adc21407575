"""Every error ctgstats raises on purpose is a CtgstatsError, with the right exit code."""

from __future__ import annotations

import pytest

from ctgstats.core.errors import CtgstatsError, InputError, RunError
from ctgstats.core.params import ParamsError
from ctgstats.core.territories import TerritoryError
from ctgstats.data.catalog import DataNotFoundError
from ctgstats.data.download import ChecksumError, DownloadError, OfflineError
from ctgstats.data.readers import DataFileError
from ctgstats.data.registry import RegistryError
from ctgstats.data.sources import DiscoveryConflictError, UnknownSourceError
from ctgstats.indicators.baseline import BaselineError
from ctgstats.indicators.usertables import UserTableError
from ctgstats.publish.export import NotSelfContainedError
from ctgstats.publish.portal import ReportTooLargeError
from ctgstats.surveys.adapters import SurveyInputError
from ctgstats.surveys.codebook import CodebookError
from ctgstats.surveys.margins import MarginsUnavailable
from ctgstats.surveys.weighting import WeightingError


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (ParamsError, ValueError),
        (TerritoryError, ValueError),
        (DataNotFoundError, FileNotFoundError),
        (DataFileError, ValueError),
        (RegistryError, ValueError),
        (UnknownSourceError, LookupError),
        (DiscoveryConflictError, ValueError),
        (DownloadError, RuntimeError),
        (ChecksumError, RuntimeError),
        (OfflineError, RuntimeError),
        (CodebookError, ValueError),
        (SurveyInputError, ValueError),
        (WeightingError, ValueError),
        (BaselineError, ValueError),
        (UserTableError, ValueError),
    ],
)
def test_input_errors_exit_2_and_keep_their_builtin_base(error, builtin):
    assert issubclass(error, InputError) and issubclass(error, builtin)
    assert error.exit_code == 2


@pytest.mark.parametrize(
    ("error", "builtin"), [(NotSelfContainedError, RuntimeError), (ReportTooLargeError, ValueError)]
)
def test_run_errors_exit_1_and_keep_their_builtin_base(error, builtin):
    assert issubclass(error, RunError) and issubclass(error, builtin)
    assert error.exit_code == 1


def test_the_html_check_error_is_not_the_download_offline_error():
    assert not issubclass(NotSelfContainedError, OfflineError)
    error = NotSelfContainedError(["https://cdn.example/x.js"], where="page.html")
    assert str(error) == (
        "ressources externes dans page.html (la page doit fonctionner hors ligne) :\n"
        "  https://cdn.example/x.js"
    )
    assert error.notebook is None and error.kept is None


def test_missing_margins_are_an_internal_signal_not_a_user_error():
    assert not issubclass(MarginsUnavailable, CtgstatsError)
