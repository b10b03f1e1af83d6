"""Access-log classification of the start page (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import logged, public, register

register(
    {
        # Staff see panels; panels that list records log themselves with their data domain,
        # every other staff start page (e.g. the latest audit events of the administration)
        # is logged as a read of the start page.
        "home:start": logged("home.start"),
        "home:favicon": public("Symbol der Website"),
    }
)
