"""What a setting definition and a setting value may be: types, constraints, defaults."""

from __future__ import annotations

import math
import re
from typing import Any

CATEGORIES = ("General", "Appearance", "Notifications", "Privacy", "Integrations")
TYPES = ("boolean", "choice", "text", "number")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_.]{1,63}")
TEXT_LIMIT = 10_000  # text values without max_length; the 64 KiB body limit is above it
LABEL_LIMIT = 100
DESCRIPTION_LIMIT = 500
OPTION_LIMIT = 100

Fields = dict[str, str]


def _is_number(value: object) -> bool:
    # bool is an int in Python but not a number in JSON; NaN and infinities are not JSON.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_constraints(kind: str, constraints: dict[str, Any]) -> tuple[dict[str, Any], Fields]:
    """The constraints kept for a definition of type `kind`, and what is wrong with them."""
    allowed = {
        "boolean": set(),
        "choice": {"options"},
        "text": {"max_length"},
        "number": {"min", "max"},
    }[kind]
    unknown = sorted(set(constraints) - allowed)
    if unknown:
        hint = ", ".join(sorted(allowed)) or "none"
        return {}, {"constraints": f"Unknown for {kind}: {', '.join(unknown)} (allowed: {hint})."}
    errors: Fields = {}
    kept: dict[str, Any] = {}
    if kind == "choice":
        options = constraints.get("options")
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) and o.strip() for o in options)
        ):
            errors["constraints.options"] = "Give at least one option, each a non-empty text."
        elif len(set(options)) != len(options):
            errors["constraints.options"] = "Options must be different from each other."
        elif any(len(o) > OPTION_LIMIT for o in options):
            errors["constraints.options"] = f"Use at most {OPTION_LIMIT} characters per option."
        else:
            kept["options"] = list(options)
    elif kind == "number":
        for bound in ("min", "max"):
            if bound in constraints and constraints[bound] is not None:
                if _is_number(constraints[bound]):
                    kept[bound] = constraints[bound]
                else:
                    errors[f"constraints.{bound}"] = "Must be a number."
        if "min" in kept and "max" in kept and kept["min"] > kept["max"]:
            errors["constraints.max"] = "Must be at least the minimum."
    elif kind == "text" and constraints.get("max_length") is not None:
        limit = constraints["max_length"]
        if isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= TEXT_LIMIT:
            kept["max_length"] = limit
        else:
            errors["constraints.max_length"] = f"Must be a whole number from 1 to {TEXT_LIMIT}."
    return kept, errors


def value_problem(kind: str, constraints: dict[str, Any], value: object) -> str | None:
    """Why `value` does not fit a setting of type `kind` with `constraints`, or None."""
    if kind == "boolean":
        return None if isinstance(value, bool) else "Must be true or false."
    if kind == "choice":
        options = constraints.get("options", [])
        if isinstance(value, str) and value in options:
            return None
        return "Must be one of: " + ", ".join(options) + "."
    if kind == "text":
        if not isinstance(value, str):
            return "Must be text."
        limit = constraints.get("max_length", TEXT_LIMIT)
        return None if len(value) <= limit else f"Use at most {limit} characters."
    if not _is_number(value):
        return "Must be a number."
    assert isinstance(value, (int, float))
    low, high = constraints.get("min"), constraints.get("max")
    if low is not None and value < low:
        return f"Must be at least {low}."
    if high is not None and value > high:
        return f"Must be at most {high}."
    return None


def check_definition(
    *,
    label: str,
    description: str,
    category: str,
    kind: str,
    default: object,
    constraints: dict[str, Any],
) -> tuple[dict[str, Any], Fields]:
    """The constraints to store and every field at fault (empty when all is well)."""
    errors: Fields = {}
    if not label.strip():
        errors["label"] = "Enter a label."
    elif len(label.strip()) > LABEL_LIMIT:
        errors["label"] = f"Use at most {LABEL_LIMIT} characters."
    if len(description.strip()) > DESCRIPTION_LIMIT:
        errors["description"] = f"Use at most {DESCRIPTION_LIMIT} characters."
    if category not in CATEGORIES:
        errors["category"] = "Must be one of: " + ", ".join(CATEGORIES) + "."
    kept, constraint_errors = check_constraints(kind, constraints)
    errors.update(constraint_errors)
    if not constraint_errors:
        problem = value_problem(kind, kept, default)
        if problem:
            errors["default"] = problem
    return kept, errors
