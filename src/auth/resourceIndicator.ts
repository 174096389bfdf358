import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { checkResourceAllowed, resourceUrlFromServerUrl } from '@modelcontextprotocol/sdk/shared/auth-utils.js';

/** The MCP URL as an RFC 8707 resource indicator: no fragment, no trailing slash (MCP "Canonical Server URI"). */
export function canonicalResource(mcpUrl: URL): string {
  const url = resourceUrlFromServerUrl(mcpUrl);
  return url.search ? url.href : url.href.replace(/\/$/, '');
}

/** The protected resource metadata names a resource this MCP URL does not belong to. */
export class ResourceMismatchError extends Error {
  constructor(readonly advertised: string) {
    super(`The protected resource metadata names ${advertised}`);
    this.name = 'ResourceMismatchError';
  }
}

/**
 * The `resource` parameter for the authorization and token requests, which MCP requires on both, always (G2: the SDK
 * sends none when there is no protected resource metadata). With metadata: its `resource`, sent verbatim (an exact-match
 * AS would refuse `https://x/` for `https://x`), after the SDK's check that this MCP URL lies under it on the same
 * origin; a mismatch throws, before any authorization request. Without metadata: the canonical MCP URL.
 */
export function chooseResource(mcpUrl: URL, resourceMetadata: OAuthProtectedResourceMetadata | undefined): string {
  if (!resourceMetadata) return canonicalResource(mcpUrl);
  if (!checkResourceAllowed({ requestedResource: resourceUrlFromServerUrl(mcpUrl), configuredResource: resourceMetadata.resource })) {
    throw new ResourceMismatchError(resourceMetadata.resource);
  }
  return resourceMetadata.resource;
}
