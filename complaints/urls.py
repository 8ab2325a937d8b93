from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.home, name="home"),
    path("complaints/", views.complaint_list, name="list"),
    path("track/", views.track, name="track"),
    path("map/", views.public_map, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
    path("notifications/", views.inbox, name="inbox"),
    path("complaints/<str:tracking_code>/", views.detail, name="detail"),
    path("complaints/<str:tracking_code>/filed/", views.filed, name="filed"),
    path("complaints/<str:tracking_code>/photos/", views.add_photo, name="add_photo"),
    path("complaints/<str:tracking_code>/support/", views.support, name="support"),
    path(
        "complaints/<str:tracking_code>/photos/<slug:token>/<slug:size>/",
        views.photo,
        name="photo",
    ),
    path("complaints/<str:tracking_code>/<slug:action>/", views.reporter_act, name="reporter_act"),
]
