"""``makemessages`` without fuzzy matching: a new string is left untranslated (and the catalogue
test fails) instead of silently receiving the translation of a similar old string."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
