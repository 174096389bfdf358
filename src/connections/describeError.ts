import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { excerpt } from '../common/redact';
import { describeFetchError } from '../transport/http';
import { InitializeRejectedError } from '../transport/tolerantTransport';

export class ConnectTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`No answer within ${seconds} s`);
    this.name = 'ConnectTimeoutError';
  }
}

/**
 * One plain sentence for a failure to connect or to talk to a server: what happened and what to
 * do. The caller adds the server name where the surface needs it.
 */
export function describeError(error: unknown, url: string): string {
  const host = hostOf(url);
  if (error instanceof ConnectTimeoutError) {
    return `No answer from ${host} within ${error.seconds} s — check that the server is running, or raise "timeoutSeconds".`;
  }
  if (error instanceof InitializeRejectedError) return describeStatus(error.status, '', url);
  if (error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code > 0) {
    const detail = error.message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, '');
    return describeStatus(error.code, detail, url);
  }
  if (error instanceof McpError) return `The server answered with an MCP error: ${excerpt(error.message, 160)}`;
  const cause = describeFetchError(error);
  switch (cause) {
    case 'connection refused':
      return `Connection refused by ${host} — is the server running?`;
    case 'host name not found':
      return `The host ${host} was not found — check the URL.`;
    case 'connection reset by the server':
      return `${host} closed the connection unexpectedly — check that the server is running and that the URL points at an MCP server.`;
  }
  if (cause.startsWith("the server's TLS certificate")) {
    return `${capitalise(cause)} — use a certificate from a trusted authority, or add its CA with NODE_EXTRA_CA_CERTS.`;
  }
  if (/maxBuffer|too large|exceeds/i.test(cause)) return `The server's answer was too large (${excerpt(cause, 120)}).`;
  return capitalise(excerpt(cause, 200).replace(/\.$/, '')) + '.';
}

function describeStatus(status: number, detail: string, url: string): string {
  const said = detail && !/^\s*$/.test(detail) ? ` (${excerpt(detail, 120)})` : '';
  switch (status) {
    case 401:
      return `The server requires authentication (HTTP 401) — add an "Authorization" header to this server's "headers".`;
    case 403:
      return `The server refused access (HTTP 403) — check the token in this server's "headers".`;
    case 404:
      return `No MCP endpoint at ${url} (HTTP 404) — check the path (often /mcp).`;
    case 405:
      return `The URL does not accept MCP requests (HTTP 405) — check the path, or set "transport" to "sse" for a legacy server.`;
    case 406:
      return `The server refused the request's Accept header (HTTP 406)${said} — it may not be an MCP server.`;
    case 400:
      return `The server rejected the request as bad (HTTP 400)${said}.`;
  }
  if (status >= 500) return `The server failed with HTTP ${status}${said} — check the server's logs.`;
  return `The server answered HTTP ${status}${said}.`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
