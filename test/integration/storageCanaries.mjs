// After the suite: no secret the tests used (canaries they wrote to $MCP_TEST_CANARIES, one per line)
// may be found in what VS Code stores — the browser's IndexedDB (where a browser-served workbench keeps
// its state, e.g. the MCP definitions it caches from `provideMcpServerDefinitions`) and the server's
// user-data folder. Secret Storage itself is the one place a secret belongs; its entries are skipped.
import fs from 'node:fs';
import path from 'node:path';

/** Returns { passed, failed, failures } for one check, in the launcher's results shape. */
export async function checkStorageForCanaries(workbench, canariesFile) {
  const title = 'no secret used by the tests is in VS Code storage (browser IndexedDB, server user data)';
  const canaries = fs.existsSync(canariesFile) ? fs.readFileSync(canariesFile, 'utf8').split('\n').filter(Boolean) : [];
  if (!canaries.length) return { passed: 0, failed: 1, failures: [{ title, error: 'the suite recorded no canaries, so nothing was checked' }] };
  const found = [...(await inBrowserStorage(workbench.page, canaries)), ...inFiles(workbench.tmpDir, canaries)];
  if (found.length) return { passed: 0, failed: 1, failures: [{ title, error: `found: ${found.join('; ')}` }] };
  console.log(`  ✔ ${title} (${canaries.length} canaries)`);
  return { passed: 1, failed: 0, failures: [] };
}

/** Every value of every object store of every IndexedDB database of the workbench's origin. */
async function inBrowserStorage(page, canaries) {
  return page.evaluate(async (needles) => {
    const hits = [];
    const databases = await indexedDB.databases();
    for (const { name } of databases) {
      if (!name) continue;
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        const entries = await new Promise((resolve, reject) => {
          const tx = db.transaction(store, 'readonly').objectStore(store);
          const keys = tx.getAllKeys();
          const values = tx.getAll();
          values.onsuccess = () => resolve(keys.result.map((key, i) => [String(key), values.result[i]]));
          values.onerror = () => reject(values.error);
        });
        for (const [key, value] of entries) {
          if (key.startsWith('secret://')) continue; // Secret Storage's own entries
          const text = typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : JSON.stringify(value);
          for (const needle of needles) if (text?.includes(needle)) hits.push(`IndexedDB ${name}/${store} key ${key}`);
        }
      }
      db.close();
    }
    return hits;
  }, canaries);
}

/** Files under the server's scratch folder (user data, logs), as UTF-8 and UTF-16. */
function inFiles(dir, canaries) {
  const hits = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name === 'results.json') continue; // the suite's own report (a failure message may quote a canary)
      else if (entry.isFile() && fs.statSync(file).size < 64 * 1024 * 1024) {
        const bytes = fs.readFileSync(file);
        for (const canary of canaries) {
          if (bytes.includes(Buffer.from(canary, 'utf8')) || bytes.includes(Buffer.from(canary, 'utf16le'))) hits.push(path.relative(dir, file));
        }
      }
    }
  };
  walk(dir);
  return hits;
}
