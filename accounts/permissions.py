import rules

from organisation.permissions import is_administrator

rules.add_perm("accounts.invite_people", is_administrator)
