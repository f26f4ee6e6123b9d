/**
 * What grantkit records through OpenTelemetry, once `@opentelemetry/api` has loaded. The package
 * is an optional peer dependency: it is imported at run time only, and grantkit's own types
 * spell out the little they use of it, so an app without it compiles and runs as before.
 */

/** Attribute values as OpenTelemetry takes them. */
export type Attributes = Readonly<Record<string, string | number | boolean>>;

/** A span while it is open: what grantkit adds to it before it ends. */
export interface SpanHandle {
  set(key: string, value: string | number | boolean): void;
  /** Marks the span failed, with a short reason (an error code, never an error's text). */
  fail(reason: string): void;
}

/** Runs `fn` in a new active span; the span ends when `fn` returns, or when the promise it returns settles. */
export type SpanRunner = <T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => T) => T;

export interface Instruments {
  /** Present when a tracer provider was registered. */
  readonly span?: SpanRunner;
  /** The metrics, present when a meter provider was registered. */
  readonly decisions?: (value: number, attributes: Attributes) => void;
  readonly storeDuration?: (seconds: number, attributes: Attributes) => void;
  readonly tokensIssued?: (value: number, attributes: Attributes) => void;
}

const SCOPE = 'grantkit';

/**
 * Loads the API and makes the instruments of whatever SDK the app registered. Without the package,
 * or with no SDK registered (the API's no-op providers), nothing is made, so grantkit does no work
 * at all for telemetry: the SDK must be registered before the kit is created, as every
 * OpenTelemetry instrumentation asks.
 */
export async function loadInstruments(versionOf: () => string | undefined): Promise<Instruments> {
  let api: typeof import('@opentelemetry/api');
  try {
    api = await import('@opentelemetry/api');
  } catch {
    return {};
  }
  const version = versionOf();
  const { trace, metrics, ProxyTracerProvider, createNoopMeter, SpanStatusCode } = api;
  const provider = trace.getTracerProvider();
  const noTracer = provider instanceof ProxyTracerProvider && provider.getDelegate() === new ProxyTracerProvider().getDelegate();
  const meter = metrics.getMeter(SCOPE, version);
  const instruments: { -readonly [K in keyof Instruments]: Instruments[K] } = {};
  if (!noTracer) {
    const tracer = trace.getTracer(SCOPE, version);
    instruments.span = (name, attributes, fn) =>
      tracer.startActiveSpan(name, { attributes }, (span) => {
        const handle: SpanHandle = {
          set: (key, value) => span.setAttribute(key, value),
          fail: (reason) => span.setStatus({ code: SpanStatusCode.ERROR, message: reason }),
        };
        return endWhenSettled(span, handle, fn);
      });
  }
  if (meter !== createNoopMeter()) {
    const decisions = meter.createCounter('grantkit.auth.decisions', {
      description: 'Guard and gate decisions on the app’s routes, by outcome (allow, deny) and family (v2, v3).',
    });
    const duration = meter.createHistogram('grantkit.store.duration', {
      description: 'Duration of each store call, by operation and store.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    });
    const issued = meter.createCounter('grantkit.tokens.issued', { description: 'Access and refresh tokens issued, by kind.' });
    instruments.decisions = (v, a) => decisions.add(v, a);
    instruments.storeDuration = (v, a) => duration.record(v, a);
    instruments.tokensIssued = (v, a) => issued.add(v, a);
  }
  return instruments;
}

/** Ends the span once `fn` is done, marking it failed when `fn` threw or its promise rejected. */
function endWhenSettled<T>(span: { end(): void }, handle: SpanHandle, fn: (span: SpanHandle) => T): T {
  let result: T;
  try {
    result = fn(handle);
  } catch (e) {
    handle.fail(reasonOf(e));
    span.end();
    throw e;
  }
  if (!(result instanceof Promise)) {
    span.end();
    return result;
  }
  result.then(
    () => span.end(),
    (e: unknown) => {
      handle.fail(reasonOf(e));
      span.end();
    },
  );
  return result;
}

/** A failure's code when it has one (`store_unavailable`), else its class: never its message, which may quote input. */
function reasonOf(e: unknown): string {
  const code = e instanceof Error ? Reflect.get(e, 'code') : undefined;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.name : 'error';
}
