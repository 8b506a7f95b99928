/**
 * The console's Content-Security-Policy, one policy for both places that serve it: CloudFront in
 * AWS (infra/console.ts, which also allows the API's and the sign-in's origins) and the local
 * console server (local/console.ts, everything from its own origin). No CDK here, so the local
 * server can load it.
 */

/** The policy, allowing `connect` origins besides the console's own. */
export function consoleContentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // The preview frame shows an HTML mail, styled inline as mail is.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...connect].join(' '),
    "frame-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
