"""crossdock: retail replenishment from the till's barcode scan to the factory's line."""

from crossdock.errors import CrossdockError

__all__ = ["CrossdockError"]
__version__ = "0.1.0"
