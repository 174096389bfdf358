import { randomBytes } from 'node:crypto';
import { discoverOAuthServerInfo, exchangeAuthorization, refreshAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidClientError, InvalidGrantError, OAuthError, UnauthorizedClientError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthorizationServerMetadata, OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BearerChallenge, parseBearerChallenge } from './bearerChallenge';
import { ClientIdentity, obtainClient } from './clientIdentity';
import { AuthRejectedError, InsufficientScopeError, SignInFailedError, SignInRequiredError, TokenRefreshError } from './errors';
import { CALLBACK_PATH, LoopbackListener } from './loopbackListener';
import { pkceS256Supported } from './pkceSupport';
import { canonicalResource, chooseResource, ResourceMismatchError } from './resourceIndicator';
import { scopesToRequest, splitScope, unionScopes } from './scopes';
import { SecretValues } from './secretValues';
import { SessionStore, StoredClient, StoredDiscovery, StoredTokens } from './sessionStore';
import { SingleFlight } from './singleFlight';
import type { AuthEvent, AuthStatus, AuthStore, InteractiveSignIn, OAuthSettings, SignInRequiredReason } from './types';

/** Tokens that expire within this are renewed before they are used. */
const REFRESH_MARGIN_MS = 60_000;
/** A token that a refresh produced less than this long ago and that is rejected anyway: another refresh would not help. */
const FRESH_TOKEN_MS = 60_000;
/**
 * Sign-ins that challenges of one request key may start, the 401's included: a server that answers 403
 * insufficient_scope forever gets at most this many authorization requests (conformance `auth/scope-retry-limit`).
 */
const MAX_SIGN_INS_PER_REQUEST = 3;
const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

export interface OAuthSessionOptions {
  /** The server's configured name, used in events and messages. */
  server: string;
  /** The MCP endpoint URL (credentials already removed). */
  resourceUrl: URL;
  settings: OAuthSettings;
  store: AuthStore;
  /** Base fetch for discovery, registration and token requests; never carries the MCP server's configured headers. */
  fetch?: typeof fetch;
  /** The `client_name` of dynamic registrations. */
  clientName?: string;
  now?: () => number;
  onEvent?: (event: AuthEvent) => void;
  /** Hears every secret value the session learns (tokens, codes, verifiers, state, client secrets), to keep them out of logs. */
  onSecret?: (value: string) => void;
}

export interface ChallengeAnswer {
  status: number;
  /** The raw `WWW-Authenticate` header value. */
  wwwAuthenticate: string | null;
  /** What the step-up limit is counted per (e.g. the JSON-RPC method and tool name). */
  requestKey?: string;
  /**
   * The `Authorization` value the rejected request carried (what `authorization()` returned for it). Pass it: a 401 for
   * a token that has been replaced since is simply retried. Without it the rejection is taken to be of the current token.
   */
  authorization?: string | null;
}

type RefreshOutcome = { kind: 'refreshed'; tokens: StoredTokens } | { kind: 'grant-gone' } | { kind: 'failed'; error: TokenRefreshError };

/**
 * OAuth 2.1 for one configured MCP server, as the MCP authorization spec (2025-06-18, 2025-11-25) defines it.
 *
 * The protocol steps are the SDK's (discovery, `startAuthorization`, `exchangeAuthorization`, `refreshAuthorization`,
 * `registerClient`); their order is ours rather than `auth()`'s, because `auth()` refreshes where a step-up needs a new
 * authorization, turns a failed refresh into a redirect, and leaves no point between its steps for the checks the SDK
 * lacks (G1 PKCE, G2 resource, G3 state/iss, G6 scope union, G7 configured client). Discovery results are kept in the
 * SDK's `OAuthDiscoveryState` shape, so refreshes never repeat discovery.
 *
 * Redirect and registration timing: the loopback listener starts only for an interactive sign-in, and a client is
 * registered (or asked for) only then, once the listener is bound, so the registered redirect URI is always the exact
 * one in use. The port is `redirectPort` if configured, else the port of this server's stored registration (so it is
 * reused rather than registered again), else a random free one; if the remembered port is taken, a random port is
 * used and the client registered again.
 */
export class OAuthSession {
  private readonly server: string;
  private readonly settings: OAuthSettings;
  private readonly store: SessionStore;
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  private readonly secrets: SecretValues;
  private readonly refreshFlight = new SingleFlight<RefreshOutcome>();
  private readonly signInFlight = new SingleFlight<AuthStatus>();
  /** `resource_metadata` and the scope of the latest challenge. */
  private readonly challenge: BearerChallenge = {};
  private stepUpScopes: string[] = [];
  private readonly signInsByRequest = new Map<string, number>();
  private discoveredHere = false;
  private signInNeeded?: { issuer?: string };

  constructor(private readonly options: OAuthSessionOptions) {
    this.server = options.server;
    this.settings = options.settings;
    this.store = new SessionStore(options.store, options.server, canonicalResource(options.resourceUrl));
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.secrets = new SecretValues(options.onSecret);
    if (options.settings.clientId) this.secrets.addClientCredentials(options.settings.clientId, options.settings.clientSecret);
    else this.secrets.add(options.settings.clientSecret);
  }

  /** Whether a sign-in is known to be needed (set after a failed challenge), with the authorization server's issuer when known. */
  get needsSignIn(): { issuer?: string } | undefined {
    return this.signInNeeded;
  }

  /**
   * "Bearer <access token>" for the next MCP request, or undefined when not signed in. Refreshes first (single-flight)
   * when the token expires within 60 s and a refresh token exists (G4). Never interactive.
   */
  async authorization(): Promise<string | undefined> {
    const tokens = await this.currentTokens();
    if (!tokens) return undefined;
    if (tokens.refresh_token && tokens.expires_at !== undefined && tokens.expires_at - this.now() <= REFRESH_MARGIN_MS) {
      const outcome = await this.refresh(tokens, 'expiring');
      if (outcome.kind === 'refreshed') return bearer(outcome.tokens);
      if (outcome.kind === 'grant-gone') return undefined;
      // A refresh that failed for a transient reason keeps the token: the server decides, and its 401 brings us back.
    }
    return bearer(tokens);
  }

  /**
   * An MCP request was answered 401 or 403. Resolves 'retry' when the request should be sent again with
   * `authorization()`; throws a typed error otherwise. Non-interactive unless `interactive` is given; concurrent callers
   * share one refresh and one sign-in (G5).
   */
  async challenged(answer: ChallengeAnswer, interactive?: InteractiveSignIn): Promise<'retry'> {
    const challenge = answer.status === 401 || answer.status === 403 ? parseBearerChallenge(answer.wwwAuthenticate) : undefined;
    if (!challenge) throw new AuthRejectedError(this.server, answer.status);
    if (challenge.resourceMetadataUrl) this.challenge.resourceMetadataUrl = challenge.resourceMetadataUrl;

    if (answer.status === 403) {
      if (challenge.error !== 'insufficient_scope') throw new AuthRejectedError(this.server, 403);
      return this.stepUp(challenge, answer.requestKey ?? '', interactive);
    }

    // The 401's scope is what the resource needs; a 403's belongs to one operation and goes through the step-up scopes.
    if (challenge.scope) this.challenge.scope = challenge.scope;
    const signingIn = this.signInFlight.current;
    if (signingIn) {
      await signingIn;
      return 'retry';
    }
    // A refresh in progress (or one this request's token was replaced by) answers this challenge too.
    let outcome = await this.refreshFlight.current;
    const tokens = outcome ? undefined : await this.currentTokens();
    if (tokens && answer.authorization != null && answer.authorization !== bearer(tokens)) return 'retry';
    if (tokens?.refresh_token && !this.freshFromRefresh(tokens)) outcome = await this.refresh(tokens, 'rejected');
    if (outcome?.kind === 'refreshed') return 'retry';
    if (outcome?.kind === 'failed') throw outcome.error;
    return this.requireSignIn(outcome?.kind === 'grant-gone' ? 'invalid-grant' : tokens ? 'expired' : 'no-token', answer.requestKey ?? '', interactive);
  }

  /** The interactive flow, user-initiated. Resolves when tokens are stored. */
  signIn(interactive: InteractiveSignIn, signal?: AbortSignal): Promise<AuthStatus> {
    return this.signInFlight.run(() => this.runSignIn(interactive, signal));
  }

  /** Forgets the tokens (and the registered client and discovery too if asked). */
  async signOut(options: { forgetClient?: boolean } = {}): Promise<void> {
    await this.refreshFlight.current;
    const discovery = await this.store.discovery();
    if (discovery) {
      await this.store.forgetTokens(discovery.authorizationServerUrl);
      if (options.forgetClient) {
        await this.store.forgetClient(discovery.authorizationServerUrl);
        await this.store.forgetDiscovery();
      }
    }
    this.signInsByRequest.clear();
    this.stepUpScopes = [];
    this.signInNeeded = undefined;
    this.emit({ kind: 'signed-out', server: this.server, forgotClient: options.forgetClient === true });
  }

  /** How the server is authenticated, without tokens; undefined when not signed in. */
  async status(): Promise<AuthStatus | undefined> {
    const tokens = await this.currentTokens();
    return tokens && statusOf(tokens);
  }

  // ---- tokens and refresh ------------------------------------------------------------------------------------------

  /** The stored tokens for the authorization server discovery found, after any refresh in progress. */
  private async currentTokens(): Promise<StoredTokens | undefined> {
    await this.refreshFlight.current;
    const discovery = await this.store.discovery();
    if (!discovery) return undefined;
    const tokens = await this.store.tokens(discovery.authorizationServerUrl);
    this.secrets.add(tokens?.access_token, tokens?.refresh_token);
    return tokens;
  }

  private freshFromRefresh(tokens: StoredTokens): boolean {
    return tokens.obtained_by === 'refresh' && this.now() - tokens.obtained_at < FRESH_TOKEN_MS;
  }

  private refresh(basedOn: StoredTokens, trigger: 'expiring' | 'rejected'): Promise<RefreshOutcome> {
    return this.refreshFlight.run(() => this.runRefresh(basedOn, trigger));
  }

  private async runRefresh(basedOn: StoredTokens, trigger: 'expiring' | 'rejected'): Promise<RefreshOutcome> {
    const issuer = basedOn.issuer;
    const latest = await this.store.tokens(issuer);
    if (!latest) return { kind: 'grant-gone' };
    // Someone else renewed them (or signed in) since the caller read them: a rotated refresh token must not be reused.
    if (latest.access_token !== basedOn.access_token || !latest.refresh_token) return { kind: 'refreshed', tokens: latest };
    const refreshToken = latest.refresh_token;
    let client: OAuthClientInformationMixed | undefined;
    try {
      const discovery = await this.discovery(false);
      client = await this.clientFor(latest);
      if (!client) {
        // The client that obtained these tokens is no longer configured or stored: they cannot be renewed.
        await this.store.forgetTokens(issuer);
        this.emit({ kind: 'refresh-failed', server: this.server, issuer, error: 'the client that signed in is no longer configured', signInNeeded: true });
        this.signInNeeded = { issuer };
        return { kind: 'grant-gone' };
      }
      const response = await refreshAuthorization(issuer, {
        metadata: discovery.authorizationServerMetadata,
        clientInformation: client,
        refreshToken,
        resource: latest.resource,
        fetchFn: this.fetchFn,
      });
      const tokens = this.toStored(response, { issuer, clientId: latest.client_id, resource: latest.resource, requestedScope: latest.scope, by: 'refresh' });
      // A sign-in that finished while this refresh was on the wire has newer tokens: keep those.
      const now = await this.store.tokens(issuer);
      if (now && now.access_token !== latest.access_token) return { kind: 'refreshed', tokens: now };
      await this.store.saveTokens(tokens);
      this.emit({ kind: 'refreshed', server: this.server, issuer, trigger, scopes: splitScope(tokens.scope), expiresAt: dateOf(tokens.expires_at) });
      return { kind: 'refreshed', tokens };
    } catch (error) {
      const detail = this.describe(error);
      if (error instanceof InvalidGrantError || error instanceof InvalidClientError || error instanceof UnauthorizedClientError) {
        // The grant (or the client) is gone. Forget it, so that nothing retries it: the next step is a sign-in.
        await this.store.forgetTokens(issuer);
        if (!(error instanceof InvalidGrantError)) await this.forgetObtainedClient(issuer, latest.client_id);
        this.signInNeeded = { issuer };
        this.emit({ kind: 'refresh-failed', server: this.server, issuer, error: detail, signInNeeded: true });
        return { kind: 'grant-gone' };
      }
      this.emit({ kind: 'refresh-failed', server: this.server, issuer, error: detail, signInNeeded: false });
      return { kind: 'failed', error: new TokenRefreshError(this.server, issuer, detail) };
    }
  }

  /** The client identity that obtained these tokens, if it is still the configured or stored one. */
  private async clientFor(tokens: StoredTokens): Promise<OAuthClientInformationMixed | undefined> {
    if (this.settings.clientId === tokens.client_id) return { client_id: tokens.client_id, client_secret: this.settings.clientSecret || undefined };
    if (this.settings.clientMetadataUrl === tokens.client_id) return { client_id: tokens.client_id };
    const stored = await this.store.client(tokens.issuer);
    if (stored?.information.client_id !== tokens.client_id) return undefined;
    this.secrets.addClientCredentials(stored.information.client_id, stored.information.client_secret);
    return stored.information;
  }

  private async forgetObtainedClient(issuer: string, clientId: string): Promise<void> {
    const stored = await this.store.client(issuer);
    if (stored?.information.client_id === clientId) await this.store.forgetClient(issuer);
  }

  private toStored(
    response: OAuthTokens,
    context: { issuer: string; clientId: string; resource: string; requestedScope?: string; by: StoredTokens['obtained_by'] },
  ): StoredTokens {
    this.secrets.add(response.access_token, response.refresh_token, response.id_token);
    const now = this.now();
    return {
      access_token: response.access_token,
      token_type: response.token_type,
      refresh_token: response.refresh_token,
      scope: response.scope ?? context.requestedScope,
      expires_at: response.expires_in !== undefined ? now + response.expires_in * 1000 : undefined,
      obtained_at: now,
      obtained_by: context.by,
      issuer: context.issuer,
      client_id: context.clientId,
      resource: context.resource,
    };
  }

  // ---- challenges --------------------------------------------------------------------------------------------------

  /** 403 insufficient_scope: a new authorization for the union of granted and challenged scopes (G6), within the per-request-key limit. */
  private async stepUp(challenge: BearerChallenge, requestKey: string, interactive: InteractiveSignIn | undefined): Promise<'retry'> {
    const tokens = await this.currentTokens();
    const wanted = unionScopes(splitScope(tokens?.scope), splitScope(challenge.scope));
    const attempts = this.signInsByRequest.get(requestKey) ?? 0;
    if (attempts >= MAX_SIGN_INS_PER_REQUEST) throw new InsufficientScopeError(this.server, wanted, attempts);
    this.stepUpScopes = unionScopes(this.stepUpScopes, wanted);
    const issuer = tokens?.issuer ?? (await this.knownIssuer());
    if (!interactive) {
      this.signInNeeded = { issuer };
      this.emit({ kind: 'sign-in-required', server: this.server, issuer, reason: 'insufficient-scope' });
      throw new SignInRequiredError(this.server, 'insufficient-scope', issuer, wanted);
    }
    this.signInsByRequest.set(requestKey, attempts + 1);
    this.emit({ kind: 'step-up', server: this.server, issuer, scopes: wanted, attempt: attempts + 1, requestKey });
    await this.signIn(interactive);
    return 'retry';
  }

  private async requireSignIn(reason: SignInRequiredReason, requestKey: string, interactive: InteractiveSignIn | undefined): Promise<'retry'> {
    const attempts = this.signInsByRequest.get(requestKey) ?? 0;
    // A server that keeps rejecting fresh tokens does not get a browser opened again and again.
    if (interactive && attempts < MAX_SIGN_INS_PER_REQUEST) {
      this.signInsByRequest.set(requestKey, attempts + 1);
      await this.signIn(interactive);
      return 'retry';
    }
    const issuer = await this.knownIssuer();
    this.signInNeeded = { issuer };
    this.emit({ kind: 'sign-in-required', server: this.server, issuer, reason });
    throw new SignInRequiredError(this.server, reason, issuer);
  }

  /** The authorization server's issuer, from stored discovery or a (best-effort, non-interactive) discovery now. */
  private async knownIssuer(): Promise<string | undefined> {
    try {
      const discovery = await this.discovery(false);
      return discovery.authorizationServerMetadata?.issuer ?? discovery.authorizationServerUrl;
    } catch {
      return undefined;
    }
  }

  // ---- discovery ---------------------------------------------------------------------------------------------------

  /**
   * RFC 9728 then RFC 8414 / OIDC discovery, through the SDK (with its fallbacks: the challenge's `resource_metadata`,
   * then the path-aware and root well-known URLs; without protected resource metadata the MCP origin is the
   * authorization server, and without its metadata the default endpoints are used). Stored; repeated only when asked
   * to, or when a challenge names other resource metadata.
   */
  private async discovery(fresh: boolean): Promise<StoredDiscovery> {
    const stored = await this.store.discovery();
    const wanted = this.challenge.resourceMetadataUrl?.href;
    if (stored && !fresh && (wanted === undefined || stored.resourceMetadataUrl === wanted)) return stored;
    let found;
    try {
      found = await discoverOAuthServerInfo(this.options.resourceUrl, { resourceMetadataUrl: this.challenge.resourceMetadataUrl, fetchFn: this.fetchFn });
    } catch (error) {
      throw new SignInFailedError(this.server, 'discovery-failed', { detail: this.describe(error) });
    }
    const state: StoredDiscovery = { ...found, resourceMetadataUrl: wanted ?? stored?.resourceMetadataUrl };
    await this.store.saveDiscovery(state);
    this.discoveredHere = true;
    this.emit({
      kind: 'discovered',
      server: this.server,
      issuer: state.authorizationServerUrl,
      resourceMetadataUrl: state.resourceMetadataUrl,
      protectedResourceMetadata: state.resourceMetadata !== undefined,
      authorizationServerMetadata: state.authorizationServerMetadata !== undefined,
    });
    return state;
  }

  // ---- the interactive sign-in -------------------------------------------------------------------------------------

  private async runSignIn(interactive: InteractiveSignIn, signal: AbortSignal | undefined): Promise<AuthStatus> {
    let issuer: string | undefined;
    try {
      if (signal?.aborted) throw new SignInFailedError(this.server, 'cancelled');
      await this.refreshFlight.current;
      // Once per session object, a sign-in sees the server as it is now rather than as stored.
      const discovery = await this.discovery(!this.discoveredHere);
      issuer = discovery.authorizationServerUrl;
      const status = await this.authorize(discovery, interactive, signal);
      this.signInNeeded = undefined;
      return status;
    } catch (error) {
      if (error instanceof SignInFailedError) {
        this.emit({ kind: 'sign-in-failed', server: this.server, issuer: error.issuer ?? issuer, failure: error.kind, message: error.message });
      }
      throw error;
    }
  }

  private async authorize(discovery: StoredDiscovery, interactive: InteractiveSignIn, signal: AbortSignal | undefined): Promise<AuthStatus> {
    const issuer = discovery.authorizationServerUrl;
    const metadata = discovery.authorizationServerMetadata;
    const shownIssuer = metadata?.issuer ?? issuer;
    let resource: string;
    try {
      resource = chooseResource(this.options.resourceUrl, discovery.resourceMetadata);
    } catch (error) {
      if (error instanceof ResourceMismatchError) throw new SignInFailedError(this.server, 'resource-mismatch', { issuer: shownIssuer, detail: error.advertised });
      throw error;
    }
    if (!pkceS256Supported(metadata)) throw new SignInFailedError(this.server, 'pkce-unsupported', { issuer: shownIssuer });
    const scopes = scopesToRequest({
      configured: this.settings.scope,
      challenged: this.challenge.scope,
      stepUp: this.stepUpScopes,
      resourceMetadata: discovery.resourceMetadata,
      authorizationServerMetadata: metadata,
    });
    const stored = this.settings.clientId ? undefined : await this.store.client(issuer);
    const listener = await this.listen(stored);
    try {
      const client = await obtainClient({
        server: this.server,
        settings: this.settings,
        issuer,
        metadata,
        redirectUri: listener.redirectUri,
        stored,
        clientName: this.options.clientName ?? 'MCP Connections',
        fetchFn: this.fetchFn,
        askForClient: interactive.askForClient?.bind(interactive),
        now: this.now(),
        secrets: this.secrets,
        emit: (event) => this.emit(event),
        save: (record: StoredClient) => this.store.saveClient(issuer, record),
      });
      const state = randomBytes(32).toString('base64url');
      let started: { authorizationUrl: URL; codeVerifier: string };
      try {
        started = await startAuthorization(issuer, {
          metadata,
          clientInformation: client.information,
          redirectUrl: listener.redirectUri,
          scope: scopes.length ? scopes.join(' ') : undefined,
          state,
          resource,
        });
      } catch (error) {
        throw new SignInFailedError(this.server, 'unsupported-server', { issuer: shownIssuer, detail: this.describe(error) });
      }
      this.secrets.add(started.codeVerifier, state);
      this.emit({
        kind: 'authorizing',
        server: this.server,
        issuer,
        clientId: client.information.client_id,
        clientSource: client.source,
        scopes,
        resource,
        redirectUri: listener.redirectUri,
      });
      const answer = listener.waitForCallback(
        { state, issuer: metadata?.issuer, issuerRequired: issParameterSupported(metadata) },
        { timeoutMs: interactive.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS, signal },
      );
      // Not awaited before the answer: a headless opener resolves only once the callback page has been served.
      interactive.openBrowser(started.authorizationUrl).catch((error: unknown) => {
        listener.fail(new SignInFailedError(this.server, 'browser-failed', { issuer: shownIssuer, detail: this.describe(error) }));
      });
      const callback = await answer;
      this.secrets.add(callback.code);
      let tokens: StoredTokens;
      try {
        const response = await exchangeAuthorization(issuer, {
          metadata,
          clientInformation: client.information,
          authorizationCode: callback.code,
          codeVerifier: started.codeVerifier,
          redirectUri: listener.redirectUri,
          resource,
          fetchFn: this.fetchFn,
        });
        tokens = this.toStored(response, { issuer, clientId: client.information.client_id, resource, requestedScope: scopes.join(' ') || undefined, by: 'sign-in' });
        await this.store.saveTokens(tokens);
      } catch (error) {
        const failure = await this.tokenRequestFailure(error, issuer, shownIssuer, client);
        callback.finish({ ok: false, message: failure.message });
        throw failure;
      }
      callback.finish({ ok: true });
      this.emit({ kind: 'signed-in', server: this.server, issuer, scopes: splitScope(tokens.scope), expiresAt: dateOf(tokens.expires_at) });
      return statusOf(tokens);
    } finally {
      await listener.close();
    }
  }

  private async tokenRequestFailure(error: unknown, issuer: string, shownIssuer: string, client: ClientIdentity): Promise<SignInFailedError> {
    // A registration the AS no longer knows is dropped, so that the next sign-in registers again.
    if ((error instanceof InvalidClientError || error instanceof UnauthorizedClientError) && (client.source === 'dynamic' || client.source === 'entered')) {
      await this.forgetObtainedClient(issuer, client.information.client_id);
    }
    return new SignInFailedError(this.server, 'token-request-failed', { issuer: shownIssuer, detail: this.describe(error) });
  }

  /** The loopback listener on the configured port, else the stored registration's port (falling back to a free one), else a free one. */
  private async listen(stored: StoredClient | undefined): Promise<LoopbackListener> {
    const host = this.settings.redirectHost ?? '127.0.0.1';
    const remembered = this.settings.redirectPort === undefined ? rememberedPort(stored, host) : undefined;
    const port = this.settings.redirectPort ?? remembered ?? 0;
    try {
      return await LoopbackListener.start({ server: this.server, host, port });
    } catch (error) {
      if (remembered !== undefined) return LoopbackListener.start({ server: this.server, host, port: 0 });
      const code = (error as NodeJS.ErrnoException).code;
      throw new SignInFailedError(this.server, 'redirect-port-unavailable', { detail: `${host}:${port} cannot be listened on${code ? ` (${code})` : ''}` });
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  /** One line about an error from the SDK or the network, with every secret this session knows replaced. */
  private describe(error: unknown): string {
    let text: string;
    if (error instanceof OAuthError) text = error.message ? `${error.errorCode}: ${error.message}` : error.errorCode;
    else if (error instanceof Error) text = error.message;
    else text = String(error);
    const line = this.secrets.scrub(text).replace(/\s+/g, ' ').trim();
    return line.length > 300 ? `${line.slice(0, 299)}…` : line;
  }

  private emit(event: AuthEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing listener must not break the authorization work.
    }
  }
}

function bearer(tokens: StoredTokens): string {
  return `Bearer ${tokens.access_token}`;
}

function statusOf(tokens: StoredTokens): AuthStatus {
  return { kind: 'oauth', issuer: tokens.issuer, scopes: splitScope(tokens.scope), expiresAt: dateOf(tokens.expires_at), clientId: tokens.client_id };
}

function dateOf(epochMs: number | undefined): Date | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs);
}

/**
 * RFC 9207. Only RFC 8414 metadata can tell: the SDK's OpenID discovery schema drops unknown members. Without the flag,
 * an `iss` that does come is still compared.
 */
function issParameterSupported(metadata: AuthorizationServerMetadata | undefined): boolean {
  return (metadata as { authorization_response_iss_parameter_supported?: unknown } | undefined)?.authorization_response_iss_parameter_supported === true;
}

function rememberedPort(stored: StoredClient | undefined, host: string): number | undefined {
  if (!stored) return undefined;
  try {
    const url = new URL(stored.redirect_uri);
    return url.hostname === host && url.pathname === CALLBACK_PATH && url.port ? Number(url.port) : undefined;
  } catch {
    return undefined;
  }
}
