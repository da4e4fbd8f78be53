from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/reactions/", views.reactions, name="reactions"),
]
