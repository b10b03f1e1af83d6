from django.urls import path

from stadtlage.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("neu/", views.evaluation_create, name="create"),
    path("nicht-moeglich/", views.not_possible, name="not_possible"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/design/", views.design_edit, name="design"),
    path("<int:pk>/festlegen/", views.design_freeze, name="freeze"),
    path("<int:pk>/aendern/", views.design_revise, name="revise"),
    path("<int:pk>/auswerten/", views.evaluation_compute, name="compute"),
]
