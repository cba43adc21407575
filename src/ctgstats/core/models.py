"""What the YAML models (params, codebooks, indicator registry) share.

:class:`StrictModel` refuses unknown keys and is immutable; :func:`error_items` turns a
pydantic :class:`~pydantic.ValidationError` into (field, message, value) triples that
each model's error message puts together, naming the field and the value, in French
(:data:`FRENCH_MESSAGES` translates pydantic's own messages; a type it does not list keeps
pydantic's wording).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

#: French wording of pydantic's error types, formatted with the error's ``ctx``.
FRENCH_MESSAGES: dict[str, str] = {
    "missing": "champ obligatoire manquant",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_type": "un nombre est attendu",
    "float_parsing": "un nombre est attendu",
    "bool_type": "un booléen (true ou false) est attendu",
    "bool_parsing": "un booléen (true ou false) est attendu",
    "string_type": "une chaîne de caractères est attendue",
    "list_type": "une liste est attendue",
    "tuple_type": "une liste est attendue",
    "dict_type": "un dictionnaire (clé: valeur) est attendu",
    "model_type": "un dictionnaire (clé: valeur) est attendu",
    "model_attributes_type": "un dictionnaire (clé: valeur) est attendu",
    "literal_error": "valeur attendue : {expected}",
    "enum": "valeur attendue : {expected}",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "too_short": "au moins {min_length} élément(s) attendu(s)",
    "too_long": "au plus {max_length} élément(s) attendu(s)",
    "string_too_short": "au moins {min_length} caractère(s) attendu(s)",
    "string_too_long": "au plus {max_length} caractère(s) attendu(s)",
    "string_pattern_mismatch": "ne correspond pas au motif {pattern}",
}


def french_message(item: Mapping[str, Any]) -> str:
    """French message of one pydantic error item (pydantic's own when not translated)."""
    message = str(item["msg"]).removeprefix("Value error, ")
    template = FRENCH_MESSAGES.get(str(item["type"]))
    if template is None:
        return message
    context = {
        key: str(value).replace(" or ", " ou ") for key, value in (item.get("ctx") or {}).items()
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return message


class StrictModel(BaseModel):
    """Base of every model read from a user's YAML: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def error_items(
    error: ValidationError,
    *,
    unknown_key: str,
    root: str = "(racine)",
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
        message = french_message(item)
        if item["type"] == "extra_forbidden":
            message = unknown_key
        if rewrite is not None:
            message = rewrite(item, message)
        value = item.get("input")
        shown = "" if isinstance(value, hidden) else f" (valeur : {value!r})"
        items.append((location, message, shown))
    return items
