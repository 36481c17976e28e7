"""Build outputs from rendered pages: the MkDocs site, the PDF handbook."""
