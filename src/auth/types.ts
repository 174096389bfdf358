/** Where tokens, registered clients and discovery state live. Extension: VS Code SecretStorage. CLI: files. Values are JSON strings. */
export interface AuthStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Per server, from settings (extension) or flags (CLI). */
export interface OAuthSettings {
  /** A pre-registered client: used as is, never replaced by a dynamic registration. */
  clientId?: string;
  /** Already resolved (the caller resolves `${secret:…}`). */
  clientSecret?: string;
  /** https URL of a client ID metadata document (CIMD); used only when the AS advertises `client_id_metadata_document_supported`. */
  clientMetadataUrl?: string;
  /** Replaces the scope that would otherwise be requested. */
  scope?: string;
  /** Default 127.0.0.1. */
  redirectHost?: '127.0.0.1' | 'localhost';
  /** Default: the port of the stored registration if there is one, else a random free port. */
  redirectPort?: number;
}

/** What the user or caller sees about how a server is authenticated. NEVER contains a token. */
export interface AuthStatus {
  kind: 'oauth';
  issuer: string;
  scopes: string[];
  expiresAt?: Date;
  clientId?: string;
}

export interface InteractiveSignIn {
  /** Opens the authorization URL in a browser (extension: vscode.env.openExternal; CLI: $BROWSER / platform opener / print it). */
  openBrowser(url: URL): Promise<void>;
  /**
   * Called when no client can be had (no configured client, no CIMD, DCR unsupported or refused): ask for a client ID (+ optional
   * secret). Show `redirectUri` to the user: it must be registered with the AS. Return undefined to cancel.
   */
  askForClient?(info: { redirectUri: string; issuer: string }): Promise<{ clientId: string; clientSecret?: string } | undefined>;
  /** Bound on the wait for the browser callback (default 5 minutes). */
  timeoutMs?: number;
}

/** How the client identity used for a sign-in was obtained. */
export type ClientSource = 'configured' | 'metadata-document' | 'dynamic' | 'entered';

export type SignInRequiredReason = 'no-token' | 'expired' | 'invalid-grant' | 'insufficient-scope';

export type SignInFailureKind =
  | 'discovery-failed'
  | 'resource-mismatch'
  | 'pkce-unsupported'
  | 'unsupported-server'
  | 'redirect-port-unavailable'
  | 'no-client'
  | 'registration-failed'
  | 'browser-failed'
  | 'authorization-denied'
  | 'state-mismatch'
  | 'issuer-mismatch'
  | 'invalid-callback'
  | 'timeout'
  | 'cancelled'
  | 'token-request-failed';

/** Every step of the authorization work, for the log. Carries no secret: no token, code, verifier or client secret. */
export type AuthEvent =
  | { kind: 'discovered'; server: string; issuer: string; resourceMetadataUrl?: string; protectedResourceMetadata: boolean; authorizationServerMetadata: boolean }
  | { kind: 'registered'; server: string; issuer: string; clientId: string; source: ClientSource; redirectUri: string }
  | { kind: 'setting-ignored'; server: string; setting: 'clientMetadataUrl'; reason: string }
  | { kind: 'authorizing'; server: string; issuer: string; clientId: string; clientSource: ClientSource; scopes: string[]; resource: string; redirectUri: string }
  | { kind: 'signed-in'; server: string; issuer: string; scopes: string[]; expiresAt?: Date }
  | { kind: 'sign-in-failed'; server: string; issuer?: string; failure: SignInFailureKind; message: string }
  | { kind: 'sign-in-required'; server: string; issuer?: string; reason: SignInRequiredReason }
  | { kind: 'refreshed'; server: string; issuer: string; trigger: 'expiring' | 'rejected'; scopes: string[]; expiresAt?: Date }
  | { kind: 'refresh-failed'; server: string; issuer: string; error: string; signInNeeded: boolean }
  | { kind: 'step-up'; server: string; issuer?: string; scopes: string[]; attempt: number; requestKey: string }
  | { kind: 'signed-out'; server: string; forgotClient: boolean };
