// The client's IP as the platform saw it. Vercel sets x-real-ip and x-vercel-forwarded-for
// itself and overwrites what the client sent; an X-Forwarded-For chain is never read, because
// its first entry is whatever the client chose to write.
export function clientIpOf(request: Request): string {
  return (
    request.headers.get("x-real-ip")?.trim() ||
    request.headers.get("x-vercel-forwarded-for")?.split(",")[0]?.trim() ||
    "unknown"
  );
}
