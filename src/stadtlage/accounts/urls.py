from django.urls import path

from stadtlage.accounts import views
from stadtlage.accounts.views import second_factor, sso, team

app_name = "accounts"
urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.LogoutView.as_view(), name="logout"),
    path("zweiter-faktor/", second_factor.second_factor, name="second_factor"),
    path("zweiter-faktor/einrichten/", second_factor.enrol, name="enrol"),
    path(
        "zweiter-faktor/wiederherstellungscodes/",
        second_factor.recovery_codes,
        name="recovery_codes",
    ),
    path("sicherheit/", second_factor.security, name="security"),
    path(
        "sicherheit/faktor/<str:kind>/<int:pk>/entfernen/",
        second_factor.remove_device,
        name="remove_device",
    ),
    path(
        "sicherheit/geraet/<int:pk>/abmelden/",
        second_factor.sign_out_own_device,
        name="sign_out_own_device",
    ),
    path("geraete/", team.team_devices, name="team_devices"),
    path("sso/<slug:slug>/", sso.sso_start, name="sso_start"),
    path("sso/<slug:slug>/zurueck/", sso.sso_callback, name="sso_callback"),
]
