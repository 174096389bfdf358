import assert from 'node:assert/strict';
import { SignInRequiredError, TokenRefreshError } from '../../../src/auth/errors';
import { EndpointRoutes, resolveEndpoint } from '../../../src/transport/endpoint';
import type { EndpointAuth } from '../../../src/transport/endpointAuth';
import { FetchSignal, SessionFetch } from '../../../src/transport/sessionFetch';
import { useCleanup } from '../../support/cleanup';
import { startPlainServer } from '../../support/connections';

// The GET stream never signs in; it only says when a sign-in is needed. What a sign-in would not fix must not
// drop a live connection to "needs sign-in".
describe('transport: the GET stream and the sign-in', () => {
  const cleanup = useCleanup();

  async function getWith(authorization: () => Promise<string | undefined>) {
    const server = await startPlainServer(cleanup, (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end());
    const signals: FetchSignal[] = [];
    const auth: EndpointAuth = { authorization, challenged: async () => 'retry' };
    const fetcher = new SessionFetch({
      server: 'docs',
      routes: new EndpointRoutes(resolveEndpoint(server.url)),
      baseFetch: fetch,
      headers: async () => ({}),
      getHeadersTimeoutMs: 5000,
      maxAnswerBytes: 1024 * 1024,
      guardAnswers: true,
      traceEnabled: () => false,
      emit: () => undefined,
      signal: (signal) => signals.push(signal),
      auth,
      remember: () => undefined,
    });
    const response = await fetcher.getStream(undefined, {}, new AbortController().signal);
    return { response, signals, requests: server.requests.length };
  }

  it('a sign-in that is needed: the stream says so (one signal), and nothing reaches the server', async () => {
    const { response, signals, requests } = await getWith(async () => {
      throw new SignInRequiredError('docs', 'expired', 'https://auth.example.com');
    });
    assert.equal(response.status, 401);
    assert.deepEqual(signals.map((s) => s.kind), ['sign-in-required']);
    assert.equal(requests, 0);
  });

  it('a renewal that failed for a passing reason, or a step-up: a stream problem (401), not "sign-in required"', async () => {
    for (const error of [new TokenRefreshError('docs', 'https://auth.example.com', 'connection refused'), new SignInRequiredError('docs', 'insufficient-scope')]) {
      const { response, signals } = await getWith(async () => {
        throw error;
      });
      assert.equal(response.status, 401, error.message);
      assert.deepEqual(signals, [], error.message);
    }
  });
});
