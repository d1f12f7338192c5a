"""``khuyencong template KIND --out FILE``: write a kind's import template (.xlsx or .csv by the
file's extension); ``--reference docs/import.md`` writes the column reference of every kind."""

from django.core.management.base import BaseCommand, CommandError

from khuyencong.exchange.kinds import KINDS, get_kind
from khuyencong.exchange.templates_xlsx import column_reference, template_csv, template_xlsx


class Command(BaseCommand):
    help = "Write the import template of a kind of data (Excel or CSV), or the column reference."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="one of: " + ", ".join(KINDS))
        parser.add_argument("--out", help="file to write (.xlsx or .csv)")
        parser.add_argument("--reference", help="write the column reference (Markdown) to this file")

    def handle(self, *args, **options):
        from django.utils import translation

        translation.activate("vi")
        if options["reference"]:
            with open(options["reference"], "w", encoding="utf-8") as handle:
                handle.write(column_reference())
            self.stdout.write(options["reference"])
            return
        kind = get_kind(options["kind"])
        if kind is None:
            raise CommandError(f"Loại dữ liệu không có: {options['kind']!r}. Có: {', '.join(KINDS)}")
        out = options["out"] or f"mau-{kind.key}.xlsx"
        content = template_csv(kind) if out.lower().endswith(".csv") else template_xlsx(kind)
        with open(out, "wb") as handle:
            handle.write(content)
        self.stdout.write(out)
