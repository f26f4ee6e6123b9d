/**
 * grantkit/nest: scope guards for NestJS controllers (Nest on its default Express platform).
 *
 * ```ts
 * @Controller('contacts')
 * @RequireScopes('contacts.read_only')                    // the controller's default
 * export class Contacts {
 *   @Get() list(@Req() req: Request) { return { grant: req.grant!.id }; }
 *   @Post() @RequireScopes('contacts') create() { … }     // replaces the default
 *   @Get('health') @Public() health() { return { ok: true }; }
 * }
 * app.useGlobalGuards(new GrantKitGuard(kit));
 * app.use(grantkit(kit).routes());                        // grantkit/express: /connect/*, /oauth/*, …
 * ```
 *
 * The decorators are Nest's SetMetadata: the app compiles them with its own
 * experimentalDecorators, and grantkit's source applies none. A handler's rule replaces its
 * controller's; it does not merge with it.
 */
export { RequireScopes, RequireAllScopes, Public, type AccessRule } from './rules.js';
export { GrantKitGuard, type GrantKitGuardOptions } from './guard.js';
