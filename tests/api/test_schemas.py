"""The OpenAPI document: one schema per concept, and every operation declares the error shape."""

from __future__ import annotations

import typing
from collections import defaultdict
from typing import Any

import pydantic

from hanse.api.urls import api


def _models(annotation: Any, found: set[type[pydantic.BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


def test_no_two_schemas_share_a_name():
    """django-ninja names a component after its class: two classes of one name would collide."""
    found: set[type[pydantic.BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models(model, found)
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in found:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: spots for name, spots in by_name.items() if len(spots) > 1} == {}


def test_every_operation_declares_the_error_shape(db):
    """Each operation documents 401, 404 and 422 as the one Error schema (detail and code)."""
    document = api.get_openapi_schema()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    missing = [
        f"{method.upper()} {path} {status}"
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for status in (401, 404, 422)
        if operation["responses"].get(status, {}).get("content", {}).get("application/json", {})
        .get("schema", {}).get("$ref") != "#/components/schemas/Error"
    ]  # fmt: skip
    assert missing == []


def test_person_reference_is_what_every_endpoint_sends(db):
    """PersonRef is username and display name (no id), as posts and announcements send, the
    guest mark (docs/security.md, "Guests") and the mark of an erased person's pseudonym."""
    ref = api.get_openapi_schema()["components"]["schemas"]["PersonRef"]
    assert set(ref["properties"]) == {
        "username",
        "display_name",
        "is_guest",
        "guest_organisation",
        "is_former",
    }
    assert set(ref["required"]) == {"username", "display_name"}
