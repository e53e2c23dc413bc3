"""The database holds booking capacity and member overlap (issue 15, point 6).

visit_book and visit_move (meetings/services.py) already lock the visit time and check
both; these PostgreSQL triggers hold the same two rules for every write, whatever
writes (the admin, a shell, a future service with a bug):

- capacity: an active booking is refused when the visit time's active bookings would
  exceed its capacity; a capacity lowered below the active bookings is refused;
- overlap: a member's active booking is refused when another active booking of the same
  member overlaps it in time (the visit times' ranges, compared in UTC).

They are constraint triggers, deferred to the commit (a move creates the new booking
before it marks the old one moved). They lock the visit time row and take a
transaction-scoped advisory lock on the member, so two concurrent bookings see each
other. A refusal is an IntegrityError at the commit (SQLSTATE 23514 check_violation /
23P01 exclusion_violation), which the services never meet because they check first.

SQLite has no such triggers here: there the services' checks are the only guard (a
system check says so, portal/checks.py; README, "What the database guarantees").

Reversible: backwards drops the triggers and their functions; no data changes.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION meetings_booking_guard() RETURNS trigger AS $$
DECLARE
    booking meetings_booking%ROWTYPE;
    slot_row meetings_visitslot%ROWTYPE;
    taken integer;
BEGIN
    -- Deferred to the commit: read the row as it is then (a move marks the old booking
    -- moved after creating the new one, in the same transaction).
    SELECT * INTO booking FROM meetings_booking WHERE id = NEW.id;
    IF NOT FOUND OR booking.status <> 'booked' THEN
        RETURN NULL;
    END IF;
    SELECT * INTO slot_row FROM meetings_visitslot WHERE id = booking.slot_id FOR UPDATE;
    PERFORM pg_advisory_xact_lock(726300, booking.member_id::integer);
    SELECT count(*) INTO taken FROM meetings_booking WHERE slot_id = booking.slot_id AND status = 'booked';
    IF taken > slot_row.capacity THEN
        RAISE EXCEPTION 'visit time % is full (capacity %)', booking.slot_id, slot_row.capacity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booking_within_capacity';
    END IF;
    IF EXISTS (
        SELECT 1 FROM meetings_booking b JOIN meetings_visitslot o ON o.id = b.slot_id
        WHERE b.member_id = booking.member_id AND b.status = 'booked' AND b.id <> booking.id
          AND o.starts_at < slot_row.ends_at AND o.ends_at > slot_row.starts_at
    ) THEN
        RAISE EXCEPTION 'member % already has a visit overlapping visit time %', booking.member_id, booking.slot_id
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'booking_member_no_overlap';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER meetings_booking_guard
    AFTER INSERT OR UPDATE OF status, slot_id, member_id ON meetings_booking
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION meetings_booking_guard();

CREATE OR REPLACE FUNCTION meetings_visitslot_capacity_guard() RETURNS trigger AS $$
BEGIN
    IF (SELECT count(*) FROM meetings_booking WHERE slot_id = NEW.id AND status = 'booked')
        > (SELECT capacity FROM meetings_visitslot WHERE id = NEW.id) THEN
        RAISE EXCEPTION 'visit time % has more active bookings than its capacity', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booking_within_capacity';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER meetings_visitslot_capacity_guard
    AFTER UPDATE OF capacity ON meetings_visitslot
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION meetings_visitslot_capacity_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS meetings_visitslot_capacity_guard ON meetings_visitslot;
DROP FUNCTION IF EXISTS meetings_visitslot_capacity_guard();
DROP TRIGGER IF EXISTS meetings_booking_guard ON meetings_booking;
DROP FUNCTION IF EXISTS meetings_booking_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_text_bounds")]

    operations = [migrations.RunPython(forwards, backwards)]
