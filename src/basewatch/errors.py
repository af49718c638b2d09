"""The error tree of basewatch.

::

    BasewatchError
     ├── ImportFormatError (ValueError)   a file is malformed: names the file, line/feature, fault
     ├── ValidationError (ValueError)     a record breaks a rule of the model
     ├── NotFoundError (LookupError)      a site, place, faction or date that is not in the store
     ├── AmbiguousNameError (LookupError) a name that matches several records
     └── StoreError (OSError)             the store cannot be opened, is locked or is not ours

Faces (CLI, API) turn these into exit codes and HTTP 4xx; any other exception is a bug.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousNameError",
    "BasewatchError",
    "ImportFormatError",
    "NotFoundError",
    "StoreError",
    "ValidationError",
]


class BasewatchError(Exception):
    """Root of all errors that basewatch raises on purpose."""


class ImportFormatError(BasewatchError, ValueError):
    """An input file is malformed; the message names the file, the line or feature, and the fault."""


class ValidationError(BasewatchError, ValueError):
    """A record breaks a rule of the domain model."""


class NotFoundError(BasewatchError, LookupError):
    """A named thing (site, place, faction, date) is not in the store."""


class AmbiguousNameError(BasewatchError, LookupError):
    """A name matches more than one record; the message lists them."""


class StoreError(BasewatchError, OSError):
    """The store cannot be opened or written."""
