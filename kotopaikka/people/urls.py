from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.csv", views.person_export, name="export"),
    path("pseudonymised/", views.pseudonymised_list, name="pseudonymised"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("merges/", views.merges, name="merges"),
    path("merges/<uuid:merge_id>/unmerge/", views.unmerge, name="unmerge"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_id>/delete/", views.person_delete, name="delete"),
    path("<uuid:person_id>/household/", views.household_link, name="household_link"),
    path("<uuid:person_id>/household/leave/", views.household_unlink, name="household_unlink"),
    path("<uuid:person_id>/access-log/", views.person_access_log, name="access_log"),
    path("<uuid:person_id>/merge/", views.merge, name="merge"),
]
