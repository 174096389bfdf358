import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** What the marketplace and `vsce` read: package.json, .vscodeignore, the icon, the changelog. */
const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** `.vscodeignore` is an allow-list: `**` first, then one `!path` per shipped file. */
function allowedFiles(): string[] {
  const rules = read('.vscodeignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  assert.equal(rules[0], '**', '.vscodeignore starts by excluding everything');
  const allowed = rules.slice(1);
  // Plain paths only: then "is it shipped" is a lookup, with no glob semantics to get wrong here.
  assert.deepEqual(allowed.filter((rule) => !/^![\w./-]+$/.test(rule) || rule.includes('*')), [], 'every other rule is !<plain path>');
  return allowed.map((rule) => rule.slice(1));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the manifest, ready for the marketplace', () => {
  it('the icon is a 128×128 PNG', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(join(root, manifest.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('categories AI and Chat (not Other), the repository, keywords, a license and a changelog with an Unreleased section', () => {
    assert.deepEqual(manifest.categories, ['AI', 'Chat']);
    assert.deepEqual(manifest.repository, { type: 'git', url: 'https://github.com/mcp-connections/mcp-connections' });
    assert.ok(manifest.keywords.includes('mcp') && manifest.keywords.length <= 30, 'keywords (vsce allows at most 30)');
    assert.ok(existsSync(join(root, 'LICENSE')));
    assert.match(read('CHANGELOG.md'), /^## \[Unreleased\]$/m);
  });

  it('.vscodeignore ships every file the extension loads at run time, and what the marketplace shows', () => {
    const allowed = new Set(allowedFiles());
    const needed = new Map<string, string>(); // file → who needs it
    const need = (file: string, why: string) => needed.set(posix.normalize(file.replace(/^\.\//, '')), why);
    need(manifest.main, 'package.json "main"');
    need(manifest.icon, 'package.json "icon"');
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) need(file, 'the marketplace page');
    const contributed = JSON.stringify(manifest.contributes);
    for (const [, icon] of contributed.matchAll(/"icon":"((?!\$\()[^"]+)"/g)) need(icon, 'a contributed icon');
    for (const [, image] of read('README.md').matchAll(/!\[[^\]]*\]\((?!https?:)([^)\s]+)\)/g)) need(image, 'an image in README.md');
    // The codicon font: esbuild.mjs copies it beside the form's bundle, and codicon.css loads it.
    const copied = /for \(const file of \[([^\]]+)\]\) fs\.copyFileSync\(path\.join\('node_modules\/@vscode\/codicons\/dist'/.exec(read('esbuild.mjs'));
    assert.ok(copied, 'esbuild.mjs copies the codicon files');
    for (const [, file] of copied[1].matchAll(/'([^']+)'/g)) need(`dist/${file}`, 'esbuild.mjs copies it for the form');

    const shippedByName = new Map([...allowed].map((file) => [posix.basename(file), file]));
    const missing: string[] = [];
    // Every asset the extension's code names (the form's bundle and styles, the panel icon), wherever it lives.
    for (const file of sourceFiles('src').filter((f) => !/[\\/]src[\\/](demo|cli)[\\/]/.test(f))) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/['"]([\w.-]+\.(?:js|css|ttf|svg|png))['"]/g)) {
        if (!shippedByName.has(name)) missing.push(`${name} (named in ${file.slice(root.length + 1)})`);
      }
    }
    for (const [file, why] of needed) if (!allowed.has(file)) missing.push(`${file} (${why})`);
    assert.deepEqual(missing, []);
    for (const file of allowed) if (!file.startsWith('dist/')) assert.ok(existsSync(join(root, file)), `${file} is listed but does not exist`);
  });
});
