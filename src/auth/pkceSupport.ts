import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * MCP 2025-11-25: a client MUST refuse to proceed when the authorization server's metadata does not advertise PKCE
 * with S256 (G1: the SDK proceeds when `code_challenge_methods_supported` is absent). Without any metadata — the
 * 2025-03-26 fallback to `/authorize` and `/token` on the MCP origin — there is nothing to check, and PKCE is used anyway.
 */
export function pkceS256Supported(metadata: AuthorizationServerMetadata | undefined): boolean {
  return metadata === undefined || (metadata.code_challenge_methods_supported ?? []).includes('S256');
}
