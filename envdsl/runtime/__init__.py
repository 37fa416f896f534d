"""The runtime every later stage calls: load a compiled environment, call its
tools atomically, hash, diff, snapshot and reset its state.

    from envdsl.runtime import Environment
    env = Environment.load("compiled/travel/airline")
"""

from envdsl.runtime.compiled import LoadError
from envdsl.runtime.environment import Environment, Snapshot, ToolResult

__all__ = ["Environment", "LoadError", "Snapshot", "ToolResult"]
