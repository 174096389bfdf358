import { EventSourceParserStream } from 'eventsource-parser/stream';
import { textDecoder } from './http';
import type { EndpointRoutes } from './endpoint';
import { fetchWithinOrigin } from './http';
import { isEventStream } from './answerGuard';
import { withConfiguredHeaders } from './sessionFetch';
import type { FetchLike } from './types';
import { EndpointAuth, sendAuthorized } from './endpointAuth';

/** How far into the legacy stream the `endpoint` event is looked for. */
const ENDPOINT_SNIFF_BYTES = 64 * 1024;

/**
 * The `fetch` given to the SDK's legacy `SSEClientTransport`: configured headers for the endpoint
 * and for the message URL the server announces in its stream's `endpoint` event (learned here, so
 * the POSTs to it count as the endpoint); every other URL passes to the base fetch untouched.
 */
export function legacyFetch(
  routes: EndpointRoutes,
  baseFetch: FetchLike,
  headers: () => Promise<Record<string, string>>,
  signIn: { auth?: EndpointAuth; server: string; remember: (authorization: string) => void },
): FetchLike {
  return async (url, init = {}) => {
    if (!routes.includes(url)) return baseFetch(url, init);
    const target = new URL(String(url));
    const response = await sendAuthorized(signIn, withConfiguredHeaders(init.headers, await headers()), (sent) =>
      fetchWithinOrigin(baseFetch, target, { ...init, headers: sent }, (to) => routes.add(to)),
    );
    if ((init.method ?? 'GET').toUpperCase() !== 'GET' || !response.ok || !isEventStream(response) || !response.body) return response;
    const [forSdk, forSniffing] = response.body.tee();
    void sniffEndpoint(forSniffing, target, routes);
    return new Response(forSdk, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

async function sniffEndpoint(body: ReadableStream<Uint8Array>, base: URL, routes: EndpointRoutes): Promise<void> {
  let seen = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        controller.enqueue(chunk);
        if (seen > ENDPOINT_SNIFF_BYTES) controller.terminate();
      },
    }),
  );
  const reader = counted.pipeThrough(textDecoder()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (value.event !== 'endpoint') continue;
      try {
        routes.add(new URL(value.data, base));
      } catch {
        // Not a URL: the SDK reports it.
      }
      return;
    }
  } catch {
    // The stream broke: the SDK reports it.
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
