// The items a client acknowledges, in either shape the SPAs send: a list of item keys
// (["confidentiality", …]) or an object of checkboxes ({"confidentiality": true, …}). Both become
// one sorted list without duplicates. A checkbox left false is refused here: the key is either a
// required item not accepted or an item the version does not have, so the database would refuse
// it anyway. Whether the items are exactly the version's is for record_consent to say.
import * as z from "zod";
import { CONSENT_ITEM, CONSENT_ITEMS_MAX } from "./consent-version.js";

const ItemKey = z.string().regex(CONSENT_ITEM);

export const Acknowledgments = z
  .union([z.array(ItemKey).max(CONSENT_ITEMS_MAX), z.record(ItemKey, z.boolean())], {
    error:
      "Send the acknowledged items as an array of item keys, or as an object of item key → true",
  })
  .transform((given, context) => {
    const entries: [string, boolean][] = Array.isArray(given)
      ? given.map((key) => [key, true])
      : Object.entries(given);
    const declined = entries.filter(([, accepted]) => !accepted).map(([key]) => key);
    if (declined.length > 0) {
      context.addIssue({
        code: "custom",
        message: `Every item must be accepted; not accepted: ${declined.join(", ")}`,
      });
      return z.NEVER;
    }
    if (entries.length === 0) {
      context.addIssue({ code: "custom", message: "Acknowledge the items of the consent version" });
      return z.NEVER;
    }
    return [...new Set(entries.map(([key]) => key))].sort();
  });
