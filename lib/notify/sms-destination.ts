// Whether we may text a number: E.164, in a country SMS_ALLOWED_COUNTRIES lists. Checked before
// a booking opts into SMS, before staff text a customer and before anything is enqueued, so a
// number we refuse never reaches a provider or costs a cent.
//
// SMS_ALLOWED_COUNTRIES unset: on the local stack every country the table knows is allowed (SMS
// goes to the local outbox there); anywhere else SMS is refused (503 provider_not_configured)
// until someone decides where the business texts — an allowlist nobody chose would be "every
// country", which is what SMS pumping needs.
import { env, localStackEnabled, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { countryOf } from "./sms-countries.js";
import { e164 } from "./sms-number.js";

/** The number in E.164 when we may text it, or ApiError 400 (errors under `field`) saying why not. */
export function requireSmsDestination(typed: string, field: string): string {
  const allowed = allowedCountries();
  const number = e164(typed);
  if (number === undefined) {
    throw refusal(
      field,
      "The phone number must be in international format: + and the country code, e.g. +91 98765 43210.",
    );
  }
  const country = countryOf(number);
  if (country === undefined || (allowed !== "known" && !allowed.has(country))) {
    throw refusal(field, "We do not send text messages to this country.");
  }
  return number;
}

const refusal = (field: string, message: string) =>
  new ApiError("bad_request", message, { errors: { [field]: [message] } });

function allowedCountries(): ReadonlySet<string> | "known" {
  if (env().SMS_ALLOWED_COUNTRIES === undefined && localStackEnabled()) return "known";
  // Unset outside the local stack: logs provider_not_configured and answers 503.
  return new Set(requireConfig("SMS", "SMS_ALLOWED_COUNTRIES").SMS_ALLOWED_COUNTRIES);
}
