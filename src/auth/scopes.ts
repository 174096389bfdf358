import type { AuthorizationServerMetadata, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';

export function splitScope(scope: string | undefined): string[] {
  return scope ? scope.split(/\s+/).filter(Boolean) : [];
}

/** Every scope of every list, once, in first-seen order. */
export function unionScopes(...lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())];
}

export interface ScopeSources {
  /** `OAuthSettings.scope`: replaces everything else, and is used as written. */
  configured?: string;
  /** From the latest `WWW-Authenticate` challenge. */
  challenged?: string;
  /** The union of granted and challenged scopes after a 403 insufficient_scope (G6). */
  stepUp?: string[];
  resourceMetadata?: OAuthProtectedResourceMetadata;
  authorizationServerMetadata?: AuthorizationServerMetadata;
}

/**
 * The scopes of an authorization request (MCP 2025-11-25 "Scope Selection Strategy"): the configured scope, else the
 * challenge's, else the protected resource's `scopes_supported`, else none; plus the step-up scopes; plus
 * `offline_access` when the authorization server lists it (so that a refresh token is issued), never otherwise.
 */
export function scopesToRequest(sources: ScopeSources): string[] {
  if (sources.configured !== undefined) return unionScopes(splitScope(sources.configured), sources.stepUp ?? []);
  const base = sources.challenged ? splitScope(sources.challenged) : (sources.resourceMetadata?.scopes_supported ?? []);
  const scopes = unionScopes(base, sources.stepUp ?? []);
  const offered = sources.authorizationServerMetadata?.scopes_supported ?? [];
  return offered.includes('offline_access') ? unionScopes(scopes, ['offline_access']) : scopes.filter((scope) => scope !== 'offline_access');
}
