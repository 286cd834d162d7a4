"""makemessages that also extracts strings marked with ``_g``.

Modules that need both the lazy ``_`` (for definitions) and an immediate gettext (for text
rendered at run time in the recipient's language) import the latter as ``_g``; xgettext
must know that name, or those strings never reach the catalog.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_g"]
