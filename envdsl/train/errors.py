"""`TrainError`: a problem the user caused or can fix (a missing file, a bad
config, an unverified environment). The scripts print its message alone and
exit non-zero; any other exception is a bug and is reported as one."""

from __future__ import annotations


class TrainError(Exception):
    """A user-facing problem; `exit_code` follows the envdsl CLI (1 input errors, 2 usage errors)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
