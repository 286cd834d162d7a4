"""Notifications: what happened that concerns me, in the app, by e-mail and as web push."""
