"""4 · Delivery: subscriptions (email addresses, webhook URLs) and the outbox drained to them.

``subscriptions`` is the one writer of subscriptions; ``outbox`` the one writer of deliveries,
filled in the transaction that issues a notice; ``drain`` is the ``deliver`` job, which sends
what is due over ``mail`` (SMTP) and ``webhooks`` (Standard Webhooks) and marks it.
"""
