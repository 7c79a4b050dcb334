"""Opens a Word file with python-docx and prints what a reader finds in it, as JSON.

python-docx refuses a package that is not valid OOXML (missing parts, bad relationships,
unparsable XML), so a successful run is itself the check that the file opens.
usage: read_docx.py FILE.docx
"""

import json
import sys

import docx


def main(path):
    document = docx.Document(path)
    body = []
    # Paragraphs and tables in document order.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            body.append(
                {
                    "kind": "paragraph",
                    "style": paragraph.style.name if paragraph.style is not None else None,
                    "text": paragraph.text,
                    "bold": [run.text for run in paragraph.runs if run.bold],
                    "italic": [run.text for run in paragraph.runs if run.italic],
                }
            )
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            body.append(
                {
                    "kind": "table",
                    "rows": [[cell.text for cell in row.cells] for row in table.rows],
                }
            )
    section = document.sections[0]
    footer_xml = section.footer._element.xml
    print(
        json.dumps(
            {
                "body": body,
                "header": [p.text for p in section.header.paragraphs],
                "footer": [p.text for p in section.footer.paragraphs],
                "footerFields": [
                    field
                    for field in ("PAGE", "NUMPAGES")
                    if f'w:instr="{field}' in footer_xml or f">{field}<" in footer_xml
                    or f" {field} " in footer_xml
                ],
                "pageWidthInches": section.page_width.inches,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
