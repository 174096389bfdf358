import assert from 'node:assert/strict';
import type { Failure } from '../../../src/connections/failures';
import { describeStreamProblem, logLineFor } from '../../../src/connections/logLines';
import { dropReason, SentenceContext, sentenceFor } from '../../../src/connections/sentences';
import { excerpt } from '../../../src/common/text';
import type { TransportEvent } from '../../../src/transport/types';

const context: SentenceContext = { host: '127.0.0.1:3000', displayUrl: 'http://127.0.0.1:3000/mcp', shown: (text, max) => excerpt(text.replace('s3cret', '***'), max) };

describe('sentences: one per failure kind, naming the fix', () => {
  const rows: [Failure, string][] = [
    [{ kind: 'network', failure: { kind: 'refused' } }, 'Connection refused by 127.0.0.1:3000 — is the server running?'],
    [{ kind: 'network', failure: { kind: 'dns' } }, 'The host 127.0.0.1:3000 was not found — check the URL.'],
    [{ kind: 'network', failure: { kind: 'reset' } }, '127.0.0.1:3000 closed the connection unexpectedly — check that the server is running and that the URL points at an MCP server.'],
    [{ kind: 'network', failure: { kind: 'tls', code: 'CERT_HAS_EXPIRED' } }, "The server's TLS certificate is not trusted (CERT_HAS_EXPIRED) — use a certificate from a trusted authority, or add its CA with NODE_EXTRA_CA_CERTS."],
    [{ kind: 'connect-timeout', seconds: 5 }, 'No answer from 127.0.0.1:3000 within 5 s — check that the server is running, or raise "timeoutSeconds".'],
    [{ kind: 'request-timeout', seconds: 30 }, 'No answer from 127.0.0.1:3000 within 30 s — check that the server is running, or raise "timeoutSeconds".'],
    [{ kind: 'http', status: 401, detail: '' }, `The server requires authentication (HTTP 401) — add an "Authorization" header to this server's "headers".`],
    [{ kind: 'http', status: 404, detail: 'Not Found' }, 'No MCP endpoint at http://127.0.0.1:3000/mcp (HTTP 404) — check the path (often /mcp).'],
    [{ kind: 'http', status: 503, detail: '<h1>busy s3cret</h1>' }, "The server failed with HTTP 503 (busy ***) — check the server's logs."],
    [
      { kind: 'http', status: 307, detail: 'Redirect to http://b.example/mcp not followed', redirectTarget: 'http://b.example/mcp' },
      'The server redirected (HTTP 307) to http://b.example/mcp, another origin, which is not followed so that headers stay with 127.0.0.1:3000 — if you trust it, set "url" to http://b.example/mcp.',
    ],
    [{ kind: 'initialize-rejected', status: 405 }, 'The URL does not accept MCP requests (HTTP 405) — check the path, or set "transport" to "sse" for a legacy server.'],
    [{ kind: 'not-json' }, `The server's answer was not JSON — check that "url" points at the server's MCP endpoint.`],
    [{ kind: 'broken-answer', data: { brokenAnswer: 'too-large', limitBytes: 16 * 1024 * 1024 } }, "The server's answer exceeded 16 MB and was not read — ask for less data (narrower arguments, paging), or check the server."],
    [{ kind: 'broken-answer', data: { brokenAnswer: 'cut', failure: { kind: 'reset' } } }, "The server broke off its answer (connection reset by the server) — check the server's logs, then try again."],
    [{ kind: 'disabled' }, 'The server is disabled — set "enabled": true to connect it.'],
    [{ kind: 'session-lost', cause: { kind: 'legacy-stream-ended' } }, 'The server ended the session and a new one could not be started: the server closed the SSE stream.'],
    [{ kind: 'sign-in-required', reason: 'no-token', issuer: 'https://auth.example.com/tenant', scopes: [] }, 'The server needs you to sign in with auth.example.com (OAuth) — sign in to connect it.'],
    [{ kind: 'sign-in-required', reason: 'invalid-grant', issuer: 'https://auth.example.com', scopes: [] }, 'auth.example.com no longer accepts the sign-in (revoked or expired) — sign in again.'],
    [{ kind: 'sign-in-required', reason: 'expired', scopes: [] }, 'The sign-in is no longer accepted and could not be renewed — sign in again.'],
    [{ kind: 'sign-in-required', reason: 'insufficient-scope', scopes: ['mcp:write'] }, 'The server needs permissions the sign-in does not grant (scope "mcp:write") — sign in again to grant them.'],
    [{ kind: 'unauthorized', status: 401, challenge: 'bearer', tokenSent: false, detail: '', oauth: 'off' }, `The server asks you to sign in with OAuth (HTTP 401), but this server's "auth" is "headers" — set "auth" to "auto" to sign in, or add an "Authorization" header to its "headers".`],
    [{ kind: 'sign-in-unavailable', why: 'no-store' }, `Signing in is not available here (there is nowhere to keep the tokens) — as a workaround, add an "Authorization": "Bearer <token>" header to this server's "headers".`],
    [{ kind: 'oauth-refused', status: 403 }, 'The server refused the request (HTTP 403) without asking for more permissions — check that your account may do this.'],
    [{ kind: 'insufficient-scope', scopes: ['a', 'b'], attempts: 3 }, 'The server still refuses the request for lack of permission after 3 sign-ins asking for more (scope "a b") — your account may not be allowed to do this.'],
  ];
  for (const [failure, sentence] of rows) {
    it(`${failure.kind}${'status' in failure ? ` ${failure.status}` : ''}`, () => assert.equal(sentenceFor(failure, context), sentence));
  }

  it('the drop reason a reconnecting state shows is the short fragment', () => {
    assert.equal(dropReason({ kind: 'network', failure: { kind: 'refused' } }, context), 'connection refused');
  });
});

describe('log lines: one per transport event', () => {
  const time = new Date();
  const rows: [TransportEvent, string, string][] = [
    [{ kind: 'get-fallback', server: 's', url: 'u', status: 404, statusText: 'Not Found', bodyExcerpt: '', time }, 'info', 'GET stream not offered (HTTP 404 Not Found) — continuing POST-only'],
    [{ kind: 'stream-open', server: 's', resumed: false, afterEmptyEnd: false, time }, 'info', 'GET stream open — server notifications are live'],
    [{ kind: 'stream-open', server: 's', resumed: true, afterEmptyEnd: false, time }, 'info', 'GET stream resumed'],
    [
      { kind: 'stream-problem', server: 's', problem: { kind: 'status', status: 502, statusText: 'Bad Gateway' }, resume: false, attempt: 1, maxAttempts: 5, retryInMs: 1300, repeated: false, time },
      'warn',
      'GET stream failed: GET answered 502 Bad Gateway — POST keeps working; retrying in 1.3 s (attempt 1/5)',
    ],
    [
      { kind: 'stream-given-up', server: 's', problem: { kind: 'network', failure: { kind: 'refused' } }, attempts: 5, time },
      'warn',
      'GET stream unavailable after 5 attempts (connection refused) — continuing POST-only',
    ],
    [{ kind: 'session-reinitialised', server: 's', trigger: 'POST answered 404 Not Found', time }, 'info', 'Session expired (POST answered 404 Not Found) — re-initialised and retried'],
    [{ kind: 'legacy-sse-fallback', server: 's', status: 405, time }, 'info', 'Streamable HTTP initialize answered HTTP 405 — using the legacy HTTP+SSE transport'],
  ];
  for (const [event, level, text] of rows) {
    it(event.kind, () => assert.deepEqual(logLineFor(event, context), { level, text }));
  }

  it('a problem repeated attempt after attempt is logged once at warning, then at debug', () => {
    const event: TransportEvent = { kind: 'stream-problem', server: 's', problem: { kind: 'closed-empty' }, resume: false, attempt: 3, maxAttempts: 5, retryInMs: 4000, repeated: true, time };
    assert.equal(logLineFor(event, context).level, 'debug');
    assert.equal(describeStreamProblem({ kind: 'not-event-stream', status: 200, statusText: 'OK', contentType: 'application/json' }, context.shown), 'GET answered 200 OK with content type "application/json" instead of an event stream');
  });
});
