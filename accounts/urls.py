from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

urlpatterns = [
    # Before django.contrib.auth.urls in the site's URLs: this log-in has the lockout's message.
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("", views.home, name="accounts_home"),
    path("register/", views.register, name="register"),
    path("my-complaints/", views.my_complaints, name="my_complaints"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
]
