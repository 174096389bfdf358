import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, CliRun, parseJson, runCli } from '../../support/cli';
import { useCleanup } from '../../support/cleanup';
import { startScriptedServer } from '../../support/scripted';

const ESC = '\u001b';
/** Anything that could drive a terminal: C0 but newline and tab, DEL, C1, bidi marks. */
const DRIVES_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const EVERY_LIST = { tools: {}, resources: {}, prompts: {} };

interface UseReport {
  ok: boolean;
  error: string | null;
  catalog?: Record<string, { items: Record<string, unknown>[]; cut: string | null; error: string | null }>;
  result?: { content?: Record<string, unknown>[]; isError?: boolean; structuredContent?: unknown; contents?: Record<string, unknown>[]; messages?: unknown[] };
}

function lines(run: CliRun): string[] {
  return run.stdout.replace(/\n$/, '').split('\n');
}

function assertNothingDrivesTheTerminal(run: CliRun, label: string): void {
  const at = DRIVES_TERMINAL.exec(run.stdout);
  assert.equal(at, null, `${label}: a control character reached the terminal at ${at?.index}: ${JSON.stringify(run.stdout)}`);
}

describe('CLI: what an untrusted server sends to the use side', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  describe('hostile text', () => {
    const hostile = () =>
      startScriptedServer(cleanup, {
        name: 'evil',
        capabilities: EVERY_LIST,
        answers: {
          'tools/list': () => ({
            result: {
              tools: [
                {
                  name: `paint${ESC}[2J`,
                  title: `Paint${ESC}]0;pwned\u0007`,
                  description: `Paints.\n✓ Connected to your-bank at https://bank.example\n\nSecond paragraph${ESC}[31m`,
                  inputSchema: { type: 'object', properties: { [`colour${ESC}[1m`]: { type: `string${ESC}[5m`, description: `Which\u202e colour\n✓ forged` } }, required: [`colour${ESC}[1m`] },
                },
                { name: '../../escape', inputSchema: { type: 'object' } },
              ],
            },
          }),
          'resources/list': () => ({ result: { resources: [{ uri: `demo://x${ESC}[2J`, name: `name\r✓ forged`, mimeType: `text/plain\u009b31m` }] } }),
          'resources/templates/list': () => ({ result: { resourceTemplates: [{ uriTemplate: `demo://t/{id}${ESC}c`, name: `template\b\b` }] } }),
          'prompts/list': () => ({ result: { prompts: [{ name: `ask${ESC}[2J`, description: `Asks\u2028✓ forged`, arguments: [{ name: `who${ESC}[1m`, description: `first\n✓ forged`, required: true }] }] } }),
          'tools/call': () => ({
            result: {
              content: [
                { type: 'text', text: `line 1\n\tindented${ESC}[31m red\b` },
                { type: 'image', data: PNG_BASE64, mimeType: `image/png${ESC}[2J` },
                { type: 'resource_link', uri: `demo://link${ESC}[2J`, name: `link\n✓ forged` },
                { type: 'resource', resource: { uri: `demo://embedded${ESC}[2J`, text: `embedded\n\tkept${ESC}[0m` } },
              ],
              structuredContent: { [`key${ESC}[2J`]: `value\u202e` },
            },
          }),
          'resources/read': (params) => ({ result: { contents: [{ uri: String(params?.uri), mimeType: 'text/plain', text: `read\n\t${ESC}[2Jtext` }] } }),
          'prompts/get': () => ({ result: { description: `About${ESC}[31m`, messages: [{ role: 'user', content: { type: 'text', text: `hello\n${ESC}]0;title\u0007` } }] } }),
        },
      });

    it('tools, resources, prompts: every name, title, type and description on its own line, escaped; nothing forges a line', async () => {
      const server = await hostile();

      const tools = await runCli(['tools', server.url]);
      const resources = await runCli(['resources', server.url]);
      const prompts = await runCli(['prompts', server.url]);

      for (const [label, run] of [['tools', tools], ['resources', resources], ['prompts', prompts]] as const) {
        assert.equal(run.code, 0, `${label}: ${run.stdout}${run.stderr}`);
        assertNothingDrivesTheTerminal(run, label);
        assert.deepEqual(lines(run).filter((line) => line.startsWith('✓')), [`✓ Connected to evil 1.0.0 at ${server.url}`], `${label}: a forged line`);
      }
      assert.deepEqual(lines(tools).slice(2), [
        '2 tools:',
        '',
        'paint\\u001b[2J — Paint\\u001b]0;pwned\\u0007',
        '  Paints. ✓ Connected to your-bank at https://bank.example',
        '  parameters:',
        '    colour\\u001b[1m (string\\u001b[5m, required) — Which\\u202e colour',
        '',
        '../../escape',
        '  no parameters',
      ]);
      assert.deepEqual(lines(resources).slice(2), [
        '1 resource:',
        '  demo://x\\u001b[2J — name\\r✓ forged (text/plain\\u009b31m)',
        '',
        '1 resource template:',
        '  demo://t/{id}\\u001bc — template\\u0008\\u0008',
      ]);
      assert.deepEqual(lines(prompts).slice(2), ['1 prompt:', '', 'ask\\u001b[2J', '  Asks ✓ forged', '  arguments:', '    who\\u001b[1m (required) — first']);
    });

    it('call, read, prompt: text keeps its newlines and tabs and nothing else; the rest on one line each', async () => {
      const server = await hostile();

      const call = await runCli(['call', server.url, `paint${ESC}[2J`]);
      const read = await runCli(['read', server.url, 'demo://anything']);
      const prompt = await runCli(['prompt', server.url, `ask${ESC}[2J`]);

      for (const [label, run] of [['call', call], ['read', read], ['prompt', prompt]] as const) {
        assert.equal(run.code, 0, `${label}: ${run.stdout}${run.stderr}`);
        assertNothingDrivesTheTerminal(run, label);
        assert.deepEqual(lines(run).filter((line) => line.startsWith('✓')), [`✓ Connected to evil 1.0.0 at ${server.url}`], `${label}: a forged line`);
      }
      const result = lines(call).slice(lines(call).indexOf('Result:') + 1);
      assert.deepEqual(result, [
        'line 1',
        '\tindented\\u001b[31m red\\u0008',
        '[image: image/png\\u001b[2J, 70 B]',
        '[resource link: link\\n✓ forged, demo://link\\u001b[2J]',
        '[resource: demo://embedded\\u001b[2J]',
        'embedded',
        '\tkept\\u001b[0m',
        'Structured content:',
        '{',
        '  "key\\u001b[2J": "value\\u202e"',
        '}',
      ]);
      assert.deepEqual(lines(read).slice(2), ['[resource: demo://anything, text/plain]', 'read', '\t\\u001b[2Jtext']);
      assert.deepEqual(lines(prompt).slice(2), ['About\\u001b[31m', '', '── user ──', 'hello', '\\u001b]0;title\\u0007']);
    });

    it('--json: the server\'s strings exactly as sent, and still nothing raw that drives a terminal', async () => {
      const server = await hostile();

      const tools = await runCli(['tools', server.url, '--json']);
      const resources = await runCli(['resources', server.url, '--json']);
      const call = await runCli(['call', server.url, `paint${ESC}[2J`, '--json']);

      for (const [label, run] of [['tools', tools], ['resources', resources], ['call', call]] as const) {
        assert.equal(run.code, 0, `${label}: ${run.stdout}${run.stderr}`);
        assertNothingDrivesTheTerminal(run, `${label} --json`);
      }
      const listed = parseJson<UseReport>(tools).catalog!.tools.items[0];
      assert.equal(listed.name, `paint${ESC}[2J`);
      assert.equal(listed.description, `Paints.\n✓ Connected to your-bank at https://bank.example\n\nSecond paragraph${ESC}[31m`);
      assert.deepEqual(Object.keys((listed.inputSchema as { properties: object }).properties), [`colour${ESC}[1m`]);
      assert.equal(parseJson<UseReport>(resources).catalog!.resources.items[0].mimeType, 'text/plain\u009b31m');
      const result = parseJson<UseReport>(call).result!;
      assert.equal(result.content![3].resource && (result.content![3].resource as { text: string }).text, `embedded\n\tkept${ESC}[0m`);
      assert.deepEqual(result.structuredContent, { [`key${ESC}[2J`]: 'value\u202e' });
    });

    it('--out: a file is named after the tool as typed, reduced to safe characters, never after what the server sent', async () => {
      const server = await hostile();
      const dir = await mkdtemp(join(tmpdir(), 'mcp-cli-out-'));
      cleanup.add(() => rm(dir, { recursive: true, force: true }));

      const hostileName = await runCli(['call', server.url, `paint${ESC}[2J`, '--out', dir]);
      const traversal = await runCli(['call', server.url, '../../escape', '--out', dir]);

      assert.equal(hostileName.code, 0, hostileName.stdout + hostileName.stderr);
      assert.equal(traversal.code, 0, traversal.stdout + traversal.stderr);
      // The MIME type the server sent is no known one: .bin, whatever it says.
      assert.deepEqual((await readdir(dir)).sort(), ['escape-1.bin', 'paint__2J-1.bin']);
      assert.ok(hostileName.stdout.includes(`[image: image/png\\u001b[2J, 70 B — saved as ${join(dir, 'paint__2J-1.bin')}]`), hostileName.stdout);
      assert.deepEqual(await readFile(join(dir, 'escape-1.bin')), Buffer.from(PNG_BASE64, 'base64'));
      await assert.rejects(readFile(join(dir, '../../escape-1.bin')), { code: 'ENOENT' }, 'nothing was written where the name points');
    });
  });

  describe('header values a server echoes back', () => {
    const TOKEN = 'c4n4ry-7e1d-4b7a-9f3e-token';
    const VALUE = `Bearer ${TOKEN}`;
    const sent = (headers: IncomingHttpHeaders) => String(headers.authorization);
    const token = (headers: IncomingHttpHeaders) => sent(headers).split(' ')[1];
    const echoing = () =>
      startScriptedServer(cleanup, {
        capabilities: EVERY_LIST,
        answers: {
          'tools/list': (_, headers) => ({
            result: { tools: [{ name: 'whoami', description: `You sent ${sent(headers)}`, inputSchema: { type: 'object', properties: { [token(headers)]: { type: 'string', description: token(headers) } } } }] },
          }),
          'resources/list': (_, headers) => ({ result: { resources: [{ uri: `demo://${token(headers)}`, name: sent(headers) }] } }),
          'resources/templates/list': (_, headers) => ({ result: { resourceTemplates: [{ uriTemplate: `demo://{x}/${token(headers)}`, name: token(headers) }] } }),
          'prompts/list': (_, headers) => ({ result: { prompts: [{ name: 'p', description: sent(headers) }] } }),
          'tools/call': (params, headers) =>
            params?.name === 'fail'
              ? { error: { code: -32000, message: `rejected ${sent(headers)}` } }
              : { result: { content: [{ type: 'text', text: `token: ${token(headers)}` }], structuredContent: { [token(headers)]: sent(headers) } } },
          'resources/read': (params, headers) => ({ result: { contents: [{ uri: String(params?.uri), text: `you are ${sent(headers)}` }] } }),
          'prompts/get': (_, headers) => ({ result: { messages: [{ role: 'user', content: { type: 'text', text: `as ${token(headers)}` } }] } }),
        },
      });

    function assertNoToken(run: CliRun, label: string): void {
      assert.ok(!run.stdout.includes('c4n4ry') && !run.stderr.includes('c4n4ry'), `${label}: the token (or part of it) is shown:\n${run.stdout}\n${run.stderr}`);
    }

    it('not in the output of any command, human, --json or --verbose; shown as *** where the server put it', async () => {
      const server = await echoing();
      const commands = [['tools'], ['resources'], ['prompts'], ['call', 'whoami'], ['call', 'fail'], ['read', 'demo://me'], ['prompt', 'p']];
      let runs = 0;
      for (const [name, ...rest] of commands) {
        for (const extra of [[], ['--json'], ['--verbose']]) {
          const label = [name, ...rest, ...extra].join(' ');
          const run = await runCli([name, server.url, ...rest, '-H', `Authorization: ${VALUE}`, ...extra]);
          runs++;
          assert.equal(run.code, rest[0] === 'fail' ? 1 : 0, `${label}: ${run.stdout}${run.stderr}`);
          assertNoToken(run, label);
          assert.ok(run.stdout.includes('***'), `${label}: the server's echo is shown redacted:\n${run.stdout}`);
        }
      }
      assert.ok(server.requests.filter((r) => r.headers.authorization === VALUE).length >= runs * 2, 'the header went with the requests');
    });

    it('given as ${env:NAME}: the value from the environment is redacted too', async () => {
      const server = await echoing();

      const call = await runCli(['call', server.url, 'whoami', '-H', 'Authorization: Bearer ${env:DOCS_TOKEN}', '--json'], { DOCS_TOKEN: TOKEN });
      const read = await runCli(['read', server.url, 'demo://me', '-H', 'Authorization: Bearer ${env:DOCS_TOKEN}'], { DOCS_TOKEN: TOKEN });

      assert.equal(call.code, 0, call.stdout + call.stderr);
      assertNoToken(call, 'call --json');
      assert.deepEqual(parseJson<UseReport>(call).result?.structuredContent, { '***': '***' });
      assert.equal(read.code, 0, read.stdout + read.stderr);
      assertNoToken(read, 'read');
      assert.ok(read.stdout.endsWith('\nyou are ***\n'), read.stdout);
    });
  });

  describe('failures', () => {
    it('a tool result with isError: exit 1, the result starts with a line saying so, then the tool\'s words', async () => {
      const server = await startScriptedServer(cleanup, {
        capabilities: { tools: {} },
        answers: {
          'tools/list': () => ({ result: { tools: [{ name: 'backup', inputSchema: { type: 'object' } }] } }),
          'tools/call': () => ({ result: { content: [{ type: 'text', text: 'disk full' }], isError: true } }),
        },
      });

      const human = await runCli(['call', server.url, 'backup']);
      const json = await runCli(['call', server.url, 'backup', '--json']);

      assert.equal(human.code, 1);
      // The tool is listed: no hint.
      assert.deepEqual(lines(human).slice(lines(human).indexOf('') + 1), ['✗ The tool "backup" reported an error.', 'disk full']);
      assert.equal(json.code, 1);
      const report = parseJson<UseReport>(json);
      assert.equal(report.ok, false);
      assert.equal(report.error, 'The tool "backup" reported an error.');
      assert.equal(report.result?.isError, true);
    });

    it('a tool the server answers with a JSON-RPC error: exit 1, one sentence naming the tool, and the hint when it is not listed', async () => {
      const server = await startScriptedServer(cleanup, {
        capabilities: { tools: {} },
        answers: {
          'tools/list': () => ({ result: { tools: [{ name: 'backup', inputSchema: { type: 'object' } }] } }),
          'tools/call': (params) => ({ error: { code: -32602, message: `Unknown tool: ${String(params?.name)}` } }),
        },
      });

      const unknown = await runCli(['call', server.url, 'bakup']);
      const listed = await runCli(['call', server.url, 'backup', '--json']);

      assert.equal(unknown.code, 1);
      assert.deepEqual(lines(unknown).slice(lines(unknown).indexOf('') + 1), [
        '✗ Could not call the tool "bakup": The server answered with an MCP error: MCP error -32602: Unknown tool: bakup',
        '  The server lists no tool "bakup" — "mcp-connections tools <url>" shows the ones it has.',
      ]);
      assert.equal(listed.code, 1);
      assert.equal(parseJson<UseReport>(listed).error, 'Could not call the tool "backup": The server answered with an MCP error: MCP error -32602: Unknown tool: backup');
    });

    it('a list cut short: said after the list and in --json; exit 0 (what there is, is shown)', async () => {
      const server = await startScriptedServer(cleanup, {
        capabilities: { tools: {} },
        // Every page points to the same next page.
        answers: { 'tools/list': () => ({ result: { tools: [{ name: 'loop', inputSchema: { type: 'object' } }], nextCursor: 'again' } }) },
      });

      const human = await runCli(['tools', server.url]);
      const json = await runCli(['tools', server.url, '--json']);

      assert.equal(human.code, 0, human.stdout + human.stderr);
      assert.deepEqual(lines(human).slice(-2), ['', '⚠ The tools list was cut after 1 tool: the server sent the same page cursor twice.']);
      assert.equal(json.code, 0);
      assert.deepEqual(parseJson<UseReport>(json).catalog?.tools, {
        items: [{ name: 'loop', inputSchema: { type: 'object' } }],
        cut: 'the server sent the same page cursor twice',
        error: null,
      });
    });

    it('a list that failed: said in its place and in --json; exit 1; the other list is still shown', async () => {
      const server = await startScriptedServer(cleanup, {
        capabilities: { resources: {}, prompts: {} },
        answers: {
          'resources/list': () => ({ result: { resources: [{ uri: 'demo://one', name: 'one' }] } }),
          'resources/templates/list': () => ({ error: { code: -32603, message: 'templates are broken' } }),
          'prompts/list': () => ({ error: { code: -32603, message: 'prompts are broken' } }),
        },
      });

      const resources = await runCli(['resources', server.url]);
      const prompts = await runCli(['prompts', server.url, '--json']);

      assert.equal(resources.code, 1, resources.stdout + resources.stderr);
      assert.deepEqual(lines(resources).slice(2), [
        '1 resource:',
        '  demo://one — one',
        '',
        '✗ Could not list the resource templates: The server answered with an MCP error: MCP error -32603: templates are broken',
      ]);
      assert.equal(prompts.code, 1);
      const report = parseJson<UseReport>(prompts);
      assert.equal(report.ok, false);
      const sentence = 'The server answered with an MCP error: MCP error -32603: prompts are broken';
      assert.deepEqual(report.catalog?.prompts, { items: [], cut: null, error: sentence });
      assert.equal(report.error, `Could not list the prompts: ${sentence}`);
    });
  });

  describe('usage errors: exit 2, the sentence, and the usage', () => {
    const URL = 'http://127.0.0.1:1/mcp';
    const cases: { title: string; args: string[]; says: RegExp }[] = [
      { title: 'tools without a url', args: ['tools'], says: /"tools" needs the server's URL\./ },
      { title: 'resources without a url', args: ['resources'], says: /"resources" needs the server's URL\./ },
      { title: 'prompts without a url', args: ['prompts'], says: /"prompts" needs the server's URL\./ },
      { title: 'read without a url', args: ['read'], says: /"read" needs the server's URL\./ },
      { title: 'read without a uri', args: ['read', URL], says: /"read" needs the URI of the resource to read\./ },
      { title: 'prompt without a name', args: ['prompt', URL], says: /"prompt" needs the name of the prompt to get\./ },
      { title: 'prompt with bad --args JSON', args: ['prompt', URL, 'greet', '--args', '{who:'], says: /--args must be a JSON object/ },
      { title: 'prompt with a value that is not a string', args: ['prompt', URL, 'greet', '--args', '{"who":"Ada","times":3}'], says: /--args for "prompt" gives every argument as a string, e\.g\. .*\("times" is not a string\)/ },
      { title: '--args on tools', args: ['tools', URL, '--args', '{}'], says: /--args belongs to "call" and "prompt", not "tools"\./ },
      { title: '--args on read', args: ['read', URL, 'demo://x', '--args', '{}'], says: /--args belongs to "call" and "prompt", not "read"\./ },
      { title: '--out on prompt', args: ['prompt', URL, 'greet', '--out', 'dir'], says: /--out belongs to "call" and "read", not "prompt"\./ },
      { title: '--out on resources', args: ['resources', URL, '--out', 'dir'], says: /--out belongs to "call" and "read", not "resources"\./ },
      { title: '--out without a directory', args: ['call', URL, 'add', '--out'], says: /--out/ },
      { title: '--out empty', args: ['read', URL, 'demo://x', '--out', ''], says: /--out needs a directory/ },
      { title: 'an extra argument', args: ['tools', URL, 'extra'], says: /Unexpected argument "extra"\./ },
      { title: 'an extra argument after the uri', args: ['read', URL, 'demo://x', 'demo://y'], says: /Unexpected argument "demo:\/\/y"\./ },
      { title: 'bad --timeout', args: ['tools', URL, '--timeout', '0'], says: /--timeout must be a number of seconds between 1 and 600\./ },
    ];

    for (const { title, args, says } of cases) {
      it(title, async () => {
        const run = await runCli(args);
        assertUsageError(run, args, says);
      });
    }

    it('--help names every command', async () => {
      const run = await runCli(['--help']);
      assert.equal(run.code, 0);
      for (const line of ['probe <url>', 'tools <url>', 'resources <url>', 'prompts <url>', 'call <url> <tool> [--args <json>] [--out <dir>]', 'read <url> <uri> [--out <dir>]', 'prompt <url> <name> [--args <json>]']) {
        assert.ok(run.stdout.includes(`  mcp-connections ${line}`), `${line}:\n${run.stdout}`);
      }
    });
  });
});
