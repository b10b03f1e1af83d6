from django.urls import path

from stadtlage.home import views

app_name = "home"
urlpatterns = [path("", views.start, name="start")]
