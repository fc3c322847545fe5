import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { createShop, ShopCreate, ShopView } from "../../lib/shops/shops.js";

export default route({
  POST: endpoint(
    {
      summary: "Create a shop (you become its owner)",
      description:
        "The caller becomes the shop's only owner and can then invite admins and agents (POST /api/shops/{shopId}/invitations). `currency` (default USD) prices every product and cannot change later. One person creates at most 20 shops (409). GET /api/auth/me lists the caller's shops with their role in each.",
      tags: ["shops"],
      auth: "user",
      body: ShopCreate,
      response: ShopView,
      status: 201,
      limit: "write",
      errors: ["conflict"],
    },
    ({ db, body }) => createShop(db.user, body),
  ),
});
