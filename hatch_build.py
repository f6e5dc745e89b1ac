"""Hatch build hook: ship generator-config.yml in the wheel, as ``zuora_oauth/codegen/generator-config.yml``.

``zuora-oauth generate`` reads the house generator settings (the ruff post-hooks above all) from there, so another
module is generated exactly as zuora_oauth is, from the wheel alone. A single file cannot be mapped with
``sources`` (it rewrites folders), and a plain ``force-include`` would also copy it into site-packages on an
editable install, beside the .pth that points at generated/; so only regular wheels get it (an editable install
reads the repository's own file).
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CodegenSettingsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds generator-config.yml to regular wheels."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"]["generator-config.yml"] = "zuora_oauth/codegen/generator-config.yml"
