"""The form of an account made from FranceConnect: only what FranceConnect does not give."""

from __future__ import annotations

from wtforms import StringField

from worker.forms.base import PortailForm, max_length


class UsualNameForm(PortailForm):
    """The nom d'usage: the other identity fields are the State's record, locked."""

    usual_name = StringField("Nom d'usage", validators=[max_length(80)])
