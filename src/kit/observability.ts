import type { AuditSink } from '../audit/events.js';
import { errorReporter, type Logger } from '../audit/logger.js';

/** The options that say who hears about what grantkit does: the audit trail, the logger, OpenTelemetry. */
export interface ObservabilityOptions {
  /**
   * Receives one typed event for every decision: guard verdicts, tokens and codes issued,
   * redeemed, replayed and revoked, sign-ins, API keys, rate-limit refusals, store outages.
   * Sync or async; what it throws or rejects with goes to the logger, never to the request.
   * Events carry ids and token hash prefixes, never a secret. Unset: no event is built.
   */
  readonly audit?: AuditSink;
  /** A pino-compatible logger (`info`, `warn`, `error`, `child`): unexpected failures and store outages go here. */
  readonly logger?: Logger;
  /**
   * OpenTelemetry spans and metrics when `@opentelemetry/api` is installed and an SDK is
   * registered before the kit is created. Default true; `false` leaves the API unloaded.
   */
  readonly telemetry?: boolean;
  /** Told about unexpected failures (never with secrets). Default: the logger's `error`, else console.error with the message only. */
  readonly onError?: (error: unknown) => void;
}

export interface ResolvedObservability {
  readonly audit: AuditSink | undefined;
  /** The kit's child of the app's logger (`{ module: 'grantkit' }`), if one was given. */
  readonly logger: Logger | undefined;
  readonly telemetry: boolean;
  readonly onError: (error: unknown) => void;
}

export function resolveObservability(options: ObservabilityOptions): ResolvedObservability {
  const logger = options.logger?.child({ module: 'grantkit' });
  return {
    audit: options.audit,
    logger,
    telemetry: options.telemetry ?? true,
    onError: errorReporter(options.onError, logger),
  };
}
