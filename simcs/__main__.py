"""`python -m simcs` is the `simcs` command."""

from simcs.cli import main

main()
