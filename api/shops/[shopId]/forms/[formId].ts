import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import {
  FormParams,
  FormUpdate,
  FormView,
  PublicFormView,
  publicForm,
  updateForm,
} from "../../../../lib/shops/forms.js";

export default route({
  GET: endpoint(
    {
      summary: "A shop's public form (for customers)",
      description:
        "No account needed: an active form's fields and the products it offers (price, whether in stock, picture), with a `formToken` the submission must bring back. 404 for an unknown or inactive form.",
      tags: ["shops"],
      auth: "public",
      params: FormParams,
      response: PublicFormView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => publicForm(db.anon, params.shopId, params.formId),
  ),
  PUT: endpoint(
    {
      summary: "Change a form",
      description:
        "Owners and admins. Fields left out keep their value; `active: false` takes the form offline (its public URL answers 404).",
      tags: ["shops"],
      auth: "user",
      params: FormParams,
      body: FormUpdate,
      response: FormView,
      limit: "write",
      errors: ["not_found", "forbidden", "bad_request"],
    },
    ({ db, params, body }) => updateForm(db.user, params.shopId, params.formId, body),
  ),
});
