import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { assertUsageError, CliRun, parseJson, runCli } from '../../support/cli';
import { useCleanup } from '../../support/cleanup';
import { startPlainServer } from '../../support/connections';
import { startServer } from '../../support/harness';
import { closedPort } from '../../support/net';
import { startProxy } from '../../support/proxy';
import { REPO_ROOT } from '../../support/published';
import { startScriptedServer } from '../../support/scripted';
import { waitFor } from '../../support/wait';

interface JsonReport {
  ok: boolean;
  url: string;
  mode: string | null;
  getFallback: { status: number; statusText: string } | null;
  sessionReinitialised: number;
  session: boolean;
  server: { name: string | null; version: string | null };
  protocolVersion: string | null;
  tools: number;
  toolNames: string[];
  timingsMs: { connect: number | null; call?: number; total: number };
  result?: { content: { type: string; text: string }[]; isError?: boolean };
  error: string | null;
}

function parseReport(run: CliRun): JsonReport {
  return parseJson<JsonReport>(run);
}

describe('CLI: mcp-connections (the built bundle, as a child process)', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  describe('probe', () => {
    it('a server whose GET answers 404: mode POST-only with the 404, exit 0', async () => {
      const server = await startServer(cleanup, { get: { status: 404, statusText: 'Not Found' }, name: 'docs-server' });

      const run = await runCli(['probe', server.url]);

      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.split('\n');
      assert.equal(lines[0], `✓ Connected to docs-server 1.0.0 at ${server.url}`);
      assert.ok(lines.includes('  mode:      POST-only — GET answered 404 Not Found, so the server has no stream; POST works'), run.stdout);
      assert.ok(lines.includes(`  protocol:  ${LATEST_PROTOCOL_VERSION} (with session)`), run.stdout);
      assert.ok(lines.includes('  tools:     2 (add, echo)'), run.stdout);
      assert.ok(lines.some((line) => /^ {2}time: {6}connect \d+ ms, total \d+ ms$/.test(line)), run.stdout);
    });

    it('--json: ok, mode, getFallback, sessionReinitialised, server, protocolVersion, tools, timingsMs, error', async () => {
      const server = await startServer(cleanup, { get: { status: 404, statusText: 'Not Found' }, name: 'docs-server' });

      const run = await runCli(['probe', server.url, '--json']);

      assert.equal(run.code, 0, run.stderr);
      const report = parseReport(run);
      assert.equal(report.ok, true);
      assert.equal(report.url, server.url);
      assert.equal(report.mode, 'post-only');
      assert.deepEqual(report.getFallback, { status: 404, statusText: 'Not Found' });
      assert.equal(report.sessionReinitialised, 0);
      assert.equal(report.session, true);
      assert.deepEqual(report.server, { name: 'docs-server', version: '1.0.0' });
      assert.equal(report.protocolVersion, LATEST_PROTOCOL_VERSION);
      assert.equal(report.tools, 2);
      assert.deepEqual(report.toolNames, ['add', 'echo']);
      assert.equal(typeof report.timingsMs.connect, 'number');
      assert.equal(typeof report.timingsMs.total, 'number');
      assert.ok(report.timingsMs.total >= (report.timingsMs.connect ?? 0));
      assert.equal(report.error, null);
      // Exactly the documented keys: nothing else (and so nothing secret) slips into the report.
      assert.deepEqual(Object.keys(report).sort(), [
        'auth', 'error', 'getFallback', 'mode', 'ok', 'protocolVersion', 'server', 'session', 'sessionReinitialised', 'timingsMs', 'toolNames', 'tools', 'url',
      ]);
    });

    it('a streaming server: mode streaming, getFallback null', async () => {
      const server = await startServer(cleanup, { get: 'stream' });

      const human = await runCli(['probe', server.url]);
      const json = await runCli(['probe', server.url, '--json']);

      assert.equal(human.code, 0, human.stderr);
      assert.ok(human.stdout.includes('  mode:      streaming (GET stream open)'), human.stdout);
      assert.equal(json.code, 0, json.stderr);
      const report = parseReport(json);
      assert.equal(report.mode, 'streaming');
      assert.equal(report.getFallback, null);
      // The probe ends its session: one DELETE per run.
      assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 2);
    });

    it('a legacy HTTP+SSE server: mode legacy-sse', async () => {
      const server = await startServer(cleanup, { kind: 'legacy-sse', name: 'old-server' });

      const json = await runCli(['probe', server.url, '--json']);
      const human = await runCli(['probe', server.url]);

      assert.equal(json.code, 0, json.stderr);
      const report = parseReport(json);
      assert.equal(report.mode, 'legacy-sse');
      assert.equal(report.getFallback, null);
      assert.deepEqual(report.server, { name: 'old-server', version: '1.0.0' });
      assert.equal(human.code, 0, human.stderr);
      assert.ok(human.stdout.includes('  mode:      legacy HTTP+SSE'), human.stdout);
    });

    it('a closed port: exit 1 with one sentence saying the connection was refused', async () => {
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}/mcp`;

      const human = await runCli(['probe', url]);
      const json = await runCli(['probe', url, '--json']);

      assert.equal(human.code, 1);
      assert.equal(human.stdout, `✗ Could not connect to ${url}\n  Connection refused by 127.0.0.1:${port} — is the server running?\n`);
      assert.equal(json.code, 1);
      const report = parseReport(json);
      assert.equal(report.ok, false);
      assert.equal(report.mode, null);
      assert.equal(report.error, `Connection refused by 127.0.0.1:${port} — is the server running?`);
    });

    it('a server that asks for OAuth, with --no-login: exit 1, the sentence says how to sign in', async () => {
      const server = await startServer(cleanup, { requireAuthorization: 'Bearer right-token-value' });

      const run = await runCli(['probe', server.url, '--no-login']);

      assert.equal(run.code, 1);
      assert.match(run.stdout, new RegExp(`needs a sign-in with 127\\.0\\.0\\.1:\\d+ — run \`mcp-connections probe ${server.url.replace(/[.]/g, '\\.')}\` without --no-login to sign in\\.`));
    });

    it('a server that never answers: exit 1 naming the --timeout, within bounded time', async () => {
      const silent = await startPlainServer(cleanup);

      const run = await runCli(['probe', silent.url, '--timeout', '1']);

      assert.equal(run.code, 1);
      assert.match(run.stdout, /No answer from 127\.0\.0\.1:\d+ within 1 s/);
    });
  });

  describe('call', () => {
    it('call add --args \'{"a":5,"b":3}\' prints 8', async () => {
      const server = await startServer(cleanup, { get: { status: 404 } });

      const run = await runCli(['call', server.url, 'add', '--args', '{"a":5,"b":3}']);

      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.slice(-2), ['Result:', '8']);
    });

    it('call --json carries the tool result', async () => {
      const server = await startServer(cleanup, { get: 'stream' });

      const run = await runCli(['call', server.url, 'echo', '--args', '{"text":"hello there"}', '--json']);

      assert.equal(run.code, 0, run.stderr);
      const report = parseReport(run);
      assert.equal(report.ok, true);
      assert.deepEqual(report.result?.content, [{ type: 'text', text: 'hello there' }]);
      assert.equal(typeof report.timingsMs.call, 'number');
    });

    it('a tool that does not exist: exit 1 and a sentence', async () => {
      const server = await startServer(cleanup, { get: { status: 404 } });

      const run = await runCli(['call', server.url, 'nonexistent']);

      assert.equal(run.code, 1);
      const lines = run.stdout.trimEnd().split('\n');
      assert.ok(lines.includes('✗ The tool "nonexistent" reported an error.'), run.stdout);
      assert.equal(lines.at(-1), 'MCP error -32602: Tool nonexistent not found', 'the server\'s own words follow');
    });
  });

  describe('what a hostile server sends', () => {
    const ESC = '\u001b';
    const hostile = () =>
      startScriptedServer(cleanup, {
        name: `evil${ESC}]0;pwned${'\u0007'}`,
        capabilities: { tools: {} },
        answers: {
          'tools/list': () => ({ result: { tools: [{ name: `clear${ESC}[2J`, inputSchema: { type: 'object' } }] } }),
          'tools/call': () => ({ result: { content: [{ type: 'text', text: `line 1\n\tindented${ESC}[31m red${'\b'}` }] } }),
        },
      });

    it('human output: no control character of the server drives the terminal; a result keeps its newlines and tabs', async () => {
      const server = await hostile();
      for (const args of [['probe', server.url], ['call', server.url, `clear${ESC}[2J`]]) {
        const run = await runCli(args);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(run.stdout), `a control character reached the terminal: ${JSON.stringify(run.stdout)}`);
        assert.ok(run.stdout.includes('evil\\u001b]0;pwned\\u0007'), run.stdout);
      }
      const call = await runCli(['call', server.url, `clear${ESC}[2J`]);
      assert.ok(call.stdout.endsWith('Result:\nline 1\n\tindented\\u001b[31m red\\u0008\n'), JSON.stringify(call.stdout));
    });

    it('--json stays exact: the server\'s strings as it sent them', async () => {
      const server = await hostile();
      const run = await runCli(['call', server.url, `clear${ESC}[2J`, '--json']);
      const report = parseReport(run);
      assert.equal(report.server.name, `evil${ESC}]0;pwned\u0007`);
      assert.deepEqual(report.toolNames, [`clear${ESC}[2J`]);
      assert.equal(report.result?.content[0].text, `line 1\n\tindented${ESC}[31m red\b`);
    });
  });

  describe('numbers that are right', () => {
    it('--json sessionReinitialised counts a re-initialisation during the connect', async () => {
      const server = await startServer(cleanup, { get: { status: 404 } });
      const proxy = await startProxy(cleanup, server, { hold: (method) => method === 'tools/list' });
      const running = runCli(['probe', proxy.url, '--json']);
      await waitFor(() => proxy.held.includes('tools/list'), 'the connect to reach tools/list');
      await server.forgetSessions(); // the session the connect just opened is gone
      proxy.release();
      const report = parseReport(await running);
      assert.equal(report.ok, true, report.error ?? '');
      assert.equal(report.sessionReinitialised, 1);
    });
  });

  describe('usage errors: exit 2 and the usage', () => {
    const cases: { title: string; args: string[]; says: RegExp }[] = [
      { title: 'no command', args: [], says: /Name a command: probe, tools, resources, prompts, call, read, prompt or logout\./ },
      { title: 'unknown command', args: ['frobnicate', 'http://127.0.0.1:1/mcp'], says: /Unknown command "frobnicate" — use probe, tools, resources, prompts, call, read, prompt or logout\./ },
      { title: 'missing url', args: ['probe'], says: /"probe" needs the server's URL\./ },
      { title: 'call without a tool', args: ['call', 'http://127.0.0.1:1/mcp'], says: /"call" needs the name of the tool to call\./ },
      { title: 'bad --timeout (text)', args: ['probe', 'http://127.0.0.1:1/mcp', '--timeout', 'soon'], says: /--timeout must be a number of seconds between 1 and 600\./ },
      { title: 'bad --timeout (0)', args: ['probe', 'http://127.0.0.1:1/mcp', '--timeout', '0'], says: /--timeout must be a number/ },
      { title: 'bad --timeout (huge)', args: ['probe', 'http://127.0.0.1:1/mcp', '--timeout', '100000'], says: /--timeout must be a number/ },
      { title: 'bad --args JSON', args: ['call', 'http://127.0.0.1:1/mcp', 'add', '--args', '{a:5'], says: /--args must be a JSON object/ },
      { title: '--args not an object', args: ['call', 'http://127.0.0.1:1/mcp', 'add', '--args', '[5,3]'], says: /--args must be a JSON object/ },
      { title: '--args on probe', args: ['probe', 'http://127.0.0.1:1/mcp', '--args', '{}'], says: /--args belongs to "call" and "prompt", not "probe"\./ },
      { title: 'bad header syntax', args: ['probe', 'http://127.0.0.1:1/mcp', '--header', 'Authorization Bearer x'], says: /--header must look like "Name: value"/ },
      { title: 'bad header name', args: ['probe', 'http://127.0.0.1:1/mcp', '--header', 'Bad Name: x'], says: /header name "Bad Name" has characters not allowed/ },
      { title: 'bad --transport', args: ['probe', 'http://127.0.0.1:1/mcp', '--transport', 'websocket'], says: /--transport must be auto, streamable-http or sse\./ },
      { title: 'unknown option', args: ['probe', 'http://127.0.0.1:1/mcp', '--frobnicate'], says: /frobnicate/ },
      { title: 'extra argument', args: ['probe', 'http://127.0.0.1:1/mcp', 'extra'], says: /Unexpected argument "extra"\./ },
      { title: 'ftp:// url', args: ['probe', 'ftp://example.com/mcp'], says: /The URL must start with http:\/\/ or https:\/\/, not ftp:\./ },
      { title: 'relative url', args: ['probe', '/mcp'], says: /The URL is not an absolute URL/ },
      { title: 'url without scheme', args: ['probe', 'localhost:3000/mcp'], says: /The URL has no scheme — start it with http:\/\/ or https:\/\// },
    ];

    for (const { title, args, says } of cases) {
      it(title, async () => {
        const run = await runCli(args);
        const rest = assertUsageError(run, args, says);
        assert.ok(rest.some((line) => line.trim().startsWith('mcp-connections probe <url>')), run.stderr);
      });
    }

    it('--help prints the usage and exits 0', async () => {
      const run = await runCli(['--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^Usage:\n {2}mcp-connections --version\n {2}mcp-connections probe <url>/);
    });

    it('--version prints the version from package.json and exits 0', async () => {
      const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      const run = await runCli(['--version']);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `mcp-connections ${version}\n`);
    });
  });

  describe('header values never appear in the output', () => {
    const TOKEN = 'c4n4ry-7e1d-4b7a-9f3e-token';
    const VALUE = `Bearer ${TOKEN}`;

    function assertNoCanary(run: CliRun, label: string) {
      assert.ok(!run.stdout.includes(TOKEN), `${label}: the token is on stdout:\n${run.stdout}`);
      assert.ok(!run.stderr.includes(TOKEN), `${label}: the token is on stderr:\n${run.stderr}`);
      assert.ok(!run.stdout.includes('c4n4ry') && !run.stderr.includes('c4n4ry'), `${label}: part of the token is shown`);
    }

    it('passed with --header to a server that requires it: not in human, --json or --verbose output', async () => {
      const server = await startServer(cleanup, { requireAuthorization: VALUE, get: 'stream' });
      const runs: [string, string[]][] = [
        ['human', ['probe', server.url, '--header', `Authorization: ${VALUE}`]],
        ['--json', ['probe', server.url, '--header', `Authorization: ${VALUE}`, '--json']],
        ['--verbose', ['probe', server.url, '-H', `Authorization: ${VALUE}`, '--verbose']],
        ['--json --verbose', ['probe', server.url, '-H', `Authorization: ${VALUE}`, '--json', '--verbose']],
        ['call --verbose', ['call', server.url, 'echo', '--args', '{"text":"hi"}', '-H', `Authorization: ${VALUE}`, '--verbose']],
      ];

      for (const [label, args] of runs) {
        const run = await runCli(args);
        assert.equal(run.code, 0, `${label}: ${run.stdout}${run.stderr}`);
        assertNoCanary(run, label);
        if (label.includes('--verbose')) assert.match(run.stderr, /\[info\] \[127\.0\.0\.1:\d+\] Connecting to /, `${label}: the verbose log is on stderr`);
      }
      const authorised = server.requests.filter((r) => r.headers.authorization === VALUE);
      assert.ok(authorised.length >= runs.length, 'the header was sent every time');
    });

    it('a wrong token, and a server that echoes the header back: still not shown', async () => {
      const secured = await startServer(cleanup, { requireAuthorization: 'Bearer something-else' });
      const echo = await startPlainServer(cleanup, (req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`bad credentials: ${req.headers.authorization} / ${String(req.headers.authorization).split(' ')[1]}`);
      });

      for (const url of [secured.url, echo.url]) {
        for (const extra of [[], ['--json'], ['--verbose']]) {
          const run = await runCli(['probe', url, '--header', `Authorization: ${VALUE}`, ...extra]);
          assert.equal(run.code, 1, run.stdout + run.stderr);
          assertNoCanary(run, `${url} ${extra.join(' ')}`);
        }
      }
      assert.ok(echo.requests.some((r) => r.headers.authorization === VALUE));
    });

    it('given as ${env:NAME}: resolved from the environment, and the value is not shown either', async () => {
      const server = await startServer(cleanup, { requireAuthorization: VALUE, get: { status: 404 } });
      const echo = await startPlainServer(cleanup, (req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`bad credentials: ${req.headers.authorization}`);
      });

      const ok = await runCli(['probe', server.url, '--header', 'Authorization: Bearer ${env:DOCS_TOKEN}', '--verbose'], { DOCS_TOKEN: TOKEN });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assertNoCanary(ok, 'env, accepted');

      const rejected = await runCli(['probe', echo.url, '--header', 'Authorization: Bearer ${env:DOCS_TOKEN}', '--verbose', '--json'], { DOCS_TOKEN: TOKEN });
      assert.equal(rejected.code, 1);
      assertNoCanary(rejected, 'env, echoed back');

      const missing = await runCli(['probe', server.url, '--header', 'Authorization: Bearer ${env:DOCS_TOKEN}']);
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /\$\{env:DOCS_TOKEN\}, but the environment variable DOCS_TOKEN is not set/);
    });
  });
});
