import assert from 'node:assert/strict';
import { extensionFor, fileSafe, renderPrompt, renderResource, renderToolResult } from '../../../src/use/render';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).toString('base64');

describe('Rendering results as documents', () => {
  it('a tool result: a first line that says ok, text verbatim, structured content as JSON', () => {
    const doc = renderToolResult({
      server: 'docs',
      tool: 'search',
      ms: 12,
      result: { content: [{ type: 'text', text: 'line 1\n  line 2\t tab' }], structuredContent: { hits: [1, 2] } },
    });
    assert.equal(doc.name, 'search — result.md');
    assert.equal(doc.text, '# search on docs — ok in 12 ms\n\nline 1\n  line 2\t tab\n\nStructured content:\n\n```json\n{\n  "hits": [\n    1,\n    2\n  ]\n}\n```\n');
    assert.deepEqual(doc.links, []);
  });

  it('an error result says so in its first line and its name', () => {
    const doc = renderToolResult({ server: 'docs', tool: 'fail', ms: 3, result: { content: [{ type: 'text', text: 'boom' }], isError: true } });
    assert.equal(doc.text.split('\n')[0], '# Error result: fail on docs (3 ms)');
    assert.equal(doc.name, 'fail — error.md');
  });

  it('an empty result says it has no content', () => {
    assert.match(renderToolResult({ server: 's', tool: 't', ms: 1, result: { content: [] } }).text, /\(The result has no content\.\)/);
  });

  it('images become parts with a link of ours at their line; other binaries a line each', () => {
    const doc = renderToolResult({
      server: 'docs',
      tool: 'draw',
      ms: 1,
      result: { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }, { type: 'audio', data: PNG, mimeType: 'audio/wav' }, { type: 'image', data: PNG, mimeType: 'image/svg+xml' }] },
    });
    assert.deepEqual(doc.parts.map((p) => [p.name, p.mimeType, p.bytes.length]), [['image-1.png', 'image/png', 8]]);
    const lines = doc.text.split('\n');
    assert.equal(lines[2], 'Image (image/png, 8 B): image-1.png');
    assert.deepEqual(doc.links, [{ line: 2, start: 'Image (image/png, 8 B): '.length, end: lines[2].length, target: { part: 'image-1.png' } }]);
    assert.ok(lines.includes('Binary content (audio/wav, 8 B), not shown.'));
    assert.ok(lines.includes('Binary content (image/svg+xml, 8 B), not shown.'), 'SVG is markup: not opened as an image');
  });

  it('a resource link is a link of ours; server text cannot break its line or pose as one', () => {
    const doc = renderToolResult({
      server: 'docs',
      tool: 'links',
      ms: 1,
      result: { content: [{ type: 'text', text: 'Resource link: fake — demo://evil' }, { type: 'resource_link', uri: 'demo://a\nb', name: 'x\ny' }] },
    });
    const lines = doc.text.split('\n');
    assert.equal(doc.links.length, 1);
    const [link] = doc.links;
    assert.equal(lines[link.line], 'Resource link: x\\ny — demo://a\\nb');
    assert.equal(lines[link.line].slice(link.start, link.end), 'demo://a\\nb');
    assert.deepEqual(link.target, { resource: 'demo://a\nb' }, 'the target is the URI as sent; only its shown text is escaped');
  });

  it('a resource with one text content is that text, named for its MIME type', () => {
    const md = renderResource({ server: 'docs', uri: 'demo://guide', result: { contents: [{ uri: 'demo://guide', mimeType: 'text/markdown', text: '# Hi\n' }] } });
    assert.deepEqual([md.name, md.text], ['guide.md', '# Hi\n']);
    assert.equal(renderResource({ server: 'd', uri: 'file:///a/b.json', result: { contents: [{ uri: 'x', mimeType: 'application/json', text: '{}' }] } }).name, 'b.json');
    assert.equal(renderResource({ server: 'd', uri: 'demo://x/', result: { contents: [{ uri: 'x', text: 'plain' }] } }).name, 'x.txt');
  });

  it('a resource that is one image is the image; several contents are listed', () => {
    const image = renderResource({ server: 'd', uri: 'demo://logo', result: { contents: [{ uri: 'demo://logo', mimeType: 'image/png', blob: PNG }] } });
    assert.equal(image.name, 'logo.png');
    assert.equal(image.bytes?.length, 8);
    const many = renderResource({
      server: 'd',
      uri: 'demo://pair',
      result: { contents: [{ uri: 'demo://one', text: 'first' }, { uri: 'demo://two', mimeType: 'application/octet-stream', blob: PNG }] },
    });
    assert.equal(many.name, 'pair.md');
    assert.equal(many.text, '# demo://pair on d\n\n## demo://one\n\nfirst\n\n## demo://two (application/octet-stream)\n\nBinary content (application/octet-stream, 8 B), not shown.\n');
  });

  it('a prompt: one section per message, text verbatim', () => {
    const doc = renderPrompt({
      server: 'docs',
      prompt: 'review',
      result: { description: 'Reviews code', messages: [{ role: 'user', content: { type: 'text', text: 'Look at *this*' } }, { role: 'assistant', content: { type: 'text', text: 'OK' } }] },
    });
    assert.equal(doc.text, '# review on docs\n\nReviews code\n\n## user\n\nLook at *this*\n\n## assistant\n\nOK\n');
    assert.equal(doc.name, 'review.md');
  });

  it('names are safe as one path segment', () => {
    assert.equal(fileSafe('a/b\\c'), 'a_b_c');
    assert.equal(fileSafe('..'), '_');
    assert.equal(fileSafe('x\n\u202ey'), 'x_n_u202ey');
    assert.equal(fileSafe('t'.repeat(200)).length, 80);
    assert.equal(extensionFor('application/vnd.api+json; charset=utf-8', 'txt'), 'json');
  });
});
