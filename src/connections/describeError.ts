import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { excerpt } from '../common/redact';
import { describeFetchError } from '../transport/http';
import { InitializeRejectedError } from '../transport/tolerantTransport';
import { AnswerTooLargeError, BrokenAnswerData, formatMegabytes } from '../transport/types';

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
export function describeError(error: unknown, url: string, redact: (text: string) => string = (text) => text): string {
  // Server-provided text is redacted while still whole: a shortened or whitespace-collapsed copy
  // could hold part of a secret that no longer matches.
  const shown = (text: string, max: number) => excerpt(redact(text), max);

  const host = hostOf(url);
  if (error instanceof ConnectTimeoutError) {
    return `No answer from ${host} within ${error.seconds} s — check that the server is running, or raise "timeoutSeconds".`;
  }
  if (error instanceof InitializeRejectedError) return describeStatus(error.status, '', url, shown);
  if (error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code > 0) {
    const detail = error.message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, '');
    return describeStatus(error.code, detail, url, shown);
  }
  const broken = brokenAnswerOf(error);
  if (error instanceof AnswerTooLargeError || broken?.brokenAnswer === 'too-large') {
    const limit = error instanceof AnswerTooLargeError ? error.limitBytes : (broken as { limitBytes: number }).limitBytes;
    return `The server's answer exceeded ${formatMegabytes(limit)} and was not read — ask for less data (narrower arguments, paging), or check the server.`;
  }
  if (broken?.brokenAnswer === 'cut') return `The server broke off its answer (${shown(broken.reason, 80)}) — check the server's logs, then try again.`;
  if (broken?.brokenAnswer === 'unanswered') {
    return `The server ended its answer without answering the request — check that "url" points at the server's MCP endpoint, and the server's logs.`;
  }
  if (error instanceof SyntaxError && /JSON/.test(error.message)) {
    return `The server's answer was not JSON — check that "url" points at the server's MCP endpoint.`;
  }
  if (error instanceof Error && error.name === 'ZodError') {
    return `The server's answer was not a JSON-RPC message — check that "url" points at the server's MCP endpoint.`;
  }
  if (error instanceof StreamableHTTPError && error.code === -1 && /Unexpected content type/.test(error.message)) {
    const type = /Unexpected content type: (.*)$/.exec(error.message)?.[1]?.trim() || 'none';
    return `The server answered with content type "${shown(type, 60)}" instead of JSON or an event stream — check that "url" points at the server's MCP endpoint.`;
  }
  if (isRequestTimeout(error)) {
    return `No answer from ${host} within ${error.data.timeout / 1000} s — check that the server is running, or raise "timeoutSeconds".`;
  }
  if (error instanceof McpError) return `The server answered with an MCP error: ${shown(error.message, 160)}`;
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
  if (/maxBuffer|too large|exceeds/i.test(cause)) return `The server's answer was too large (${shown(cause, 120)}).`;
  return capitalise(shown(cause, 200).replace(/\.$/, '')) + '.';
}

/** The error the transport handed the client for a request whose answer stream ended without the answer. */
function brokenAnswerOf(error: unknown): BrokenAnswerData | undefined {
  const data = error instanceof McpError ? (error.data as Partial<BrokenAnswerData> | undefined) : undefined;
  return typeof data?.brokenAnswer === 'string' ? (data as BrokenAnswerData) : undefined;
}

/** The SDK gave up waiting for the answer to a request (not an error the server sent). */
export function isRequestTimeout(error: unknown): error is McpError & { data: { timeout: number } } {
  return error instanceof McpError && error.code === ErrorCode.RequestTimeout && typeof (error.data as { timeout?: unknown } | undefined)?.timeout === 'number';
}

function describeStatus(status: number, detail: string, url: string, shown: (text: string, max: number) => string): string {
  const said = detail && !/^\s*$/.test(detail) ? ` (${shown(detail, 120)})` : '';
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
  if (status >= 300 && status < 400) {
    // The SDK follows redirects only within the configured origin, so headers never leave it.
    const target = /Redirect to (\S+) not followed/.exec(detail)?.[1] ?? /try (\S+) instead/.exec(detail)?.[1];
    if (target) {
      return `The server redirected (HTTP ${status}) to ${target}, another origin, which is not followed so that headers stay with ${hostOf(url)} — if you trust it, set "url" to ${target}.`;
    }
  }
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
