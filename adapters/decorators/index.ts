/**
 * grantkit/decorators: per-method scope guards for controller classes, on Express and Koa.
 *
 * ```ts
 * @RequireScopes('contacts.read_only')          // the class default
 * class Contacts {
 *   list(req: Request, res: Response) { res.json({ grant: req.grant!.id }); }
 *   @RequireScopes('contacts') create(req: Request, res: Response) { … }  // replaces the default
 *   @Public() health(_req: Request, res: Response) { res.json({ ok: true }); }
 * }
 * const contacts = expressController(grantkit(kit), new Contacts());   // or koaController(...)
 * app.get('/contacts', contacts.list);
 * ```
 *
 * It does NOT merge a method's rule with the class default: the method's rule replaces it.
 * NestJS apps use grantkit/nest instead: Nest reads legacy (experimentalDecorators) metadata
 * through reflect-metadata, which these standard decorators neither need nor emit.
 */
export { RequireScopes, RequireAllScopes, Public, type AccessDecorator, type AccessRule } from './rules.js';
export { expressController } from './express.js';
export { koaController } from './koa.js';
export type { Handlers } from './bind.js';
