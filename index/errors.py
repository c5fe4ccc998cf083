"""Domain errors of the index library; the CLI and the server translate them at their edges."""


class IndexError_(Exception):
    """Base class: something about the corpus, the model or an index is wrong."""


class EmptyCorpusError(IndexError_):
    """The corpus folder holds no readable document."""


class UnreadableDocumentError(IndexError_):
    """A document exists but cannot be read or decoded."""


class ModelNotFoundError(IndexError_):
    """The embedding model folder is missing or is not a sentence-transformers model."""


class IndexNotFoundError(IndexError_):
    """No built index is where one was expected."""


class CorruptIndexError(IndexError_):
    """An index exists but its files are missing, altered or inconsistent."""


class BuildInProgressError(IndexError_):
    """Another build of the same index folder is running."""


class BuildCancelledError(IndexError_):
    """A build was asked to stop before it wrote its version; nothing of it is live or half-written."""


class ModelMismatchError(IndexError_):
    """An index was built with another embedding model than the one configured."""


class BuildFailedError(IndexError_):
    """A build could not finish (a full disk, a failed write); nothing of it is live or half-written."""
