import assert from 'node:assert/strict';

/**
 * An error shown to the user is one sentence that says what happened and names the fix: one line,
 * ending in "." or "?", no second sentence, and the fix (`fix`) in it.
 */
export function assertSentenceNamingFix(text: string | undefined, fix: RegExp): void {
  assert.ok(text, 'an error sentence is shown');
  assert.doesNotMatch(text, /\n/, `one line: ${text}`);
  assert.match(text, /[.?]$/, `ends like a sentence: ${text}`);
  assert.doesNotMatch(text, /[.?!] [A-Z][a-z]/, `one sentence, not two: ${text}`);
  assert.ok(text.length <= 320, `short enough to read at a glance (${text.length} characters): ${text}`);
  assert.match(text, fix, `names the fix: ${text}`);
}

/** The error a promise rejects with, for assertions on it (fails if the promise resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let rejected: unknown;
  await assert.rejects(promise, (error) => {
    rejected = error;
    return true;
  });
  return rejected as Error;
}
