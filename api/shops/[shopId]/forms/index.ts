import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";
import {
  createForm,
  FormCreate,
  FormList,
  FormView,
  listForms,
} from "../../../../lib/shops/forms.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's forms",
      description: "Every member: order and contact forms with their fields and offered products.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      response: FormList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => listForms(db.user, params.shopId),
  ),
  POST: endpoint(
    {
      summary: "Add an order or contact form",
      description:
        "Owners and admins. Every form asks the customer's name and email (phone optional); `fields` adds the shop's own questions (text, textarea, email, tel, number, select with `options`, checkbox; `required`, length and number bounds), which the server checks every submission against. An order form offers `productIds` (the shop's own, not deleted); a contact form offers none. Share the form's public URL: GET /api/shops/{shopId}/forms/{formId}.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      body: FormCreate,
      response: FormView,
      status: 201,
      limit: "write",
      errors: ["not_found", "forbidden", "bad_request"],
    },
    ({ db, params, body }) => createForm(db.user, params.shopId, body),
  ),
});
