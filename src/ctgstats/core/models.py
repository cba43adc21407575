"""What the YAML models (params, codebooks, indicator registry) share.

:class:`StrictModel` refuses unknown keys and is immutable; :func:`error_items` turns a
pydantic :class:`~pydantic.ValidationError` into (field, message, value) triples that
each model's error message puts together, naming the field and the value.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails


class StrictModel(BaseModel):
    """Base of every model read from a user's YAML: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def error_items(
    error: ValidationError,
    *,
    unknown_key: str,
    root: str = "(root)",
    hidden: tuple[type, ...] = (dict,),
    rewrite: Callable[[ErrorDetails, str], str] | None = None,
) -> list[tuple[str, str, str]]:
    """``(location, message, shown value)`` for each problem of ``error``.

    Parameters
    ----------
    unknown_key
        Message for a key the model does not know (``extra_forbidden``).
    root
        Location shown for an error of the whole mapping.
    hidden
        Types of input not repeated in the message (a whole mapping is noise).
    rewrite
        Optional ``(item, message) -> message`` for model-specific wording.
    """
    items = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or root
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = unknown_key
        if rewrite is not None:
            message = rewrite(item, message)
        value = item.get("input")
        shown = "" if isinstance(value, hidden) else f" (value: {value!r})"
        items.append((location, message, shown))
    return items
