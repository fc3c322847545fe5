// The caller's country, for a frontend choosing a currency (the MindfulQALB SPA reads ipapi.co's
// `country_code` and `country_name`). No outside call: on Vercel the edge network sets
// `x-vercel-ip-country` on every request (and overwrites one a client sends); elsewhere there
// is no such header and the answer is the default, India (the SPA's own fallback), marked
// `source: "default"`. Nothing is stored or logged.
import * as z from "zod";

/** The country answered when the platform names none (local runs, tests). */
export const DEFAULT_COUNTRY = "IN";

export const GeoSchema = z
  .strictObject({
    country_code: z.string().length(2).describe("ISO 3166-1 alpha-2, upper case (ipapi.co's name)"),
    country: z.string().length(2).describe("The same code (ipapi.co answers both)"),
    country_name: z.string().describe("The country's English name"),
    source: z
      .enum(["platform", "default"])
      .describe("`platform`: from Vercel's x-vercel-ip-country; `default`: no such header, India"),
  })
  .meta({ id: "Geo" });
export type Geo = z.infer<typeof GeoSchema>;

const englishNames = new Intl.DisplayNames(["en"], { type: "region" });

export function countryOf(headers: Headers): Geo {
  const sent = headers.get("x-vercel-ip-country")?.trim().toUpperCase() ?? "";
  const known = /^[A-Z]{2}$/.test(sent) && sent !== "XX" ? sent : undefined;
  const code = known ?? DEFAULT_COUNTRY;
  return {
    country_code: code,
    country: code,
    country_name: englishNames.of(code) ?? code,
    source: known ? "platform" : "default",
  };
}
