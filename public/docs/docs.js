// Starts Swagger UI for /docs on the OpenAPI document of this deployment. A file of its own, not
// an inline script, so the page runs under a Content-Security-Policy without 'unsafe-inline'.
// Everything it loads comes from this origin: the renderer from /docs/vendor/ (copied from
// swagger-ui-dist by dev/build-web.ts, loaded by a classic script before this module runs), the
// document from /api/openapi.json, and the requests "Try it out" sends go to this same origin.

// Refresh and logout act on the httpOnly session cookie and answer 403 origin_not_allowed
// unless the request carries this header, which only pages of our own origin can send.
const SESSION_COOKIE_PATHS = new Set(["/api/auth/refresh", "/api/auth/logout"]);

const { SwaggerUIBundle } = window;
const root = document.getElementById("swagger-ui");

if (typeof SwaggerUIBundle !== "function") {
  if (root) {
    root.textContent =
      "The reference could not load its renderer. The raw OpenAPI document is at /api/openapi.json.";
  }
} else {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    // A token pasted into Authorize stays in this page's memory only, never in localStorage.
    persistAuthorization: false,
    // The page's query string never changes the configuration (no ?url= to another document).
    queryConfigEnabled: false,
    // No badge fetched from validator.swagger.io.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Sections start closed: the reference has some 150 operations, which Swagger UI renders
    // slowly all at once (and a phone shows the list of sections first); each opens on a tap.
    docExpansion: "none",
    filter: true,
    displayRequestDuration: true,
    // Shows x-roles, the roles an operation requires, under its description.
    showExtensions: true,
    showCommonExtensions: true,
    requestInterceptor: (request) => {
      const url = new URL(request.url, window.location.href);
      if (url.origin === window.location.origin && SESSION_COOKIE_PATHS.has(url.pathname)) {
        request.headers["X-Requested-With"] = "XMLHttpRequest";
      }
      return request;
    },
  });
}
