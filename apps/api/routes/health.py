"""GET /api/health: is this origin up, and which one is it."""

from fastapi import APIRouter

from apps.api.deps import ConfigDep
from apps.api.models import Health

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(config: ConfigDep) -> Health:
    return Health(app=config.app)
