// Every text a person sends is checked with OpenAI's moderation endpoint before it is forwarded to
// a model. Flagged input is refused with 400 content_flagged naming the categories (a reason code
// per category, never the text), counted in the usage table, and never sent on.
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { type AiConnection, providerFailure } from "./client.js";
import { MODERATION_MODEL } from "./models.js";

export interface ModerationVerdict {
  flagged: boolean;
  /** The categories OpenAI flagged, such as `harassment` or `self-harm/intent`. */
  categories: string[];
}

export async function moderate(
  connection: AiConnection,
  texts: readonly string[],
  signal: AbortSignal,
): Promise<ModerationVerdict> {
  try {
    const result = await connection.client.moderations.create(
      { model: MODERATION_MODEL, input: [...texts] },
      { signal: AbortSignal.any([signal, AbortSignal.timeout(connection.deadlineMs)]) },
    );
    const categories = new Set<string>();
    let flagged = false;
    for (const item of result.results) {
      if (!item.flagged) continue;
      flagged = true;
      for (const [category, on] of Object.entries(item.categories ?? {})) {
        if (on === true) categories.add(category);
      }
    }
    return { flagged, categories: [...categories].sort() };
  } catch (error) {
    throw await providerFailure(error, "moderation");
  }
}

/** 400 content_flagged, with the categories as reason codes. */
export function flaggedInput(verdict: ModerationVerdict): ApiError {
  log.info("ai_input_flagged", { categories: verdict.categories });
  return new ApiError(
    "content_flagged",
    "This text cannot be sent to the assistant: it was flagged by moderation.",
    { extensions: { reasons: verdict.categories } },
  );
}
