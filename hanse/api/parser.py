"""The API's request parser: django-ninja's, plus the one check every incoming text gets."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

from hanse.core.text import UnstorableTextError, check_storable


class HanseParser(Parser):
    """Refuses a NUL character or a lone surrogate anywhere in a JSON body or a query.

    JSON can spell a lone surrogate ("\\ud800") that no UTF-8 database, template or socket can
    carry; checking here, once, covers every text field of every endpoint.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        # Raised inside the parser, ninja wraps it in a 400; hanse.api.errors unwraps it.
        check_storable(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        try:
            check_storable(result)
        except UnstorableTextError as exc:
            where = "query" if data is request.GET else "form"
            raise ValidationError(
                [
                    {
                        "loc": (where, *exc.path),
                        "msg": str(exc.message),
                        "type": "value_error",
                        "ctx": {"error": exc.message},
                    }
                ]
            ) from exc
        return result
