"""SCIM 2.0 (RFC 7644) at /scim/v2/: Users and Groups, and the three discovery endpoints.

Each view authenticates the bearer token first (401 otherwise), then reads or writes through
hanse/identity/scim/resources.py. Every error is a SCIM error document in JSON; nothing is
half-written (each write is one transaction).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

import pydantic
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    Context,
    Error,
    PatchOp,
    ResourceType,
    Schema,
    ServiceProviderConfig,
)
from scim2_models import Group as ScimGroupResource
from scim2_models import User as ScimUserResource
from scim2_models.resources.service_provider_config import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Patch,
    Sort,
)

from hanse.core.errors import ServiceError
from hanse.identity.scim import auth, filters, resources
from hanse.identity.scim.resources import ScimError

CONTENT_TYPE = "application/scim+json"
MAX_RESULTS = 200
BODY_MAX = 1024 * 1024


def _respond(data: dict[str, Any], status: int = 200, location: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def _error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    response = _respond(error.model_dump(), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def scim_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Token first, then the view; every refusal in SCIM's error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = auth.authenticate(request)
        if token is None:
            return _error(401, "A valid bearer token is required.")
        request.scim_token = token  # type: ignore[attr-defined]  # read by the audit entries
        try:
            return view(request, *args, **kwargs)
        except ScimError as exc:
            return _error(exc.status, exc.detail, exc.scim_type)
        except pydantic.ValidationError as exc:
            errors = exc.errors()
            where = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
            message = errors[0]["msg"] if errors else "invalid"
            detail = f"{where}: {message}" if where else message
            return _error(400, detail, "invalidValue")
        except (ValidationError, ServiceError) as exc:
            message = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", []))
            return _error(400, str(message), "invalidValue")

    return csrf_exempt(login_not_required(wrapper))


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > BODY_MAX:
        raise ScimError(413, "The request body is too large.", "tooLarge")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScimError(400, "The body is not valid JSON.", "invalidSyntax") from exc
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return data


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ScimError(400, f"{name} must be a whole number.", "invalidValue") from exc
    return max(min(value, 10**9), 0)


def _not_allowed() -> HttpResponse:
    return _error(405, "This method is not allowed here.")


# --- discovery ---------------------------------------------------------------------------


def _service_provider_config(request: HttpRequest) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token issued by a Hanse administrator in admin (SCIM tokens).",
                primary=True,
            )
        ],
    )


@scim_endpoint
def service_provider_config(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _not_allowed()
    config = _service_provider_config(request)
    data = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": request.build_absolute_uri("/scim/v2/ServiceProviderConfig"),
    }
    return _respond(data)


_RESOURCES: dict[str, Any] = {"User": ScimUserResource, "Group": ScimGroupResource}


# What Hanse's people differ in from RFC 7643's User: every person has an e-mail address, and
# the display name is made from the given and family names.
_USER_ATTRIBUTES = {"emails": {"required": True}, "displayName": {"mutability": "readOnly"}}


def _schema(model: Any, request: HttpRequest) -> dict[str, Any]:
    schema: Schema = model.to_schema()
    data = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    if model is ScimUserResource:
        for attribute in data.get("attributes", []):
            attribute.update(_USER_ATTRIBUTES.get(attribute.get("name"), {}))
    data["meta"] = {
        "resourceType": "Schema",
        "location": request.build_absolute_uri(f"/scim/v2/Schemas/{schema.id}"),
    }
    return data


def _resource_type(name: str, request: HttpRequest) -> dict[str, Any]:
    data = ResourceType.from_resource(_RESOURCES[name]).model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )
    data["meta"] = {
        "resourceType": "ResourceType",
        "location": request.build_absolute_uri(f"/scim/v2/ResourceTypes/{name}"),
    }
    return data


def _list(items: list[dict[str, Any]], *, total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(items),
        "Resources": items,
    }


@scim_endpoint
def resource_types(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _not_allowed()
    if name is None:
        items = [_resource_type(n, request) for n in _RESOURCES]
        return _respond(_list(items, total=len(items), start=1))
    if name not in _RESOURCES:
        raise ScimError(404, f"There is no resource type “{name}”.")
    return _respond(_resource_type(name, request))


@scim_endpoint
def schemas(request: HttpRequest, schema_id: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _not_allowed()
    all_schemas = {model.to_schema().id: model for model in _RESOURCES.values()}
    if schema_id is None:
        items = [_schema(model, request) for model in _RESOURCES.values()]
        return _respond(_list(items, total=len(items), start=1))
    if schema_id not in all_schemas:
        raise ScimError(404, f"There is no schema “{schema_id}”.")
    return _respond(_schema(all_schemas[schema_id], request))


# --- Users and Groups --------------------------------------------------------------------


def _attributes(request: HttpRequest) -> dict[str, Any]:
    """attributes / excludedAttributes (RFC 7644 3.4.2.5), passed on to the serialiser."""
    from scim2_models import ResponseParameters

    attributes = [a for a in request.GET.get("attributes", "").split(",") if a.strip()]
    excluded = [a for a in request.GET.get("excludedAttributes", "").split(",") if a.strip()]
    if not attributes and not excluded:
        return {}
    try:
        return {
            "response_parameters": ResponseParameters(
                attributes=attributes or None,  # type: ignore[arg-type]  # parsed by the model
                excluded_attributes=excluded or None,  # type: ignore[arg-type]
            )
        }
    except pydantic.ValidationError as exc:
        raise ScimError(400, "attributes or excludedAttributes is invalid.", "invalidPath") from exc


def _dump(resource: Any, request: HttpRequest, ctx: Context) -> dict[str, Any]:
    return dict(resource.model_dump(scim_ctx=ctx, **_attributes(request)))


class _Kind:
    def __init__(
        self,
        *,
        name: str,
        model: Any,
        queryset: Callable[[], Any],
        fields: dict[str, filters.Field],
        to_resource: Callable[[HttpRequest, Any], Any],
        create: Callable[..., Any],
        replace: Callable[..., Any],
        delete: Callable[..., None],
        target: str,
    ) -> None:
        self.name, self.model, self.queryset, self.fields = name, model, queryset, fields
        self.to_resource, self.create, self.replace, self.delete = (
            to_resource,
            create,
            replace,
            delete,
        )
        self.target = target  # the keyword the write functions take (user / unit)

    def get(self, pk: str) -> Any:
        if not pk.isdigit() or len(pk) > 18:
            raise ScimError(404, f"There is no {self.name} “{pk}”.")
        obj = self.queryset().filter(pk=int(pk)).first()
        if obj is None:
            raise ScimError(404, f"There is no {self.name} “{pk}”.")
        return obj


USERS = _Kind(
    name="User",
    model=ScimUserResource,
    queryset=resources.users,
    fields=filters.USER_FIELDS,
    to_resource=resources.user_resource,
    create=resources.user_create,
    replace=resources.user_replace,
    delete=resources.user_delete,
    target="user",
)
GROUPS = _Kind(
    name="Group",
    model=ScimGroupResource,
    queryset=resources.groups,
    fields=filters.GROUP_FIELDS,
    to_resource=resources.group_resource,
    create=resources.group_create,
    replace=resources.group_replace,
    delete=resources.group_delete,
    target="unit",
)


def _search(request: HttpRequest, kind: _Kind) -> HttpResponse:
    """POST …/.search (RFC 7644 3.4.3): the query's parameters in the body."""
    if request.method != "POST":
        return _not_allowed()
    body = _body(request)
    params: dict[str, str] = {}
    for key in ("filter", "startIndex", "count"):
        if body.get(key) is not None:
            params[key] = str(body[key])
    for key in ("attributes", "excludedAttributes"):
        value = body.get(key)
        if isinstance(value, list):
            params[key] = ",".join(str(v) for v in value)
        elif value is not None:
            params[key] = str(value)
    query = QueryDict(mutable=True)
    query.update(params)
    request.GET = query  # type: ignore[assignment]  # the search's parameters, read as a GET
    return _collection(request, kind, method="GET")


def _collection(request: HttpRequest, kind: _Kind, method: str | None = None) -> HttpResponse:
    if (method or request.method) == "GET":
        queryset = kind.queryset()
        text = request.GET.get("filter", "").strip()
        if text:
            try:
                queryset = queryset.filter(filters.to_q(text, kind.fields)).distinct()
            except filters.FilterError as exc:
                raise ScimError(400, str(exc), "invalidFilter") from exc
        start = max(_int_param(request, "startIndex", 1), 1)
        count = min(_int_param(request, "count", MAX_RESULTS), MAX_RESULTS)
        total = queryset.count()
        page = list(queryset[start - 1 : start - 1 + count]) if count else []
        items = [
            _dump(kind.to_resource(request, obj), request, Context.SEARCH_RESPONSE) for obj in page
        ]
        return _respond(_list(items, total=total, start=start))
    if request.method == "POST":
        resource = kind.model.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        obj = kind.create(request=request, resource=resource)
        out = kind.to_resource(request, kind.get(str(obj.pk)))
        return _respond(
            _dump(out, request, Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=out.meta.location,
        )
    return _not_allowed()


def _item(request: HttpRequest, kind: _Kind, pk: str) -> HttpResponse:
    obj = kind.get(pk)
    if request.method == "GET":
        return _respond(
            _dump(kind.to_resource(request, obj), request, Context.RESOURCE_QUERY_RESPONSE)
        )
    if request.method == "PUT":
        resource = kind.model.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        kind.replace(request=request, resource=resource, **{kind.target: obj})
    elif request.method == "PATCH":
        patch = PatchOp[kind.model].model_validate(  # type: ignore[name-defined]
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        current = kind.to_resource(request, obj)
        patch.patch(current)
        kind.replace(request=request, resource=current, **{kind.target: obj})
    elif request.method == "DELETE":
        kind.delete(request=request, **{kind.target: obj})
        return HttpResponse(status=204)
    else:
        return _not_allowed()
    out = kind.to_resource(request, kind.get(pk))
    return _respond(_dump(out, request, Context.RESOURCE_REPLACEMENT_RESPONSE))


@scim_endpoint
def users(request: HttpRequest) -> HttpResponse:
    return _collection(request, USERS)


@scim_endpoint
def user(request: HttpRequest, pk: str) -> HttpResponse:
    return _item(request, USERS, pk)


@scim_endpoint
def users_search(request: HttpRequest) -> HttpResponse:
    return _search(request, USERS)


@scim_endpoint
def groups_search(request: HttpRequest) -> HttpResponse:
    return _search(request, GROUPS)


@scim_endpoint
def groups(request: HttpRequest) -> HttpResponse:
    return _collection(request, GROUPS)


@scim_endpoint
def group(request: HttpRequest, pk: str) -> HttpResponse:
    return _item(request, GROUPS, pk)


@scim_endpoint
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise ScimError(404, "There is no such SCIM endpoint.")
