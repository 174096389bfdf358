import { STATUS_CODES } from 'node:http';

/** "404 Not Found": the server's reason phrase, or the standard one when the server sent none. */
export function statusLine(status: number, statusText: string): string {
  return `${status} ${statusText || STATUS_CODES[status] || ''}`.trim();
}

export function reasonPhrase(status: number, statusText: string): string {
  return statusText || STATUS_CODES[status] || '';
}

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Reads at most `maxBytes` of a response body as text and releases the rest. */
export async function readBodyStart(response: Response, maxBytes = 4096): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off still leaves what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** What the SDK's transport takes as "this server offers no GET stream": it stops quietly. */
export function noStreamResponse(): Response {
  return new Response(null, { status: 405, statusText: 'Method Not Allowed' });
}

/**
 * Passes a stream through, but ends it cleanly where the source errors, and tells `onEnd` why.
 * The SDK treats a clean end of the GET stream as "reconnect", and an error as a transport error;
 * a cut stream is something this transport recovers from, so it must not reach the host as fatal.
 */
export function endQuietlyOnError(
  body: ReadableStream<Uint8Array>,
  onEnd: (error?: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        end(error);
        controller.close();
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}

/** One plain description of a fetch failure ("connection refused", "no answer within 10 s"…). */
export function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset by the server';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no answer from the server';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's TLS certificate is not trusted (${code})`;
  }
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return message.replace(/^TypeError: /, '');
}
