"""Leadership dashboard (staff) and public statistics; included at the site root."""

from django.urls import path

from . import dashboard_views as views

app_name = "dashboard"
urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="home"),
    path("staff/dashboard/data/<slug:name>.json", views.chart_data, name="data"),
    path("staff/dashboard/report.<str:fmt>", views.export, name="export"),
    path("staff/dashboard/report/", views.report, name="report"),
    path("statistik/", views.public_stats, name="public"),
]
