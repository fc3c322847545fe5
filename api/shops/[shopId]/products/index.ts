import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";
import {
  createProduct,
  listProducts,
  ProductCreate,
  ProductList,
  ProductListQuery,
  ProductView,
} from "../../../../lib/shops/products.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's products, newest first",
      description:
        "Every member. Filters: `category` (exact), `q` (part of the name, any case), `inStock`, `minPriceMinor`/`maxPriceMinor`. A page at a time (`limit`, default 25, at most 100); pass `nextCursor` as `cursor` for the next page. Deleted products are not listed.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      query: ProductListQuery,
      response: ProductList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params, query }) => listProducts(db.user, params.shopId, query),
  ),
  POST: endpoint(
    {
      summary: "Add a product",
      description:
        "Owners and admins. The price is in minor units of the shop's currency (`currency` may be omitted; another currency is 400). `imageUrl` must be https on a public host name; the server stores it and never fetches it.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      body: ProductCreate,
      response: ProductView,
      status: 201,
      limit: "write",
      errors: ["not_found", "forbidden", "bad_request"],
    },
    ({ db, params, body }) => createProduct(db.user, params.shopId, body),
  ),
});
