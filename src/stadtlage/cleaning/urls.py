"""The EDG queue of cleaning tasks under /reinigung/."""

from django.urls import path

from stadtlage.cleaning import views

app_name = "cleaning"

urlpatterns = [
    path("", views.queue_list, name="queue"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/foto.jpg", views.task_photo, name="photo"),
    path("<int:task_id>/<slug:action>/", views.task_action, name="action"),
]
