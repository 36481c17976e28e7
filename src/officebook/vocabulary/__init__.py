"""The vocabulary every stage shares, below them all: kinds, the schemas, output labels and date
formats, the URL and text policy.

Modules here import nothing of officebook but each other and the bottom helpers (`i18n`,
`textlinks`); every stage (load, validate, link, outline, render, build) and every tool (diff,
export, xlsx, search) imports from here, never from a stage above its own.
"""
