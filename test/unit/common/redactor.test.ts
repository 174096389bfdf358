import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/common/backoff';
import { Redactor } from '../../../src/common/redactor';
import { excerpt } from '../../../src/common/text';

describe('redactor', () => {
  it('replaces configured and resolved values, and the token part of "Scheme token", longest first', () => {
    const redactor = new Redactor(['Bearer ${secret:t}']);
    redactor.remember({ Authorization: 'Bearer abcdefgh-1234', 'X-Key': 'key-abcdefgh-1234-long' });
    assert.equal(redactor.redact('sent Bearer abcdefgh-1234, token abcdefgh-1234, key key-abcdefgh-1234-long, template Bearer ${secret:t}'), 'sent ***, token ***, key ***, template ***');
  });

  it('keeps values too short to redact without mangling words, and text without secrets as it is', () => {
    const redactor = new Redactor(['abc']);
    assert.equal(redactor.redact('abc is fine'), 'abc is fine');
    assert.equal(new Redactor().redact('nothing to hide'), 'nothing to hide');
  });

  it('"$&" in a secret is taken literally', () => {
    const redactor = new Redactor(['pa$&word']);
    assert.equal(redactor.redact('x pa$&word y'), 'x *** y');
  });
});

describe('excerpt and backoff', () => {
  it('excerpt strips markup, scripts and styles, collapses whitespace and marks a cut', () => {
    assert.equal(excerpt('<style>a{}</style><p>Hello\n\n  <b>world</b></p><script>x()</script>'), 'Hello world');
    assert.equal(excerpt('x'.repeat(10), 5), 'xxxx…');
  });

  it('backoff: doubling, capped, between half and all of the capped value', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 500 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0)), [50, 100, 200, 250, 250]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1)), [100, 200, 400, 500, 500]);
  });
});
