// The flight page (/flights, signed in): search through GET /api/flights/search, pick an offer
// (its price is re-checked by the API when booking), name the traveller and book with
// POST /api/flights/bookings, which answers the booking reference; then pay for it.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { busy, field, h, show } from "./dom.js";
import { clearProblem, showProblem } from "./problems.js";

export const FLIGHTS_PATH = "/flights";

type Offer = Schemas["FlightOffer"];

const input = (name: string, attributes: Record<string, string> = {}) =>
  h("input", { name, required: true, ...attributes });
const time = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function flightsPage(client: BastionClient): HTMLElement {
  const inDays = (days: number) =>
    new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const origin = input("origin", { value: "LHR", maxlength: "3" });
  const destination = input("destination", { value: "BCN", maxlength: "3" });
  const date = input("departureDate", { type: "date", value: inDays(30) });
  const searchButton = h("button", { type: "submit" }, "Search flights");
  const results = h("ul", { class: "bookings", "aria-label": "Flights" });
  const status = h("p", { class: "hint", role: "status" });
  const bookingArea = h("div", {});
  const form = h(
    "form",
    { class: "card" },
    h("h2", {}, "Flights"),
    field("From (airport code)", origin),
    field("To (airport code)", destination),
    field("Departure date", date),
    h("div", { class: "actions" }, searchButton),
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(
      searchButton,
      async () => {
        clearProblem({ at: status });
        try {
          const found = unwrap(
            await client.api.GET("/api/flights/search", {
              params: {
                query: {
                  origin: origin.value,
                  destination: destination.value,
                  departureDate: date.value,
                },
              },
            }),
          );
          status.textContent = `${found.offers.length} flights`;
          show(results, ...found.offers.map((offer) => offerItem(offer)));
        } catch (error) {
          showProblem(error, { action: "load", at: status });
        }
      },
      "Searching…",
    );
  });

  const offerItem = (offer: Offer) => {
    const choose = h("button", { type: "button", class: "secondary" }, "Choose");
    choose.addEventListener("click", () => show(bookingArea, travellerForm(offer)));
    return h(
      "li",
      {},
      h(
        "p",
        {},
        `${offer.airline}: ${offer.departureAirport} ${time(offer.departureTime)} → ${offer.arrivalAirport} ${time(offer.arrivalTime)}, ${offer.stops === 0 ? "nonstop" : `${offer.stops} stop(s)`}, ${offer.price.toFixed(2)} ${offer.currency}`,
      ),
      choose,
    );
  };

  const travellerForm = (offer: Offer) => {
    const given = input("givenName");
    const family = input("familyName");
    const born = input("dateOfBirth", { type: "date" });
    const nationality = input("nationality", { maxlength: "2", value: "GB" });
    const passport = input("passport");
    const expires = input("passportExpires", { type: "date", value: inDays(1500) });
    const email = input("email", { type: "email" });
    const phone = input("phone", { type: "tel", value: "+44" });
    const bookButton = h("button", { type: "submit" }, "Book this flight");
    const outcome = h("div", { role: "status" });
    const travellers = h(
      "form",
      { class: "card" },
      h("h3", {}, "Traveller (as on the passport)"),
      field("Given names", given),
      field("Family name", family),
      field("Date of birth", born),
      field("Nationality (country code)", nationality),
      field("Passport number", passport),
      field("Passport expiry", expires),
      field("Email", email),
      field("Phone (+…)", phone),
      h("div", { class: "actions" }, bookButton),
      outcome,
    );
    travellers.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(
        bookButton,
        async () => {
          clearProblem({ at: outcome });
          try {
            const booking = unwrap(
              await client.api.POST("/api/flights/bookings", {
                body: {
                  offerToken: offer.offerToken,
                  travelers: [
                    {
                      type: "adult",
                      givenName: given.value,
                      familyName: family.value,
                      gender: "f",
                      dateOfBirth: born.value,
                      nationality: nationality.value,
                      document: { number: passport.value, expiresOn: expires.value },
                    },
                  ],
                  contact: { email: email.value, phone: phone.value },
                },
              }),
            );
            show(
              outcome,
              h(
                "p",
                { class: "notice" },
                `Booked: reference ${booking.reference}, ${booking.price.toFixed(2)} ${booking.currency}, awaiting payment.`,
              ),
            );
          } catch (error) {
            showProblem(error, { action: "book", at: outcome });
          }
        },
        "Booking…",
      );
    });
    return travellers;
  };

  return h("div", {}, form, results, bookingArea);
}
