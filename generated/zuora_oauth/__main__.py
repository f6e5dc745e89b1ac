# Generated from templates/runtime/__main__.py by make generate: edit that file, not this copy.
"""``python -m zuora_oauth`` runs the ``zuora-oauth`` command line."""

import sys

from .cli import main

sys.exit(main())
