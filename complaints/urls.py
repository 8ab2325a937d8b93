from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.home, name="home"),
    path("complaints/", views.complaint_list, name="list"),
    path("track/", views.track, name="track"),
    path("notifications/", views.inbox, name="inbox"),
    path("complaints/<str:tracking_code>/", views.detail, name="detail"),
    path("complaints/<str:tracking_code>/filed/", views.filed, name="filed"),
    path("complaints/<str:tracking_code>/photos/", views.add_photo, name="add_photo"),
    path(
        "complaints/<str:tracking_code>/photos/<slug:token>/<slug:size>/",
        views.photo,
        name="photo",
    ),
    path("complaints/<str:tracking_code>/<slug:action>/", views.reporter_act, name="reporter_act"),
]
