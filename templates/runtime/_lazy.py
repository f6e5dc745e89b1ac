"""Lazy package exports (PEP 562): a name's module is imported on first use, so importing a package is cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose ``exports`` map names to relative module paths."""
    names = sorted(public)

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # the next lookup is an ordinary attribute
        return value

    def __dir__() -> list[str]:
        """The public names, the dunders and the public submodules loaded so far: not the module's own imports."""
        module = sys.modules[package]
        loaded = {
            name
            for name, value in vars(module).items()
            if name.startswith("__")
            or (not name.startswith("_") and getattr(value, "__name__", None) == f"{package}.{name}")
        }
        return sorted({*loaded, *names})

    return __getattr__, __dir__
