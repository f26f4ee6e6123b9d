import { middlewareMark, type MiddlewareMark, type StackLayer } from '../introspection/guarded-routes.js';
import type { ScopeReport } from './report.js';

/**
 * How `npx grantkit scopes <module>` gets from what a module exports to a scope report. A module
 * may export its app alone: the app's stack holds grantkit middleware, and each piece's mark
 * (introspection/guarded-routes.ts) leads back to the adapter instance that made it, whose
 * `scopeReport` knows the kit. Adapter instances register here as they are made; nothing is
 * kept alive by it (weak maps, and one stack reader per framework).
 */

/** An adapter instance, as far as the report needs it. */
export interface ScopeReporter {
  scopeReport(app: object): Promise<ScopeReport>;
}

type StackReader = (app: object) => readonly StackLayer[];

/** Each adapter instance, by itself: what a module exports is looked up here, never trusted by shape. */
const reporters = new WeakMap<object, ScopeReporter>();
const byMark = new WeakMap<MiddlewareMark, ScopeReporter>();
/** One per framework binding, not per instance. */
const readers = new Set<StackReader>();

/** Records an adapter instance and how its framework's stacks are read. */
export function registerReporter(reporter: ScopeReporter, read: StackReader | undefined): void {
  reporters.set(reporter, reporter);
  if (read !== undefined) readers.add(read);
}

/** Records that middleware bearing `mark` was made by `reporter`; returns the mark. */
export function ownMark<T extends MiddlewareMark>(mark: T, reporter: () => ScopeReporter): T {
  // The instance is looked up when the report is asked for: the mark is made while it is being built.
  byMark.set(mark, { scopeReport: (app) => reporter().scopeReport(app) });
  return mark;
}

/** A value a module exported, if it is an adapter instance (`gk`). */
export function asReporter(value: unknown): ScopeReporter | undefined {
  return typeof value === 'object' && value !== null ? reporters.get(value) : undefined;
}

/** Whether any adapter instance was made in this process (and so any framework's stacks can be read). */
export function anyReporter(): boolean {
  return readers.size > 0;
}

/**
 * The layers of an app or router, as each framework that can read it reads it: an @koa/router
 * router and an Express router both keep a `stack`, so a router may read as either.
 */
export function appReadings(value: unknown): Array<readonly StackLayer[]> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return [];
  const readings: Array<readonly StackLayer[]> = [];
  for (const read of readers) {
    try {
      readings.push(read(value));
    } catch {
      // Not this framework's app: the readers throw a TypeError for anything they cannot read.
    }
  }
  return readings;
}

/** The adapter instance whose middleware the app's stack holds first, as any framework reads it. */
export function reporterOfApp(app: unknown): ScopeReporter | undefined {
  return appReadings(app)
    .map(reporterInStack)
    .find((r) => r !== undefined);
}

/** The adapter instance whose middleware an app's stack holds first, if any. */
function reporterInStack(layers: readonly StackLayer[]): ScopeReporter | undefined {
  for (const layer of layers) {
    const found =
      layer.kind === 'router' ? reporterInStack(layer.layers) : firstOwned(layer.kind === 'use' ? [layer.handler] : layer.handlers);
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstOwned(handlers: readonly unknown[]): ScopeReporter | undefined {
  for (const h of handlers) {
    const mark = middlewareMark(h);
    const reporter = mark === undefined ? undefined : byMark.get(mark);
    if (reporter !== undefined) return reporter;
  }
  return undefined;
}
