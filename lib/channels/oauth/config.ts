// Where the social channels' OAuth talks to, and with which app (issue 22). Meta: Facebook Login's
// dialog at www.facebook.com/<version>/dialog/oauth and the Graph API at graph.facebook.com
// (META_GRAPH_VERSION, v24.0 when unset). TikTok: Login Kit v2, www.tiktok.com/v2/auth/authorize/
// and open.tiktokapis.com. The *_URL overrides point at local fakes, on the local stack only:
// anywhere else an app secret or a token is only ever sent to the provider itself.
//
// The redirect_uri is APP_URL/oauth/<platform>/callback: from configuration, never the Host a
// request names. It must be registered with the provider's app as it is written here.
import { env, localStackEnabled } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";

export type OAuthPlatform = "facebook" | "instagram" | "tiktok";
export const OAUTH_PLATFORMS: readonly OAuthPlatform[] = ["facebook", "instagram", "tiktok"];

export const isOAuthPlatform = (name: string): name is OAuthPlatform =>
  (OAUTH_PLATFORMS as readonly string[]).includes(name);

/** How long a started connect (its state) and a pending choice of Page last. */
export const OAUTH_WINDOW_SECONDS = 600;

/** Facebook Login scopes: the Page list, Messenger, and subscribing the app to the Page. */
export const META_SCOPES: Record<"facebook" | "instagram", readonly string[]> = {
  facebook: ["pages_show_list", "pages_messaging", "pages_manage_metadata"],
  instagram: [
    "pages_show_list",
    "pages_manage_metadata",
    "instagram_basic",
    "instagram_manage_messages",
  ],
};
/** TikTok Login Kit: the user's open_id and display name. */
export const TIKTOK_SCOPES: readonly string[] = ["user.info.basic"];

function override(name: string, value: string | undefined, real: string): string {
  if (value === undefined) return real;
  if (!localStackEnabled()) {
    log.warn("channel_api_url_ignored", { setting: name, reason: "for local use only" });
    return real;
  }
  return value.replace(/\/+$/, "");
}

export interface MetaApp {
  appId: string;
  appSecret: string;
  version: string;
  graphUrl: string;
  dialogUrl: string;
}

export interface TikTokApp {
  clientKey: string;
  clientSecret: string;
  apiUrl: string;
  authUrl: string;
}

export function metaApp(): MetaApp | undefined {
  const config = env();
  if (!config.META_APP_ID || !config.META_APP_SECRET) return undefined;
  return {
    appId: config.META_APP_ID,
    appSecret: config.META_APP_SECRET,
    version: config.META_GRAPH_VERSION ?? "v24.0",
    graphUrl: override("META_GRAPH_URL", config.META_GRAPH_URL, "https://graph.facebook.com"),
    dialogUrl: override(
      "META_DIALOG_API_URL",
      config.META_DIALOG_API_URL,
      "https://www.facebook.com",
    ),
  };
}

export function tiktokApp(): TikTokApp | undefined {
  const config = env();
  if (!config.TIKTOK_CLIENT_KEY || !config.TIKTOK_CLIENT_SECRET) return undefined;
  return {
    clientKey: config.TIKTOK_CLIENT_KEY,
    clientSecret: config.TIKTOK_CLIENT_SECRET,
    apiUrl: override("TIKTOK_API_URL", config.TIKTOK_API_URL, "https://open.tiktokapis.com"),
    authUrl: override("TIKTOK_AUTH_API_URL", config.TIKTOK_AUTH_API_URL, "https://www.tiktok.com"),
  };
}

const NAMES: Record<OAuthPlatform, string> = {
  facebook: "Facebook",
  instagram: "Instagram",
  tiktok: "TikTok",
};
export const platformName = (platform: OAuthPlatform) => NAMES[platform];

/** The app for the platform, or 503 provider_not_configured naming what is missing. */
export function requireMetaApp(platform: OAuthPlatform): MetaApp {
  const app = metaApp();
  if (!app || !env().CHANNEL_OAUTH_STATE_SECRET) {
    throw new ApiError(
      "provider_not_configured",
      `${NAMES[platform]} connects through a Meta app (Facebook Login): set META_APP_ID, META_APP_SECRET and CHANNEL_OAUTH_STATE_SECRET.`,
    );
  }
  return app;
}

export function requireTikTokApp(): TikTokApp {
  const app = tiktokApp();
  if (!app || !env().CHANNEL_OAUTH_STATE_SECRET) {
    throw new ApiError(
      "provider_not_configured",
      "TikTok connects through Login Kit: set TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET and CHANNEL_OAUTH_STATE_SECRET.",
    );
  }
  return app;
}

export function redirectUri(appUrl: string, platform: OAuthPlatform): string {
  return `${appUrl.replace(/\/+$/, "")}/oauth/${platform}/callback`;
}
