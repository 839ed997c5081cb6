"""``python -m csms.optimizer <problem> [--out result.json]``: same as ``python -m csms optimize``."""

import sys

from csms.optimizer.cli import main

raise SystemExit(main(sys.argv[1:]))
