"""The sandbox platform: a FastAPI server implementing API v1 with synthetic casino data.

The client never imports from here (only ``bo_desktop.contract``); the composition root
(``bo_desktop.app``) may start it in-process for ``bo-desktop --sandbox``.
"""
