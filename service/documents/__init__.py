"""Documents: rendering Word templates, converting them to PDF, storing versions."""
