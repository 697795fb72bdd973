"""Every answer under /api/v1/ that a test's client receives, held to the
OpenAPI document: a status its operation lists, and a body its schema
accepts. The test client calls `check`, so a body the document does not
describe fails the test that produced it, whatever that test asserts."""
from __future__ import annotations

import json
import re

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

PREFIX = "/api/v1/"
DOCUMENT = "/api/v1/openapi.json"
_RULE_PARAMETER = re.compile(r"<(?:[^<>]*:)?(\w+)>")  # <int:slot_id> and <any(a, b):action> alike
_document: dict = {}


class Mismatch(AssertionError):
    """An API answer the OpenAPI document does not describe."""


def check(app, response) -> None:
    request = response.request
    if not request.path.startswith(PREFIX) or request.path == DOCUMENT or request.method in {"HEAD", "OPTIONS"}:
        return
    spec = document(app)
    where = f"{request.method} {request.path} answered {response.status_code}"
    operation = _operation(app, spec, request.method, request.path)
    if operation is None:  # no such route or method: the error body is still the API's one
        responses = {str(response.status_code): {"content": {"application/json": {"schema": _ref("ErrorOut")}}}}
    else:
        responses = operation["responses"]
    documented = responses.get(str(response.status_code)) or responses.get("default")
    if documented is None:
        raise Mismatch(f"{where}, a status its operation does not list ({', '.join(responses)})")
    documented = _resolve(spec, documented)
    content = documented.get("content")
    if not content:
        if response.data:
            raise Mismatch(f"{where} with a body, where the document describes none")
        return
    if response.mimetype != "application/json" or "application/json" not in content:
        raise Mismatch(f"{where} as {response.mimetype}, where the document says {', '.join(content)}")
    try:
        OAS30Validator({**content["application/json"]["schema"], "components": spec["components"]}).validate(
            json.loads(response.data))
    except (ValueError, ValidationError) as error:  # a body that is not JSON, or not the documented one
        raise Mismatch(f"{where} with a body the document does not describe: {error}") from None


def document(app) -> dict:
    """The document as the app serves it; the same for every app the suite builds."""
    if not _document:
        _document.update(json.loads(app.test_client().get(DOCUMENT).data))
    return _document


def _operation(app, spec: dict, method: str, path: str) -> dict | None:
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    documented = spec["paths"].get(_RULE_PARAMETER.sub(r"{\1}", rule.rule), {}).get(method.lower())
    if documented is None:
        raise Mismatch(f"{method} {path} is served by {rule.rule}, which the document does not list")
    return documented


def _resolve(spec: dict, response: dict) -> dict:
    """A response given as `$ref` to components/responses (flask-smorest's own 422)."""
    if "$ref" in response:
        return spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}
