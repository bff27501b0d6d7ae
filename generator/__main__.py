"""`python -m generator` is the same CLI as `digest`."""

import sys

try:
    from generator.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python starts: as clean as Ctrl-C later
    print("\ninterrupted; nothing was changed", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
