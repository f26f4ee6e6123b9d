import type { ApiFamily } from '../audit/events.js';
import { version } from '../cli/version.js';
import { loadInstruments, type Attributes, type Instruments, type SpanHandle } from './instruments.js';

export type { SpanHandle } from './instruments.js';

/**
 * A kit's OpenTelemetry: spans for grantkit's routes (each step of a sign-in is one) and its
 * store calls, and three metrics. Made once per kit; `@opentelemetry/api` is imported when the
 * kit is created and the instruments exist from when it has loaded (`kit.ready()` waits for
 * that). Until then, and for good when the package or an SDK is missing, every method here is a
 * field read and nothing else: no span, no attribute object, no clock read.
 */
export class Telemetry {
  #instruments: Instruments = {};
  /** Settles once the API was loaded, or found missing. Never rejects. */
  readonly loaded: Promise<void>;

  constructor(enabled: boolean) {
    this.loaded = enabled
      ? loadInstruments(ownVersion).then(
          (instruments) => {
            this.#instruments = instruments;
          },
          () => {},
        )
      : Promise.resolve();
  }

  /** Whether spans are recorded: a tracer provider is registered. */
  get tracing(): boolean {
    return this.#instruments.span !== undefined;
  }

  /** Whether metrics are recorded: a meter provider is registered. */
  get counting(): boolean {
    return this.#instruments.decisions !== undefined;
  }

  /** Runs `fn` in a span when spans are recorded; otherwise just runs it. */
  span<T>(name: string, attributes: Attributes, fn: (span: SpanHandle | undefined) => T): T {
    const run = this.#instruments.span;
    return run === undefined ? fn(undefined) : run(name, attributes, fn);
  }

  decision(outcome: 'allow' | 'deny', family: ApiFamily): void {
    this.#instruments.decisions?.(1, DECISION_ATTRIBUTES[outcome][family]);
  }

  tokenIssued(kind: 'access' | 'refresh'): void {
    this.#instruments.tokensIssued?.(1, TOKEN_ATTRIBUTES[kind]);
  }

  /** One store call's duration. `store`: which store (memory, sqlite, postgres, redis, or the class of the app's own). */
  storeCall(operation: string, store: string, seconds: number): void {
    this.#instruments.storeDuration?.(seconds, { operation, store });
  }
}

/** grantkit's version, for the instrumentation scope; none when the package cannot name itself (a bundle). */
function ownVersion(): string | undefined {
  try {
    return version();
  } catch {
    return undefined;
  }
}

// The attribute sets of the per-request metrics, made once: recording a decision allocates nothing.
const DECISION_ATTRIBUTES = {
  allow: { v2: Object.freeze({ outcome: 'allow', family: 'v2' }), v3: Object.freeze({ outcome: 'allow', family: 'v3' }) },
  deny: { v2: Object.freeze({ outcome: 'deny', family: 'v2' }), v3: Object.freeze({ outcome: 'deny', family: 'v3' }) },
} as const;

const TOKEN_ATTRIBUTES = {
  access: Object.freeze({ kind: 'access' }),
  refresh: Object.freeze({ kind: 'refresh' }),
} as const;
