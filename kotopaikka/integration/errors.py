"""Errors of integration services."""

from django.http import Http404


class ClientNotFound(Http404):
    """The client does not exist or is not the actor's to see (never tell which)."""


class GroupNotFound(Http404):
    """The civic orientation group does not exist or is another municipality's."""


class TransferNotFound(Http404):
    """No such move is waiting for the actor's municipality."""
