from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from zuora_oauth import runtime as _zr

from ..models.grant_type import GrantType

T = TypeVar("T", bound="TokenRequest")


@_attrs_define
class TokenRequest:
    """The form body of a token request. Zuora supports only the client credentials grant.

    Attributes:
        client_id (str): The Client ID of the OAuth client (36 characters).
        client_secret (str): The Client Secret that was displayed when the OAuth client was created (at most 42
            characters).
        grant_type (GrantType): The OAuth grant type; it must be `client_credentials`.
    """

    client_id: str
    client_secret: str
    grant_type: GrantType

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        client_secret = self.client_secret

        grant_type = self.grant_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "grant_type": grant_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = _zr.fields(src_dict, "TokenRequest")
        try:
            client_id = _zr.read_str(_zr.required(d, "client_id"))

            client_secret = _zr.read_str(_zr.required(d, "client_secret"))

            grant_type = _zr.enum_value(GrantType, _zr.required(d, "grant_type"))

        except _zr.READ_ERRORS as error:
            raise _zr.field_error(error, "TokenRequest", d.key) from error
        token_request = cls(
            client_id=client_id,
            client_secret=client_secret,
            grant_type=grant_type,
        )

        return token_request

    def __repr__(self) -> str:
        return _zr.masked_repr(self)
