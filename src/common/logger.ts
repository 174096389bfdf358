/** The logging surface the core needs; the extension passes its LogOutputChannel, the CLI a console logger. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Whether trace lines are shown at all; lets the core skip building them. Absent means yes. */
  isTraceEnabled?(): boolean;
}

export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  isTraceEnabled: () => false,
};
