// The MindfulQALB SPA's admin "confirm" (src/pages/AdminPage.tsx confirmBookingWithMeet), played as
// written: PATCH /api/bookings {bookingId} with the admin's token, reading `success`, `meetingUrl`
// and, on failure, `error`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

function adminConfirm(accessToken: string, bookingId: string) {
  return fetch(`${api.url}/api/bookings`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ bookingId }),
  });
}

describe("PATCH /api/bookings as the SPA's admin page calls it", () => {
  it("confirms a hold, and answers success for a booking already confirmed", async () => {
    const admin = await api.signUp({ role: "admin" });
    const customer = await api.signUp();
    const bookingId = await holdBooking(api, customer.accessToken);

    const data = await expectJson(await adminConfirm(admin.accessToken, bookingId), 200);
    expect(data).toEqual({
      success: true,
      bookingId,
      status: "confirmed",
      meetingUrl: null,
      message: "Booking confirmed",
    });
    expect(await expectJson(await adminConfirm(admin.accessToken, bookingId), 200)).toMatchObject({
      success: true,
      status: "confirmed",
      message: "Booking confirmed",
    });
  });

  it("refuses customers, unknown and withdrawn bookings, with the `error` the SPA shows", async () => {
    const admin = await api.signUp({ role: "admin" });
    const customer = await api.signUp();
    const bookingId = await holdBooking(api, customer.accessToken);
    await expectProblem(await adminConfirm(customer.accessToken, bookingId), 403, "forbidden");

    const unknown = await expectProblem(
      await adminConfirm(admin.accessToken, crypto.randomUUID()),
      404,
      "not_found",
    );
    expect(unknown.error).toEqual(expect.any(String));

    expect(
      (await send(api, "DELETE", `/api/bookings/${bookingId}`, { token: customer.accessToken })).ok,
    ).toBe(true);
    const withdrawn = await expectProblem(
      await adminConfirm(admin.accessToken, bookingId),
      409,
      "conflict",
    );
    expect(withdrawn.error).toEqual(expect.any(String));
  });
});
