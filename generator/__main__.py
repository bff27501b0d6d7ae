"""`python -m generator` is the same CLI as `digest`."""

import sys

from generator.cli import main

sys.exit(main())
