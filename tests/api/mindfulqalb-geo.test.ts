// The MindfulQALB SPA's `GET /api/geo` (src/hooks/useGeolocation.ts), played as written: a plain
// fetch with no headers of its own, reading ipapi.co's `country_code` and `country_name`. On
// Vercel the edge adds `x-vercel-ip-country`; a local run has none and answers India. The local
// server drops every x-vercel-* header a client sends (a client cannot forge them on Vercel), so
// what the function makes of the edge's header is checked on the headers it receives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countryOf } from "../../lib/platform/geo.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** The SPA's call: `fetch(geoUrl, { signal: AbortSignal.timeout(5000) })`, then `res.json()`. */
function spaGeo() {
  return fetch(`${api.url}/api/geo`, { signal: AbortSignal.timeout(5000) });
}

/** What the function answers for the headers Vercel's edge hands it. */
function onVercel(country: string) {
  return countryOf(new Headers({ "x-vercel-ip-country": country, "x-real-ip": "203.0.113.7" }));
}

describe("GET /api/geo as the MindfulQALB SPA calls it", () => {
  it("answers the country Vercel's edge names, in ipapi.co's field names", async () => {
    expect(onVercel("US")).toEqual({
      country_code: "US",
      country: "US",
      country_name: "United States",
      source: "platform",
    });
  });

  it("answers India when there is no edge header (a local run), as the README says", async () => {
    const data = await expectJson(await spaGeo(), 200);
    // A client's own x-vercel-ip-country never reaches the function.
    const forged = await fetch(`${api.url}/api/geo`, { headers: { "x-vercel-ip-country": "US" } });
    expect(await expectJson(forged, 200)).toMatchObject({ country_code: "IN" });
    expect(data).toMatchObject({ country_code: "IN", country_name: "India", source: "default" });
  });

  it("makes the default of a header that is not a country code", async () => {
    for (const sent of ["XX", "usa", "1"]) {
      expect(onVercel(sent)).toMatchObject({ country_code: "IN", source: "default" });
    }
    expect(onVercel("in")).toMatchObject({ country_code: "IN", source: "platform" });
  });
});
