import { isHttpsUrl, registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthorizationServerMetadata, OAuthClientInformationMixed, OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { SignInFailedError } from './errors';
import type { SecretValues } from './secretValues';
import type { StoredClient } from './sessionStore';
import type { AuthEvent, ClientSource, InteractiveSignIn, OAuthSettings } from './types';

export interface ClientIdentity {
  information: OAuthClientInformationMixed;
  source: ClientSource;
}

export interface ClientRequest {
  server: string;
  settings: OAuthSettings;
  /** The authorization server URL discovery found. */
  issuer: string;
  metadata?: AuthorizationServerMetadata;
  /** The exact redirect URI of this sign-in (its listener is already bound). */
  redirectUri: string;
  stored?: StoredClient;
  clientName: string;
  fetchFn: FetchLike;
  askForClient?: InteractiveSignIn['askForClient'];
  now: number;
  secrets: SecretValues;
  emit(event: AuthEvent): void;
  save(client: StoredClient): Promise<void>;
}

/**
 * The client identity for a sign-in, in the order of MCP 2025-11-25 "Client Registration Approaches":
 * 1. the configured client. Used with whatever authorization server discovery finds and never stored, so no issuer
 *    stamp can make it be ignored, and never replaced by a registration (G7);
 * 2. the client ID metadata document URL, when configured, https (G8) and the AS supports CIMD;
 * 3. a stored registration or entered client for this AS, if it was made for this exact redirect URI;
 * 4. dynamic client registration (RFC 7591), when the AS offers it;
 * 5. asking the user for a client ID registered with this redirect URI.
 */
export async function obtainClient(request: ClientRequest): Promise<ClientIdentity> {
  const { settings, metadata } = request;
  if (settings.clientId) {
    request.secrets.addClientCredentials(settings.clientId, settings.clientSecret);
    return { information: { client_id: settings.clientId, client_secret: settings.clientSecret || undefined }, source: 'configured' };
  }

  if (settings.clientMetadataUrl) {
    if (!isHttpsUrl(settings.clientMetadataUrl)) {
      request.emit({ kind: 'setting-ignored', server: request.server, setting: 'clientMetadataUrl', reason: 'a client ID metadata document URL must be https with a path' });
    } else if (metadata?.client_id_metadata_document_supported === true) {
      return { information: { client_id: settings.clientMetadataUrl }, source: 'metadata-document' };
    }
  }

  const stored = request.stored;
  if (stored && stored.redirect_uri === request.redirectUri && !secretExpired(stored.information, request.now)) {
    request.secrets.addClientCredentials(stored.information.client_id, stored.information.client_secret);
    return { information: stored.information, source: stored.source };
  }

  let refusal: string | undefined;
  if (!metadata || metadata.registration_endpoint) {
    try {
      return await register(request);
    } catch (error) {
      if (!(error instanceof OAuthError)) {
        throw new SignInFailedError(request.server, 'registration-failed', { issuer: request.issuer, detail: request.secrets.scrub(error instanceof Error ? error.message : String(error)) });
      }
      refusal = request.secrets.scrub(`${error.errorCode}${error.message ? `: ${error.message}` : ''}`);
    }
  }
  return ask(request, refusal);
}

async function register(request: ClientRequest): Promise<ClientIdentity> {
  // `scope` is deliberately not registered: some authorization servers (oidc-provider) then refuse any other scope,
  // which would break a later step-up.
  const clientMetadata: OAuthClientMetadata & { application_type: 'native' } = {
    client_name: request.clientName,
    redirect_uris: [request.redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: registrationAuthMethod(request.metadata),
    application_type: 'native',
  };
  const registered = await registerClient(request.issuer, { metadata: request.metadata, clientMetadata, fetchFn: request.fetchFn });
  request.secrets.addClientCredentials(registered.client_id, registered.client_secret);
  await request.save({ source: 'dynamic', redirect_uri: request.redirectUri, information: registered });
  request.emit({ kind: 'registered', server: request.server, issuer: request.issuer, clientId: registered.client_id, source: 'dynamic', redirectUri: request.redirectUri });
  return { information: registered, source: 'dynamic' };
}

/**
 * A native app is a public client (`none`) where the AS allows it; otherwise the first secret-based method it lists.
 * The SDK then authenticates as the registration response says.
 */
function registrationAuthMethod(metadata: AuthorizationServerMetadata | undefined): string {
  const supported = metadata?.token_endpoint_auth_methods_supported;
  if (!supported?.length) return 'none';
  return ['none', 'client_secret_basic', 'client_secret_post'].find((method) => supported.includes(method)) ?? 'none';
}

async function ask(request: ClientRequest, refusal: string | undefined): Promise<ClientIdentity> {
  const issuer = request.metadata?.issuer ?? request.issuer;
  const reason = refusal ? `refused to register this client (${refusal})` : 'offers no dynamic client registration';
  if (!request.askForClient) {
    throw new SignInFailedError(request.server, 'no-client', { issuer, detail: reason, redirectUri: request.redirectUri });
  }
  const answer = await request.askForClient({ redirectUri: request.redirectUri, issuer });
  if (!answer?.clientId) throw new SignInFailedError(request.server, 'cancelled', { issuer });
  request.secrets.addClientCredentials(answer.clientId, answer.clientSecret);
  const information: OAuthClientInformationMixed = { client_id: answer.clientId, client_secret: answer.clientSecret || undefined };
  await request.save({ source: 'entered', redirect_uri: request.redirectUri, information });
  request.emit({ kind: 'registered', server: request.server, issuer: request.issuer, clientId: answer.clientId, source: 'entered', redirectUri: request.redirectUri });
  return { information, source: 'entered' };
}

function secretExpired(information: OAuthClientInformationMixed, now: number): boolean {
  const expiresAt = information.client_secret_expires_at;
  return information.client_secret !== undefined && expiresAt !== undefined && expiresAt !== 0 && expiresAt * 1000 <= now;
}
