// The calls that change a booking, shared by the booking form and "My bookings".
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { type GuestAccess, guestHeaders } from "./checkout.js";

type Booking = Schemas["Booking"];

/** Texts about the booking (reminders included) to its phone number, or no more texts. */
export async function setSmsReminders(
  client: BastionClient,
  id: string,
  on: boolean,
): Promise<Booking> {
  return unwrap(
    await client.api.PUT("/api/bookings/{id}", {
      params: { path: { id } },
      body: { smsReminders: on },
    }),
  );
}

/** Moves the booking to another free time (a date and a time label from the availability). */
export async function rescheduleBooking(
  client: BastionClient,
  id: string,
  date: string,
  time: string,
  guest?: GuestAccess,
): Promise<Booking> {
  return unwrap(
    await client.api.PUT("/api/bookings/{id}", {
      params: { path: { id } },
      body: { date, time },
      headers: guestHeaders(guest),
    }),
  );
}

/** A hold is withdrawn; a confirmed booking is cancelled under the practice's policy. */
export async function cancelBooking(
  client: BastionClient,
  booking: Booking,
  guest?: GuestAccess,
): Promise<Booking> {
  const params = { path: { id: booking.id } };
  const headers = guestHeaders(guest);
  if (booking.status === "held") {
    return unwrap(await client.api.DELETE("/api/bookings/{id}", { params, headers }));
  }
  return unwrap(await client.api.POST("/api/bookings/{id}/cancel", { params, body: {}, headers }));
}
