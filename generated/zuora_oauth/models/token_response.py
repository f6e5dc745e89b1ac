from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from zuora_oauth import runtime as _zr

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenResponse")


@_attrs_define
class TokenResponse:
    """A bearer token. `access_token` is required: a 2xx answer without it cannot authenticate anything and is reported as
    a malformed response. The other fields are optional, as in Zuora's published schemas. Fields Zuora adds later are
    kept in `additional_properties`.

        Attributes:
            access_token (str): The generated token.
            token_type (str | Unset): The type of token that was generated, i.e. `bearer`.
            expires_in (float | Unset): The number of seconds until the token expires.
            scope (str | Unset): A space-delimited list of scopes that the token can be used to access; accessible entities
                appear as `entity.<uuid>` items.
            jti (str | Unset): A globally unique identifier for the token.
    """

    access_token: str
    token_type: str | Unset = UNSET
    expires_in: float | Unset = UNSET
    scope: str | Unset = UNSET
    jti: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type

        expires_in = self.expires_in

        scope = self.scope

        jti = self.jti

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
            }
        )
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if scope is not UNSET:
            field_dict["scope"] = scope
        if jti is not UNSET:
            field_dict["jti"] = jti

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = _zr.fields(src_dict, "TokenResponse")
        try:
            access_token = _zr.read_str(_zr.required(d, "access_token"))

            token_type = _zr.optional(d, "token_type")
            if not isinstance(token_type, Unset):
                token_type = _zr.read_str(token_type)

            expires_in = _zr.optional(d, "expires_in")
            if not isinstance(expires_in, Unset):
                expires_in = _zr.read_float(expires_in)

            scope = _zr.optional(d, "scope")
            if not isinstance(scope, Unset):
                scope = _zr.read_str(scope)

            jti = _zr.optional(d, "jti")
            if not isinstance(jti, Unset):
                jti = _zr.read_str(jti)

        except _zr.READ_ERRORS as error:
            raise _zr.field_error(error, "TokenResponse", d.key) from error
        token_response = cls(
            access_token=access_token,
            token_type=token_type,
            expires_in=expires_in,
            scope=scope,
            jti=jti,
        )

        token_response.additional_properties = d
        return token_response

    def __repr__(self) -> str:
        return _zr.masked_repr(self)

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
