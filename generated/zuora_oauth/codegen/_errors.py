# Generated from templates/runtime/codegen/_errors.py by make generate: edit that file, not this copy.
"""The one exception of the generate command: a failure it explains in a paragraph instead of a traceback."""

from __future__ import annotations

#: Exit codes of ``zuora-oauth generate`` (the same numbering as the rest of the command line).
EXIT_OK = 0  # generated, or up to date with ``--check``
EXIT_FAILED = 1  # the document cannot be generated, or ``--check`` found a difference
EXIT_USAGE = 2  # an option or the configuration file is wrong


class CodegenError(Exception):
    """Anything that stops generation, worded for the person who ran the command.

    The message is printed as is (one paragraph, possibly followed by the generator's own messages); no traceback,
    because every cause here is in the user's input or installation, not in our code.
    """

    def __init__(self, message: str, *, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
