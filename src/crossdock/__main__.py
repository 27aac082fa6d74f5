"""``python -m crossdock`` runs the command line."""

from crossdock.cli import main

main()
