"""`python -m generator` is the same CLI as `digest`."""

import os
import sys

try:
    from generator.cli import entry, interrupted, leave
except KeyboardInterrupt:  # Ctrl-C while Python starts: as clean as Ctrl-C later
    print("\ninterrupted; nothing was changed", file=sys.stderr)
    sys.stderr.flush()
    os._exit(130)

try:
    entry()
except KeyboardInterrupt:  # in the instant between the import and main()
    leave(interrupted())
