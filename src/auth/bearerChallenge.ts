import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';

/** What an RFC 6750 Bearer challenge asks for (RFC 9728 adds `resource_metadata`). */
export interface BearerChallenge {
  error?: string;
  scope?: string;
  resourceMetadataUrl?: URL;
}

const BEARER_SCHEME = /(?:^|,)\s*Bearer(?=\s|,|$)/i;

/**
 * The Bearer challenge in a `WWW-Authenticate` value, or undefined when there is none. A bare `Bearer` counts (its
 * parameters are all optional). The SDK's parser only looks at the first challenge, so it is given the text from the
 * Bearer challenge on: `Basic realm="x", Bearer scope="a"` is a Bearer challenge too.
 */
export function parseBearerChallenge(wwwAuthenticate: string | null | undefined): BearerChallenge | undefined {
  if (!wwwAuthenticate) return undefined;
  const match = BEARER_SCHEME.exec(wwwAuthenticate);
  if (!match) return undefined;
  const fromBearer = wwwAuthenticate.slice(match.index + match[0].toLowerCase().indexOf('bearer'));
  const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(new Response(null, { headers: { 'www-authenticate': fromBearer } }));
  return { error, scope, resourceMetadataUrl };
}
