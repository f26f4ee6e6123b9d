import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { anyReporter, appReadings, asReporter, reporterOfApp, type ScopeReporter } from '../advisor/reporters.js';
import { UsageError } from './args.js';

/** An app a module exports, and the grantkit middleware that reports on it. */
export interface LoadedApp {
  /** The export it came from: `default`, `app`, ... */
  readonly name: string;
  readonly app: object;
  readonly reporter: ScopeReporter;
}

/** Export names taken first when a module exports several apps (an app and its router, say). */
const PREFERRED = ['default', 'app'];

/**
 * Loads a module by path, relative to the working directory, and finds in its exports the app
 * (an Express app or router, a Koa app or @koa/router router) and the grantkit middleware that
 * reports on it: one the module exports too, or else the one whose guards the app's stack holds.
 */
export async function loadApp(path: string, exportName: string | undefined): Promise<LoadedApp> {
  const loaded = await importModule(path);
  if (!anyReporter()) {
    throw new Error(`${path} made no grantkit middleware: build the app with grantkit(kit), from the same copy of grantkit as this command`);
  }
  const exports = typeof loaded === 'object' && loaded !== null ? Object.entries(loaded) : [];
  const { name, app } = pickApp(path, exports, exportName);
  const reporter = exports.map(([, v]) => asReporter(v)).find((r) => r !== undefined) ?? reporterOfApp(app);
  if (reporter === undefined) {
    throw new Error(
      `${path}: the app exported as "${name}" holds no grantkit guard. Mount grantkit's guards on it, or export its grantkit middleware ` +
        '(what grantkit(kit) returned) next to it; the module must load the same copy of grantkit as this command.',
    );
  }
  return { name, app, reporter };
}

async function importModule(path: string): Promise<unknown> {
  const url = pathToFileURL(resolve(path));
  try {
    return await import(url.href);
  } catch (e) {
    // Node names the importing file too, which is this command's, not the user's.
    if (e instanceof Error && 'code' in e && e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(url.pathname)) {
      throw new Error(`no module at ${url.pathname}`, { cause: e });
    }
    throw e;
  }
}

function pickApp(path: string, exports: ReadonlyArray<readonly [string, unknown]>, exportName: string | undefined): { name: string; app: object } {
  if (exportName !== undefined) {
    const found = exports.find(([n]) => n === exportName);
    if (found === undefined) throw new UsageError(`${path} has no export "${exportName}"`);
    const [, value] = found;
    if (!isApp(value)) throw new Error(`${path}: the export "${exportName}" is not an Express or Koa app or router`);
    return { name: exportName, app: value };
  }
  // The same app is often exported twice (as default and by name): count it once.
  const apps = [...new Map(exports.filter((e): e is readonly [string, object] => isApp(e[1])).map(([n, v]) => [v, n])).entries()];
  if (apps.length === 0) throw new Error(`${path} exports no Express or Koa app or router`);
  const preferred = PREFERRED.map((p) => apps.find(([, n]) => n === p)).find((a) => a !== undefined);
  const chosen = apps.length === 1 ? apps[0] : preferred;
  if (chosen === undefined) {
    throw new UsageError(`${path} exports several apps (${apps.map(([, n]) => n).join(', ')}); name one with --export`);
  }
  const [app, name] = chosen;
  return { name, app };
}

function isApp(value: unknown): value is object {
  return appReadings(value).length > 0;
}
