from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from kotopaikka.access.api import MeApi
from kotopaikka.people import api as people
from kotopaikka.placement import api as placement
from kotopaikka.registry import api as registry
from kotopaikka.reporting.api import StatisticsApi


class ThrottledObtainAuthToken(ObtainAuthToken):
    """Token for a username and password; throttled, and failed attempts lock out (axes)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


urlpatterns = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("persons/", people.PersonListApi.as_view(), name="api-person-list"),
    path(
        "persons/pseudonymised/",
        people.PseudonymisedListApi.as_view(),
        name="api-person-pseudonymised",
    ),
    path("persons/<uuid:person_id>/", people.PersonDetailApi.as_view(), name="api-person-detail"),
    path(
        "persons/<uuid:person_id>/household/",
        people.PersonHouseholdApi.as_view(),
        name="api-person-household",
    ),
    path(
        "persons/<uuid:person_id>/merge/",
        people.PersonMergeApi.as_view(),
        name="api-person-merge",
    ),
    path(
        "persons/<uuid:person_id>/access-log/",
        people.PersonAccessLogApi.as_view(),
        name="api-person-access-log",
    ),
    path("municipalities/", registry.MunicipalityListApi.as_view(), name="api-municipality-list"),
    path(
        "municipalities/<str:code>/",
        registry.MunicipalityDetailApi.as_view(),
        name="api-municipality-detail",
    ),
    path("organisations/", registry.OrganisationListApi.as_view(), name="api-organisation-list"),
    path("statistics/", StatisticsApi.as_view(), name="api-statistics"),
    path("placement/cases/", placement.CaseListApi.as_view(), name="api-case-list"),
    path("placement/cases/import/", placement.CaseImportApi.as_view(), name="api-case-import"),
    path(
        "placement/cases/<uuid:case_id>/", placement.CaseDetailApi.as_view(), name="api-case-detail"
    ),
    path(
        "placement/cases/<uuid:case_id>/proposals/",
        placement.CaseProposalApi.as_view(),
        name="api-case-propose",
    ),
    path("placement/proposals/", placement.ProposalInboxApi.as_view(), name="api-proposal-inbox"),
    path(
        "placement/proposals/<uuid:proposal_id>/decision/",
        placement.ProposalDecisionApi.as_view(),
        name="api-proposal-decide",
    ),
    path(
        "placement/proposals/<uuid:proposal_id>/withdraw/",
        placement.ProposalWithdrawApi.as_view(),
        name="api-proposal-withdraw",
    ),
    path(
        "placement/proposals/<uuid:proposal_id>/placement-decision/",
        placement.PlacementDecisionApi.as_view(),
        name="api-placement-decision",
    ),
    path(
        "placement/proposals/<uuid:proposal_id>/arrival/",
        placement.ArrivalApi.as_view(),
        name="api-arrival",
    ),
    path("placement/moves/", placement.SelfMoveApi.as_view(), name="api-self-move"),
    path(
        "placement/moves/<uuid:notice_id>/resolution/",
        placement.MoveResolutionApi.as_view(),
        name="api-move-resolve",
    ),
    path("placement/usage/", placement.UsageApi.as_view(), name="api-usage"),
    path("placement/agreements/", placement.AgreementApi.as_view(), name="api-agreement"),
]
