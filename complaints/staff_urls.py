from django.urls import path

from . import staff_views as views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("queue.csv", views.export_csv, name="export"),
    path("queue/bulk/", views.bulk, name="bulk"),
    path("desk/", views.desk, name="desk"),
    path("desk/dispatch/", views.bulk_dispatch, name="bulk_dispatch"),
    path("area/", views.camat, name="camat"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("walk-in/<str:tracking_code>/", views.walk_in_filed, name="walk_in_filed"),
    path("complaints/<str:tracking_code>/", views.detail, name="detail"),
    path("complaints/<str:tracking_code>/<slug:action>/", views.act, name="act"),
]
