import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliRun, parseJson, runCli } from '../../support/cli';
import { useCleanup, useSuiteCleanup } from '../../support/cleanup';
import { startServer } from '../../support/harness';
import { ChildServer, REPO_ROOT, startPublished } from '../../support/published';

/** Probe's --json keys: every command reports them, and adds only its own. */
const PROBE_KEYS = ['auth', 'error', 'getFallback', 'mode', 'ok', 'protocolVersion', 'server', 'session', 'sessionReinitialised', 'timingsMs', 'toolNames', 'tools', 'url'];
const EVERYTHING_DOCS = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/docs');
/** The PNG signature: what a saved image starts with. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface UseReport {
  ok: boolean;
  error: string | null;
  toolNames: string[];
  timingsMs: { call?: number };
  catalog?: Record<string, { items: Record<string, unknown>[]; cut: string | null; error: string | null }>;
  result?: Record<string, unknown>;
  saved?: { part: number; path: string; mimeType: string | null; bytes: number }[];
}

function lines(run: CliRun): string[] {
  return run.stdout.replace(/\n$/, '').split('\n');
}

/** The lines after the one that is `marker` (the result of a call, say). */
function linesAfter(run: CliRun, marker: string): string[] {
  const all = lines(run);
  const at = all.indexOf(marker);
  assert.ok(at >= 0, `no line ${JSON.stringify(marker)} in:\n${run.stdout}${run.stderr}`);
  return all.slice(at + 1);
}

function assertOk(run: CliRun): void {
  assert.equal(run.code, 0, `exit code\n${run.stdout}${run.stderr}`);
  assert.equal(run.stderr, '');
}

async function tempDir(cleanup: ReturnType<typeof useCleanup>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-cli-out-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('CLI: the use side (tools, resources, prompts, call, read, prompt)', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  describe('against @modelcontextprotocol/server-everything (the published package, as it is)', () => {
    const suite = useSuiteCleanup();
    let everything: ChildServer;
    let url: string;
    before(async () => {
      everything = await startPublished('server-everything');
      suite.add(() => everything.stop());
      url = everything.url;
    });

    it('tools: one block per tool with its title, description and parameters; no tool the CLI cannot serve (elicitation)', async () => {
      const run = await runCli(['tools', url]);
      const json = parseJson<UseReport>(await runCli(['tools', url, '--json']));

      assertOk(run);
      const all = lines(run);
      assert.deepEqual(all.slice(0, 4), [`✓ Connected to mcp-servers/everything 2.0.0 at ${url}`, '', `${json.toolNames.length} tools:`, '']);
      const text = run.stdout;
      assert.ok(
        text.includes(['get-sum — Get Sum Tool', '  Returns the sum of two numbers', '  parameters:', '    a (number, required) — First number', '    b (number, required) — Second number', ''].join('\n')),
        text,
      );
      assert.ok(text.includes(['get-tiny-image — Get Tiny Image Tool', '  Returns a tiny MCP logo image.', '  no parameters', ''].join('\n')), text);
      assert.ok(text.includes(['echo — Echo Tool', '  Echoes back the input string', '  parameters:', '    message (string, required) — Message to echo'].join('\n')), text);
      assert.ok(text.includes('    includeImage (boolean) — Whether to include an example image'), 'an optional parameter has no required marker');
      // Registered only for a client that declares elicitation; the CLI has nobody to ask.
      assert.ok(!text.includes('trigger-elicitation-request'), text);
      assert.equal(all.filter((line) => /^\S/.test(line) && line.includes(' — ')).length, json.toolNames.length, 'one block per tool');
    });

    it('tools --json: probe\'s keys and the catalog, with every tool as the server sent it', async () => {
      const run = await runCli(['tools', url, '--json']);

      assertOk(run);
      const report = parseJson<UseReport & Record<string, unknown>>(run);
      assert.deepEqual(Object.keys(report).sort(), [...PROBE_KEYS, 'catalog'].sort());
      assert.equal(report.ok, true);
      assert.deepEqual(Object.keys(report.catalog!), ['tools']);
      const tools = report.catalog!.tools;
      assert.equal(tools.cut, null);
      assert.equal(tools.error, null);
      assert.deepEqual(tools.items.map((tool) => tool.name), report.toolNames);
      const sum = tools.items.find((tool) => tool.name === 'get-sum');
      assert.deepEqual(sum, {
        name: 'get-sum',
        title: 'Get Sum Tool',
        description: 'Returns the sum of two numbers',
        inputSchema: {
          type: 'object',
          properties: { a: { type: 'number', description: 'First number' }, b: { type: 'number', description: 'Second number' } },
          required: ['a', 'b'],
          $schema: 'http://json-schema.org/draft-07/schema#',
        },
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        execution: { taskSupport: 'forbidden' },
      });
      const structured = tools.items.find((tool) => tool.name === 'get-structured-content');
      assert.ok(structured?.outputSchema, 'the output schema is there too');
    });

    it('resources: each resource (uri, name, MIME type) and each template', async () => {
      const run = await runCli(['resources', url]);
      const docs = (await readdir(EVERYTHING_DOCS)).sort();

      assertOk(run);
      assert.deepEqual(lines(run), [
        `✓ Connected to mcp-servers/everything 2.0.0 at ${url}`,
        '',
        `${docs.length} resources:`,
        ...docs.map((name) => `  demo://resource/static/document/${name} — ${name} (text/markdown)`),
        '',
        '2 resource templates:',
        '  demo://resource/dynamic/text/{resourceId} — Dynamic Text Resource (text/plain)',
        '  demo://resource/dynamic/blob/{resourceId} — Dynamic Blob Resource (application/octet-stream)',
      ]);
    });

    it('resources --json: both lists, complete', async () => {
      const run = await runCli(['resources', url, '--json']);

      assertOk(run);
      const report = parseJson<UseReport & Record<string, unknown>>(run);
      assert.deepEqual(Object.keys(report).sort(), [...PROBE_KEYS, 'catalog'].sort());
      assert.deepEqual(Object.keys(report.catalog!), ['resources', 'resourceTemplates']);
      assert.deepEqual(report.catalog!.resourceTemplates, {
        items: [
          {
            name: 'Dynamic Text Resource',
            uriTemplate: 'demo://resource/dynamic/text/{resourceId}',
            description: 'Plaintext dynamic resource fabricated from the {resourceId} variable, which must be an integer.',
            mimeType: 'text/plain',
          },
          {
            name: 'Dynamic Blob Resource',
            uriTemplate: 'demo://resource/dynamic/blob/{resourceId}',
            description: 'Binary (base64) dynamic resource fabricated from the {resourceId} variable, which must be an integer.',
            mimeType: 'application/octet-stream',
          },
        ],
        cut: null,
        error: null,
      });
      assert.equal(report.catalog!.resources.items.length, (await readdir(EVERYTHING_DOCS)).length);
    });

    it('prompts: name, title, description and arguments with their required marker', async () => {
      const run = await runCli(['prompts', url]);
      const json = parseJson<UseReport & Record<string, unknown>>(await runCli(['prompts', url, '--json']));

      assertOk(run);
      assert.deepEqual(lines(run).slice(0, 7), [
        `✓ Connected to mcp-servers/everything 2.0.0 at ${url}`,
        '',
        '4 prompts:',
        '',
        'simple-prompt — Simple Prompt',
        '  A prompt with no arguments',
        '  no arguments',
      ]);
      assert.ok(
        run.stdout.includes(
          ['args-prompt — Arguments Prompt', '  A prompt with two arguments, one required and one optional', '  arguments:', '    city (required) — Name of the city', '    state', ''].join('\n'),
        ),
        run.stdout,
      );
      assert.deepEqual(Object.keys(json).sort(), [...PROBE_KEYS, 'catalog'].sort());
      assert.deepEqual(
        json.catalog!.prompts.items.map((prompt) => prompt.name),
        ['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt'],
      );
      assert.deepEqual(json.catalog!.prompts.items[1].arguments, [
        { name: 'city', description: 'Name of the city', required: true },
        { name: 'state', required: false },
      ]);
    });

    it('call get-tiny-image: the text as text, the image as one line with its type and size', async () => {
      const run = await runCli(['call', url, 'get-tiny-image']);

      assertOk(run);
      // The package's MCP_TINY_IMAGE is 4,033 bytes.
      assert.deepEqual(linesAfter(run, 'Result:'), ["Here's the image you requested:", '[image: image/png, 3.9 KiB]', 'The image above is the MCP logo.']);
    });

    it('call --out <dir>: the image saved as <tool>-1.png in a directory it creates, the line names the file; an existing file is never overwritten', async () => {
      const dir = join(await tempDir(cleanup), 'new', 'images');

      const first = await runCli(['call', url, 'get-tiny-image', '--out', dir]);
      const json = await runCli(['call', url, 'get-tiny-image', '--out', dir, '--json']);

      assertOk(first);
      const path1 = join(dir, 'get-tiny-image-1.png');
      assert.deepEqual(linesAfter(first, 'Result:'), ["Here's the image you requested:", `[image: image/png, 3.9 KiB — saved as ${path1}]`, 'The image above is the MCP logo.']);
      assertOk(json);
      const report = parseJson<UseReport & Record<string, unknown>>(json);
      const content = (report.result as { content: { type: string; data?: string }[] }).content;
      const sent = Buffer.from(content[1].data!, 'base64');
      assert.deepEqual(await readFile(path1), sent, 'the file holds the bytes the server sent');
      assert.deepEqual(sent.subarray(0, 8), PNG);
      const path2 = join(dir, 'get-tiny-image-2.png');
      assert.deepEqual(report.saved, [{ part: 1, path: path2, mimeType: 'image/png', bytes: sent.length }]);
      assert.deepEqual(Object.keys(report).sort(), [...PROBE_KEYS, 'result', 'saved'].sort());
      assert.deepEqual(await readFile(path2), sent);

      await writeFile(join(dir, 'get-tiny-image-3.png'), 'mine');
      const third = await runCli(['call', url, 'get-tiny-image', '--out', dir]);
      assertOk(third);
      assert.ok(third.stdout.includes(`saved as ${join(dir, 'get-tiny-image-4.png')}]`), third.stdout);
      assert.equal(await readFile(join(dir, 'get-tiny-image-3.png'), 'utf8'), 'mine', 'the file that was there is left as it was');
      assert.deepEqual((await readdir(dir)).sort(), ['get-tiny-image-1.png', 'get-tiny-image-2.png', 'get-tiny-image-3.png', 'get-tiny-image-4.png']);
    });

    it('call --out into something that is not a directory: exit 1 with a sentence naming it; the result is still shown', async () => {
      const file = join(await tempDir(cleanup), 'a-file');
      await writeFile(file, 'not a directory');

      const run = await runCli(['call', url, 'get-tiny-image', '--out', file]);

      assert.equal(run.code, 1, run.stdout + run.stderr);
      const after = lines(run).slice(lines(run).indexOf('') + 1);
      assert.match(after[0], new RegExp(`^✗ Could not create the --out directory ${file}: `));
      assert.deepEqual(after.slice(1), ["Here's the image you requested:", '[image: image/png, 3.9 KiB]', 'The image above is the MCP logo.']);
    });

    it('call get-structured-content: the text content, then the structured content as JSON', async () => {
      const run = await runCli(['call', url, 'get-structured-content', '--args', '{"location":"Chicago"}']);
      const json = parseJson<UseReport>(await runCli(['call', url, 'get-structured-content', '--args', '{"location":"Chicago"}', '--json']));

      assertOk(run);
      assert.deepEqual(linesAfter(run, 'Result:'), [
        '{"temperature":36,"conditions":"Light rain / drizzle","humidity":82}',
        'Structured content:',
        '{',
        '  "temperature": 36,',
        '  "conditions": "Light rain / drizzle",',
        '  "humidity": 82',
        '}',
      ]);
      assert.deepEqual(json.result?.structuredContent, { temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 });
    });

    it('call get-resource-links and get-resource-reference: a link as one line with name and URI; an embedded resource as a header and its text', async () => {
      const links = await runCli(['call', url, 'get-resource-links', '--args', '{"count":2}']);
      const reference = await runCli(['call', url, 'get-resource-reference', '--args', '{"resourceType":"Text","resourceId":2}']);

      assertOk(links);
      assert.deepEqual(linesAfter(links, 'Result:'), [
        'Here are 2 resource links to resources available in this server:',
        '[resource link: Blob Resource 1, demo://resource/dynamic/blob/1, text/plain]',
        '[resource link: Text Resource 2, demo://resource/dynamic/text/2, text/plain]',
      ]);
      assertOk(reference);
      const shown = linesAfter(reference, 'Result:');
      assert.deepEqual(shown.slice(0, 2), ['Returning resource reference for Resource 2:', '[resource: demo://resource/dynamic/text/2, text/plain]']);
      assert.match(shown[2], /^Resource 2: This is a plaintext resource created at \S/);
      assert.equal(shown[3], 'You can access this resource using the URI: demo://resource/dynamic/text/2');
    });

    it('read: a text resource verbatim after a one-line header', async () => {
      const run = await runCli(['read', url, 'demo://resource/static/document/features.md']);
      const file = await readFile(join(EVERYTHING_DOCS, 'features.md'), 'utf8');

      assertOk(run);
      assert.equal(run.stdout, `✓ Connected to mcp-servers/everything 2.0.0 at ${url}\n\n[resource: demo://resource/static/document/features.md, text/markdown]\n${file}\n`);
    });

    it('read a blob: one line with its size; with --out saved as resource-1.<ext>, the bytes the server sent', async () => {
      const dir = await tempDir(cleanup);
      const uri = 'demo://resource/dynamic/blob/7';

      const plain = await runCli(['read', url, uri]);
      const saved = await runCli(['read', url, uri, '--out', dir, '--json']);

      assertOk(plain);
      assert.match(linesAfter(plain, '')[0], /^\[resource: demo:\/\/resource\/dynamic\/blob\/7, text\/plain, \d+ B\]$/);
      assertOk(saved);
      const report = parseJson<UseReport & Record<string, unknown>>(saved);
      assert.deepEqual(Object.keys(report).sort(), [...PROBE_KEYS, 'result', 'saved'].sort());
      const contents = (report.result as { contents: { uri: string; mimeType: string; blob: string }[] }).contents;
      assert.equal(contents[0].uri, uri);
      const bytes = Buffer.from(contents[0].blob, 'base64');
      assert.match(bytes.toString('utf8'), /^Resource 7: This is a base64 blob created at /);
      const path = join(dir, 'resource-1.txt');
      assert.deepEqual(report.saved, [{ part: 0, path, mimeType: 'text/plain', bytes: bytes.length }]);
      assert.deepEqual(await readFile(path), bytes);
      assert.equal(typeof report.timingsMs.call, 'number');
    });

    it('prompt with --args: each message under a heading with its role; an embedded resource with its header', async () => {
      const simple = await runCli(['prompt', url, 'args-prompt', '--args', '{"city":"Paris","state":"Texas"}']);
      const embedded = await runCli(['prompt', url, 'resource-prompt', '--args', '{"resourceType":"Text","resourceId":"3"}']);
      const json = parseJson<UseReport & Record<string, unknown>>(await runCli(['prompt', url, 'args-prompt', '--args', '{"city":"Paris"}', '--json']));

      assertOk(simple);
      assert.deepEqual(lines(simple), [`✓ Connected to mcp-servers/everything 2.0.0 at ${url}`, '', '── user ──', "What's weather in Paris, Texas?"]);
      assertOk(embedded);
      const shown = linesAfter(embedded, '');
      assert.deepEqual(shown.slice(0, 4), [
        '── user ──',
        'This prompt includes the Text resource with id: 3. Please analyze the following resource:',
        '── user ──',
        '[resource: demo://resource/dynamic/text/3, text/plain]',
      ]);
      assert.match(shown[4], /^Resource 3: This is a plaintext resource created at /);
      assert.deepEqual(Object.keys(json).sort(), [...PROBE_KEYS, 'result'].sort());
      assert.deepEqual(json.result, { messages: [{ role: 'user', content: { type: 'text', text: "What's weather in Paris?" } }] });
    });

    it('a prompt, resource or tool the server does not have: exit 1, the sentence names it, a hint says where the names are', async () => {
      const prompt = await runCli(['prompt', url, 'no-such-prompt']);
      const resource = await runCli(['read', url, 'demo://resource/static/document/nothing.md']);
      const tool = await runCli(['call', url, 'trigger-elicitation-request']);

      assert.equal(prompt.code, 1);
      assert.match(linesAfter(prompt, '')[0], /^✗ Could not get the prompt "no-such-prompt": The server answered with an MCP error: .*Prompt no-such-prompt not found$/);
      assert.equal(linesAfter(prompt, '')[1], '  The server lists no prompt "no-such-prompt" — "mcp-connections prompts <url>" shows the ones it has.');
      assert.equal(resource.code, 1);
      assert.match(linesAfter(resource, '')[0], /^✗ Could not read the resource "demo:\/\/resource\/static\/document\/nothing\.md": The server answered with an MCP error: .*Resource demo:\/\/resource\/static\/document\/nothing\.md not found$/);
      assert.equal(linesAfter(resource, '')[1], '  The server lists no resource "demo://resource/static/document/nothing.md" — "mcp-connections resources <url>" shows the ones it has.');
      // server-everything offers its elicitation tool only to clients that declare elicitation; the CLI does not.
      assert.equal(tool.code, 1);
      assert.deepEqual(linesAfter(tool, ''), [
        '✗ The tool "trigger-elicitation-request" reported an error.',
        '  The server lists no tool "trigger-elicitation-request" — "mcp-connections tools <url>" shows the ones it has.',
        'MCP error -32602: Tool trigger-elicitation-request not found',
      ]);
    });

    it('a prompt without its required argument: exit 1 with the server\'s words; no hint, the prompt is listed', async () => {
      const run = await runCli(['prompt', url, 'args-prompt']);

      assert.equal(run.code, 1);
      const after = linesAfter(run, '');
      assert.match(after[0], /^✗ Could not get the prompt "args-prompt": The server answered with an MCP error: .*Invalid arguments for prompt args-prompt.*city/);
      assert.equal(after.length, 1, run.stdout);
    });
  });

  describe('against the project\'s fixture server', () => {
    it('tools, resources, prompts: the whole output', async () => {
      const server = await startServer(cleanup, { get: { status: 404 }, name: 'docs-server' });

      const tools = await runCli(['tools', server.url]);
      const resources = await runCli(['resources', server.url]);
      const prompts = await runCli(['prompts', server.url]);

      assertOk(tools);
      assert.equal(
        tools.stdout,
        [
          `✓ Connected to docs-server 1.0.0 at ${server.url}`,
          '',
          '2 tools:',
          '',
          'add',
          '  Adds two numbers',
          '  parameters:',
          '    a (number, required)',
          '    b (number, required)',
          '',
          'echo',
          '  Echoes its text',
          '  parameters:',
          '    text (string, required)',
          '',
        ].join('\n'),
      );
      assertOk(resources);
      assert.equal(resources.stdout, `✓ Connected to docs-server 1.0.0 at ${server.url}\n\n1 resource:\n  demo://readme — readme (text/plain)\n\nThe server lists no resource templates.\n`);
      assertOk(prompts);
      assert.equal(prompts.stdout, `✓ Connected to docs-server 1.0.0 at ${server.url}\n\n1 prompt:\n\ngreet\n  Greets someone\n  arguments:\n    who (required)\n`);
    });

    it('read and prompt: the whole output', async () => {
      const server = await startServer(cleanup, { get: 'stream', name: 'docs-server' });

      const read = await runCli(['read', server.url, 'demo://readme']);
      const prompt = await runCli(['prompt', server.url, 'greet', '--args', '{"who":"Ada"}']);

      assertOk(read);
      assert.equal(read.stdout, `✓ Connected to docs-server 1.0.0 at ${server.url}\n\n[resource: demo://readme]\ndocs-server: a demo MCP server\n`);
      assertOk(prompt);
      assert.equal(prompt.stdout, `✓ Connected to docs-server 1.0.0 at ${server.url}\n\n── user ──\nSay hello to Ada\n`);
      // Each run ends its session.
      assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 2);
    });
  });
});
