from django.urls import path

from stadtlage.privacy import views

app_name = "privacy"
urlpatterns = [
    path("verlauf/", views.record_history, name="record_history"),
    path("verlauf.csv", views.record_history_csv, name="record_history_csv"),
]
