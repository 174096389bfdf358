import assert from 'node:assert/strict';
import { EventScanner, guardAnswer } from '../../../src/transport/answerGuard';
import { AnswerTooLargeError } from '../../../src/transport/types';

/** The reference: the largest event (bytes of its lines, line endings excluded) and whether an "id:" line came, from the whole text at once. */
function reference(text: string): { largest: number; sawEventId: boolean; lastEventId: string | undefined } {
  let largest = 0;
  let lastEventId: string | undefined;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const lines = event.split(/\r?\n/);
    largest = Math.max(largest, lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0));
    for (const line of lines) if (line.startsWith('id:')) lastEventId = line.slice(3).replace(/^ /, '');
  }
  return { largest, sawEventId: lastEventId !== undefined, lastEventId };
}

/** A deterministic pseudo-random source, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomStream(random: () => number): string {
  const events: string[] = [];
  const eol = random() < 0.5 ? '\n' : '\r\n';
  for (let i = 0, n = 1 + Math.floor(random() * 5); i < n; i++) {
    const lines: string[] = [];
    if (random() < 0.3) lines.push(`id:${random() < 0.5 ? ' ' : ''}${Math.floor(random() * 100000)}-é`);
    if (random() < 0.3) lines.push('event: message');
    for (let j = 0, m = 1 + Math.floor(random() * 3); j < m; j++) lines.push(`data: ${'é×'.repeat(Math.floor(random() * 40))}`);
    events.push(lines.join(eol));
  }
  return events.join(eol + eol) + eol + eol;
}

function streamOf(chunks: Uint8Array[], failWith?: Error): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else if (failWith) controller.error(failWith);
      else controller.close();
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Buffer; error?: unknown }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { bytes: Buffer.concat(parts) };
      parts.push(value);
    }
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

describe('answer guard: the SSE scanner against a reference', () => {
  it('a split at every byte gives the reference event size and id, for LF and CRLF streams', () => {
    const random = seeded(7);
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.from(randomStream(random));
      const expected = reference(bytes.toString('utf8'));
      for (let split = 0; split <= bytes.length; split++) {
        const scanner = new EventScanner();
        const largest = Math.max(scanner.scan(bytes.subarray(0, split)), scanner.scan(bytes.subarray(split)));
        assert.equal(largest, expected.largest, `stream ${n} split at ${split}`);
        assert.equal(scanner.sawEventId, expected.sawEventId, `stream ${n} split at ${split}: id`);
        assert.equal(scanner.lastEventId, expected.lastEventId, `stream ${n} split at ${split}: id value`);
      }
    }
  });

  it('random splits into many chunks give the reference (2,000 cases)', () => {
    const random = seeded(42);
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.from(randomStream(random));
      const expected = reference(bytes.toString('utf8'));
      const scanner = new EventScanner();
      let largest = 0;
      for (let start = 0; start < bytes.length; ) {
        const end = Math.min(bytes.length, start + 1 + Math.floor(random() * 12));
        largest = Math.max(largest, scanner.scan(bytes.subarray(start, end)));
        start = end;
      }
      assert.equal(largest, expected.largest, `case ${n}`);
      assert.equal(scanner.sawEventId, expected.sawEventId, `case ${n}: id`);
      assert.equal(scanner.lastEventId, expected.lastEventId, `case ${n}: id value`);
    }
  });
});

describe('answer guard: the stream it passes on', () => {
  it('an SSE answer within the limit passes through unchanged and ends cleanly', async () => {
    const text = 'id: 1\ndata: {"a":1}\n\ndata: {"b":2}\n\n';
    const ends: [Error | undefined, string | undefined][] = [];
    const out = await drain(guardAnswer(streamOf([Buffer.from(text.slice(0, 7)), Buffer.from(text.slice(7))]), { maxBytes: 100, sse: true, onEnd: (error, id) => (ends.push([error, id]), 'error') }));
    assert.equal(out.bytes.toString(), text);
    assert.equal(out.error, undefined);
    assert.deepEqual(ends, [[undefined, '1']]);
  });

  it('one event over the limit stops the download with AnswerTooLargeError, however many small events came before', async () => {
    const small = 'data: x\n\n'.repeat(50);
    const big = `data: ${'y'.repeat(200)}\n\n`;
    let ended: Error | undefined;
    const out = await drain(guardAnswer(streamOf([Buffer.from(small), Buffer.from(big), Buffer.from(small)]), { maxBytes: 100, sse: true, onEnd: (error) => ((ended = error), 'error') }));
    assert.ok(out.error instanceof AnswerTooLargeError);
    assert.ok(ended instanceof AnswerTooLargeError);
    assert.equal((out.error as AnswerTooLargeError).limitBytes, 100);
    assert.equal(out.bytes.toString(), small, 'nothing of the oversized event is passed on');
  });

  it('a JSON answer is limited by its total size', async () => {
    const out = await drain(guardAnswer(streamOf([Buffer.alloc(60, 'a'), Buffer.alloc(60, 'b')]), { maxBytes: 100, sse: false, onEnd: () => 'error' }));
    assert.ok(out.error instanceof AnswerTooLargeError);
  });

  it('a cut stream: onEnd hears the error and whether an id came, and decides what the reader sees', async () => {
    const cut = new Error('other side closed');
    for (const [decision, expectError] of [['error', true], ['close', false]] as const) {
      const seen: [Error | undefined, string | undefined][] = [];
      const out = await drain(guardAnswer(streamOf([Buffer.from('id: 7\ndata: {"par')], cut), { maxBytes: 100, sse: true, onEnd: (error, id) => (seen.push([error, id]), decision) }));
      assert.deepEqual(seen, [[cut, '7']]);
      assert.equal(out.error !== undefined, expectError, `onEnd said ${decision}`);
      assert.equal(out.bytes.toString(), 'id: 7\ndata: {"par');
    }
  });
});
