import assert from 'node:assert/strict';
import { emptyCatalog } from '../../../src/connections/catalog';
import type { ConnectedState, ConnectionState } from '../../../src/connections/state';
import { presentServer } from '../../../src/views/presentation';

const connected: ConnectedState = {
  kind: 'connected',
  mode: 'post-only',
  getFallback: { status: 404, statusText: 'Not Found', bodyExcerpt: 'Cannot GET /mcp', time: new Date(2026, 0, 1, 12, 0, 0) },
  session: { id: '0123456789abcdef', protocolVersion: '2025-11-25', reinitialisations: 2 },
  server: { name: 'docs*server', version: '1.0' },
  capabilities: { tools: true, resources: false, prompts: false, logging: false, subscribe: false, completions: false },
  catalog: emptyCatalog(),
};

const server = (state: ConnectionState, warnings: string[] = []) => ({ name: 'docs', displayUrl: 'https://example.com/mcp', state, entry: { warnings } });

describe('presentation: how a server looks in the tree', () => {
  const rows: [ConnectionState, string, string, string][] = [
    [connected, 'connected · POST-only (GET 404)', 'pass-filled', 'server:connected'],
    [{ ...connected, mode: 'streaming', getFallback: undefined }, 'connected · streaming', 'pass-filled', 'server:connected'],
    [{ ...connected, mode: 'legacy-sse', getFallback: undefined }, 'connected · legacy SSE', 'pass-filled', 'server:connected'],
    [{ kind: 'connecting' }, 'connecting…', 'sync~spin', 'server:connecting'],
    [{ kind: 'reconnecting', attempt: 2, maxAttempts: 5, reason: 'connection refused' }, 'reconnecting 2/5', 'sync~spin', 'server:reconnecting'],
    [{ kind: 'disconnected' }, 'disconnected', 'debug-disconnect', 'server:disconnected'],
    [{ kind: 'disconnected', blocked: 'disabled' }, 'disabled', 'circle-slash', 'server:disconnected'],
    [{ kind: 'disconnected', blocked: 'untrusted' }, 'disconnected · workspace not trusted', 'debug-disconnect', 'server:disconnected:untrusted'],
    [{ kind: 'error', reason: 'Connection refused.' }, 'error: Connection refused.', 'error', 'server:error'],
    [{ kind: 'needs-sign-in', issuer: 'auth.example.com' }, 'needs sign-in · auth.example.com', 'account', 'server:needs-sign-in'],
    [{ kind: 'needs-sign-in' }, 'needs sign-in', 'account', 'server:needs-sign-in'],
  ];
  for (const [state, description, icon, contextValue] of rows) {
    it(description, () => {
      const look = presentServer(server(state));
      assert.equal(look.description, description);
      assert.equal(look.icon.id, icon);
      assert.equal(look.contextValue, contextValue);
    });
  }

  it('signed in with OAuth: the tooltip says via which authorization server and until when, never a token; needing sign-in says with which', () => {
    const expiresAt = new Date(2026, 0, 1, 13, 0, 0);
    const signedIn = presentServer(server({ ...connected, auth: { issuer: 'https://auth.example.com', scopes: ['mcp:read'], expiresAt } })).tooltip;
    assert.ok(signedIn.includes(`\nSign-in: OAuth via https\\://auth.example.com, expires ${expiresAt.toLocaleString()}  `), signedIn);
    const needed = presentServer(server({ kind: 'needs-sign-in', issuer: 'auth.example.com' })).tooltip;
    assert.ok(needed.includes('\nSign-in: needed (OAuth via auth.example.com) — nothing opens until you sign in  '), needed);
  });

  it('server text cannot forge a tooltip row or become a link: line breaks folded, Markdown escaped', () => {
    const hostile: ConnectedState = { ...connected, server: { name: 'evil\nURL: `https://attacker.example`', version: '[click](command:workbench.action.quit)' } };
    const tooltip = presentServer(server(hostile)).tooltip;
    assert.ok(!tooltip.split('\n').some((line) => line.startsWith('URL: `https://attacker')), tooltip);
    assert.ok(tooltip.includes('Server: evil URL\\: \\`https\\://attacker.example\\` \\[click\\]\\(command\\:workbench.action.quit\\)  '), tooltip);
  });

  it('the tooltip: URL, mode, session (shortened), protocol, server, last GET fallback, re-initialisations, warnings — Markdown escaped', () => {
    const tooltip = presentServer(server(connected, ['Unknown setting "x" is ignored.'])).tooltip.split('\n');
    assert.deepEqual(tooltip, [
      '**docs** — connected · POST-only \\(GET 404\\)',
      '',
      'URL: `https://example.com/mcp`  ',
      'Mode: POST-only  ',
      'Session: 01234567…  ',
      'Protocol: 2025-11-25  ',
      'Server: docs\\*server 1.0  ',
      `Last GET fallback: HTTP 404 Not Found at ${connected.getFallback!.time.toLocaleTimeString()} — "Cannot GET /mcp"  `,
      'Session re-initialised: 2×  ',
      'Warning: Unknown setting "x" is ignored.  ',
    ]);
  });

  it('the tooltip says which lists were cut or failed, and why', () => {
    const catalog = { ...emptyCatalog(), tools: { items: [], cut: 'the server sent the same page cursor twice' }, prompts: { items: [], error: 'The server answered with an MCP error: [x](command:y)' } };
    const tooltip = presentServer(server({ ...connected, catalog })).tooltip;
    assert.match(tooltip, /^Tools: cut after 0 items — the server sent the same page cursor twice {2}$/m);
    assert.ok(tooltip.includes('Prompts: could not be listed — The server answered with an MCP error\\: \\[x\\]\\(command\\:y\\)  '), tooltip);
  });

  it('the tooltip of a failed server names the last error', () => {
    assert.match(presentServer(server({ kind: 'reconnecting', attempt: 1, maxAttempts: 5, reason: 'connection refused' })).tooltip, /Last error: Connection lost\\: connection refused/);
  });
});
