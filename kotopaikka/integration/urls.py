from django.urls import path

from . import views, views_services

app_name = "integration"

urlpatterns = [
    path("", views.client_list, name="clients"),
    path("queue/", views_services.work_queue, name="queue"),
    path("clients/<uuid:client_id>/", views.client_detail, name="client"),
    path("clients/<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:client_id>/health/", views.client_health, name="client_health"),
    path(
        "clients/<uuid:client_id>/assessment/",
        views_services.assessment_new,
        name="assessment_new",
    ),
    path("clients/<uuid:client_id>/plan/", views_services.plan_new, name="plan_new"),
    path("clients/<uuid:client_id>/plan.pdf", views_services.plan_print, name="plan_pdf"),
    path("clients/<uuid:client_id>/review/", views_services.plan_review, name="plan_review"),
    path(
        "clients/<uuid:client_id>/self-study/",
        views_services.self_study_new,
        name="self_study_new",
    ),
    path("clients/<uuid:client_id>/contact/", views_services.contact_add, name="contact_add"),
    path("clients/<uuid:client_id>/minor/", views_services.minor_support, name="minor_support"),
    path(
        "clients/<uuid:client_id>/transfer/",
        views_services.transfer_request,
        name="transfer_request",
    ),
    path("transfers/", views_services.transfer_list, name="transfers"),
    path(
        "transfers/<uuid:transfer_id>/decide/",
        views_services.transfer_decide,
        name="transfer_decide",
    ),
    path("former/<uuid:client_id>/", views_services.former_client, name="former_client"),
    path("retention/", views_services.retention_page, name="retention"),
    path("guidance/", views_services.guidance_page, name="guidance"),
    path("clients/<uuid:client_id>/waiting/", views_services.waiting_add, name="waiting_add"),
    path("orientation/", views_services.groups, name="groups"),
    path("orientation/<uuid:group_id>/", views_services.group_detail, name="group"),
]
