"""The exception tree.

Three families, kept apart so that a report never blames the contract for a network problem:

- ``UsageError``: the user's input is wrong (bad option, malformed contract, cassette, profile).
  The CLI exits 2.
- ``TargetError``: the system under test could not be reached or refused us before the contract
  could be judged (DNS, TLS, timeout, missing credentials). Tests report it as *broken*.
- Contract violations are not exceptions at all: they are ``Finding`` values.
"""

from __future__ import annotations

__all__ = [
    "B2BConformError",
    "ContractLoadError",
    "InputFileError",
    "MissingCredentialsError",
    "TargetError",
    "UsageError",
]


class B2BConformError(Exception):
    """Base of every error the harness raises on purpose."""


class UsageError(B2BConformError):
    """The caller asked for something that cannot be done as asked."""


class InputFileError(UsageError):
    """A file we were given cannot be used; says which file, where, and what was expected."""

    def __init__(self, path: str, problem: str, *, location: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.location = location
        where = f"{path}:{location}" if location else path
        super().__init__(f"{where}: {problem}")


class ContractLoadError(InputFileError):
    """A contract file (spec, rules, examples) is malformed."""


class TargetError(B2BConformError):
    """The target could not be exercised: an infrastructure problem, not a contract finding."""


class MissingCredentialsError(TargetError):
    """A live target needs credentials that the environment does not provide."""

    def __init__(self, profile: str, variables: list[str]) -> None:
        self.profile = profile
        self.variables = variables
        names = ", ".join(variables)
        super().__init__(
            f"target profile {profile!r} needs credentials from environment variables that are not set: "
            f"{names}. Export them (values are never written to disk or output) and run again."
        )
