"""DRF's own messages that its Finnish and Swedish catalogues lack (DRF 3.18: 30 of 125
entries each), listed so that `makemessages` puts them into ours, which take precedence
(`LOCALE_PATHS`). Without them a Swedish request got "Not a valid string." and "Must be a valid
boolean." in English. The msgids must stay exactly DRF's: `tests/test_api_input.py` checks that
every message the API's fields and errors can produce is translated in fi and sv.

Nothing imports the names below; the module exists for the catalogue.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = (
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Invalid input."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Datetime value out of range."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
)
