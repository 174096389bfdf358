// The benchmark's MCP servers, in their own process so that their work runs on the other core and
// never inside a measured client's event loop. Driven over the IPC channel by bench/loopback.ts and
// bench/run.mjs (for the VS Code part): each message { id, op, ...args } is answered { id, result } or { id, error }.
import { startTestServer, TestServer, TestServerOptions } from '../test/fixtures/mcpServer';

const servers = new Map<number, TestServer>();
let nextKey = 1;

type Message = { id: number; op: string; [arg: string]: unknown };

const ops: Record<string, (m: Message) => Promise<unknown> | unknown> = {
  async start(m) {
    const started: { key: number; url: string; port: number }[] = [];
    for (const options of m.servers as TestServerOptions[]) {
      const server = await startTestServer(options);
      const key = nextKey++;
      servers.set(key, server);
      started.push({ key, url: server.url, port: server.port });
    }
    return started;
  },
  /** The methods of the requests each server recorded since its mark. */
  since(m) {
    return (m.keys as number[]).map((key, i) => servers.get(key)!.requests.slice((m.marks as number[])[i]).map((r) => r.method));
  },
  firstArrival(m) {
    const all = (m.keys as number[]).flatMap((key) => servers.get(key)!.requests.map((request) => request.at));
    return all.length ? Math.min(...all) : null;
  },
  clear(m) {
    for (const key of m.keys as number[]) {
      servers.get(key)!.requests.length = 0;
    }
    return null;
  },
  async forget(m) {
    await Promise.all((m.keys as number[]).map((key) => servers.get(key)!.forgetSessions()));
    return null;
  },
  openGets(m) {
    return (m.keys as number[]).reduce((sum, key) => sum + servers.get(key)!.openGets, 0);
  },
  cpu() {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  async closeAll() {
    await Promise.all([...servers.values()].map((server) => server.close()));
    servers.clear();
    return null;
  },
};

process.on('message', (message: Message) => {
  Promise.resolve()
    .then(() => ops[message.op](message))
    .then(
      (result) => process.send!({ id: message.id, result }),
      (error) => process.send!({ id: message.id, error: String((error as Error)?.stack ?? error) }),
    );
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
