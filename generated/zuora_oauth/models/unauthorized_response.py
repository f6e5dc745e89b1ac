from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from zuora_oauth import runtime as _zr

from ..types import UNSET, Unset

T = TypeVar("T", bound="UnauthorizedResponse")


@_attrs_define
class UnauthorizedResponse:
    """The error body of 401 answers.

    Attributes:
        message (str | Unset): `Authentication error` for wrong credentials; `Failed to get user info` is transient.
    """

    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = _zr.fields(src_dict, "UnauthorizedResponse")
        try:
            message = _zr.optional(d, "message")
            if not isinstance(message, Unset):
                message = _zr.read_str(message)

        except _zr.READ_ERRORS as error:
            raise _zr.field_error(error, "UnauthorizedResponse", d.key) from error
        unauthorized_response = cls(
            message=message,
        )

        unauthorized_response.additional_properties = d
        return unauthorized_response

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
