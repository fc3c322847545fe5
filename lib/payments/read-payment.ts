// GET /api/payments/:id through the caller's own client: row-level security shows customers their
// own payments, staff those for their practitioner's bookings and admins all of them; anyone else
// gets 404, as for an id that does not exist.
import type { SupabaseClient } from "@supabase/supabase-js";
import { ApiError } from "../http/errors.js";
import { PaymentRow, type PaymentView, paymentView } from "./payment-row.js";

export async function readPayment(db: SupabaseClient, id: string): Promise<PaymentView> {
  const { data, error } = await db.from("payments").select("*").eq("id", id).maybeSingle();
  if (error) throw new Error(`reading a payment failed: ${error.code} ${error.message}`);
  if (data === null) throw new ApiError("not_found", "There is no such payment.");
  return paymentView(PaymentRow.parse(data));
}
