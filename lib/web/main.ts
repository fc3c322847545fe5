// The demo booking app: what an SPA on Bastion looks like. It runs on the API's own origin, talks
// to it only through the typed client, holds the access token in memory, and after a reload or a
// checkout's redirect gets its session back from the httpOnly refresh cookie.
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
import { h, show } from "./dom.js";
import { myBookings } from "./my-bookings.js";
import { clearProblem, showProblem } from "./problems.js";

type Booking = Schemas["Booking"];
interface Catalogue {
  services: Schemas["Service"][];
  consentVersions: Schemas["ConsentVersion"][];
}

const app = document.getElementById("app") as HTMLElement;
const account = document.getElementById("account") as HTMLElement;
let shownUserId: string | undefined;
let catalogue: Promise<Catalogue> | undefined;

const client = createBastionClient({
  // A renewed token is the same person: only signing in or out redraws the page.
  onSessionChange(session) {
    if (session?.user.id !== shownUserId) void render();
  },
});

async function render(): Promise<void> {
  const session = client.session;
  shownUserId = session?.user.id;
  clearProblem();
  if (!session) {
    show(account);
    show(app, authForm(client));
    focusHeading();
    return;
  }
  const signOut = h("button", { type: "button", class: "secondary" }, "Sign out");
  signOut.addEventListener("click", () => void client.signOut().catch(showProblem));
  show(account, h("span", {}, `Signed in as ${session.user.email ?? "you"}`), signOut);
  show(app, h("p", { class: "hint", "aria-live": "polite" }, "Loading…"));
  try {
    const [{ services, consentVersions }, fullName] = await Promise.all([
      loadCatalogue(),
      profileName(client),
    ]);
    const notice = h("div", { id: "notice" });
    const bookings = myBookings({ client, services, onPay: (booking) => pay(booking) });
    const serviceName = (slug: string) =>
      services.find((service) => service.slug === slug)?.name ?? slug;
    const showConfirmation = (booking: Booking) => {
      show(notice, confirmation(booking, serviceName(booking.sessionType)));
      notice.querySelector<HTMLElement>("h2")?.focus();
      void bookings.refresh();
    };
    const pay = async (booking: Booking) => {
      try {
        showConfirmation(await payForHold(client, booking));
      } catch (error) {
        showProblem(error);
        void bookings.refresh();
      }
    };
    const form = bookingForm({
      client,
      services,
      consentVersions,
      account: { email: session.user.email ?? "", fullName },
      onBooked: (booking) =>
        booking.status === "held" ? pay(booking) : Promise.resolve(showConfirmation(booking)),
    });
    show(app, notice, form, bookings.element);
    await bookings.refresh();
    await finishCheckout(showConfirmation);
  } catch (error) {
    show(app);
    showProblem(error);
  }
}

/** The return leg of a checkout redirect: its answer is in the query string, once. */
async function finishCheckout(showConfirmation: (booking: Booking) => void): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (!params.has("booking")) return;
  history.replaceState(null, "", location.pathname);
  try {
    const booking = await resumeCheckout(client, params);
    if (booking) showConfirmation(booking);
  } catch (error) {
    showProblem(error);
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

// A 401 here only means there is no session to restore: the app starts signed out.
await client.restoreSession().catch(() => undefined);
if (!client.session) await render();
