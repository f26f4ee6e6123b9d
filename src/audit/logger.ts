/**
 * A pino-compatible logger: pino itself, or anything with these four methods that takes a fields
 * object first and a message second (bunyan, a wrapper over the app's own logger).
 */
export interface Logger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: Record<string, string>): Logger;
}

/** What a log line says of an error: its kind, code and message, and where it came from. */
export interface LoggedError {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/**
 * An error as it is logged. Only these fields: an error's other properties (a driver's query
 * parameters, a request's headers) may hold secrets.
 */
export function loggedError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = Reflect.get(error, 'code');
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
  };
}

/** The default `onError` without a logger: the message only, since an error's other fields may hold secrets. */
function reportToConsole(error: unknown): void {
  console.error('grantkit:', error instanceof Error ? error.message : String(error));
}

/**
 * Where unexpected failures go: the app's `onError`, else the logger's `error`, else the console.
 * `log` is the kit's child of the app's logger.
 */
export function errorReporter(onError: ((error: unknown) => void) | undefined, log: Logger | undefined): (error: unknown) => void {
  if (onError !== undefined) return onError;
  if (log === undefined) return reportToConsole;
  return (error) => log.error({ err: loggedError(error) }, 'grantkit: unexpected failure');
}
