"""Notifications: the outbox, SMS and e-mail senders, webhooks."""
