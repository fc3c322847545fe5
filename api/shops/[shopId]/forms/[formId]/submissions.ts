import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import { thenDeliver } from "../../../../../lib/notify/outbox/then-deliver.js";
import { MIN_FILL_SECONDS } from "../../../../../lib/shops/form-token.js";
import { FormParams } from "../../../../../lib/shops/forms.js";
import {
  FormSubmission,
  FormSubmissionReceipt,
  listSubmissions,
  SubmissionList,
  SubmissionListQuery,
  submitShopForm,
} from "../../../../../lib/shops/submit-form.js";

export default route({
  GET: endpoint(
    {
      summary: "A form's submissions (the shop's inbox)",
      description:
        "Every member (submissions.read): newest first, with the customer's name, email, phone and answers opened on the server; a page at a time (`limit`, default 25, at most 100; `nextCursor` as `cursor`). Each is deleted after the shop's retention period (`expiresAt`).",
      tags: ["shops"],
      auth: "user",
      params: FormParams,
      query: SubmissionListQuery,
      response: SubmissionList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params, query }) => listSubmissions(db.user, params.shopId, params.formId, query),
  ),
  POST: endpoint(
    {
      summary: "Submit a shop's public form (order or contact)",
      description: `No account needed. Bring back the \`formToken\` of GET /api/shops/{shopId}/forms/{formId}, no sooner than ${MIN_FILL_SECONDS} seconds after it was issued and within a day, and leave \`website\` empty (a hidden field only bots fill); otherwise 400. At most 10 submissions per address per 10 minutes. The answers are checked against the form's definition on the server (400 with field errors). An order form's \`items\` are priced from the products and their stock reserved at once: 409 when a product has too little left (nothing is reserved then). The shop's team is emailed, and the customer gets an order confirmation. Name, email, phone and answers are stored encrypted and kept for the shop's retention period.`,
      tags: ["shops"],
      auth: "public",
      privileged: {
        ledgerStep:
          "a customer without an account submits sealed personal data, which only the server writes, and the order reserves stock in one database transaction",
      },
      params: FormParams,
      body: FormSubmission,
      response: FormSubmissionReceipt,
      status: 201,
      limit: "shop_form",
      errors: ["not_found", "conflict", "bad_request"],
    },
    ({ db, params, body }) =>
      thenDeliver(
        db.service,
        submitShopForm(db.anon, db.service, params.shopId, params.formId, body),
      ),
  ),
});
