// A network-level fake of the part of Kiwi.com's Tequila API that Bastion calls, pointed at with
// KIWI_API_URL: GET /v2/search and GET /v2/booking/check_flights, behind the `apikey` header
// (401 without it), answering gzip-compressed JSON when asked for gzip (as Tequila does). Each
// search answers three itineraries for the route and dates asked, in the asked currency
// (`curr`), with a booking_token the fake remembers; check_flights answers that itinerary's
// current price, which a test moves with setPrice() or withdraws with invalidate().
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeKiwiRequest {
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  acceptEncoding: string | null;
}

interface Itinerary {
  token: string;
  from: string;
  to: string;
  departs: number;
  price: number;
  currency: string;
  invalid: boolean;
}

export interface FakeKiwi {
  url: string;
  requests: FakeKiwiRequest[];
  /** Search requests only. */
  searches(): FakeKiwiRequest[];
  /** The booking_token's price from now on (major units). */
  setPrice(bookingToken: string, price: number): void;
  invalidate(bookingToken: string): void;
  /** Every booking_token the fake has answered, newest last. */
  tokens(): string[];
  close(): Promise<void>;
}

const fromTequilaDate = (text: string) => {
  const [d, m, y] = text.split("/");
  return Date.parse(`${y}-${m}-${d}T00:00:00Z`);
};

export async function startFakeKiwi(apiKey: string): Promise<FakeKiwi> {
  const requests: FakeKiwiRequest[] = [];
  const itineraries = new Map<string, Itinerary>();

  const json = (request: Request, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    if (request.headers.get("accept-encoding")?.includes("gzip")) {
      return new Response(gzipSync(text), {
        status,
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      });
    }
    return new Response(text, { status, headers: { "content-type": "application/json" } });
  };

  const route = (it: Itinerary) => [
    {
      flyFrom: it.from,
      flyTo: it.to,
      utc_departure: new Date(it.departs).toISOString(),
      utc_arrival: new Date(it.departs + 150 * 60_000).toISOString(),
      airline: "FR",
      flight_no: 1234,
      return: 0,
    },
  ];

  function search(request: Request, query: Record<string, string>) {
    const day = fromTequilaDate(query.date_from ?? "");
    const currency = query.curr ?? "EUR";
    const data = [0, 1, 2].map((n) => {
      const it: Itinerary = {
        token: `kiwi_${randomBytes(24).toString("base64url")}`,
        from: query.fly_from ?? "",
        to: query.fly_to ?? "",
        departs: day + (7 + n * 3) * 3_600_000,
        price: 89.5 + n * 20,
        currency,
        invalid: false,
      };
      itineraries.set(it.token, it);
      return {
        id: `${it.token.slice(5, 13)}_${n}`,
        flyFrom: it.from,
        flyTo: it.to,
        cityFrom: "From",
        cityTo: "To",
        countryFrom: { code: "GB", name: "United Kingdom" },
        countryTo: { code: "ES", name: "Spain" },
        local_departure: new Date(it.departs).toISOString(),
        utc_departure: new Date(it.departs).toISOString(),
        local_arrival: new Date(it.departs + 150 * 60_000).toISOString(),
        utc_arrival: new Date(it.departs + 150 * 60_000).toISOString(),
        duration: { departure: 9000, return: 0, total: 9000 },
        price: it.price,
        conversion: { EUR: it.price },
        airlines: ["FR"],
        route: route(it),
        booking_token: it.token,
        deep_link: `https://www.kiwi.com/deep?booking_token=${it.token.slice(0, 10)}`,
        bags_price: { "1": 25 },
        baglimit: { hand_weight: 10, hold_weight: 20 },
        availability: { seats: 4 },
      };
    });
    return json(request, 200, { search_id: randomBytes(8).toString("hex"), currency, data });
  }

  function checkFlights(request: Request, query: Record<string, string>) {
    const it = itineraries.get(query.booking_token ?? "");
    if (!it) return json(request, 400, { message: "booking_token is invalid" });
    if (it.invalid) return json(request, 200, { flights_checked: true, flights_invalid: true });
    return json(request, 200, {
      flights_checked: true,
      flights_invalid: false,
      price_change: false,
      total: it.price,
      conversion: { currency: it.currency, amount: it.price },
      document_options: { document_need: 2 },
      flights: route(it).map((leg) => ({
        src: leg.flyFrom,
        dst: leg.flyTo,
        dtime_utc: Date.parse(leg.utc_departure) / 1000,
        atime_utc: Date.parse(leg.utc_arrival) / 1000,
        airline: { code: leg.airline },
        flight_no: leg.flight_no,
        return: 0,
      })),
    });
  }

  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const query = Object.fromEntries(url.searchParams);
      const authorized = request.headers.get("apikey") === apiKey;
      requests.push({
        path: url.pathname,
        query,
        authorized,
        acceptEncoding: request.headers.get("accept-encoding"),
      });
      if (!authorized) return json(request, 403, { message: "Unauthorized" });
      if (request.method === "GET" && url.pathname === "/v2/search") return search(request, query);
      if (request.method === "GET" && url.pathname === "/v2/booking/check_flights") {
        return checkFlights(request, query);
      }
      return json(request, 404, { message: "Not found" });
    },
    { port: 0 },
  );

  return {
    url: server.url,
    requests,
    searches: () => requests.filter((r) => r.path === "/v2/search"),
    setPrice(token, price) {
      const it = itineraries.get(token);
      if (it) it.price = price;
    },
    invalidate(token) {
      const it = itineraries.get(token);
      if (it) it.invalid = true;
    },
    tokens: () => [...itineraries.keys()],
    close: () => server.close(),
  };
}
