"""`python -m envdsl …`: the same as the `envdsl` command."""

from envdsl.cli import entry

entry()
