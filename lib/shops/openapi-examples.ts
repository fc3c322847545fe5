// Examples for the commerce operations in the OpenAPI document (spread into
// lib/openapi/examples.ts): Priya's pottery shop, its mug, its order form and one order.
import type * as z from "zod";
import type { OperationExamples } from "../openapi/examples.js";
import type { FormCreate, FormUpdate, FormView, PublicFormView } from "./forms.js";
import type { OrderList, OrderStatusChange, OrderSummary, OrderView } from "./orders.js";
import type { ProductCreate, ProductList, ProductUpdate, ProductView } from "./products.js";
import type { ShopCreate, ShopUpdate, ShopView } from "./shops.js";
import type { FormSubmission, FormSubmissionReceipt } from "./submit-form.js";
import type { InvitationCreate, InvitationList, InvitationView, MemberList } from "./team.js";

type In<T extends z.ZodType> = z.input<T>;
type Out<T extends z.ZodType> = z.output<T>;

const SHOP_ID = "3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13";
const PRODUCT_ID = "5b2d8e1f-6a3c-4f7b-9e0d-2c4a6e8b1d35";
const FORM_ID = "9e4c1a7b-2d5f-4b8e-a3c6-1f7d9b2e5a80";
const ORDER_ID = "7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42";
const OWNER_ID = "2b7f4c1d-8e3a-4d6b-9f2c-5a1e7d3b9c64";
const AGENT_ID = "6d3a9f2e-1c7b-4e5d-8a4f-3b9c2e6d1a57";
const INVITATION_ID = "c8e2b5d1-7f4a-4c9e-b1d3-6a8f2e5c9b14";

export function shopExamples(now: Date): Record<string, OperationExamples> {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const shop: Out<typeof ShopView> = {
    id: SHOP_ID,
    name: "Priya's Pottery",
    description: "Hand-thrown mugs and bowls from Pune",
    currency: "INR",
    submissionRetentionDays: 365,
    role: "owner",
    createdAt: at(60 * 24 * 25),
    updatedAt: at(60),
  };
  const product: Out<typeof ProductView> = {
    id: PRODUCT_ID,
    shopId: SHOP_ID,
    name: "Indigo mug",
    description: "350 ml, dishwasher safe",
    priceMinor: 89900,
    currency: "INR",
    stock: 12,
    imageUrl: "https://images.priyaspottery.example/indigo-mug.jpg",
    category: "mugs",
    createdAt: at(60 * 24 * 20),
    updatedAt: at(60 * 24),
  };
  const fields: Out<typeof FormView>["fields"] = [
    { key: "gift_note", label: "Gift note", type: "textarea", required: false, maxLength: 200 },
  ];
  const form: Out<typeof FormView> = {
    id: FORM_ID,
    shopId: SHOP_ID,
    kind: "order",
    name: "Order a mug",
    fields,
    productIds: [PRODUCT_ID],
    active: true,
    createdAt: at(60 * 24 * 10),
    updatedAt: at(60 * 24 * 10),
  };
  const summary: Out<typeof OrderSummary> = {
    id: ORDER_ID,
    shopId: SHOP_ID,
    formId: FORM_ID,
    status: "pending",
    paymentStatus: "unpaid",
    totalMinor: 179800,
    currency: "INR",
    createdAt: at(30),
    updatedAt: at(30),
  };
  const invitation: Out<typeof InvitationView> = {
    id: INVITATION_ID,
    shopId: SHOP_ID,
    email: "ravi@example.com",
    role: "agent",
    expiresAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
    createdAt: at(5),
  };
  const shopParameters = { shopId: SHOP_ID };
  return {
    "POST /api/shops": {
      request: {
        name: "Priya's Pottery",
        currency: "INR",
        description: "Hand-thrown mugs and bowls from Pune",
      } satisfies In<typeof ShopCreate>,
      response: shop,
    },
    "GET /api/shops/{shopId}": {
      parameters: shopParameters,
      // channels: lib/channels (issue 22); a shop with no connected platform lists none.
      response: { ...shop, channels: [] },
    },
    "PUT /api/shops/{shopId}": {
      parameters: shopParameters,
      request: { submissionRetentionDays: 365 } satisfies In<typeof ShopUpdate>,
      response: shop,
    },
    "GET /api/shops/{shopId}/products": {
      parameters: { ...shopParameters, category: "mugs", limit: 25 },
      response: { products: [product], nextCursor: null } satisfies Out<typeof ProductList>,
    },
    "POST /api/shops/{shopId}/products": {
      parameters: shopParameters,
      request: {
        name: "Indigo mug",
        description: "350 ml, dishwasher safe",
        priceMinor: 89900,
        stock: 12,
        imageUrl: "https://images.priyaspottery.example/indigo-mug.jpg",
        category: "mugs",
      } satisfies In<typeof ProductCreate>,
      response: product,
    },
    "PUT /api/shops/{shopId}/products/{productId}": {
      parameters: { ...shopParameters, productId: PRODUCT_ID },
      request: { stock: 12 } satisfies In<typeof ProductUpdate>,
      response: product,
    },
    "DELETE /api/shops/{shopId}/products/{productId}": {
      parameters: { ...shopParameters, productId: PRODUCT_ID },
      response: { removed: true },
    },
    "GET /api/shops/{shopId}/orders": {
      parameters: { ...shopParameters, status: "pending" },
      response: { orders: [summary], nextCursor: null } satisfies Out<typeof OrderList>,
    },
    "GET /api/shops/{shopId}/orders/{orderId}": {
      parameters: { ...shopParameters, orderId: ORDER_ID },
      response: {
        ...summary,
        customer: { name: "Asha Rao", email: "asha@example.com", phone: "+919812345678" },
        items: [
          {
            productId: PRODUCT_ID,
            name: "Indigo mug",
            unitPriceMinor: 89900,
            quantity: 2,
            lineTotalMinor: 179800,
          },
        ],
        history: [
          {
            actorUserId: null,
            fromStatus: null,
            toStatus: "pending",
            fromPaymentStatus: null,
            toPaymentStatus: "unpaid",
            at: at(30),
          },
        ],
      } satisfies Out<typeof OrderView>,
    },
    "PUT /api/shops/{shopId}/orders/{orderId}/status": {
      parameters: { ...shopParameters, orderId: ORDER_ID },
      request: { status: "processing" } satisfies In<typeof OrderStatusChange>,
      response: { ...summary, status: "processing", updatedAt: at(1) },
    },
    "GET /api/shops/{shopId}/forms": { parameters: shopParameters, response: { forms: [form] } },
    "POST /api/shops/{shopId}/forms": {
      parameters: shopParameters,
      request: {
        kind: "order",
        name: "Order a mug",
        fields,
        productIds: [PRODUCT_ID],
      } satisfies In<typeof FormCreate>,
      response: form,
    },
    "PUT /api/shops/{shopId}/forms/{formId}": {
      parameters: { ...shopParameters, formId: FORM_ID },
      request: { active: true } satisfies In<typeof FormUpdate>,
      response: form,
    },
    "GET /api/shops/{shopId}/forms/{formId}": {
      parameters: { ...shopParameters, formId: FORM_ID },
      response: {
        id: FORM_ID,
        shopId: SHOP_ID,
        shopName: "Priya's Pottery",
        kind: "order",
        name: "Order a mug",
        currency: "INR",
        fields,
        products: [
          {
            id: PRODUCT_ID,
            name: "Indigo mug",
            description: "350 ml, dishwasher safe",
            priceMinor: 89900,
            currency: "INR",
            inStock: true,
            imageUrl: "https://images.priyaspottery.example/indigo-mug.jpg",
            category: "mugs",
          },
        ],
        formToken: "1796343568035.4f0c2a9e7b1d3c5e8a6f2b4d9c1e7a3b5d8f0c2e4a6b9d1f3c5e7a9b2d4f6a8c",
      } satisfies Out<typeof PublicFormView>,
    },
    "POST /api/shops/{shopId}/forms/{formId}/submissions": {
      parameters: { ...shopParameters, formId: FORM_ID },
      request: {
        token: "1796343568035.4f0c2a9e7b1d3c5e8a6f2b4d9c1e7a3b5d8f0c2e4a6b9d1f3c5e7a9b2d4f6a8c",
        name: "Asha Rao",
        email: "asha@example.com",
        phone: "+919812345678",
        answers: { gift_note: "Happy birthday!" },
        items: [{ productId: PRODUCT_ID, quantity: 2 }],
        website: "",
      } satisfies In<typeof FormSubmission>,
      response: {
        submissionId: "e1b4d7a2-5c8f-4e3b-9a6d-2f5c8e1b4d70",
        orderId: ORDER_ID,
        status: "pending",
        totalMinor: 179800,
        currency: "INR",
      } satisfies Out<typeof FormSubmissionReceipt>,
    },
    "GET /api/shops/{shopId}/members": {
      parameters: shopParameters,
      response: {
        members: [
          {
            userId: OWNER_ID,
            email: "priya@example.com",
            role: "owner",
            joinedAt: at(60 * 24 * 25),
          },
          { userId: AGENT_ID, email: "ravi@example.com", role: "agent", joinedAt: at(60) },
        ],
      } satisfies Out<typeof MemberList>,
    },
    "PUT /api/shops/{shopId}/members/{userId}": {
      parameters: { ...shopParameters, userId: AGENT_ID },
      request: { role: "admin" },
      response: { userId: AGENT_ID, role: "admin" },
    },
    "DELETE /api/shops/{shopId}/members/{userId}": {
      parameters: { ...shopParameters, userId: AGENT_ID },
      response: { removed: true },
    },
    "GET /api/shops/{shopId}/invitations": {
      parameters: shopParameters,
      response: { invitations: [invitation] } satisfies Out<typeof InvitationList>,
    },
    "POST /api/shops/{shopId}/invitations": {
      parameters: shopParameters,
      request: { email: "ravi@example.com", role: "agent" } satisfies In<typeof InvitationCreate>,
      response: invitation,
    },
    "DELETE /api/shops/{shopId}/invitations/{invitationId}": {
      parameters: { ...shopParameters, invitationId: INVITATION_ID },
      response: { removed: true },
    },
    "POST /api/shops/{shopId}/invitations/{invitationId}/accept": {
      parameters: { ...shopParameters, invitationId: INVITATION_ID },
      response: { shopId: SHOP_ID, role: "agent" },
    },
  };
}
