"""`python -m npqplan` runs the command-line interface."""

from npqplan.cli import main

main()
