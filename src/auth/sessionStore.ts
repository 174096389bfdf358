import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { AuthStore, ClientSource } from './types';

/** Tokens as stored: the token response plus what is needed to use and renew them without asking the network. */
export interface StoredTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  /** Granted scopes (the response's `scope`, else what was requested), space-separated. */
  scope?: string;
  /** Milliseconds since the epoch, from `expires_in` when the tokens were received. */
  expires_at?: number;
  obtained_at: number;
  obtained_by: 'sign-in' | 'refresh';
  /** The authorization server URL discovery used (what the SDK calls the issuer stamp). */
  issuer: string;
  client_id: string;
  /** The RFC 8707 resource the tokens were requested for. */
  resource: string;
}

/** A client identity this program obtained (dynamic registration, or entered by the user); configured clients are never stored. */
export interface StoredClient {
  source: Extract<ClientSource, 'dynamic' | 'entered'>;
  /** The exact redirect URI it was registered with. */
  redirect_uri: string;
  information: OAuthClientInformationMixed;
}

export type StoredDiscovery = OAuthDiscoveryState;

/**
 * The typed view of one server's entries in an `AuthStore`. Keys name the server and what the entry depends on:
 * discovery per (server, MCP resource); clients per (server, authorization server); tokens per (server, authorization
 * server, MCP resource). A value that does not parse reads as absent.
 */
export class SessionStore {
  constructor(
    private readonly store: AuthStore,
    private readonly server: string,
    private readonly resource: string,
  ) {}

  discovery(): Promise<StoredDiscovery | undefined> {
    return this.read(this.key('discovery', this.resource));
  }

  saveDiscovery(state: StoredDiscovery): Promise<void> {
    return this.store.set(this.key('discovery', this.resource), JSON.stringify(state));
  }

  forgetDiscovery(): Promise<void> {
    return this.store.delete(this.key('discovery', this.resource));
  }

  client(issuer: string): Promise<StoredClient | undefined> {
    return this.read(this.key('client', issuer));
  }

  saveClient(issuer: string, client: StoredClient): Promise<void> {
    return this.store.set(this.key('client', issuer), JSON.stringify(client));
  }

  forgetClient(issuer: string): Promise<void> {
    return this.store.delete(this.key('client', issuer));
  }

  tokens(issuer: string): Promise<StoredTokens | undefined> {
    return this.read(this.key('tokens', issuer, this.resource));
  }

  saveTokens(tokens: StoredTokens): Promise<void> {
    return this.store.set(this.key('tokens', tokens.issuer, this.resource), JSON.stringify(tokens));
  }

  forgetTokens(issuer: string): Promise<void> {
    return this.store.delete(this.key('tokens', issuer, this.resource));
  }

  /** e.g. `mcp-connections.oauth.tokens["docs","https://auth.example.com","https://docs.example.com/mcp"]`: unambiguous, readable. */
  private key(kind: 'discovery' | 'client' | 'tokens', ...parts: string[]): string {
    return `mcp-connections.oauth.${kind}${JSON.stringify([this.server, ...parts])}`;
  }

  private async read<T>(key: string): Promise<T | undefined> {
    const text = await this.store.get(key);
    if (text === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null ? (value as T) : undefined;
    } catch {
      return undefined;
    }
  }
}
