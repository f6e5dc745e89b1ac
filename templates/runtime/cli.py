"""``zuora-oauth``: get a token from the shell, run a local fake Zuora, watch the SDK work, or generate another
Zuora module with this package's templates (standard argparse).

Exit codes (stable, documented in the README): 0 success; 1 any other API error; 2 usage or configuration error;
3 authentication refused (401/403); 4 rate limited (429); 5 no answer (connection failure or timeout). For
``generate``: 0 generated (or up to date with ``--check``), 1 the document cannot be generated or the output differs
(``--check``), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
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
from .environments import Environment

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
    line by mistake must not be printed back, so every value given on the command line is masked in errors."""

    _values: tuple[str, ...] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = list(sys.argv[1:] if args is None else args)
        _MaskingParser._values = tuple(value for value in given if not value.startswith("-") or "=" in value)
        return super().parse_known_args(given, namespace)

    def error(self, message: str) -> NoReturn:
        for value in sorted(self._values, key=len, reverse=True):
            shown = value.split("=", 1)[1] if value.startswith("-") else value
            if shown and shown not in _KNOWN_WORDS:
                message = re.sub(rf"(?<![\w-]){re.escape(shown)}(?![\w-])", "****", message)
        super().error(message)


#: Words of the command line itself, left readable in error messages.
_KNOWN_WORDS = frozenset({"token", "fake-server", "demo", "generate"})


def _parser() -> argparse.ArgumentParser:
    parser = _MaskingParser(
        prog="zuora-oauth",
        description="Zuora OAuth from the command line.",
        epilog="Exit codes: 0 ok, 1 API error, 2 usage, 3 authentication refused, 4 rate limited, 5 no answer.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND", parser_class=_MaskingParser)

    token = commands.add_parser(
        "token",
        help="create a token with ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET from the environment",
        description=(
            "Create an OAuth token. Credentials come from ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET (the secret is "
            "never taken from the command line; when unset and stdin is a terminal, they are prompted for, "
            "without echo for the secret). The base URL comes from --env, --base-url or ZUORA_BASE_URL, "
            "else US production."
        ),
    )
    where = token.add_mutually_exclusive_group()
    where.add_argument(
        "--env",
        type=_environment,
        metavar="NAME",
        help="Zuora environment: " + ", ".join(member.cli_name for member in Environment),
    )
    where.add_argument("--base-url", metavar="URL", help="any base URL (plain http only for loopback hosts)")
    token.add_argument("--entity-id", metavar="ID", help="Zuora-Entity-Ids: the entity (Multi-entity tenants)")
    token.add_argument("--org-id", action="append", metavar="ID", help="Zuora-Org-Ids (repeatable)")
    token.add_argument("--track-id", metavar="ID", help="Zuora-Track-Id, echoed back by Zuora")
    token.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per-request timeout")
    token.add_argument("--max-retries", type=int, default=2, metavar="N", help="retries of 429/5xx/connection errors")
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
    try:
        return Environment.from_name(name)
    except InvalidRequestError as error:
        raise argparse.ArgumentTypeError(error.message) from None


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
