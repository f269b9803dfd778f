"""Exceptions that end a run with one sentence for the user (never a stack trace)."""


class SyncError(Exception):
    """Base class: the message is a complete sentence meant for the user."""


class ConfigError(SyncError):
    """Bad configuration, missing credentials, or a field check failed: nothing was written."""


class SyncStopped(SyncError):
    """The run stopped early (API limits, auth, retries exhausted); what succeeded is kept."""
