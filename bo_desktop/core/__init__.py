"""Qt-free services the features build on: the platform API client, the reference cache, workers.

``core`` depends only on ``bo_desktop.contract``. The two Qt-aware modules are ``events`` (the
in-process event bus, a QObject with signals) and ``workers`` (runs blocking work off the Qt thread;
it uses no Qt itself but exists for the Qt thread's sake).
"""
