import type { SignInFailureKind, SignInRequiredReason } from './types';

/** "auth.example.com" for "https://auth.example.com/tenant": how an authorization server is named in sentences. */
export function issuerHost(issuer: string | undefined): string | undefined {
  if (!issuer) return undefined;
  try {
    return new URL(issuer).host;
  } catch {
    return undefined; // not a URL: nothing to name (and nothing unchecked to show)
  }
}

/** The server needs a sign-in before it can be used; nothing was opened. */
export class SignInRequiredError extends Error {
  constructor(
    readonly server: string,
    readonly reason: SignInRequiredReason,
    readonly issuer?: string,
    readonly scopes: string[] = [],
  ) {
    super(signInRequiredMessage(server, reason, issuerHost(issuer), scopes));
    this.name = 'SignInRequiredError';
  }
}

function signInRequiredMessage(server: string, reason: SignInRequiredReason, host: string | undefined, scopes: string[]): string {
  const at = host ? ` with ${host}` : '';
  switch (reason) {
    case 'no-token':
      return `Server "${server}" requires signing in${at}: sign in to it to continue.`;
    case 'expired':
      return `The sign-in to server "${server}"${at} is no longer accepted and cannot be renewed: sign in again.`;
    case 'invalid-grant':
      return `The authorization server${host ? ` ${host}` : ''} no longer accepts the sign-in to server "${server}" (revoked or expired): sign in again.`;
    case 'insufficient-scope':
      return `Server "${server}" needs permissions the current sign-in does not grant${scopes.length ? ` (scope "${scopes.join(' ')}")` : ''}: sign in again to grant them.`;
  }
}

/** A 401/403 without an OAuth Bearer challenge: the server does not use OAuth, so signing in cannot help. */
export class AuthRejectedError extends Error {
  constructor(
    readonly server: string,
    readonly status: number,
  ) {
    super(
      status === 403
        ? `Server "${server}" refused the request (HTTP 403) without asking for more OAuth permissions: check that the account or the credentials in its headers may do this.`
        : `Server "${server}" refused the request (HTTP ${status}) without an OAuth challenge: it does not use OAuth sign-in; check the credentials in its headers.`,
    );
    this.name = 'AuthRejectedError';
  }
}

/** The server kept answering 403 insufficient_scope after the allowed number of step-up sign-ins for one request. */
export class InsufficientScopeError extends Error {
  constructor(
    readonly server: string,
    readonly scopes: string[],
    readonly attempts: number,
  ) {
    super(
      `Server "${server}" still refuses the request for lack of permission after ${attempts} sign-ins asking for more${scopes.length ? ` (last asked: "${scopes.join(' ')}")` : ''}: the account may not be allowed to do this.`,
    );
    this.name = 'InsufficientScopeError';
  }
}

/** Renewing the tokens failed for a reason a sign-in would not fix (network, server error); the sign-in is kept. */
export class TokenRefreshError extends Error {
  constructor(
    readonly server: string,
    readonly issuer: string,
    detail: string,
  ) {
    super(`Could not renew the sign-in to server "${server}" with ${issuerHost(issuer)}: ${detail}. The sign-in is kept; try again later.`);
    this.name = 'TokenRefreshError';
  }
}

export interface SignInFailureDetails {
  issuer?: string;
  /** Plain text from us or, already stripped of secrets, from the authorization server. */
  detail?: string;
  redirectUri?: string;
}

/** An interactive sign-in did not end with stored tokens. `kind` says why; nothing was stored. */
export class SignInFailedError extends Error {
  readonly issuer?: string;

  constructor(
    readonly server: string,
    readonly kind: SignInFailureKind,
    details: SignInFailureDetails = {},
  ) {
    super(signInFailedMessage(server, kind, details));
    this.name = 'SignInFailedError';
    this.issuer = details.issuer;
  }
}

function signInFailedMessage(server: string, kind: SignInFailureKind, { issuer, detail, redirectUri }: SignInFailureDetails): string {
  const s = `server "${server}"`;
  const as = issuerHost(issuer) ?? 'the authorization server';
  const because = detail ? `: ${detail}` : '';
  switch (kind) {
    case 'discovery-failed':
      return `Could not find out how to sign in to ${s}${because}. Check the server URL and that the server is reachable.`;
    case 'resource-mismatch':
      return `Not signing in to ${s}: its metadata names ${detail ?? 'another resource'} as the protected resource, which is not this server's URL. Check the server URL; if it is right, the server is misconfigured.`;
    case 'pkce-unsupported':
      return `Not signing in to ${s}: its authorization server ${as} does not advertise PKCE with S256, which MCP requires. Its operator has to enable it.`;
    case 'unsupported-server':
      return `Not signing in to ${s}: its authorization server ${as} cannot be used${because}.`;
    case 'redirect-port-unavailable':
      return `Cannot receive the sign-in for ${s}${because}. Free that port or choose another redirectPort.`;
    case 'no-client':
      return `Cannot sign in to ${s}: ${as} ${detail ?? 'offers no dynamic client registration'}. Register a client there with the redirect URI ${redirectUri ?? '(shown at sign-in)'} and set clientId (and clientSecret) for the server.`;
    case 'registration-failed':
      return `Registering this client with ${as} for ${s} failed${because}. Try again, or set a pre-registered clientId for the server.`;
    case 'browser-failed':
      return `Could not open the sign-in page for ${s}${because}.`;
    case 'authorization-denied':
      return `${as} refused the sign-in to ${s}${because}. Try again, or check that your account may use this server.`;
    case 'state-mismatch':
      return `The sign-in to ${s} was abandoned: the browser came back with the answer to a different sign-in (state mismatch). Sign in again.`;
    case 'issuer-mismatch':
      return `The sign-in to ${s} was abandoned: the answer came from ${detail ?? 'an unknown issuer'} instead of ${issuer ?? 'the expected authorization server'} (iss mismatch). Sign in again.`;
    case 'invalid-callback':
      return `The sign-in to ${s} failed: the browser came back without an authorization code${because}. Sign in again.`;
    case 'timeout':
      return `The sign-in to ${s} timed out${detail ? ` after ${detail}` : ''} waiting for the browser. Sign in again and finish it in the browser.`;
    case 'cancelled':
      return `The sign-in to ${s} was cancelled.`;
    case 'token-request-failed':
      return `${as} did not issue tokens for ${s}${because}. Sign in again.`;
  }
}
