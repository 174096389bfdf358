import assert from 'node:assert/strict';
import { EndpointRoutes, isWithinOrigin, resolveEndpoint } from '../../../src/transport/endpoint';

describe('endpoint: a server URL parsed once', () => {
  it('a plain URL: requests go to it, it is shown as it is, nothing is secret', () => {
    const endpoint = resolveEndpoint('https://Example.com:443/mcp?region=eu#frag');
    assert.equal(endpoint.requestUrl.href, 'https://example.com/mcp?region=eu#frag');
    assert.equal(endpoint.displayUrl, 'https://example.com/mcp?region=eu');
    assert.equal(endpoint.origin, 'https://example.com');
    assert.equal(endpoint.host, 'example.com');
    assert.equal(endpoint.credentialsHeader, undefined);
    assert.deepEqual(endpoint.secretValues, []);
  });

  it('credentials become a Basic header and secrets; secret-looking query values are masked when shown', () => {
    const endpoint = resolveEndpoint('http://deploy:p%40ss-word@127.0.0.1:8080/mcp?api_key=k3y&team=a');
    const basic = Buffer.from('deploy:p@ss-word').toString('base64');
    assert.equal(endpoint.requestUrl.href, 'http://127.0.0.1:8080/mcp?api_key=k3y&team=a');
    assert.equal(endpoint.displayUrl, 'http://127.0.0.1:8080/mcp?api_key=***&team=a');
    assert.equal(endpoint.credentialsHeader, `Basic ${basic}`);
    assert.deepEqual(endpoint.secretValues, ['p@ss-word', 'p%40ss-word', basic]);
    assert.equal(endpoint.host, '127.0.0.1:8080');
  });

  it('routes: only the endpoint path on its origin (any query), and URLs the server pointed at', () => {
    const routes = new EndpointRoutes(resolveEndpoint('http://127.0.0.1:8080/mcp'));
    assert.ok(routes.includes('http://127.0.0.1:8080/mcp'));
    assert.ok(routes.includes('http://127.0.0.1:8080/mcp?x=1'));
    assert.ok(!routes.includes('http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp'));
    assert.ok(!routes.includes('http://127.0.0.1:8081/mcp'), 'another port is another origin');
    assert.ok(!routes.includes('http://localhost:8080/mcp'), 'another host name is another origin');
    assert.ok(!routes.includes('http://user:pw@127.0.0.1:8080/mcp'), 'a URL adding credentials is not the endpoint');
    assert.ok(!routes.includes('not a url'));
    routes.add(new URL('http://127.0.0.1:8080/messages?sessionId=1'));
    routes.add(new URL('http://evil.example/messages'));
    assert.ok(routes.includes('http://127.0.0.1:8080/messages?sessionId=2'));
    assert.ok(!routes.includes('http://evil.example/messages'));
  });

  it('within origin: same scheme, host and port, or the https form of an http URL on default ports', () => {
    assert.ok(isWithinOrigin(new URL('http://a.example/x'), new URL('http://a.example/y')));
    assert.ok(isWithinOrigin(new URL('http://a.example/x'), new URL('https://a.example/y')));
    assert.ok(!isWithinOrigin(new URL('https://a.example/x'), new URL('http://a.example/y')));
    assert.ok(!isWithinOrigin(new URL('http://a.example:8080/x'), new URL('https://a.example:8080/y')));
    assert.ok(!isWithinOrigin(new URL('http://a.example/x'), new URL('http://b.example/x')));
  });
});
