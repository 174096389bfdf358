import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ElicitRequestFormParams, ElicitResult, ElicitResultSchema, ServerNotification, ServerRequest, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { gradientPng } from './demoImage';

const TOPICS = ['getting-started', 'transports', 'sessions', 'sign-in', 'troubleshooting'];
const LANGUAGES = ['typescript', 'python', 'go', 'rust', 'java'];
const COUNTER_URI = 'demo://counter';

/**
 * What a demo server offers — one of each thing the use side shows: tools with every kind of
 * parameter, a structured result, an image, an error result, a slow call with progress, questions
 * back to the user (elicitation), a resource link; text, Markdown, JSON and image resources, a
 * template with completions, a subscribable resource; prompts with and without arguments.
 * The counter is per demo server, shared by its sessions.
 */
export function demoContent(name: string): () => McpServer {
  const counter = { value: 0, subscribers: new Set<McpServer>() };
  return () => {
    const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, logging: {} } });
    registerTools(server, name, counter);
    registerResources(server, name, counter);
    registerPrompts(server);
    return server;
  };
}

type Counter = { value: number; subscribers: Set<McpServer> };

function registerTools(server: McpServer, name: string, counter: Counter): void {
  server.registerTool('add', { description: 'Adds two numbers.', inputSchema: { a: z.number().describe('The first number'), b: z.number().describe('The second number') }, annotations: { readOnlyHint: true } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('echo', { description: 'Echoes its text.', inputSchema: { text: z.string().describe('What to echo') }, annotations: { readOnlyHint: true } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool(
    'search',
    {
      title: 'Search the docs',
      description: 'Searches the demo documentation and returns the matches, as text and as structured content.',
      inputSchema: {
        query: z.string().min(1).describe('What to look for'),
        section: z.enum(['all', 'guides', 'reference', 'faq']).default('all').describe('Where to look'),
        limit: z.number().int().min(1).max(20).default(5).describe('At most this many matches'),
        exact: z.boolean().default(false).describe('Match the whole phrase'),
        tags: z.array(z.string()).optional().describe('Only pages with all of these tags'),
      },
      outputSchema: { matches: z.array(z.object({ title: z.string(), uri: z.string(), score: z.number() })) },
      annotations: { readOnlyHint: true },
    },
    async ({ query, section, limit }) => {
      const matches = TOPICS.filter((topic) => topic.includes(query.toLowerCase()) || query === '*')
        .slice(0, limit)
        .map((topic, i) => ({ title: `${topic} (${section})`, uri: `demo://notes/${topic}`, score: Math.round((1 - i / 10) * 100) / 100 }));
      return {
        content: [{ type: 'text', text: matches.length ? matches.map((m) => `${m.title} — ${m.uri}`).join('\n') : `Nothing matches "${query}".` }],
        structuredContent: { matches },
      };
    },
  );
  server.registerTool('render-badge', { description: 'Draws a small badge image (PNG).', inputSchema: { size: z.number().int().min(8).max(256).default(64).describe('Width and height in pixels') }, annotations: { readOnlyHint: true } }, async ({ size }) => ({
    content: [
      { type: 'text', text: `A ${size}×${size} badge for ${name}.` },
      { type: 'image', data: gradientPng(size, [40, 120, 220]).toString('base64'), mimeType: 'image/png' },
    ],
  }));
  server.registerTool('fail', { description: 'Always answers with an error result (isError), to show how one looks.', inputSchema: { reason: z.string().default('the demo asked for it').describe('What to say went wrong') } }, async ({ reason }) => ({
    content: [{ type: 'text', text: `Failed: ${reason}.` }],
    isError: true,
  }));
  server.registerTool(
    'slow-count',
    { description: 'Counts slowly, with progress notifications; Cancel stops it.', inputSchema: { seconds: z.number().int().min(1).max(30).default(3).describe('How long to count') }, annotations: { readOnlyHint: true } },
    async ({ seconds }, extra) => {
      const token = extra._meta?.progressToken;
      const steps = seconds * 4;
      for (let step = 1; step <= steps; step++) {
        await delay(250, extra.signal);
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: steps, message: `Counted to ${step}` } });
      }
      return { content: [{ type: 'text', text: `Counted to ${steps} in ${seconds} s.` }] };
    },
  );
  server.registerTool('increment', { description: `Adds one to the counter resource (${COUNTER_URI}); an open counter document updates itself.`, inputSchema: {} }, async (_args, extra) => {
    counter.value++;
    for (const subscriber of counter.subscribers) {
      // This session hears it on the call's own stream (a server without a GET stream has no other).
      const updated = { method: 'notifications/resources/updated' as const, params: { uri: COUNTER_URI } };
      await (subscriber === server ? extra.sendNotification(updated) : subscriber.server.sendResourceUpdated(updated.params)).catch(() => undefined);
    }
    return { content: [{ type: 'text', text: `The counter is now ${counter.value}.` }] };
  });
  server.registerTool('confirm-action', { description: 'Asks you to confirm (an elicitation with one yes/no question) before it acts.', inputSchema: { action: z.string().default('empty the demo trash').describe('What to confirm') } }, async ({ action }, extra) => {
    const answer = await elicit(extra, {
      message: `Really ${action}?`,
      requestedSchema: { type: 'object', properties: { confirmed: { type: 'boolean', title: 'Confirm', description: `Whether to ${action}` } }, required: ['confirmed'] },
    });
    if (answer.action !== 'accept') return { content: [{ type: 'text', text: `You chose to ${answer.action}; nothing was done.` }] };
    return { content: [{ type: 'text', text: answer.content?.confirmed ? `Done: ${action}.` : `Not done: ${action}.` }] };
  });
  server.registerTool('book-meeting', { description: 'Asks for the details of a meeting (an elicitation with a form) and books it.', inputSchema: {} }, async (_args, extra) => {
    const answer = await elicit(extra, {
      message: 'Which meeting should be booked?',
      requestedSchema: {
        type: 'object',
        properties: {
          title: { type: 'string', title: 'Title', minLength: 1 },
          date: { type: 'string', title: 'Date', format: 'date' },
          minutes: { type: 'integer', title: 'Length (minutes)', minimum: 15, maximum: 240, default: 30 },
          room: { type: 'string', title: 'Room', enum: ['north', 'south', 'online'], default: 'online' },
          notify: { type: 'boolean', title: 'Notify the attendees', default: true },
        },
        required: ['title', 'date'],
      },
    });
    if (answer.action !== 'accept') return { content: [{ type: 'text', text: `You chose to ${answer.action}; no meeting was booked.` }] };
    const c = answer.content ?? {};
    return { content: [{ type: 'text', text: `Booked "${c.title}" on ${c.date} for ${c.minutes} minutes in ${c.room}${c.notify ? ', attendees notified' : ''}.` }] };
  });
  server.registerTool(
    'tag-items',
    {
      description: 'Tags a list of items (its parameter, a list of objects, is edited as JSON).',
      inputSchema: { items: z.array(z.object({ name: z.string(), tags: z.array(z.string()) })).min(1).describe('The items and their tags') },
      annotations: { readOnlyHint: true },
    },
    async ({ items }) => ({
      content: [{ type: 'text', text: items.map((item) => `${item.name}: ${item.tags.join(', ') || '(no tags)'}`).join('\n') }],
    }),
  );
  server.registerTool('related-pages', { description: 'Answers with links to resources (resource_link content) you can open from the result.', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
    content: [
      { type: 'text', text: 'Two pages that may help:' },
      { type: 'resource_link', uri: 'demo://guide.md', name: 'guide', mimeType: 'text/markdown' },
      { type: 'resource_link', uri: 'demo://notes/sessions', name: 'sessions notes', mimeType: 'text/plain' },
    ],
  }));
}

function registerResources(server: McpServer, name: string, counter: Counter): void {
  server.registerResource('readme', 'demo://readme', { description: 'What this demo server is', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: `${name}: a demo MCP server` }],
  }));
  server.registerResource('guide', 'demo://guide.md', { title: 'Guide', description: 'How to use the demo (Markdown)', mimeType: 'text/markdown' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# ${name}\n\nA demo server for **MCP Connections**.\n\n- Call a tool from the tree: the ▷ button.\n- Read a resource: the file button.\n- Get a prompt: the speech bubble.\n` }],
  }));
  server.registerResource('status', 'demo://status.json', { description: 'The demo server status (JSON)', mimeType: 'application/json' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ name, topics: TOPICS, limits: { results: 20 } }, null, 2) }],
  }));
  server.registerResource('logo', 'demo://logo.png', { description: 'The demo logo (an image)', mimeType: 'image/png' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: gradientPng(48, [220, 120, 40]).toString('base64') }],
  }));
  server.registerResource('counter', COUNTER_URI, { description: 'A number the increment tool raises; subscribe by opening it', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: `The counter is ${counter.value}.\n` }],
  }));
  server.registerResource(
    'notes',
    new ResourceTemplate('demo://notes/{topic}', { list: undefined, complete: { topic: (value) => TOPICS.filter((t) => t.startsWith(value)) } }),
    { description: 'Notes on one topic', mimeType: 'text/plain' },
    async (uri, { topic }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `Notes on ${String(topic)}: see the guide.\n` }] }),
  );
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    if (request.params.uri === COUNTER_URI) counter.subscribers.add(server);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    if (request.params.uri === COUNTER_URI) counter.subscribers.delete(server);
    return {};
  });
  server.server.onclose = () => counter.subscribers.delete(server);
}

function registerPrompts(server: McpServer): void {
  server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { who: z.string().describe('Whom to greet') } }, ({ who }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${who}` } }],
  }));
  server.registerPrompt(
    'review-code',
    {
      title: 'Review code',
      description: 'Asks for a code review in a language',
      argsSchema: { language: completable(z.string().describe('The language of the code'), (value) => LANGUAGES.filter((l) => l.startsWith(value))), focus: z.string().optional().describe('What to look at most') },
    },
    ({ language, focus }) => ({
      messages: [
        { role: 'user', content: { type: 'text', text: `Review this ${language} code${focus ? `, looking at ${focus} first` : ''}.` } },
        { role: 'assistant', content: { type: 'text', text: `Paste the ${language} code and I will review it.` } },
      ],
    }),
  );
  server.registerPrompt('daily-summary', { description: 'A prompt without arguments' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'Summarise what changed in the demo today.' } }],
  }));
}

/** Asks the user through the client, on the call's own stream (a server without a GET stream has no other). */
function elicit(extra: RequestHandlerExtra<ServerRequest, ServerNotification>, params: ElicitRequestFormParams): Promise<ElicitResult> {
  return extra.sendRequest({ method: 'elicitation/create', params }, ElicitResultSchema);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('cancelled'))), { once: true });
  });
}
