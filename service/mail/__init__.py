"""Mail: an outbox of rows sent in the background, by SMTP or as .eml files, and secure links to documents."""
