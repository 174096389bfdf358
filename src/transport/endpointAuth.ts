import { AuthRejectedError, InsufficientScopeError, SignInFailedError, SignInRequiredError, TokenRefreshError } from '../auth/errors';
import type { ChallengeAnswer } from '../auth/oauthSession';

/**
 * What the transport needs of a server's OAuth sign-in (an `OAuthSession`, non-interactive): the Authorization value
 * for the next request to the MCP endpoint, and what a 401/403 from it means — 'retry' with a new value (a refresh or
 * a newer token), or a typed error that says why not (sign-in needed, refused, …).
 */
export interface EndpointAuth {
  authorization(): Promise<string | undefined>;
  challenged(answer: ChallengeAnswer): Promise<'retry'>;
}

/** The errors a sign-in raises; they reach the caller of the request, so the transport does not report them again. */
export function isAuthFailure(error: unknown): boolean {
  return (
    error instanceof SignInRequiredError ||
    error instanceof SignInFailedError ||
    error instanceof AuthRejectedError ||
    error instanceof InsufficientScopeError ||
    error instanceof TokenRefreshError
  );
}

/**
 * Sends one request to the MCP endpoint with the sign-in's token. A 401/403 goes to the sign-in: on 'retry' the request
 * is sent once more with the new token; a second refusal is the sign-in's to judge again, and is never retried.
 * Without `auth` this is `send(headers)`.
 */
export async function sendAuthorized(
  request: { auth?: EndpointAuth; server: string; requestKey?: string; remember: (authorization: string) => void },
  headers: Headers,
  send: (headers: Headers) => Promise<Response>,
): Promise<Response> {
  const { auth, requestKey, remember } = request;
  if (!auth) return send(headers);
  for (let attempt = 0; ; attempt++) {
    const authorization = await auth.authorization();
    if (authorization) {
      remember(authorization);
      headers.set('authorization', authorization);
    }
    const response = await send(headers);
    if (response.status !== 401 && response.status !== 403) return response;
    const answer: ChallengeAnswer = { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), requestKey, authorization: authorization ?? null };
    await response.body?.cancel().catch(() => undefined);
    await auth.challenged(answer);
    // A token renewed and refused again: the sign-in is no longer accepted (challenged() usually says so itself).
    if (attempt >= 1) throw new SignInRequiredError(request.server, 'expired');
  }
}

/** What the step-up limit is counted per: the JSON-RPC method, and the tool, prompt or resource it names. */
export function requestKeyOf(messages: { method?: unknown; params?: unknown }[]): string | undefined {
  const first = messages.find((message) => typeof message.method === 'string');
  if (!first) return undefined;
  const params = (first.params ?? {}) as { name?: unknown; uri?: unknown };
  const target = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  return target === undefined ? String(first.method) : `${String(first.method)}:${target}`;
}
