/**
 * Structured logs: one JSON object per line, `{"ts":..., "level":..., "event":..., ...fields}`.
 * Machines (the harness, jq) read them; people read the `event` names.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
  base: Record<string, unknown> = {},
  minLevel: LogLevel = (process.env.LBCONFORM_LOG_LEVEL as LogLevel | undefined) ?? 'info',
): Logger {
  const emit = (level: LogLevel, event: string, fields?: Record<string, unknown>): void => {
    if (order[level] < order[minLevel]) return;
    write(
      JSON.stringify({ ts: new Date().toISOString(), level, event, ...base, ...fields }, jsonSafe) + '\n',
    );
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    child: (fields) => jsonLogger(write, { ...base, ...fields }, minLevel),
  };
}

/** A logger that drops everything: for unit tests of code that logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error)
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}
