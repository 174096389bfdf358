import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { SavedFile } from './saveContent';

/** How the run authenticated: a sign-in (OAuth), a configured Authorization header, or nothing. Never a token. */
export interface AuthReport {
  kind: 'oauth' | 'header' | 'none';
  /** oauth: the authorization server. */
  issuer?: string;
  /** oauth: the granted scopes. */
  scopes?: string[];
  /** oauth: when the access token expires (ISO 8601), if the server said. */
  expiresAt?: string;
}

/** What `probe` reports (its --json keys, exactly); every command reports these. */
export interface ProbeReport {
  ok: boolean;
  url: string;
  mode: 'streaming' | 'post-only' | 'legacy-sse' | null;
  getFallback: { status: number; statusText: string } | null;
  sessionReinitialised: number;
  session: boolean;
  server: { name: string | null; version: string | null };
  protocolVersion: string | null;
  tools: number;
  toolNames: string[];
  auth: AuthReport;
  /** `call`: the command's one request (tools/call, resources/read or prompts/get). */
  timingsMs: { connect: number | null; call?: number; total: number };
  /** call, read, prompt: the server's answer as it sent it. */
  result?: unknown;
  error: string | null;
}

/** One of the server's lists as a list command reports it: why it is incomplete (`cut`) or could not be read (`error`), or null. */
export interface ListReport<T> {
  items: T[];
  cut: string | null;
  error: string | null;
}

export interface CatalogReport {
  tools?: ListReport<Tool>;
  resources?: ListReport<Resource>;
  resourceTemplates?: ListReport<ResourceTemplate>;
  prompts?: ListReport<Prompt>;
}

/** The report of any command: probe's keys, and what the command adds. */
export interface CliReport extends ProbeReport {
  /** tools, resources, prompts: the lists shown. */
  catalog?: CatalogReport;
  /** call, read with --out: the files written. */
  saved?: SavedFile[];
}
