"""``zuora-oauth``: get a token from the shell, run a local fake Zuora, watch the SDK work, or generate another
Zuora module with this package's templates (standard argparse).

Exit codes (stable, documented in the README): 0 success; 1 any other API error; 2 usage or configuration error;
3 authentication refused (401/403); 4 rate limited (429); 5 no answer (connection failure or timeout). For
``generate``: 0 generated (or up to date with ``--check``), 1 the document cannot be generated or the output differs
(``--check``), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from ._exceptions import (
    ApiConnectionError,
    ApiError,
    AuthenticationError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
)
from ._version import __version__
from .environments import Environment, find_environment, known_names

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_RATE_LIMITED = 4
EXIT_CONNECTION = 5


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script passes it to ``sys.exit``)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InvalidRequestError as error:
        print(f"zuora-oauth: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ApiError as error:
        print(f"zuora-oauth: {error}", file=sys.stderr)
        return exit_code_for(error)
    except KeyboardInterrupt:
        return 130


def exit_code_for(error: ApiError) -> int:
    """The documented exit code of an error."""
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(error, RateLimitError):
        return EXIT_RATE_LIMITED
    if isinstance(error, ApiConnectionError):
        return EXIT_CONNECTION
    return EXIT_API_ERROR


class _MaskingParser(argparse.ArgumentParser):
    """argparse echoes the arguments it refuses ("unrecognized arguments: ..."); a secret pasted on the command
    line by mistake must not be printed back, so every value given on the command line is masked in errors, except
    a name given to an option that takes names (``--env mars``), which the user needs to see to fix it."""

    _values: tuple[str, ...] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = list(sys.argv[1:] if args is None else args)
        _MaskingParser._values = _maskable(given)
        return super().parse_known_args(given, namespace)

    def error(self, message: str) -> NoReturn:
        for value in sorted(self._values, key=len, reverse=True):
            shown = value.split("=", 1)[1] if value.startswith("-") else value
            if shown and shown not in _KNOWN_WORDS:
                message = re.sub(rf"(?<![\w-]){re.escape(shown)}(?![\w-])", "****", message)
        super().error(message)


#: Words of the command line itself, left readable in error messages.
_KNOWN_WORDS = frozenset({"token", "fake-server", "demo", "generate"})

#: Options whose values are names, never secrets: echoed in errors when they look like a name. Anything else given
#: to them (a secret pasted in the wrong place has "=", "/" or "+", or is long) is still masked.
_NAME_OPTIONS = frozenset({"--env"})
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


def _maskable(given: Sequence[str]) -> tuple[str, ...]:
    """The values of ``given`` to mask in error messages: every value, less the names given to name options."""
    values: list[str] = []
    option = ""
    for word in given:
        if word.startswith("-") and "=" not in word:
            option = word
            continue
        name, value = word.split("=", 1) if word.startswith("-") else (option, word)
        option = ""
        if not (name in _NAME_OPTIONS and _NAME.fullmatch(value)):
            values.append(word)
    return tuple(values)


def _parser() -> argparse.ArgumentParser:
    parser = _MaskingParser(
        prog="zuora-oauth",
        description="Zuora OAuth from the command line.",
        epilog="Exit codes: 0 ok, 1 API error, 2 usage, 3 authentication refused, 4 rate limited, 5 no answer.",
    )
    parser.add_argument("--version", action="version", version=f"zuora-oauth {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND", parser_class=_MaskingParser)

    token = commands.add_parser(
        "token",
        allow_abbrev=False,  # "--client-secret VALUE" must not be taken for --client-secret-file
        help="create a token with ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET from the environment",
        description=(
            "Create an OAuth token. The client ID comes from ZUORA_CLIENT_ID; the secret from "
            "--client-secret-file, --client-secret-stdin or ZUORA_CLIENT_SECRET, never from the command line "
            "itself. When one is still missing and stdin is a terminal, it is prompted for (without echo for the "
            "secret). The base URL comes from --env, --base-url, ZUORA_ENVIRONMENT or ZUORA_BASE_URL, else US "
            "production."
        ),
    )
    secret = token.add_mutually_exclusive_group()
    secret.add_argument(
        "--client-secret-file",
        metavar="PATH",
        help="read the secret from PATH (one line; refused if group or others have any access to PATH)",
    )
    secret.add_argument(
        "--client-secret-stdin", action="store_true", help="read the secret from standard input (one line)"
    )
    where = token.add_mutually_exclusive_group()
    where.add_argument(
        "--env",
        type=_environment,
        metavar="NAME",
        help="Zuora environment: "
        + ", ".join(member.cli_name for member in Environment)
        + " (or a name of Zuora's own SDK: SBX, PROD_EU, ...)",
    )
    where.add_argument("--base-url", metavar="URL", help="any base URL (plain http only for loopback hosts)")
    token.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// base URL on another host (the secret then crosses the network unencrypted)",
    )
    token.add_argument("--entity-id", metavar="ID", help="Zuora-Entity-Ids: the entity (Multi-entity tenants)")
    token.add_argument("--org-id", action="append", metavar="ID", help="Zuora-Org-Ids (repeatable)")
    token.add_argument("--track-id", metavar="ID", help="Zuora-Track-Id, echoed back by Zuora")
    token.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="per-request timeout")
    token.add_argument(
        "--max-retries", type=_count, default=2, metavar="N", help="retries of 429/5xx/connection errors (0 or more)"
    )
    output = token.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the whole response as JSON (includes the token)")
    output.add_argument("--raw", action="store_true", help="print only the token, for $(...)")
    token.set_defaults(run=_run_token)

    fake = commands.add_parser(
        "fake-server",
        help="run a local Zuora-compatible server for tests and demos",
        description="Serve FakeZuora on 127.0.0.1 and print ZUORA_BASE_URL, ZUORA_CLIENT_ID, ZUORA_CLIENT_SECRET.",
    )
    fake.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    fake.add_argument("--expires-in", type=float, default=3600, metavar="SECONDS", help="lifetime of the tokens")
    fake.set_defaults(run=_run_fake_server)

    demo = commands.add_parser(
        "demo", help="get a token from a local fake Zuora, then show a typed error", description="Run the demo."
    )
    demo.set_defaults(run=_run_demo)

    generate = commands.add_parser(
        "generate",
        help="generate a Zuora module from an OpenAPI document with zuora-oauth's templates (needs [codegen])",
        description=(
            "Generate a pip-installable Zuora module from an OpenAPI 3.0/3.1 document (JSON or YAML): "
            "DIR/pyproject.toml and the package DIR/NAME, made by the pinned openapi-python-client with "
            "zuora-oauth's templates and formatted by the pinned ruff, so the output is byte-identical on every "
            "machine. Quirks of real-world documents (clashing schema titles, booleans in string enums, unquoted "
            "dates and numbers) are fixed in a copy first, each reported on stderr; a generator warning is a "
            "failure. Needs pip install 'zuora-oauth[codegen]'."
        ),
        epilog="Exit codes: 0 generated or up to date, 1 cannot be generated or DIR differs (--check), 2 usage.",
    )
    generate.add_argument("spec", metavar="SPEC", help="the OpenAPI 3.0/3.1 document, JSON or YAML")
    generate.add_argument("--package", required=True, metavar="NAME", help="import name, e.g. zuora_billing")
    generate.add_argument(
        "--output",
        required=True,
        metavar="DIR",
        help="project folder; DIR/pyproject.toml and DIR/NAME/ are replaced, nothing else in DIR is touched",
    )
    generate.add_argument("--project-name", metavar="NAME", help="distribution name (default: NAME with dashes)")
    generate.add_argument("--version", metavar="V", help="project version (default: 0.1.0)")
    generate.add_argument(
        "--config",
        metavar="EXTRA.yml",
        help="extra openapi-python-client settings (class_overrides, literal_enums, ...; post_hooks are fixed)",
    )
    generate.add_argument(
        "--templates", metavar="DIR", help="template folder (default: the templates zuora-oauth ships)"
    )
    generate.add_argument(
        "--runtime-home",
        action="store_true",
        help="generate zuora_oauth itself (make generate): copy templates/runtime/ into DIR/NAME, write no "
        "pyproject.toml",
    )
    generate.add_argument(
        "--check", action="store_true", help="change nothing; print a unified diff and exit 1 if DIR is out of date"
    )
    generate.set_defaults(run=_run_generate)
    return parser


def _environment(name: str) -> Environment:
    """``--env``'s value (our names or the Zuora SDK's); found without Environment.from_name, whose error would
    hold the value unmasked (it may be a secret pasted in the wrong place; argparse's error is masked)."""
    environment = find_environment(name)
    if environment is None:
        raise argparse.ArgumentTypeError(f"Unknown Zuora environment {name!r}; {known_names()}")
    return environment


def _seconds(text: str) -> float:
    """A positive, finite number of seconds (argparse names the option in its error)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _count(text: str) -> int:
    """A whole number, zero or more (the message has no digit a masked value could garble)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number, zero or more")
    return value


def _run_token(args: argparse.Namespace) -> int:
    from ._cli_token import run_token  # noqa: PLC0415  (keeps --help and fake-server fast)

    return run_token(args)


def _run_fake_server(args: argparse.Namespace) -> int:
    from .testing import run_fake_server  # noqa: PLC0415

    run_fake_server(args.port, expires_in=args.expires_in)
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    from ._cli_demo import run_demo  # noqa: PLC0415

    return run_demo()


def _run_generate(args: argparse.Namespace) -> int:
    from .codegen._command import run_generate  # noqa: PLC0415  (the generator is imported only here)

    return run_generate(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
