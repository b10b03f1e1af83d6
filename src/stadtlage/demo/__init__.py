"""The demo city and the reference data of stadtlage.

* ``baseline``: organisations, working groups, catalogues, report categories, partner series and
  areas – idempotent, also for production (`stadtlage baseline`).
* ``accounts``: demo accounts for every role (demo mode only).
* ``scenario`` / ``rules``: the calibrated story of the inner city since 01.08.2023 (pure numpy).
* ``generator``: writes the scenario month by month in bulk (`stadtlage demo`).

See docs/demo-city.md.
"""
