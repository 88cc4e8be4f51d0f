"""Named targets: where the systems under test are, their health checks, and servers
a suite starts for them."""

from sitewise.targets.model import StartedTargets, TargetError, Targets

__all__ = ["StartedTargets", "TargetError", "Targets"]
