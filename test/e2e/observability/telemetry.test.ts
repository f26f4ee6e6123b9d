import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { kitContext } from '../../../src/kit.js';
import { CLIENT_ID, CLIENT_SECRET, makeKit } from '../../support/helpers.js';
import { FRAMEWORKS, guardedApp } from '../../support/two-frameworks.js';

/**
 * OpenTelemetry with the SDK's in-memory exporters: the spans and metrics of a native sign-in and
 * a guarded read, on Express and Koa. The SDK is registered globally, so this file has its
 * process to itself; the first test runs before anything is registered.
 */

const spans = new InMemorySpanExporter();
const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });

type Points = Array<[Record<string, unknown>, number]>;

/** Every data point recorded since the last call, per metric, as [attributes, value or count]. */
async function flush(): Promise<Map<string, Points>> {
  await reader.forceFlush();
  const out = new Map<string, Points>();
  for (const rm of exporter.getMetrics()) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const list = out.get(m.descriptor.name) ?? [];
        for (const p of m.dataPoints as DataPoint<number | Histogram>[]) {
          list.push([{ ...p.attributes }, typeof p.value === 'number' ? p.value : p.value.count]);
        }
        out.set(m.descriptor.name, list);
      }
    }
  }
  exporter.reset();
  return out;
}

/** The finished spans since the last call, as name → span. */
function takeSpans(): ReadableSpan[] {
  const done = spans.getFinishedSpans();
  spans.reset();
  return done;
}

async function signIn(app: RequestListener): Promise<{ token: string; grantId: string }> {
  const auth = await request(app)
    .post('/connect/authorize')
    .send({ client_id: CLIENT_ID, email_address: 'ada@example.com', provider: 'sandbox', scopes: 'email.read_only', settings: { password: 'sandbox' } });
  assert.equal(auth.status, 200);
  const res = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: auth.body.code });
  assert.equal(res.status, 200);
  return { token: res.body.access_token, grantId: res.body.account_id };
}

describe('OpenTelemetry', () => {
  let beforeSdk: ReturnType<typeof makeKit>['kit'];

  before(async () => {
    // A kit made before any SDK is registered finds the API's no-op providers, and records nothing.
    beforeSdk = makeKit().kit;
    await beforeSdk.ready();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  after(() => {
    trace.disable();
    metrics.disable();
    context.disable();
  });

  it('with the API but no SDK registered, a kit records nothing; with `telemetry: false`, it never loads the API', async () => {
    assert.equal(kitContext(beforeSdk).telemetry.tracing, false);
    assert.equal(kitContext(beforeSdk).telemetry.counting, false);
    const off = makeKit({ telemetry: false }).kit;
    await off.ready();
    assert.equal(kitContext(off).telemetry.tracing, false);
    await signIn(guardedApp('express', off));
    assert.deepEqual(takeSpans(), []);
    assert.deepEqual([...(await flush()).values()].flat(), []);
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}: a native sign-in is a span per step, each store call a span under it, and one token counted`, async () => {
      const { kit } = makeKit();
      await kit.ready();
      takeSpans();
      await flush();
      await signIn(guardedApp(framework, kit));
      const done = takeSpans();
      const steps = done.filter((s) => s.name.startsWith('grantkit POST'));
      assert.deepEqual(
        steps.map((s) => [s.name, s.attributes['http.route'], s.attributes['http.response.status_code']]),
        [
          ['grantkit POST /connect/authorize', '/connect/authorize', 200],
          ['grantkit POST /connect/token', '/connect/token', 200],
        ],
      );
      const childrenOf = (step: ReadableSpan): string[] =>
        done.filter((s) => s.parentSpanContext?.spanId === step.spanContext().spanId).map((s) => s.name);
      assert.deepEqual(childrenOf(steps[0]!), ['grantkit.store.findGrantByEmail', 'grantkit.store.putToken']);
      assert.deepEqual(childrenOf(steps[1]!), [
        'grantkit.store.consume',
        'grantkit.store.findGrantByEmail',
        'grantkit.store.putGrant',
        'grantkit.store.putToken',
      ]);
      const store = done.find((s) => s.name === 'grantkit.store.putGrant')!;
      assert.deepEqual(store.attributes, { 'grantkit.store.operation': 'putGrant', 'grantkit.store': 'memory' });
      const recorded = await flush();
      assert.deepEqual(recorded.get('grantkit.tokens.issued'), [[{ kind: 'access' }, 1]]);
      const durations = recorded.get('grantkit.store.duration') ?? [];
      assert.deepEqual(
        durations.map(([a, n]) => `${a['operation']}@${a['store']}×${n}`).sort(),
        ['consume@memory×1', 'findGrantByEmail@memory×2', 'putGrant@memory×1', 'putToken@memory×2'],
      );
    });

    it(`${framework}: a guarded read is a guard span around its store call, and each verdict is counted by outcome and family`, async () => {
      const { kit } = makeKit();
      await kit.ready();
      const app = guardedApp(framework, kit);
      const { token, grantId } = await signIn(app);
      takeSpans();
      await flush();
      assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
      assert.equal((await request(app).put('/messages/1').set('authorization', `Bearer ${token}`)).status, 403);
      assert.equal((await request(app).get(`/v3/grants/${grantId}/messages`).set('authorization', `Bearer ${token}`)).status, 200);
      const done = takeSpans();
      const guards = done.filter((s) => s.name === 'grantkit.guard');
      assert.deepEqual(
        guards.map((s) => [s.attributes['grantkit.guard'], s.attributes['url.path'], s.attributes['grantkit.outcome'], s.attributes['grantkit.reason']]),
        [
          ['requireScopes', '/messages', 'allow', undefined],
          ['requireScopes', '/messages/1', 'deny', 'insufficient_scope'],
          ['gate', `/v3/grants/${grantId}/messages`, 'allow', undefined],
        ],
      );
      for (const g of guards) {
        const children = done.filter((s) => s.parentSpanContext?.spanId === g.spanContext().spanId).map((s) => s.name);
        assert.deepEqual(children, ['grantkit.store.resolve']);
      }
      const decisions = (await flush()).get('grantkit.auth.decisions') ?? [];
      assert.deepEqual(
        decisions.map(([a, n]) => `${a['outcome']}/${a['family']}×${n}`).sort(),
        ['allow/v2×1', 'allow/v3×1', 'deny/v2×1'],
      );
    });
  }
});
