import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { useCleanup } from '../support/cleanup';
import { callText, faultClient } from '../support/connections';
import { PUBLISHED, startPublished } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';

const ACCEPT_BOTH = 'application/json, text/event-stream';
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fault-suite', version: '0' } } };

interface Answer {
  status: number;
  type: string;
  body: string;
}

async function ask(url: string, init: RequestInit): Promise<Answer> {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, signal: abort.signal });
  const type = (response.headers.get('content-type') ?? '').split(';')[0];
  // An event stream stays open: its status and type are the answer.
  const body = type === 'text/event-stream' ? '' : (await response.text()).slice(0, 80);
  abort.abort();
  return { status: response.status, type, body };
}

/**
 * What each published server package does with the requests the tolerance rules are about, asked
 * directly over HTTP (the data behind the rules), and that our connection makes of it.
 */
describe('faults: how the published server packages behave', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  for (const name of Object.keys(PUBLISHED)) {
    it(`${PUBLISHED[name].package}: GET, unknown session and DELETE answers; connected · streaming`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const server = await startPublished(name);
      cleanup.add(() => server.stop());
      const headers = { 'content-type': 'application/json', accept: ACCEPT_BOTH };
      const init = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(INITIALIZE) });
      const session = init.headers.get('mcp-session-id');
      await init.body?.cancel();
      assert.ok(session, 'a stateful server: it issues a session id');
      const withSession = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
      await (await fetch(server.url, { method: 'POST', headers: withSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).body?.cancel();

      const get = await ask(server.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } });
      const getWithout = await ask(server.url, { headers: { accept: 'text/event-stream' } });
      const unknownPost = await ask(server.url, { method: 'POST', headers: { ...withSession, 'mcp-session-id': 'no-such-session' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
      const unknownGet = await ask(server.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': 'no-such-session' } });
      const deleted = await ask(server.url, { method: 'DELETE', headers: withSession });
      const line = (answer: Answer) => `${answer.status}${answer.type ? ` ${answer.type}` : ''}${answer.body ? ` ${JSON.stringify(answer.body)}` : ''}`;
      console.log(`      listening ${server.startupMs} ms after start; GET with session: ${line(get)}; GET without: ${line(getWithout)}`);
      console.log(`      unknown session: POST ${line(unknownPost)}; GET ${line(unknownGet)}; DELETE: ${line(deleted)}`);

      // What the tolerance rules rely on: an unknown session is 404, or a 400 that says "session".
      for (const answer of [unknownPost, unknownGet]) {
        assert.ok(answer.status === 404 || (answer.status === 400 && /session/i.test(answer.body)), `unknown session recognisable: ${line(answer)}`);
      }
      const client = faultClient(cleanup, name, server.url);
      await client.connection.connect();
      await waitFor(() => client.connection.state.kind === 'connected' && client.connection.state.mode === 'streaming', 'connected · streaming');
      assert.equal(await callText(client.connection, PUBLISHED[name].tool.name, PUBLISHED[name].tool.args), PUBLISHED[name].tool.expected);
      await assertNoUnhandledRejections(rejectionsBefore);
      record({
        fault: `(behaviour) ${PUBLISHED[name].package}`,
        outcome: `GET ${get.status} ${get.type} (no session: ${getWithout.status}); unknown session: POST ${unknownPost.status}, GET ${unknownGet.status}; DELETE ${deleted.status}`,
        requests: client.counter.calls.length,
      });
    });
  }
});
