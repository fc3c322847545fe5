import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { REMOVED, Removed } from "../../../../lib/shops/access.js";
import {
  deleteProduct,
  ProductParams,
  ProductUpdate,
  ProductView,
  updateProduct,
} from "../../../../lib/shops/products.js";

export default route({
  PUT: endpoint(
    {
      summary: "Change a product",
      description:
        "Owners and admins. Fields left out keep their value; orders already placed keep the name and price they were placed with.",
      tags: ["shops"],
      auth: "user",
      params: ProductParams,
      body: ProductUpdate,
      response: ProductView,
      limit: "write",
      errors: ["not_found", "forbidden", "bad_request"],
    },
    ({ db, params, body }) => updateProduct(db.user, params.shopId, params.productId, body),
  ),
  DELETE: endpoint(
    {
      summary: "Delete a product",
      description:
        "Owners and admins. A soft delete: the product leaves lists and forms stop selling it, while the orders that refer to it keep it.",
      tags: ["shops"],
      auth: "user",
      params: ProductParams,
      response: Removed,
      limit: "write",
      errors: ["not_found", "forbidden"],
    },
    ({ db, params }) => deleteProduct(db.user, params.shopId, params.productId).then(() => REMOVED),
  ),
});
