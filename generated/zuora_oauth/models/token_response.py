from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from zuora_oauth._masking import masked_repr
from zuora_oauth._model_fields import FieldError, check_float, check_str, required

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
        if not isinstance(src_dict, Mapping):
            raise FieldError("TokenResponse must be a JSON object")
        d = dict(src_dict)
        access_token = check_str(required(d, "access_token", "TokenResponse"), "TokenResponse.access_token")

        token_type = check_str(d.pop("token_type"), "TokenResponse.token_type") if "token_type" in d else UNSET

        expires_in = check_float(d.pop("expires_in"), "TokenResponse.expires_in") if "expires_in" in d else UNSET

        scope = check_str(d.pop("scope"), "TokenResponse.scope") if "scope" in d else UNSET

        jti = check_str(d.pop("jti"), "TokenResponse.jti") if "jti" in d else UNSET

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
        return masked_repr(self)

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
