"""Every HTTP stack a ZuoraAuth serves, behind one small interface, so that one test runs against each of them.

A stack sends a batch of :class:`Call` all at once through one client (or session) authenticated by a given
ZuoraAuth, the way its users would: sync stacks from threads released together by a barrier, async stacks as
tasks of one event loop gathered together. Bodies that cannot be replayed are sent the stack's own way: a
generator (an async generator for async stacks); a file is a ``BytesIO`` or an unseekable pipe.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import aiohttp
import httpx
import httpx2
import requests
import requests.adapters

from zuora_oauth import ZuoraAuth


@dataclass(frozen=True)
class Call:
    """One request: an absolute URL, a method, headers and at most one kind of body."""

    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    stream: tuple[bytes, ...] | None = None  # sent as a one-shot generator
    file: Callable[[], IO[bytes]] | None = None  # opened for the call, closed after it


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the JSON body, or the text when it is not JSON
    history: int = 0  # earlier responses the stack kept (requests: a replayed 401)


def _body(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def in_threads(targets: Sequence[Callable[[], Reply]]) -> list[Reply]:
    """Run each target in a thread of its own, all released at once; their replies in order, or the first error."""
    barrier = threading.Barrier(len(targets))
    replies: list[Reply | None] = [None] * len(targets)
    errors: list[BaseException] = []

    def body(index: int, target: Callable[[], Reply]) -> None:
        barrier.wait()
        try:
            replies[index] = target()
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    threads = [threading.Thread(target=body, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [reply for reply in replies if reply is not None]


def _chunks(call: Call) -> Iterator[bytes]:
    assert call.stream is not None
    yield from call.stream


async def _achunks(call: Call) -> AsyncIterator[bytes]:
    assert call.stream is not None
    for chunk in call.stream:
        yield chunk


class Stack:
    """One HTTP stack: ``run`` sends calls at once and returns the replies in the calls' order."""

    name: str
    rewinds_files: bool = False  # whether a file body is sent again after a 401 (else: not replayed)
    default_user_agent: str = ""  # the stack's own User-Agent, written out here
    authenticates_each_hop: bool = False  # whether each redirect hop is authenticated (and replayed) on its own

    def run(self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None) -> list[Reply]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


class AsyncStack(Stack):
    """An async stack: ``arun`` sends the calls as tasks of the running event loop; ``run`` starts a loop for it."""

    def run(self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None) -> list[Reply]:
        return asyncio.run(self.arun(auth, calls, headers=headers))

    async def arun(
        self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None
    ) -> list[Reply]:
        raise NotImplementedError


class HttpxSync(Stack):
    name = "httpx"
    default_user_agent = f"python-httpx/{httpx.__version__}"

    def run(self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None) -> list[Reply]:
        with httpx.Client(auth=auth, headers=headers, follow_redirects=True) as client:
            return in_threads([lambda call=call: self._send(client, call) for call in calls])

    @staticmethod
    def _send(client: httpx.Client, call: Call) -> Reply:
        file = call.file() if call.file else None
        try:
            content = file if file is not None else _chunks(call) if call.stream is not None else None
            response = client.request(call.method, call.url, headers=call.headers, json=call.json, content=content)
        finally:
            if file is not None:
                file.close()
        return Reply(response.status_code, _body(response.text), len(response.history))


class HttpxAsync(AsyncStack):
    name = "httpx-async"
    default_user_agent = f"python-httpx/{httpx.__version__}"

    async def arun(
        self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None
    ) -> list[Reply]:
        async with httpx.AsyncClient(auth=auth, headers=headers, follow_redirects=True) as client:
            return list(await asyncio.gather(*(self._send(client, call) for call in calls)))

    @staticmethod
    async def _send(client: httpx.AsyncClient, call: Call) -> Reply:
        content = _achunks(call) if call.stream is not None else None
        response = await client.request(call.method, call.url, headers=call.headers, json=call.json, content=content)
        return Reply(response.status_code, _body(response.text), len(response.history))


class Httpx2Sync(Stack):
    name = "httpx2"
    default_user_agent = f"python-httpx2/{httpx2.__version__}"

    def run(self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None) -> list[Reply]:
        with httpx2.Client(auth=auth.httpx2(), headers=headers, follow_redirects=True) as client:
            return in_threads([lambda call=call: self._send(client, call) for call in calls])

    @staticmethod
    def _send(client: httpx2.Client, call: Call) -> Reply:
        file = call.file() if call.file else None
        try:
            content = file if file is not None else _chunks(call) if call.stream is not None else None
            response = client.request(call.method, call.url, headers=call.headers, json=call.json, content=content)
        finally:
            if file is not None:
                file.close()
        return Reply(response.status_code, _body(response.text), len(response.history))


class Httpx2Async(AsyncStack):
    name = "httpx2-async"
    default_user_agent = f"python-httpx2/{httpx2.__version__}"

    async def arun(
        self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None
    ) -> list[Reply]:
        async with httpx2.AsyncClient(auth=auth.httpx2(), headers=headers, follow_redirects=True) as client:
            return list(await asyncio.gather(*(self._send(client, call) for call in calls)))

    @staticmethod
    async def _send(client: httpx2.AsyncClient, call: Call) -> Reply:
        content = _achunks(call) if call.stream is not None else None
        response = await client.request(call.method, call.url, headers=call.headers, json=call.json, content=content)
        return Reply(response.status_code, _body(response.text), len(response.history))


class Requests(Stack):
    name = "requests"
    rewinds_files = True
    default_user_agent = f"python-requests/{requests.__version__}"

    def run(self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None) -> list[Reply]:
        with requests.Session() as session:
            session.auth = auth.requests()
            session.headers.update(headers or {})
            pool = requests.adapters.HTTPAdapter(pool_maxsize=len(calls))  # one connection per thread, no warnings
            session.mount("http://", pool)
            return in_threads([lambda call=call: self._send(session, call) for call in calls])

    @staticmethod
    def _send(session: requests.Session, call: Call) -> Reply:
        file = call.file() if call.file else None
        try:
            data = file if file is not None else _chunks(call) if call.stream is not None else None
            response = session.request(call.method, call.url, headers=dict(call.headers), json=call.json, data=data)
        finally:
            if file is not None:
                file.close()
        return Reply(response.status_code, _body(response.text), len(response.history))


class Aiohttp(AsyncStack):
    name = "aiohttp"
    authenticates_each_hop = True  # aiohttp runs its middlewares once per hop
    rewinds_files = True
    default_user_agent = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp/{aiohttp.__version__}"

    async def arun(
        self, auth: ZuoraAuth, calls: Sequence[Call], *, headers: Mapping[str, str] | None = None
    ) -> list[Reply]:
        async with aiohttp.ClientSession(middlewares=(auth.aiohttp(),), headers=headers) as session:
            return list(await asyncio.gather(*(self._send(session, call) for call in calls)))

    @staticmethod
    async def _send(session: aiohttp.ClientSession, call: Call) -> Reply:
        file = call.file() if call.file else None
        try:
            data: Any = file if file is not None else _achunks(call) if call.stream is not None else None
            async with session.request(
                call.method, call.url, headers=dict(call.headers), json=call.json, data=data
            ) as response:
                return Reply(response.status, _body(await response.text()), len(response.history))
        finally:
            if file is not None:
                file.close()


#: Every stack, in the order tests name them.
STACKS: tuple[Stack, ...] = (HttpxSync(), HttpxAsync(), Httpx2Sync(), Httpx2Async(), Requests(), Aiohttp())
ASYNC_STACKS = tuple(stack for stack in STACKS if isinstance(stack, AsyncStack))


def bytes_file(data: bytes) -> Callable[[], IO[bytes]]:
    """A seekable file body."""
    return lambda: io.BytesIO(data)


def pipe_file(data: bytes) -> Callable[[], IO[bytes]]:
    """A file body that cannot be rewound: the read end of a pipe holding ``data``."""

    def open_pipe() -> IO[bytes]:
        read_end, write_end = os.pipe()
        os.write(write_end, data)
        os.close(write_end)
        return os.fdopen(read_end, "rb")

    return open_pipe
