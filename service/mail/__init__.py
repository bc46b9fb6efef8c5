"""Mail: an outbox of rows sent in the background, by SMTP or as .eml files, and secure links to documents.

A feature queues a message with ``outbox.queue_message`` (recipients checked by ``addresses``; the links and
codes it carries as ``message_secrets`` placeholders, secure document links from ``links``); ``delivery``
claims and sends it through a ``transports`` transport, with the email built by ``compose``; ``services`` is
what the outbox pages show and do; ``settings`` is read by all of them.
"""
