#!/usr/bin/env python3
"""Prints an HTML report to PDF in headless Chromium and checks, with pdftotext, that every column header of every
table is on the printed pages (a column cut off at the page's right edge is lost on paper).

Usage: check_html_pdf.py PAGE.html [CHROMIUM]   (CHROMIUM default: chromium; pdftotext from poppler-utils)
Exit 0 when every header is printed; 1 naming each header that is not; 2 when a tool is missing or fails.

A header that wraps inside its cell prints as its words on several lines, with the other cells' words between
them: each header's words must be found in the page text in order, within 80 words of its first word.
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile


class Headers(html.parser.HTMLParser):
    """The text of every <th>, per <table>, in document order."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "th":
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "th" and self.cell is not None:
            text = " ".join(self.cell.split())
            if text and self.tables:
                self.tables[-1].append(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def words(text):
    # pdftotext may split a word at a hyphen or an opening parenthesis when the cell wraps.
    return [w for w in re.split(r"[\s()\-]+", text) if w]


def in_order(needle, haystack, window=80):
    """True when the words of `needle` occur in `haystack` (a word list) in order, within `window` words of the
    first (a wrapped header's lines are interleaved with its neighbours' lines, not pages apart)."""
    for start, w in enumerate(haystack):
        if w != needle[0]:
            continue
        i = 1
        for x in haystack[start + 1:start + window]:
            if i < len(needle) and x == needle[i]:
                i += 1
        if i == len(needle):
            return True
    return False


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    page = os.path.abspath(sys.argv[1])
    chromium = sys.argv[2] if len(sys.argv) > 2 else "chromium"
    for tool in (chromium, "pdftotext"):
        if shutil.which(tool) is None:
            print(f"check_html_pdf: {tool} is not installed (Debian: chromium, poppler-utils)", file=sys.stderr)
            return 2
    parser = Headers()
    with open(page, encoding="utf-8") as f:
        parser.feed(f.read())
    tables = [t for t in parser.tables if t]
    if not tables:
        print(f"check_html_pdf: {page} has no table headers", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pdf, txt = os.path.join(tmp, "page.pdf"), os.path.join(tmp, "page.txt")
        run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                              f"--user-data-dir={tmp}/profile", f"--print-to-pdf={pdf}", "file://" + page],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0 or not os.path.exists(pdf):
            print(f"check_html_pdf: chromium failed ({run.returncode}): {run.stderr[-2000:]}", file=sys.stderr)
            return 2
        subprocess.run(["pdftotext", pdf, txt], check=True)
        with open(txt, encoding="utf-8") as f:
            printed = words(f.read())
        pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    missing = []
    for n, headers in enumerate(tables, 1):
        for h in headers:
            w = words(h)
            if not in_order(w, printed):
                missing.append(f"table {n}: '{h}'")
    count = sum(len(t) for t in tables)
    pages = re.search(r"Pages:\s+(\d+)", pages)
    where = f"{pages.group(1)} landscape pages" if pages else "the pages"
    if missing:
        print(f"check_html_pdf: {len(missing)} of {count} column headers are not on {where} of {page}:", file=sys.stderr)
        for m in missing:
            print("  " + m, file=sys.stderr)
        return 1
    print(f"check_html_pdf: all {count} column headers of {len(tables)} tables are on {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
