from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from zuora_oauth import runtime as _zr

from ..types import UNSET, Unset

T = TypeVar("T", bound="CommonErrorResponse")


@_attrs_define
class CommonErrorResponse:
    """The error body of 400 and 403 answers.

    Attributes:
        code (int | Unset): Zuora's error code.
        message (str | Unset): What went wrong.
    """

    code: int | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = _zr.fields(src_dict, "CommonErrorResponse")
        try:
            code = _zr.optional(d, "code")
            if not isinstance(code, Unset):
                code = _zr.read_int(code)

            message = _zr.optional(d, "message")
            if not isinstance(message, Unset):
                message = _zr.read_str(message)

        except _zr.READ_ERRORS as error:
            raise _zr.field_error(error, "CommonErrorResponse", d.key) from error
        common_error_response = cls(
            code=code,
            message=message,
        )

        common_error_response.additional_properties = d
        return common_error_response

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
