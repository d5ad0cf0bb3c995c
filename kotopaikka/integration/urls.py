from django.urls import path

from . import views

app_name = "integration"

urlpatterns = [
    path("", views.client_list, name="clients"),
    path("clients/<uuid:client_id>/", views.client_detail, name="client"),
    path("clients/<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:client_id>/health/", views.client_health, name="client_health"),
]
