// The demo booking app: what an SPA on Bastion looks like. It runs on the API's own origin, talks
// to it only through the typed client, holds the access token in memory, and after a reload or a
// checkout's redirect gets its session back from the httpOnly refresh cookie. More pages live
// at their own paths (vercel.json rewrites them to this app): /forgot-password and
// /reset-password, where the emailed reset link lands, and /auth/confirm, where the sign-up's
// confirmation link lands; and /staff, a staff member's bookings of the day (staff-day.ts) and
// what needs attention (operations.ts); /inbox, a shop member's live inbox (shop-inbox.ts); and
// /shops/:shopId/chat, a shop's public customer chat widget (shop-chat.ts).
// Signed out, the front page also books without an account, and /bookings/:id#token=… is a
// guest's own booking page (guest-booking.ts).
import {
  type BastionClient,
  createBastionClient,
  type Schemas,
  unwrap,
} from "../client/bastion-client.js";
import { authForm } from "./auth-form.js";
import { bookingForm } from "./booking-form.js";
import { payForHold, resumeCheckout } from "./checkout.js";
import { confirmation } from "./confirmation.js";
import { busy, h, show } from "./dom.js";
import { CONFIRM_EMAIL_PATH, confirmEmailPage } from "./email-confirmation.js";
import { FLIGHTS_PATH, flightsPage } from "./flights.js";
import { clockTime } from "./format.js";
import { GUEST_BOOKING_PATH, guestBookingPage, guestBookingSection } from "./guest-booking.js";
import { liveHold, myBookings } from "./my-bookings.js";
import { operationsPanel } from "./operations.js";
import {
  FORGOT_PASSWORD_PATH,
  forgotPasswordPage,
  RESET_PASSWORD_PATH,
  resetPasswordPage,
} from "./password-reset.js";
import { clearProblem, focusInView, showProblem } from "./problems.js";
import { SHOP_CHAT_PATH, shopChatPage } from "./shop-chat.js";
import { INBOX_PATH, shopInboxPage } from "./shop-inbox.js";
import { STAFF_PATH, staffDayPage } from "./staff-day.js";
import { supportChat } from "./support-chat.js";

type Booking = Schemas["Booking"];
interface Catalogue {
  services: Schemas["Service"][];
  consentVersions: Schemas["ConsentVersion"][];
}

const app = document.getElementById("app") as HTMLElement;
const account = document.getElementById("account") as HTMLElement;
let shownUserId: string | undefined;
let catalogue: Promise<Catalogue> | undefined;
/** A line to show above the booking form once, after the page that led there. */
let pendingNotice: string | undefined;
/** What the page shown last must stop when another is drawn (the inbox's Realtime connection). */
let leavePage: (() => void) | undefined;

const client = createBastionClient({
  // A renewed token is the same person: only signing in or out redraws the page. The pages that
  // a mailed link opens redraw themselves.
  onSessionChange(session) {
    if (session?.user.id !== shownUserId && !onLinkPage()) void render();
  },
});

/** The password pages and the email confirmation page, which sign in by themselves. */
function onLinkPage(): boolean {
  return [FORGOT_PASSWORD_PATH, RESET_PASSWORD_PATH, CONFIRM_EMAIL_PATH].includes(
    location.pathname,
  );
}

async function render(): Promise<void> {
  const session = client.session;
  shownUserId = session?.user.id;
  clearProblem();
  leavePage?.();
  leavePage = undefined;
  const chatShop = SHOP_CHAT_PATH.exec(location.pathname)?.[1];
  if (location.pathname === FORGOT_PASSWORD_PATH) {
    show(account);
    show(app, forgotPasswordPage(client));
    focusHeading();
    return;
  }
  if (location.pathname === RESET_PASSWORD_PATH) {
    show(account);
    show(
      app,
      resetPasswordPage({
        client,
        onReset() {
          // The link is spent: the address bar leaves it, and the app opens signed in.
          history.replaceState(null, "", "/");
          pendingNotice =
            "Your new password is set and you are signed in. Any other device signed in to this account has been signed out.";
          void render();
        },
      }),
    );
    focusHeading();
    return;
  }
  if (location.pathname === CONFIRM_EMAIL_PATH) {
    show(account);
    show(
      app,
      confirmEmailPage({
        client,
        onConfirmed() {
          // The token is spent: the address bar leaves it, and the app opens signed in.
          history.replaceState(null, "", "/");
          pendingNotice = "Your account is confirmed and you are signed in.";
          void render();
        },
      }),
    );
    focusHeading();
    return;
  }
  const guestBooking = GUEST_BOOKING_PATH.exec(location.pathname)?.[1];
  if (guestBooking && !session) {
    show(account);
    show(app, h("p", { class: "hint", "aria-live": "polite" }, "Loading…"));
    try {
      const { services } = await loadCatalogue();
      show(app, guestBookingPage(client, guestBooking, services));
    } catch (error) {
      show(app);
      showProblem(error);
    }
    return;
  }
  if (chatShop && !session) {
    show(account);
    show(app, shopChatPage(client, chatShop));
    focusHeading();
    return;
  }
  if (!session) {
    show(account);
    show(app, authForm(client));
    focusHeading();
    try {
      const { services, consentVersions } = await loadCatalogue();
      app.append(
        guestBookingSection({
          client,
          services,
          consentVersions,
          open(path) {
            history.pushState(null, "", path);
            void render();
          },
        }),
      );
    } catch (error) {
      showProblem(error);
    }
    return;
  }
  const signOut = h("button", { type: "button", class: "secondary" }, "Sign out");
  signOut.addEventListener(
    "click",
    () =>
      void busy(
        signOut,
        () =>
          client
            .signOut()
            .catch((error: unknown) =>
              showProblem(error, { action: "sign-out", at: account, inside: true }),
            ),
        "Signing out…",
      ),
  );
  show(account, h("span", {}, `Signed in as ${session.user.email ?? "you"}`), signOut);
  if (location.pathname === FLIGHTS_PATH) {
    show(app, flightsPage(client));
    focusHeading();
    return;
  }
  if (chatShop) {
    show(app, shopChatPage(client, chatShop));
    focusHeading();
    return;
  }
  if (location.pathname === INBOX_PATH) {
    const inbox = shopInboxPage(client);
    leavePage = inbox.close;
    show(app, inbox.element);
    focusHeading();
    return;
  }
  if (location.pathname === STAFF_PATH) {
    show(app, staffDayPage(client), operationsPanel(client));
    focusHeading();
    return;
  }
  show(app, h("p", { class: "hint", "aria-live": "polite" }, "Loading…"));
  try {
    const [{ services, consentVersions }, fullName] = await Promise.all([
      loadCatalogue(),
      profileName(client),
    ]);
    const notice = h("div", { id: "notice" });
    if (pendingNotice) {
      show(notice, h("p", { class: "notice", role: "status", tabindex: -1 }, pendingNotice));
      pendingNotice = undefined;
    }
    const bookings = myBookings({
      client,
      services,
      onPay: (booking) => pay(booking),
    });
    const serviceName = (slug: string) =>
      services.find((service) => service.slug === slug)?.name ?? slug;
    const showConfirmation = (booking: Booking) => {
      show(notice, confirmation(booking, serviceName(booking.sessionType)));
      notice.querySelector<HTMLElement>("h2")?.focus();
      void bookings.refresh();
    };
    // A failure is shown by the button that asked to pay.
    const pay = async (booking: Booking) => {
      let paid: Booking;
      try {
        paid = await payForHold(client, booking);
      } catch (error) {
        void bookings.refresh();
        throw error;
      }
      showConfirmation(paid);
    };
    const form = bookingForm({
      client,
      services,
      consentVersions,
      account: { email: session.user.email ?? "", fullName },
      onBooked: (booking) =>
        booking.status === "held" ? pay(booking) : Promise.resolve(showConfirmation(booking)),
      onHeld: async () => {
        await bookings.refresh();
      },
    });
    show(app, notice, form, bookings.element);
    const shownNotice = notice.querySelector<HTMLElement>(".notice");
    if (shownNotice) focusInView(shownNotice);
    const mine = await bookings.refresh();
    await finishCheckout(notice, showConfirmation);
    // Coming back to a time held and not paid for: said at the top, not only far down the list.
    const held = mine.find(liveHold);
    if (held?.expiresAt && !notice.hasChildNodes()) {
      show(
        notice,
        h(
          "p",
          { class: "notice", role: "status" },
          `A time is held for you until ${clockTime(held.expiresAt)}. `,
          h("a", { href: "#bookings-heading" }, "Pay for it in My bookings"),
        ),
      );
    }
  } catch (error) {
    show(app);
    showProblem(error);
  }
}

/** The return leg of a checkout redirect: its answer is in the query string, once. */
async function finishCheckout(
  notice: HTMLElement,
  showConfirmation: (booking: Booking) => void,
): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (!params.has("booking")) return;
  history.replaceState(null, "", location.pathname);
  try {
    const booking = await resumeCheckout(client, params);
    if (booking) showConfirmation(booking);
  } catch (error) {
    showProblem(error, { action: "pay", at: notice, inside: true });
  }
}

function loadCatalogue(): Promise<Catalogue> {
  catalogue ??= Promise.all([
    client.api.GET("/api/services").then(unwrap),
    client.api.GET("/api/consent/versions").then(unwrap),
  ]).then(([services, consentVersions]) => ({ services, consentVersions }));
  catalogue.catch(() => {
    catalogue = undefined;
  });
  return catalogue;
}

async function profileName(bastion: BastionClient): Promise<string | null> {
  const { data } = await bastion.api.GET("/api/users/me");
  return data?.fullName ?? null;
}

function focusHeading(): void {
  app.querySelector<HTMLElement>("h2")?.focus();
}

// The support chat sits on every page, before the footer (web/support-chat.ts).
document.querySelector("footer")?.before(supportChat(client));

// A 401 here only means there is no session to restore: the app starts signed out.
await client.restoreSession().catch(() => undefined);
if (!client.session || onLinkPage()) await render();
// Back and forward between the front page and a guest's booking page.
addEventListener("popstate", () => void render());
