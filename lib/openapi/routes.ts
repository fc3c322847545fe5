// Every api/ function, by its route path. The OpenAPI document and the security test matrix are
// generated from this list; a test fails when an api/ file is missing from it.

import adminHealth from "../../api/admin/health.js";
import adminOperationsAlertAcknowledge from "../../api/admin/operations/alerts/[id]/acknowledge.js";
import adminOperations from "../../api/admin/operations/index.js";
import adminOperationsNotificationRetry from "../../api/admin/operations/notifications/[id]/retry.js";
import adminOperationsPaymentSettle from "../../api/admin/operations/payments/[id]/settle.js";
import adminOperationsWebhookEventRetry from "../../api/admin/operations/webhook-events/[id]/retry.js";
import adminPractitionerTimeOff from "../../api/admin/practitioners/[id]/time-off.js";
import adminPractitioner from "../../api/admin/practitioners/[id].js";
import adminPractitioners from "../../api/admin/practitioners/index.js";
import adminSessionType from "../../api/admin/session-types/[slug].js";
import adminSessionTypes from "../../api/admin/session-types/index.js";
import adminSettings from "../../api/admin/settings.js";
import adminStaff from "../../api/admin/staff.js";
import adminTimeOff from "../../api/admin/time-off/[id].js";
import aiAnalyze from "../../api/ai/analyze.js";
import aiChat from "../../api/ai/chat.js";
import aiGenerate from "../../api/ai/generate.js";
import analyticsEvents from "../../api/analytics/events.js";
import analyticsSummary from "../../api/analytics/summary.js";
import authCallback from "../../api/auth/callback.js";
import changePassword from "../../api/auth/change-password.js";
import confirmEmail from "../../api/auth/confirm.js";
import forgotPassword from "../../api/auth/forgot-password.js";
import login from "../../api/auth/login.js";
import logout from "../../api/auth/logout.js";
import me from "../../api/auth/me.js";
import oauthStart from "../../api/auth/oauth/[provider].js";
import oauthToken from "../../api/auth/oauth/token.js";
import refresh from "../../api/auth/refresh.js";
import register from "../../api/auth/register.js";
import resetPassword from "../../api/auth/reset-password.js";
import availabilityCalendar from "../../api/availability/calendar.js";
import availability from "../../api/availability.js";
import bookingCancel from "../../api/bookings/[id]/cancel.js";
import bookingConfirm from "../../api/bookings/[id]/confirm.js";
import booking from "../../api/bookings/[id].js";
import bookings from "../../api/bookings/index.js";
import config from "../../api/config.js";
import consentRecord from "../../api/consent/[id].js";
import consentVersionRetire from "../../api/consent/versions/[version]/retire.js";
import consentVersions from "../../api/consent/versions.js";
import consent from "../../api/consent.js";
import couponsValidate from "../../api/coupons/validate.js";
import cronDeliverNotifications from "../../api/cron/deliver-notifications.js";
import cronExpireHolds from "../../api/cron/expire-holds.js";
import cronFlightOrders from "../../api/cron/flight-orders.js";
import cronOperationsAlerts from "../../api/cron/operations-alerts.js";
import cronPurgeBookings from "../../api/cron/purge-bookings.js";
import cronPurgeConsent from "../../api/cron/purge-consent.js";
import cronRefreshChannelTokens from "../../api/cron/refresh-channel-tokens.js";
import cronReminders from "../../api/cron/reminders.js";
import cronSettlePayments from "../../api/cron/settle-payments.js";
import flightOffer from "../../api/flights/[offerToken].js";
import flightBookingCancel from "../../api/flights/bookings/[id]/cancel.js";
import flightBookingPay from "../../api/flights/bookings/[id]/pay.js";
import flightBooking from "../../api/flights/bookings/[id].js";
import flightBookings from "../../api/flights/bookings/index.js";
import flightSearch from "../../api/flights/search.js";
import geo from "../../api/geo.js";
import health from "../../api/health.js";
import notificationsBatch from "../../api/notifications/batch.js";
import notificationsEmail from "../../api/notifications/email.js";
import notificationsSms from "../../api/notifications/sms.js";
import notificationsSubscribe from "../../api/notifications/subscribe.js";
import notificationsTemplates from "../../api/notifications/templates.js";
import notificationsUnsubscribe from "../../api/notifications/unsubscribe.js";
import channelOAuthCallback from "../../api/oauth/[platform]/callback.js";
import openapi from "../../api/openapi.json.js";
import payment from "../../api/payments/[id].js";
import paymentsConfirm from "../../api/payments/confirm.js";
import paymentsCreateCheckout from "../../api/payments/create-checkout.js";
import paymentsCreateIntent from "../../api/payments/create-intent.js";
import paymentsCreateOrder from "../../api/payments/create-order.js";
import paymentsLink from "../../api/payments/link.js";
import paymentsRefund from "../../api/payments/refund.js";
import paymentsVerify from "../../api/payments/verify.js";
import services from "../../api/services.js";
import shopChat from "../../api/shops/[shopId]/chat/index.js";
import shopChatMessages from "../../api/shops/[shopId]/chat/messages.js";
import shopConnect from "../../api/shops/[shopId]/connect/index.js";
import shopConnectOnboarding from "../../api/shops/[shopId]/connect/onboarding.js";
import shopConversationMessages from "../../api/shops/[shopId]/conversations/[conversationId]/messages.js";
import shopConversation from "../../api/shops/[shopId]/conversations/[conversationId].js";
import shopConversations from "../../api/shops/[shopId]/conversations/index.js";
import shopFormSubmissions from "../../api/shops/[shopId]/forms/[formId]/submissions.js";
import shopForm from "../../api/shops/[shopId]/forms/[formId].js";
import shopForms from "../../api/shops/[shopId]/forms/index.js";
import shopIntegrationConnect from "../../api/shops/[shopId]/integrations/[platform]/connect.js";
import shopIntegrationDisconnect from "../../api/shops/[shopId]/integrations/[platform]/disconnect.js";
import shopIntegrationSelect from "../../api/shops/[shopId]/integrations/[platform]/select.js";
import shopIntegrations from "../../api/shops/[shopId]/integrations/index.js";
import shopInvitationAccept from "../../api/shops/[shopId]/invitations/[invitationId]/accept.js";
import shopInvitation from "../../api/shops/[shopId]/invitations/[invitationId].js";
import shopInvitations from "../../api/shops/[shopId]/invitations/index.js";
import shopMember from "../../api/shops/[shopId]/members/[userId].js";
import shopMembers from "../../api/shops/[shopId]/members/index.js";
import shopOrderStatus from "../../api/shops/[shopId]/orders/[orderId]/status.js";
import shopOrder from "../../api/shops/[shopId]/orders/[orderId].js";
import shopOrders from "../../api/shops/[shopId]/orders/index.js";
import shopPaymentRefund from "../../api/shops/[shopId]/payments/[id]/refund.js";
import shopPayment from "../../api/shops/[shopId]/payments/[id].js";
import shopPaymentsConfirm from "../../api/shops/[shopId]/payments/confirm.js";
import shopPaymentsIntent from "../../api/shops/[shopId]/payments/intent.js";
import shopProduct from "../../api/shops/[shopId]/products/[productId].js";
import shopProducts from "../../api/shops/[shopId]/products/index.js";
import shop from "../../api/shops/[shopId].js";
import shops from "../../api/shops/index.js";
import staffBookingRefund from "../../api/staff/bookings/[id]/refund.js";
import staffBooking from "../../api/staff/bookings/[id].js";
import staffBookings from "../../api/staff/bookings/index.js";
import subscriptions from "../../api/subscriptions/index.js";
import subscriptionsPortal from "../../api/subscriptions/portal.js";
import subscriptionsWebhook from "../../api/subscriptions/webhook.js";
import syncPull from "../../api/sync/pull.js";
import syncPush from "../../api/sync/push.js";
import syncSettings from "../../api/sync/settings.js";
import usersMeSettings from "../../api/users/me/settings.js";
import usersMe from "../../api/users/me.js";
import webhooksCalcom from "../../api/webhooks/calcom.js";
import webhooksMeta from "../../api/webhooks/meta.js";
import webhooksRazorpay from "../../api/webhooks/razorpay.js";
import webhooksResend from "../../api/webhooks/resend.js";
import webhooksSandbox from "../../api/webhooks/sandbox.js";
import webhooksStripe from "../../api/webhooks/stripe.js";
import webhooksStripeConnect from "../../api/webhooks/stripe-connect.js";
import webhooksTelegram from "../../api/webhooks/telegram/[connectionId].js";
import webhooksTikTok from "../../api/webhooks/tiktok.js";
import webhooksTwilio from "../../api/webhooks/twilio.js";
import webhooksViber from "../../api/webhooks/viber/[connectionId].js";
import type { Route } from "../http/route.js";

/**
 * A function, not a constant: api/openapi.json.ts imports this module, so while it loads its
 * own export is not defined yet. By the time a request asks, every module has finished.
 */
export function routes(): Record<string, Route> {
  return {
    "/api/admin/health": adminHealth,
    "/api/admin/operations": adminOperations,
    "/api/admin/operations/alerts/[id]/acknowledge": adminOperationsAlertAcknowledge,
    "/api/admin/operations/notifications/[id]/retry": adminOperationsNotificationRetry,
    "/api/admin/operations/payments/[id]/settle": adminOperationsPaymentSettle,
    "/api/admin/operations/webhook-events/[id]/retry": adminOperationsWebhookEventRetry,
    "/api/admin/practitioners": adminPractitioners,
    "/api/admin/practitioners/[id]": adminPractitioner,
    "/api/admin/practitioners/[id]/time-off": adminPractitionerTimeOff,
    "/api/admin/session-types": adminSessionTypes,
    "/api/admin/session-types/[slug]": adminSessionType,
    "/api/admin/settings": adminSettings,
    "/api/admin/staff": adminStaff,
    "/api/admin/time-off/[id]": adminTimeOff,
    "/api/ai/analyze": aiAnalyze,
    "/api/ai/chat": aiChat,
    "/api/ai/generate": aiGenerate,
    "/api/analytics/events": analyticsEvents,
    "/api/analytics/summary": analyticsSummary,
    "/api/auth/callback": authCallback,
    "/api/auth/change-password": changePassword,
    "/api/auth/confirm": confirmEmail,
    "/api/auth/forgot-password": forgotPassword,
    "/api/auth/login": login,
    "/api/auth/logout": logout,
    "/api/auth/me": me,
    "/api/auth/oauth/[provider]": oauthStart,
    "/api/auth/oauth/token": oauthToken,
    "/api/auth/refresh": refresh,
    "/api/auth/register": register,
    "/api/auth/reset-password": resetPassword,
    "/api/availability": availability,
    "/api/availability/calendar": availabilityCalendar,
    "/api/bookings": bookings,
    "/api/bookings/[id]": booking,
    "/api/bookings/[id]/cancel": bookingCancel,
    "/api/bookings/[id]/confirm": bookingConfirm,
    "/api/consent": consent,
    "/api/consent/[id]": consentRecord,
    "/api/consent/versions": consentVersions,
    "/api/consent/versions/[version]/retire": consentVersionRetire,
    "/api/coupons/validate": couponsValidate,
    "/api/cron/deliver-notifications": cronDeliverNotifications,
    "/api/cron/expire-holds": cronExpireHolds,
    "/api/cron/flight-orders": cronFlightOrders,
    "/api/cron/refresh-channel-tokens": cronRefreshChannelTokens,
    "/api/cron/purge-bookings": cronPurgeBookings,
    "/api/cron/purge-consent": cronPurgeConsent,
    "/api/cron/operations-alerts": cronOperationsAlerts,
    "/api/cron/reminders": cronReminders,
    "/api/cron/settle-payments": cronSettlePayments,
    "/api/flights/[offerToken]": flightOffer,
    "/api/flights/bookings": flightBookings,
    "/api/flights/bookings/[id]": flightBooking,
    "/api/flights/bookings/[id]/cancel": flightBookingCancel,
    "/api/flights/bookings/[id]/pay": flightBookingPay,
    "/api/flights/search": flightSearch,
    "/api/config": config,
    "/api/geo": geo,
    "/api/health": health,
    "/api/notifications/batch": notificationsBatch,
    "/api/notifications/email": notificationsEmail,
    "/api/notifications/sms": notificationsSms,
    "/api/notifications/subscribe": notificationsSubscribe,
    "/api/notifications/templates": notificationsTemplates,
    "/api/notifications/unsubscribe": notificationsUnsubscribe,
    "/api/openapi.json": openapi,
    "/api/payments/[id]": payment,
    "/api/payments/confirm": paymentsConfirm,
    "/api/payments/create-checkout": paymentsCreateCheckout,
    "/api/payments/create-intent": paymentsCreateIntent,
    "/api/payments/create-order": paymentsCreateOrder,
    "/api/payments/link": paymentsLink,
    "/api/payments/refund": paymentsRefund,
    "/api/payments/verify": paymentsVerify,
    "/api/services": services,
    "/api/shops/[shopId]/chat": shopChat,
    "/api/shops/[shopId]/chat/messages": shopChatMessages,
    "/api/shops/[shopId]/conversations": shopConversations,
    "/api/shops/[shopId]/conversations/[conversationId]": shopConversation,
    "/api/shops/[shopId]/conversations/[conversationId]/messages": shopConversationMessages,
    "/api/shops/[shopId]/integrations": shopIntegrations,
    "/api/shops/[shopId]/integrations/[platform]/connect": shopIntegrationConnect,
    "/api/shops/[shopId]/integrations/[platform]/disconnect": shopIntegrationDisconnect,
    "/api/shops/[shopId]/integrations/[platform]/select": shopIntegrationSelect,
    "/api/oauth/[platform]/callback": channelOAuthCallback,
    "/api/shops": shops,
    "/api/shops/[shopId]": shop,
    "/api/shops/[shopId]/forms": shopForms,
    "/api/shops/[shopId]/forms/[formId]": shopForm,
    "/api/shops/[shopId]/forms/[formId]/submissions": shopFormSubmissions,
    "/api/shops/[shopId]/invitations": shopInvitations,
    "/api/shops/[shopId]/invitations/[invitationId]": shopInvitation,
    "/api/shops/[shopId]/invitations/[invitationId]/accept": shopInvitationAccept,
    "/api/shops/[shopId]/members": shopMembers,
    "/api/shops/[shopId]/members/[userId]": shopMember,
    "/api/shops/[shopId]/orders": shopOrders,
    "/api/shops/[shopId]/orders/[orderId]": shopOrder,
    "/api/shops/[shopId]/orders/[orderId]/status": shopOrderStatus,
    "/api/shops/[shopId]/products": shopProducts,
    "/api/shops/[shopId]/products/[productId]": shopProduct,
    "/api/shops/[shopId]/connect": shopConnect,
    "/api/shops/[shopId]/connect/onboarding": shopConnectOnboarding,
    "/api/shops/[shopId]/payments/[id]": shopPayment,
    "/api/shops/[shopId]/payments/[id]/refund": shopPaymentRefund,
    "/api/shops/[shopId]/payments/confirm": shopPaymentsConfirm,
    "/api/shops/[shopId]/payments/intent": shopPaymentsIntent,
    "/api/subscriptions": subscriptions,
    "/api/subscriptions/portal": subscriptionsPortal,
    "/api/subscriptions/webhook": subscriptionsWebhook,
    "/api/staff/bookings": staffBookings,
    "/api/staff/bookings/[id]": staffBooking,
    "/api/staff/bookings/[id]/refund": staffBookingRefund,
    "/api/sync/pull": syncPull,
    "/api/sync/push": syncPush,
    "/api/sync/settings": syncSettings,
    "/api/users/me": usersMe,
    "/api/users/me/settings": usersMeSettings,
    "/api/webhooks/calcom": webhooksCalcom,
    "/api/webhooks/meta": webhooksMeta,
    "/api/webhooks/razorpay": webhooksRazorpay,
    "/api/webhooks/resend": webhooksResend,
    "/api/webhooks/sandbox": webhooksSandbox,
    "/api/webhooks/stripe": webhooksStripe,
    "/api/webhooks/stripe-connect": webhooksStripeConnect,
    "/api/webhooks/telegram/[connectionId]": webhooksTelegram,
    "/api/webhooks/tiktok": webhooksTikTok,
    "/api/webhooks/twilio": webhooksTwilio,
    "/api/webhooks/viber/[connectionId]": webhooksViber,
  };
}
