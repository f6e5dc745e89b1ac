"""``python -m zuora_oauth`` runs the ``zuora-oauth`` command line."""

import sys

from .cli import main

sys.exit(main())
