"""Signals other apps listen to (connected in their AppConfig.ready())."""

from django.dispatch import Signal

# Sent with `user` after a user is deactivated: whatever lets them in must end for good.
user_deactivated = Signal()
