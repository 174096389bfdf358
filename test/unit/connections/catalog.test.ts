import assert from 'node:assert/strict';
import { MAX_LIST_ITEMS } from '../../../src/connections/catalog';
import { useCleanup } from '../../support/cleanup';
import { entry, live, makeConnection, visibleLog } from '../../support/connections';
import { startScriptedServer } from '../../support/scripted';

const tool = (name: string) => ({ name, description: `The ${name} tool`, inputSchema: { type: 'object' } });
const pageOf = (cursor: unknown) => Number(cursor ?? 0);

describe('Connection: complete, bounded lists', function () {
  this.timeout(30_000);
  const cleanup = useCleanup();

  it('follows nextCursor to the end, for tools, resources, resource templates and prompts (and no listeners pile up)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'MaxListenersExceededWarning' && warnings.push(warning);
    process.on('warning', onWarning);
    cleanup.add(() => process.off('warning', onWarning));
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      answers: {
        'tools/list': (params) => {
          const page = pageOf(params?.cursor);
          return { result: { tools: [tool(`t${page}a`), tool(`t${page}b`)], ...(page < 4 ? { nextCursor: String(page + 1) } : {}) } };
        },
        'resources/list': (params) => ({ result: { resources: [{ uri: `demo://r${pageOf(params?.cursor)}`, name: `r${pageOf(params?.cursor)}` }], ...(pageOf(params?.cursor) < 2 ? { nextCursor: String(pageOf(params?.cursor) + 1) } : {}) } }),
        'resources/templates/list': () => ({ result: { resourceTemplates: [{ uriTemplate: 'demo://pages/{slug}', name: 'page' }] } }),
        'prompts/list': (params) => ({ result: params?.cursor === 'last' ? { prompts: [{ name: 'p-last' }] } : { prompts: [{ name: 'p-first' }], nextCursor: 'last' } }),
      },
    });
    const { connection } = makeConnection(cleanup, entry('paged', { url: server.url }));
    await connection.connect();

    const catalog = live(connection)!.catalog;
    assert.deepEqual(catalog.tools.items.map((t) => t.name), ['t0a', 't0b', 't1a', 't1b', 't2a', 't2b', 't3a', 't3b', 't4a', 't4b']);
    assert.deepEqual(catalog.resources.items.map((r) => r.uri), ['demo://r0', 'demo://r1', 'demo://r2']);
    assert.deepEqual(catalog.resourceTemplates.items.map((t) => t.uriTemplate), ['demo://pages/{slug}']);
    assert.deepEqual(catalog.prompts.items.map((p) => p.name), ['p-first', 'p-last']);
    assert.equal(catalog.tools.cut, undefined);
    await new Promise((resolve) => setImmediate(resolve)); // a warning is emitted on a later tick
    assert.deepEqual(warnings.map((w) => w.message), []);
  });

  it('a cursor seen twice ends the walk; the log and the list say it was cut and why; names are unique', async () => {
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {} },
      // Every page repeats a tool and points back at page 1: a server that would be walked forever.
      answers: { 'tools/list': (params) => ({ result: { tools: [tool('same'), tool(`t${pageOf(params?.cursor)}`)], nextCursor: '1' } }) },
    });
    const { connection, logger } = makeConnection(cleanup, entry('loop', { url: server.url }));
    await connection.connect();

    const tools = live(connection)!.catalog.tools;
    assert.deepEqual(tools.items.map((t) => t.name), ['same', 't0', 't1']);
    assert.equal(tools.cut, 'the server sent the same page cursor twice');
    assert.equal(server.calls.filter((c) => c === 'tools/list').length, 2, 'the first page, then page 1 — which points at page 1 again');
    assert.ok(visibleLog(logger).includes('[loop] The tools list was cut after 3 items: the server sent the same page cursor twice'), visibleLog(logger).join('\n'));
  });

  it(`more than ${MAX_LIST_ITEMS.toLocaleString('en-US')} items: cut there, and said`, async () => {
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {} },
      answers: { 'tools/list': (params) => ({ result: { tools: Array.from({ length: 1000 }, (_, i) => tool(`t${pageOf(params?.cursor)}-${i}`)), nextCursor: String(pageOf(params?.cursor) + 1) } }) },
    });
    const { connection, logger } = makeConnection(cleanup, entry('huge', { url: server.url }));
    await connection.connect();

    const tools = live(connection)!.catalog.tools;
    assert.equal(tools.items.length, MAX_LIST_ITEMS);
    assert.equal(tools.cut, 'the server offers more than 10,000 items');
    assert.ok(visibleLog(logger).some((line) => line === '[huge] The tools list was cut after 10000 items: the server offers more than 10,000 items'));
  });

  it('one list that fails (an error, a timeout) does not fail the connection; Refresh retries it', async () => {
    let promptsWork = false;
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      answers: {
        'tools/list': () => ({ error: { code: -32603, message: 'tools database offline' } }),
        'resources/list': () => 'hang',
        'resources/templates/list': () => ({ result: { resourceTemplates: [] } }),
        'prompts/list': () => (promptsWork ? { result: { prompts: [{ name: 'hello' }] } } : { error: { code: -32603, message: 'not yet' } }),
      },
    });
    const { connection, logger } = makeConnection(cleanup, entry('partial', { url: server.url, timeoutSeconds: 1 }));
    await connection.connect();

    const state = live(connection)!;
    assert.equal(connection.state.kind, 'connected');
    assert.equal(state.catalog.tools.error, 'The server answered with an MCP error: MCP error -32603: tools database offline');
    assert.match(state.catalog.resources.error ?? '', /^No answer from 127\.0\.0\.1:\d+ within 1 s/);
    assert.deepEqual(state.catalog.resourceTemplates.items, []);
    assert.ok(visibleLog(logger).includes('[partial] Could not list the tools: The server answered with an MCP error: MCP error -32603: tools database offline'));

    promptsWork = true;
    await connection.refreshLists();
    assert.deepEqual(live(connection)!.catalog.prompts.items.map((p) => p.name), ['hello']);
    assert.equal(live(connection)!.catalog.prompts.error, undefined);
  });
});
