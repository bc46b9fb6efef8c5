"""``python -m service.documents.kinds > docs/template-fields.md``: write the field reference."""

from __future__ import annotations

import sys

from service.documents.kinds import render_markdown

sys.stdout.write(render_markdown())
