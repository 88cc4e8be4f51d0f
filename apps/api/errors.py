"""The one error shape: {"error": {"code", "message", "fields"}}, and its handlers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

_HTTP_CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("not_authenticated", "Sign in to continue."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request body is too large (64 KiB at most)."),
    415: ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
}

BAD_JSON = "The request body is not valid JSON."
INVALID = "Check the highlighted fields."


class ApiError(Exception):
    """Raised anywhere below a route; answered in the contract's error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def invalid(fields: Mapping[str, str]) -> ApiError:
    return ApiError(422, "validation_error", INVALID, fields)


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", message)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": dict(fields or {})}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(loc[0])]
    return ".".join(parts)


def _friendly(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "This field is required."
    if kind in ("string_type", "str_type"):
        return "Must be a string."
    if kind in ("bool_type", "bool_parsing"):
        return "Must be true or false."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Must be a whole number."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "Must be a JSON object."
    if kind == "greater_than_equal":
        return f"Must be at least {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"Must be at most {ctx.get('le')}."
    if kind == "value_error" and "error" in ctx:  # a ValueError raised by our validators
        return str(ctx["error"])
    message = str(error.get("msg", "Invalid value.")).replace("Input should be", "Must be")
    return message if message.endswith(".") else message + "."


def validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc") or ("body",)), _friendly(error))
    return fields


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    for error in errors:
        loc = tuple(error.get("loc") or ())
        # Malformed JSON, or no body at all where one is needed (empty is not JSON).
        if error.get("type") == "json_invalid" or (
            loc == ("body",) and error.get("type") == "missing"
        ):
            return error_response(400, "bad_request", BAD_JSON)
    return error_response(422, "validation_error", INVALID, validation_fields(errors))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("http_error", "The request failed."))
    return error_response(exc.status_code, code, message, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Every error the framework or a route raises leaves in the contract's shape.

    Unexpected exceptions are answered (500 internal) by the guard middleware, which
    also adds the security headers to that answer.
    """
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
