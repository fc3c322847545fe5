import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  TemplateCatalogue,
  templateCatalogue,
} from "../../lib/notify/requests/template-catalogue.js";

export default route({
  GET: endpoint(
    {
      summary: "Notification templates (staff)",
      description:
        "Every email and SMS template with its variables, which the server fills in from the booking, payment or account it is about; `requestable` marks those staff may send with POST /api/notifications/email, /sms and /batch.",
      tags: ["notifications"],
      auth: ["staff"],
      response: TemplateCatalogue,
      limit: "read",
    },
    async () => templateCatalogue(),
  ),
});
