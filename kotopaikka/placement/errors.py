"""Errors of the placement domain."""

from django.http import Http404


class CaseNotFound(Http404):
    """The case does not exist or is outside the actor's scope (never tell which)."""


class ProposalNotFound(Http404):
    """The proposal does not exist or is not the actor's to act on."""


class MoveNoticeNotFound(Http404):
    """The move notice does not exist or is not the actor's to see."""
