"""Build apdocs' default Word templates from source, reproducibly.

    python -m templates_docx.build_templates            # writes templates_docx/<kind>.docx for every kind
    python -m templates_docx.build_templates --out DIR  # writes them into DIR

One template per document kind in the registry (``service.documents.kinds``), each built by the module of the
same name here (``templates_docx/support_plan.py`` builds ``support_plan.docx``) from the shared look in
``word.py``, and made reproducible by ``package.py``. The .docx files are generated (git-ignored): edit the
builders, not the files. Each template is a docxtpl template: Jinja tags such as ``{{ pupil.display_name }}`` and
``{%tr for s in sessions %}`` filled from the fields listed in docs/template-fields.md. The same bytes come out on
every run (fixed document properties and zip timestamps), so a changed template shows up as a changed checksum.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx.document import Document

from service.documents.kinds import KINDS
from templates_docx.package import reproducible_bytes

HERE = Path(__file__).resolve().parent


def _builder(template: str) -> Callable[[], Document]:
    """The ``build`` of the module named after ``template``: ``support_plan.docx`` is built by
    ``templates_docx/support_plan.py``."""
    return importlib.import_module(f"templates_docx.{Path(template).stem}").build


#: The file name of each kind's default template, and what builds it, in the registry's order.
TEMPLATES: dict[str, Callable[[], Document]] = {kind.template: _builder(kind.template) for kind in KINDS.values()}


def build(out_dir: Path = HERE) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in TEMPLATES.items():
        path = out_dir / name
        path.write_bytes(reproducible_bytes(builder()))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the templates into")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
