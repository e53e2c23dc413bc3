from earlywords import services


def give(org, **overrides):
    values = {
        "sender": org.leader,
        "workplace_id": org.workplace.pk,
        "subject": "Klage over skolebussen kan komme i lokalavisen",
        "about": "Forældre har skrevet til avisen om forsinkede busser om morgenen.",
        "action": "Vi har talt med busselskabet og skrevet til forældrene.",
        "contact_name": "Skolens leder",
        "contact_phone": "58 57 10 00",
    }
    values.update(overrides)
    return services.early_word_give(**values)
