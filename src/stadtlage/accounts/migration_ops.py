"""Operations for migrations of other apps that touch who may do what (Django permissions).

``rename_permissions`` goes with a ``RenameModel``: Django renames the model's content type
(``contenttypes`` adds a ``RenameContentType`` after the rename) but leaves its permissions under
the old codenames (``view_measure``) and, after the next ``migrate``, creates fresh ones under
the new (``view_implementationmeasure``) that nobody holds. ``has_perm`` asks for the new
codename (the admin, `audit.display`), so groups and users would lose what they were given.
The operation renames the old permissions (codename and name) so that whoever held them keeps
them; where the new ones exist already, the grants move over and the old rows go. A content type
left behind under the old name (a rename Django skipped because of a conflict) is merged into
the new one. Backwards, the codenames go back (the content type is renamed back by Django).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations


def _content_type(apps: Any, db: str, app_label: str, model: str) -> Any:
    types = apps.get_model("contenttypes", "ContentType").objects.using(db)
    return types.filter(app_label=app_label, model=model).first()


def _merge_content_type(apps: Any, db: str, stale: Any, home: Any) -> None:
    """Point what referred to `stale` at `home` and remove `stale` (its permissions moved)."""
    try:
        entries = apps.get_model("admin", "LogEntry").objects.using(db)
    except LookupError:  # the admin is not installed
        pass
    else:
        entries.filter(content_type_id=stale.pk).update(content_type_id=home.pk)
    stale.delete()


def _move_grants(apps: Any, db: str, source: Any, target: Any) -> None:
    """Give `target` to every group and user that holds `source`, then delete `source`."""
    for through, owner in (
        (apps.get_model("auth", "Group").permissions.through, "group_id"),
        (apps.get_model(settings.AUTH_USER_MODEL).user_permissions.through, "user_id"),
    ):
        rows = through.objects.using(db)
        holders = set(rows.filter(permission_id=source.pk).values_list(owner, flat=True))
        holders -= set(rows.filter(permission_id=target.pk).values_list(owner, flat=True))
        rows.bulk_create(
            [through(**{owner: holder, "permission_id": target.pk}) for holder in sorted(holders)]
        )
    source.delete()


def _rename(apps: Any, db: str, app_label: str, names: tuple[str, str], forward: bool) -> None:
    """Permissions of the renamed model from ``names[0]`` codenames to ``names[1]`` ones."""
    old, new = names if forward else names[::-1]
    # Both ways this runs while the model (and its content type) has the new name.
    model = apps.get_model(app_label, names[1])
    home = _content_type(apps, db, app_label, model._meta.model_name)
    stale = _content_type(apps, db, app_label, old) if forward else None
    if home is None and stale is not None:
        stale.model, home, stale = model._meta.model_name, stale, None
        home.save(update_fields=["model"])
    if home is None:
        return  # a fresh database: post_migrate creates the permissions afterwards
    permissions = apps.get_model("auth", "Permission").objects.using(db)
    types = [home.pk] + ([stale.pk] if stale is not None else [])
    for action in model._meta.default_permissions:
        target = permissions.filter(content_type_id=home.pk, codename=f"{action}_{new}").first()
        for source in permissions.filter(
            content_type_id__in=types, codename=f"{action}_{old}"
        ).order_by("pk"):
            if target is None:
                source.content_type_id = home.pk
                source.codename = f"{action}_{new}"
                source.save(update_fields=["content_type", "codename"])
                target = source
            else:
                _move_grants(apps, db, source, target)
        if target is not None:
            target.name = f"Can {action} {model._meta.verbose_name_raw}"[:255]
            target.save(update_fields=["name"])
    if stale is not None:
        _merge_content_type(apps, db, stale, home)
    apps.get_model("contenttypes", "ContentType").objects.clear_cache()


def rename_permissions(app_label: str, old_model: str, new_model: str) -> migrations.RunPython:
    """A reversible operation that moves the permissions of ``old_model`` to ``new_model``
    (model names as in codenames); it runs after the ``RenameModel`` and needs the ``auth``,
    ``contenttypes`` and ``admin`` migrations and the user model among its dependencies. The
    names of the permissions follow the model's verbose name, as Django writes them."""
    names = (old_model.lower(), new_model.lower())

    def forward(apps: Any, schema_editor: Any) -> None:
        _rename(apps, schema_editor.connection.alias, app_label, names, forward=True)

    def backward(apps: Any, schema_editor: Any) -> None:
        _rename(apps, schema_editor.connection.alias, app_label, names, forward=False)

    return migrations.RunPython(forward, backward, elidable=True)
