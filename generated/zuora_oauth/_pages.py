# Generated from templates/runtime/_pages.py by make generate: edit that file, not this copy.
"""Walking Zuora's paginated lists: each answer's ``nextPage`` is the full URL of the next page.

The next pages go through the same transport as the first (typed errors, retries, the client's auth and
headers), and are read with the same operation, so every page has the first page's type.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._business import json_body
from ._exceptions import malformed_response
from ._operation import Operation
from ._transport import asend, send

if TYPE_CHECKING:
    from ._transport import AsyncClient, SyncClient

T = TypeVar("T")


def next_page_url(response: httpx.Response) -> str | None:
    """The ``nextPage`` URL of a list answer (resolved against the request's URL), or None on the last page.

    A next page on another origin (scheme, host, port) than the page that named it is refused with a
    MalformedResponseError: following it would send the client's credentials (ZuoraAuth's token) there.
    """
    try:
        data = json_body(response)
    except (ValueError, RecursionError):
        return None
    url = data.get("nextPage") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        return None
    here = response.request.url
    try:
        there = here.join(url)
    except (httpx.InvalidURL, ValueError):
        raise malformed_response(response, "nextPage is not a URL") from None
    if (there.scheme, there.host, there.port) != (here.scheme, here.host, here.port):
        raise malformed_response(response, "nextPage points to another origin than the page that named it")
    return str(there)


def iter_pages(client: SyncClient, kwargs: Mapping[str, Any], operation: Operation[T]) -> Iterator[T]:
    """Each page of a list, the first one requested with ``kwargs``, the next ones at their ``nextPage`` URLs."""
    while True:
        response, parsed = send(client, kwargs, operation)
        yield parsed
        url = next_page_url(response)
        if url is None:
            return
        kwargs = _next_kwargs(kwargs, url)


async def aiter_pages(client: AsyncClient, kwargs: Mapping[str, Any], operation: Operation[T]) -> AsyncIterator[T]:
    """:func:`iter_pages` for asyncio."""
    while True:
        response, parsed = await asend(client, kwargs, operation)
        yield parsed
        url = next_page_url(response)
        if url is None:
            return
        kwargs = _next_kwargs(kwargs, url)


def _next_kwargs(kwargs: Mapping[str, Any], url: str) -> dict[str, Any]:
    """The request for the next page: the same method and headers, at ``url`` (which carries the query itself)."""
    return {key: value for key, value in kwargs.items() if key != "params"} | {"url": url}
