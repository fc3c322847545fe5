import * as z from "zod";

/** The callback's path: the platform is checked by the handler, which always answers its page. */
export const IntegrationCallbackParams = z.strictObject({
  platform: z
    .string()
    .regex(/^[a-z]{1,20}$/)
    .describe("facebook, instagram or tiktok"),
});
