from django.urls import path

from stadtlage.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.register_page, name="register"),
    path("verzeichnis.md", views.register_md, name="register_md"),
    path("verzeichnis.pdf", views.register_pdf_view, name="register_pdf"),
    path("verlauf/", views.record_history, name="record_history"),
    path("verlauf.csv", views.record_history_csv, name="record_history_csv"),
]
