"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from typing import IO, BinaryIO, Generic, TypeVar

from attrs import define

from zuora_oauth.runtime import UNSET, Unset

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: int
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T

    def __repr__(self) -> str:
        """The status, the header names and the size of the content: never the content (the token request's is the
        token) nor header values (cookies). A parsed model shows itself, with its secret fields masked."""
        return (
            f"Response(status_code={self.status_code!r}, headers=[{', '.join(map(repr, self.headers))}], "
            f"content=<{len(self.content)} bytes>, parsed={_parsed_repr(self.parsed)})"
        )


def _parsed_repr(parsed: object) -> str:
    """A generated model's own (masked) repr; for anything else only its type and size: raw data may hold a token."""
    if parsed is None or isinstance(parsed, bool | int | float) or hasattr(type(parsed), "__attrs_attrs__"):
        return repr(parsed)
    if isinstance(parsed, bytes | bytearray | str | list | tuple | dict):
        return f"<{type(parsed).__name__} of {len(parsed)}>"
    return f"<{type(parsed).__name__}>"


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset"]
