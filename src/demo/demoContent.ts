import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** What a demo server offers: a couple of tools, a resource and a prompt. */
export function demoContent(name: string): () => McpServer {
  return () => {
    const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, logging: {} } });
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() }, annotations: { readOnlyHint: true } }, async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
    }));
    server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerResource('readme', 'demo://readme', { description: 'What this demo server is', mimeType: 'text/plain' }, async (uri) => ({
      contents: [{ uri: uri.href, text: `${name}: a demo MCP server` }],
    }));
    server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { who: z.string() } }, ({ who }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${who}` } }],
    }));
    return server;
  };
}
