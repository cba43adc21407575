"""ctgstats: reproducible statistical diagnostics for French territories.

The library does every computation; the notebooks in ``notebooks/`` only call it and
display the results. See the README for the command line (``ctgstats run``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ctgstats")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
