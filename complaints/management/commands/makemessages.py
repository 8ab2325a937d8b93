from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages without fuzzy guesses: a wrong guess would show in the UI."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
