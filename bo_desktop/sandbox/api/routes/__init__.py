"""One APIRouter per domain; ``bo_desktop.sandbox.api.app.ROUTERS`` mounts them under /api/v1."""
