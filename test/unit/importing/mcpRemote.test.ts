import assert from 'node:assert/strict';
import { mcpRemoteArgs } from '../../../src/importing/mcpRemote';

describe('importing: mcp-remote command lines', () => {
  it('npx -y mcp-remote <url>: the URL, no headers, transport left to MCP Connections', () => {
    assert.deepEqual(mcpRemoteArgs('npx', ['-y', 'mcp-remote', 'https://mcp.example.com/sse']), { url: 'https://mcp.example.com/sse', headers: [], ignored: [] });
  });

  it('headers as mcp-remote reads them ("Name: value" and "Name:value"), transports mapped', () => {
    assert.deepEqual(
      mcpRemoteArgs('npx', ['mcp-remote@latest', 'https://x.example/mcp', '--header', 'Authorization: Bearer ${AUTH_TOKEN}', '--header', 'X-Tenant:acme', '--transport', 'sse-only']),
      { url: 'https://x.example/mcp', headers: [['Authorization', 'Bearer ${AUTH_TOKEN}'], ['X-Tenant', 'acme']], transport: 'sse', ignored: [] },
    );
    assert.equal(mcpRemoteArgs('npx', ['mcp-remote', 'https://x.example/mcp', '--transport', 'http-only'])?.transport, 'streamable-http');
    assert.equal(mcpRemoteArgs('npx', ['mcp-remote', 'https://x.example/mcp', '--transport', 'http-first'])?.transport, undefined);
  });

  it('other launchers: mcp-remote itself, pnpm dlx, bunx, node …/mcp-remote/dist/proxy.js, npx.cmd on Windows', () => {
    const url = 'https://x.example/mcp';
    for (const [command, args] of [
      ['mcp-remote', [url]],
      ['/usr/local/bin/mcp-remote', [url]],
      ['pnpm', ['dlx', 'mcp-remote', url]],
      ['bunx', ['mcp-remote@0.1.29', url]],
      ['C:\\Program Files\\nodejs\\node.exe', ['C:\\Users\\me\\AppData\\Roaming\\npm\\node_modules\\mcp-remote\\dist\\proxy.js', url]],
      ['npx.cmd', ['-y', 'mcp-remote', url]],
    ] as Array<[string, string[]]>) {
      assert.equal(mcpRemoteArgs(command, args)?.url, url, `${command} ${args.join(' ')}`);
    }
  });

  it('not a wrapper: other packages, a package merely mentioning mcp-remote, mcp-remote after a positional', () => {
    assert.equal(mcpRemoteArgs('npx', ['-y', '@modelcontextprotocol/server-memory']), undefined);
    assert.equal(mcpRemoteArgs('npx', ['-y', 'mcp-remote-client', 'https://x.example/mcp']), undefined);
    assert.equal(mcpRemoteArgs('npx', ['some-tool', 'mcp-remote', 'https://x.example/mcp']), undefined);
    assert.equal(mcpRemoteArgs('uvx', ['mcp-remote', 'https://x.example/mcp']), undefined);
  });

  it('options it does not use are listed with what happens, never with their values', () => {
    const parsed = mcpRemoteArgs('npx', [
      'mcp-remote', 'https://x.example/mcp', '3334',
      '--static-oauth-client-info', '{"client_id":"id","client_secret":"s3cr3t-value"}',
      '--allow-http', '--debug', '--transport', 'sse-first', '--header', 'no colon here', '--made-up=value',
    ])!;
    assert.equal(parsed.url, 'https://x.example/mcp');
    assert.deepEqual(parsed.headers, []);
    assert.deepEqual(parsed.ignored, [
      '--static-oauth-client-info: OAuth client details; MCP Connections does not sign in with OAuth yet',
      "--debug: mcp-remote's debug log; ignored (use the MCP Connections log at Trace level)",
      '--transport sse-first: MCP Connections tries Streamable HTTP first, then legacy SSE',
      '--made-up: not an mcp-remote option MCP Connections knows; ignored',
      "callback port: mcp-remote's port for OAuth sign-in; not needed",
      'a --header argument not written as "Name: value"; ignored',
    ]);
    assert.ok(!JSON.stringify(parsed).includes('s3cr3t'));
  });

  it('an argument named like an object property is not mistaken for a known option', () => {
    assert.deepEqual(mcpRemoteArgs('mcp-remote', ['constructor', 'https://x.example/mcp']), {
      url: 'constructor',
      headers: [],
      ignored: ["callback port: mcp-remote's port for OAuth sign-in; not needed"],
    });
  });
});
