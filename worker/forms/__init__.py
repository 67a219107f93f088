"""Every field a person can type, with its French message: WTForms classes with CSRF on
every form, inputs trimmed and Unicode-normalised before validation. ``base`` holds the
form base and the validators; ``wizard`` builds the registration steps' forms from
content/ (no exam is named in code).
"""
