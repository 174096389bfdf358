import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GET_FALLBACK_STATUSES, MAX_URL_LENGTH, RECONNECT, REDIRECT_HOSTS, REDIRECT_PORT, TIMEOUT_SECONDS } from '../../../src/config/limits';
import { Commands } from '../../../src/commands/ids';
import { AUTH_MODES } from '../../../src/config/serverConfig';
import { KNOWN_KEYS, KNOWN_OAUTH_KEYS, validateServer } from '../../../src/config/validate';
import { TRANSPORT_KINDS } from '../../../src/transport/defaults';

/** package.json's contributed settings schema, which VS Code reads, states the same defaults and ranges. */
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;
const server = properties['mcpConnections.servers'].additionalProperties.properties;

describe('settings schema in package.json, held against the code', () => {
  it('every server key the validator knows, and no other', () => {
    assert.deepEqual(Object.keys(server).sort(), [...KNOWN_KEYS].sort());
  });

  it('transport names and default', () => {
    assert.deepEqual(server.transport.enum, [...TRANSPORT_KINDS]);
    assert.equal(server.transport.default, 'auto');
  });

  it('auth: the modes and the default the validator gives', () => {
    assert.deepEqual(server.auth.enum, [...AUTH_MODES]);
    assert.equal(server.auth.default, validateServer('x', { url: 'https://example.com/mcp' }, 'user').config?.auth);
  });

  it('oauth: the keys the validator knows, the redirect hosts and port range', () => {
    const oauth = server.oauth.properties;
    assert.deepEqual(Object.keys(oauth).sort(), [...KNOWN_OAUTH_KEYS].sort());
    assert.deepEqual(oauth.redirectHost.enum, [...REDIRECT_HOSTS]);
    assert.equal(oauth.redirectHost.default, REDIRECT_HOSTS[0]);
    assert.deepEqual([oauth.redirectPort.minimum, oauth.redirectPort.maximum], [REDIRECT_PORT.minimum, REDIRECT_PORT.maximum]);
  });

  it('timeoutSeconds: default and range', () => {
    assert.deepEqual([server.timeoutSeconds.default, server.timeoutSeconds.minimum, server.timeoutSeconds.maximum], [TIMEOUT_SECONDS.default, TIMEOUT_SECONDS.minimum, TIMEOUT_SECONDS.maximum]);
  });

  it('url: no longer than the validator allows', () => {
    assert.equal(server.url.maxLength, MAX_URL_LENGTH);
  });

  it('getFallbackStatuses: default and the range of its items', () => {
    const statuses = properties['mcpConnections.getFallbackStatuses'];
    assert.deepEqual(statuses.default, [...GET_FALLBACK_STATUSES.default]);
    assert.deepEqual([statuses.items.minimum, statuses.items.maximum], [GET_FALLBACK_STATUSES.minimum, GET_FALLBACK_STATUSES.maximum]);
  });

  it('reconnect.*: defaults and ranges', () => {
    for (const key of Object.keys(RECONNECT) as (keyof typeof RECONNECT)[]) {
      const setting = properties[`mcpConnections.reconnect.${key}`];
      assert.deepEqual([setting.default, setting.minimum, setting.maximum], [RECONNECT[key].default, RECONNECT[key].minimum, RECONNECT[key].maximum], key);
    }
  });
});

describe('commands in package.json', () => {
  it('every command has the category "MCP Connections" (VS Code\'s own MCP support has "MCP: Add Server…"), and the ids match the code', () => {
    const contributed = manifest.contributes.commands as { command: string; category: string }[];
    assert.deepEqual(contributed.filter((c) => c.category !== 'MCP Connections').map((c) => c.command), []);
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(Commands).sort());
  });
});
