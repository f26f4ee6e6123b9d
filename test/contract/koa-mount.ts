import compose from 'koa-compose';
import type { Middleware } from 'koa';

/**
 * koa-mount's `mount(prefix, app)`, line for line (koa-mount 4.x): the package is not installed
 * here, so its few lines are reproduced to mount a Koa app under a prefix the way koa-mount does.
 * Inside, `ctx.path` has the prefix stripped; `ctx.originalUrl` keeps it.
 */
export function mount(prefix: string, app: { middleware: Middleware[] }): Middleware {
  if (!prefix.startsWith('/')) throw new TypeError('mount path must begin with "/"');
  const downstream = compose(app.middleware);
  const trailingSlash = prefix.endsWith('/');
  const match = (path: string): string | false => {
    if (path.indexOf(prefix) !== 0) return false;
    const newPath = path.replace(prefix, '') || '/';
    if (trailingSlash) return newPath;
    if (newPath[0] !== '/') return false;
    return newPath;
  };
  return async (ctx, upstream) => {
    const prev = ctx.path;
    const newPath = match(prev);
    if (!newPath) return await upstream();
    (ctx as { mountPath?: string }).mountPath = prefix;
    ctx.path = newPath;
    await downstream(ctx, async () => {
      ctx.path = prev;
      await upstream();
      ctx.path = newPath;
    });
    ctx.path = prev;
  };
}
