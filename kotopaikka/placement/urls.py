from django.urls import path

from . import views, views_optimiser

app_name = "placement"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/propose/", views.propose, name="propose"),
    path("cases/<uuid:case_id>/identities/", views.case_identities, name="case_identities"),
    path(
        "cases/<uuid:case_id>/proposals/<uuid:proposal_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "cases/<uuid:case_id>/proposals/<uuid:proposal_id>/decision/",
        views.placement_decision,
        name="placement_decision",
    ),
    path(
        "cases/<uuid:case_id>/proposals/<uuid:proposal_id>/arrival/", views.arrival, name="arrival"
    ),
    path("proposals/", views.inbox, name="inbox"),
    path("proposals/<uuid:proposal_id>/decide/", views.decide, name="decide"),
    path("moves/", views.move_notices, name="moves"),
    path("moves/new/", views.self_move, name="self_move"),
    path("moves/<uuid:notice_id>/resolve/", views.move_resolve, name="move_resolve"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path(
        "agreements/<int:agreement_id>/document/",
        views.agreement_document,
        name="agreement_document",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/send/", views.run_send, name="run_send"),
    path("policy/", views_optimiser.policy_page, name="policy"),
    path("outcome-models/", views_optimiser.outcome_model_list, name="outcome_models"),
    path(
        "outcome-models/<int:version>/",
        views_optimiser.outcome_model_card,
        name="outcome_model",
    ),
]
