import assert from 'node:assert/strict';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { HeaderValueError } from '../../../src/config/headerValues';
import { ConnectTimeoutError, Failure, failureOf } from '../../../src/connections/failures';
import { classifyFetchError, HeadersTimeoutError } from '../../../src/transport/failures';
import { AnswerTooLargeError, InitializeRejectedError } from '../../../src/transport/types';

function fetchError(code?: string, message = 'fetch failed'): TypeError {
  const cause = Object.assign(new Error(message), code ? { code } : {});
  return Object.assign(new TypeError('fetch failed'), { cause });
}

describe('failures: the one place that tells errors apart', () => {
  const rows: [string, unknown, Failure][] = [
    ['connection refused', fetchError('ECONNREFUSED'), { kind: 'network', failure: { kind: 'refused' } }],
    ['connection reset', fetchError('ECONNRESET'), { kind: 'network', failure: { kind: 'reset' } }],
    ['socket closed by undici', fetchError('UND_ERR_SOCKET'), { kind: 'network', failure: { kind: 'reset' } }],
    ['host not found', fetchError('ENOTFOUND'), { kind: 'network', failure: { kind: 'dns' } }],
    ['connect timeout', fetchError('UND_ERR_CONNECT_TIMEOUT'), { kind: 'network', failure: { kind: 'connect-timeout' } }],
    ['headers timeout', fetchError('UND_ERR_HEADERS_TIMEOUT'), { kind: 'network', failure: { kind: 'headers-timeout' } }],
    ['our headers timeout', new HeadersTimeoutError(150), { kind: 'network', failure: { kind: 'headers-timeout', limitMs: 150 } }],
    ['untrusted certificate', fetchError('DEPTH_ZERO_SELF_SIGNED_CERT'), { kind: 'network', failure: { kind: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } }],
    ['something else', fetchError(undefined, 'weird'), { kind: 'other', message: 'weird' }],
    ['our connect timeout', new ConnectTimeoutError(5), { kind: 'connect-timeout', seconds: 5 }],
    ['a missing secret', new HeaderValueError('Header "A" uses ${secret:x}…'), { kind: 'config', problem: 'Header "A" uses ${secret:x}…' }],
    ['initialize refused twice', new InitializeRejectedError(405, new Error('x')), { kind: 'initialize-rejected', status: 405 }],
    ['an answer over the limit', new AnswerTooLargeError(16), { kind: 'broken-answer', data: { brokenAnswer: 'too-large', limitBytes: 16 } }],
    ['an HTTP error on POST', new StreamableHTTPError(503, 'Error POSTing to endpoint: busy'), { kind: 'http', status: 503, detail: 'busy', redirectTarget: undefined }],
    [
      'a redirect not followed',
      new StreamableHTTPError(307, 'Error POSTing to endpoint: Redirect to http://other.example/mcp not followed'),
      { kind: 'http', status: 307, detail: 'Redirect to http://other.example/mcp not followed', redirectTarget: 'http://other.example/mcp' },
    ],
    ['an unexpected content type', new StreamableHTTPError(-1, 'Unexpected content type: text/html'), { kind: 'unexpected-content-type', contentType: 'text/html' }],
    ['a request timeout', new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: 30000 }), { kind: 'request-timeout', seconds: 30 }],
    ['a broken answer', new McpError(ErrorCode.ConnectionClosed, 'x', { brokenAnswer: 'unanswered' }), { kind: 'broken-answer', data: { brokenAnswer: 'unanswered' } }],
    ['an MCP error', new McpError(-32602, 'Unknown tool'), { kind: 'mcp-error', code: -32602, message: 'MCP error -32602: Unknown tool' }],
    ['not JSON', new SyntaxError('Unexpected token < in JSON at position 0'), { kind: 'not-json' }],
    ['not JSON-RPC', Object.assign(new Error('invalid'), { name: 'ZodError' }), { kind: 'not-json-rpc' }],
  ];
  for (const [title, error, expected] of rows) {
    it(title, () => assert.deepEqual(failureOf(error), expected));
  }

  it('a port fetch refuses to use is named, with the port', () => {
    assert.deepEqual(classifyFetchError(fetchError(undefined, 'bad port'), new URL('http://127.0.0.1:6000/mcp')), { kind: 'blocked-port', port: 6000 });
  });
});
