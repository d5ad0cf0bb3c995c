from django.urls import path

from kotopaikka.access import api as access
from kotopaikka.access.api import MeApi
from kotopaikka.integration import api as integration
from kotopaikka.people import api as people
from kotopaikka.placement import api as placement
from kotopaikka.placement import api_runs as placement_runs
from kotopaikka.registry import api as registry
from kotopaikka.reporting.api import StatisticsApi

urlpatterns = [
    path("auth/token/", access.TokenLoginApi.as_view(), name="api-token"),
    path("auth/logout/", access.TokenLogoutApi.as_view(), name="api-logout"),
    path("auth/logout-all/", access.TokenLogoutAllApi.as_view(), name="api-logout-all"),
    path("auth/tokens/", access.TokenListApi.as_view(), name="api-token-list"),
    path("auth/tokens/<uuid:token_id>/", access.TokenDetailApi.as_view(), name="api-token-detail"),
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
    path("integration/clients/", integration.ClientListApi.as_view(), name="api-client-list"),
    path(
        "integration/clients/<uuid:client_id>/",
        integration.ClientDetailApi.as_view(),
        name="api-client-detail",
    ),
    path(
        "integration/clients/<uuid:client_id>/assessments/",
        integration.AssessmentApi.as_view(),
        name="api-client-assessments",
    ),
    path(
        "integration/clients/<uuid:client_id>/plans/",
        integration.PlanApi.as_view(),
        name="api-client-plans",
    ),
    path(
        "integration/clients/<uuid:client_id>/reviews/",
        integration.ReviewApi.as_view(),
        name="api-client-reviews",
    ),
    path(
        "integration/clients/<uuid:client_id>/contacts/",
        integration.ContactApi.as_view(),
        name="api-client-contacts",
    ),
    path(
        "integration/clients/<uuid:client_id>/transfers/",
        integration.TransferApi.as_view(),
        name="api-client-transfers",
    ),
    path(
        "integration/transfers/<uuid:transfer_id>/decision/",
        integration.TransferDecisionApi.as_view(),
        name="api-transfer-decision",
    ),
    path("integration/queue/", integration.WorkQueueApi.as_view(), name="api-work-queue"),
    path(
        "integration/orientation/groups/",
        integration.GroupListApi.as_view(),
        name="api-group-list",
    ),
    path(
        "integration/orientation/groups/<uuid:group_id>/participants/",
        integration.GroupParticipantsApi.as_view(),
        name="api-group-participants",
    ),
    path(
        "integration/orientation/groups/<uuid:group_id>/sessions/",
        integration.GroupSessionApi.as_view(),
        name="api-group-sessions",
    ),
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
    path("placement/runs/", placement_runs.RunListApi.as_view(), name="api-run-list"),
    path(
        "placement/runs/<uuid:run_id>/",
        placement_runs.RunDetailApi.as_view(),
        name="api-run-detail",
    ),
    path(
        "placement/runs/<uuid:run_id>/send/",
        placement_runs.RunSendApi.as_view(),
        name="api-run-send",
    ),
]
