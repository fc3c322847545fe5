-- booking_change_facts served the reschedule path before change_booking_at (001200) took the
-- whole change into one statement. Nothing calls it, and every function granted to the API roles
-- is something a hostile client can call: an unused one is surface with no purpose.
drop function public.booking_change_facts(uuid, text);
