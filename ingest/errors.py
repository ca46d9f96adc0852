"""The vnqa exception hierarchy; front-ends turn these into user messages."""


class VnqaError(Exception):
    """Base class for every error vnqa reports to a user."""


class ConfigError(VnqaError):
    """A setting is missing or invalid."""


class InputError(VnqaError):
    """An input file, line or query cannot be used."""


class ModelError(VnqaError):
    """An embedding or language model cannot be loaded or run."""


class StoreError(VnqaError):
    """The vector or lexical store cannot be opened or written."""
