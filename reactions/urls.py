from django.urls import path

from reactions import views

app_name = "reactions"

urlpatterns = [
    path("articles/<slug:slug>/reactions/", views.toggle, name="toggle"),
]
