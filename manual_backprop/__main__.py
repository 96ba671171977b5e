"""``python -m manual_backprop``: the command line (see :mod:`manual_backprop.cli`)."""

from .cli import main

raise SystemExit(main())
