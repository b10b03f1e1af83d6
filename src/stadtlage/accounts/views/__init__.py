"""Pages of the sign-in: password, second factor, own security settings, devices of a team."""

from stadtlage.accounts.views.login import LoginView, LogoutView, lockout

__all__ = ["LoginView", "LogoutView", "lockout"]
