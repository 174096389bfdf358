import assert from 'node:assert/strict';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { useCleanup } from '../../support/cleanup';
import { assertNoErrors, connect, createTransportUnderTest, kinds, requestsOf, startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

describe('transport: legacy HTTP+SSE (2024-11-05) server', () => {
  const cleanup = useCleanup();

  it("'auto' falls back to the legacy transport and tools work", async () => {
    const server = await startServer(cleanup, { kind: 'legacy-sse' });
    const connection = await connect(cleanup, server.url, { server: 'old-server', transport: 'auto' });

    assert.equal(connection.transport.mode, 'legacy-sse');
    const [fallback, ...more] = connection.eventsOf('legacy-sse-fallback');
    assert.equal(more.length, 0);
    assert.equal(fallback.server, 'old-server');
    assert.equal(fallback.status, 405, 'the status the initialize POST was refused with');
    assert.deepEqual(kinds(connection), ['legacy-sse-fallback']);

    assert.equal(await connection.add(2, 3), '5');
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'a notification over the legacy SSE stream');
    assertNoErrors(connection);
  });

  it("'streamable-http' forced: connect fails with a clear error", async () => {
    const server = await startServer(cleanup, { kind: 'legacy-sse' });
    const connection = createTransportUnderTest(cleanup, server.url, { transport: 'streamable-http' });

    await assert.rejects(connection.client.connect(connection.transport), (error: Error) => {
      // The status is kept for the connection layer, which turns it into "set transport to sse".
      assert.ok(error instanceof StreamableHTTPError, `${error.name}: ${error.message}`);
      assert.equal(error.code, 405);
      assert.match(error.message, /POSTing to endpoint: Method Not Allowed/);
      return true;
    });
    assert.deepEqual(connection.eventsOf('legacy-sse-fallback'), []);
    assert.deepEqual(requestsOf(server, 'GET'), [], 'no attempt at the legacy SSE stream');
  });

  it("'sse' forced: connects over the legacy transport directly", async () => {
    const server = await startServer(cleanup, { kind: 'legacy-sse' });
    const connection = await connect(cleanup, server.url, { transport: 'sse' });

    assert.equal(connection.transport.mode, 'legacy-sse');
    assert.equal(await connection.add(40, 2), '42');
    assert.deepEqual(kinds(connection), [], 'no fallback: it was asked for');
    assert.deepEqual(
      server.requests.filter((request) => new URL(request.url, server.url).pathname === '/mcp').map((request) => request.method),
      ['GET'],
      'no Streamable HTTP initialize POST was tried first',
    );
    assertNoErrors(connection);
  });
});
