// Which country an E.164 number rings in, from its calling code: enough to enforce the SMS
// country allowlist, not a numbering plan. A code missing from the table means "unknown", and
// unknown destinations are refused; add a country here before adding it to the allowlist.
//
// +1 is shared by the United States, Canada and twenty-odd Caribbean and Pacific countries and
// territories (NANP). The Caribbean area codes are the classic target of SMS pumping, so they
// are told apart by area code; +1 numbers in neither list count as the United States.

/** Calling code → ISO 3166-1 alpha-2. Calling codes are prefix-free: one match at most. */
const CALLING_CODES: Readonly<Record<string, string>> = {
  "7": "RU",
  "20": "EG",
  "27": "ZA",
  "30": "GR",
  "31": "NL",
  "32": "BE",
  "33": "FR",
  "34": "ES",
  "36": "HU",
  "39": "IT",
  "40": "RO",
  "41": "CH",
  "43": "AT",
  "44": "GB",
  "45": "DK",
  "46": "SE",
  "47": "NO",
  "48": "PL",
  "49": "DE",
  "52": "MX",
  "54": "AR",
  "55": "BR",
  "56": "CL",
  "57": "CO",
  "60": "MY",
  "61": "AU",
  "62": "ID",
  "63": "PH",
  "64": "NZ",
  "65": "SG",
  "66": "TH",
  "81": "JP",
  "82": "KR",
  "84": "VN",
  "86": "CN",
  "90": "TR",
  "91": "IN",
  "92": "PK",
  "94": "LK",
  "234": "NG",
  "254": "KE",
  "351": "PT",
  "352": "LU",
  "353": "IE",
  "358": "FI",
  "852": "HK",
  "880": "BD",
  "966": "SA",
  "971": "AE",
  "972": "IL",
  "974": "QA",
  "977": "NP",
};

const CANADIAN_AREA_CODES = new Set(
  (
    "204 226 236 249 250 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 " +
    "468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780 " +
    "782 807 819 825 867 873 879 902 905 942"
  ).split(" "),
);

/** NANP area codes outside the United States and Canada, and US territories. */
const OTHER_NANP_AREA_CODES: Readonly<Record<string, string>> = {
  "242": "BS",
  "246": "BB",
  "264": "AI",
  "268": "AG",
  "284": "VG",
  "340": "VI",
  "345": "KY",
  "441": "BM",
  "473": "GD",
  "649": "TC",
  "658": "JM",
  "664": "MS",
  "670": "MP",
  "671": "GU",
  "684": "AS",
  "721": "SX",
  "758": "LC",
  "767": "DM",
  "784": "VC",
  "787": "PR",
  "809": "DO",
  "829": "DO",
  "849": "DO",
  "868": "TT",
  "869": "KN",
  "876": "JM",
  "939": "PR",
};

/** The ISO country code of an E.164 number, or undefined when the table does not know it. */
export function countryOf(e164: string): string | undefined {
  const digits = e164.slice(1);
  if (digits.startsWith("1")) {
    const area = digits.slice(1, 4);
    return OTHER_NANP_AREA_CODES[area] ?? (CANADIAN_AREA_CODES.has(area) ? "CA" : "US");
  }
  // Kazakhstan shares +7 with Russia: its numbers go on with 6 or 7.
  if (/^7[67]/.test(digits)) return "KZ";
  for (const length of [1, 2, 3]) {
    const country = CALLING_CODES[digits.slice(0, length)];
    if (country !== undefined) return country;
  }
  return undefined;
}
