from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="accounts_home"),
    path("register/", views.register, name="register"),
    path("my-complaints/", views.my_complaints, name="my_complaints"),
]
