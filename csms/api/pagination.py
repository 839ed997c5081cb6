"""Offset pagination for list endpoints: `?limit=&offset=`; the body stays a JSON array (as in the first API
version) and the page is described in headers: `X-Total-Count` and an RFC 8288 `Link` (next/prev)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response

T = TypeVar("T")

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="items to skip")] = 0,
) -> Page:
    return Page(limit, offset)


def paginate(items: list[T], page: Page, request: Request, response: Response) -> list[T]:
    """The page of `items`, with X-Total-Count and Link headers set on `response`."""
    total = len(items)
    response.headers["X-Total-Count"] = str(total)
    links = []
    if page.offset + page.limit < total:
        links.append(f'<{request.url.include_query_params(offset=page.offset + page.limit, limit=page.limit)}>; '
                     'rel="next"')
    if page.offset > 0:
        links.append(f'<{request.url.include_query_params(offset=max(0, page.offset - page.limit), limit=page.limit)}>'
                     '; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return items[page.offset:page.offset + page.limit]
