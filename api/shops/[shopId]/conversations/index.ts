import {
  ConversationList,
  ConversationListQuery,
  listConversations,
} from "../../../../lib/chat/conversations.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's conversations with customers, newest first",
      description:
        "Every member. Filter by `status`, `assignee` (a member's id, `me` or `none`), `channel` and `tag`; a page at a time (`limit`, default 25, at most 100), `nextCursor` as `cursor` for the next. Live changes arrive on the shop's Realtime channel (`shop:{shopId}`: `conversation:update`, `message:new`).",
      tags: ["shop chat"],
      auth: "user",
      params: ShopParams,
      query: ConversationListQuery,
      response: ConversationList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, caller, params, query }) =>
      listConversations(db.user, caller.userId, params.shopId, query),
  ),
});
