import * as z from "zod";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PaymentView } from "../../lib/payments/payment-row.js";
import { readPayment } from "../../lib/payments/read-payment.js";

export default route({
  GET: endpoint(
    {
      summary: "One payment",
      description:
        "Its customer, the staff of the practitioner it paid a booking with, or an admin; anyone else gets 404.",
      tags: ["payments"],
      auth: "user",
      params: z.strictObject({ id: z.uuid() }),
      response: PaymentView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => readPayment(db.user, params.id),
  ),
});
