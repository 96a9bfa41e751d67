"""Feature packages: one per job (withdrawals, players, disputes, ...).

Each ``features/<name>/__init__.py`` defines ``register(registry: DockRegistry)``; the shell
discovers them (``bo_desktop.shell.features``). A feature is a ``service`` (async calls and domain
logic, no widgets), a ``model`` (Qt item models), a ``panel`` (the dock widget) and ``dialogs``.
Features never import each other: they talk through ``AppContext.requests`` signals.
"""
