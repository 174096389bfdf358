import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestServer } from '../../../src/demo/mcpTestServer';
import { TolerantTransport } from '../../../src/transport/tolerantTransport';
import { TransportEvent } from '../../../src/transport/types';
import { waitFor } from '../../support/wait';

describe('smoke', () => {
  for (const get of ['stream', { status: 404, body: '<html><body>Cannot GET /mcp</body></html>', contentType: 'text/html' }] as const) {
    it(`connects with GET ${typeof get === 'string' ? get : get.status}`, async () => {
      const server = await startTestServer({ get });
      const transport = new TolerantTransport({ server: 's', url: new URL(server.url) });
      const events: TransportEvent[] = [];
      const errors: Error[] = [];
      transport.onEvent((e) => events.push(e));
      const client = new Client({ name: 't', version: '1' });
      client.onerror = (e) => errors.push(e);
      await client.connect(transport);
      const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
      assert.deepEqual(result.content, [{ type: 'text', text: '5' }]);
      await waitFor(() => transport.mode !== 'pending', 'GET outcome');
      console.log(transport.mode, events.filter((e) => e.kind !== 'wire'));
      await client.close();
      await server.close();
      assert.deepEqual(errors, []);
    });
  }
});
