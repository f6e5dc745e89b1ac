# Generated from templates/runtime/codegen/__init__.py by make generate: edit that file, not this copy.
"""``zuora-oauth generate``: this project's code generator as a product, for every other Zuora module.

It runs the pinned openapi-python-client with the templates that make ``zuora_oauth`` what it is, after fixing the
quirks of real-world OpenAPI documents that would otherwise make the generator drop models or fail, and writes a
pip-installable project that depends on ``zuora-oauth`` at run time. ``--check`` is the drift check for CI.

Nothing here imports the generator, ruamel.yaml or jinja at import time: they come with the ``codegen`` extra
(``pip install 'zuora-oauth[codegen]'``) and are imported only when the command runs, so ``import zuora_oauth``
and ``zuora-oauth token`` stay as light as they were. The entry point is ``zuora_oauth.cli``; the modules here are
private (one job each) and ``run_generate`` in ``_command`` ties them together.
"""
