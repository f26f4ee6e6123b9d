import 'reflect-metadata';
import {
  applyDecorators,
  Catch,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Req,
  RequestMapping,
  RequestMethod,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { grantkit } from '../../../../adapters/express/index.js';
import { GrantKitGuard, RequireAllScopes, RequireScopes } from '../../../../adapters/nest/index.js';
import { GrantKitError, type GrantKit } from '../../../../src/index.js';
import { fixtureBody, type FixtureGuard, type FixtureRoute } from '../../../contract/fixture-routes.js';

/**
 * The contract's fixture routes as a Nest app, mounted as docs/guards.md says: grantkit's own
 * routes and gate() are grantkit/express middleware on the Express app under Nest, with Nest's
 * body parsers between them; resolve() is Nest middleware on the rows that ask for it; and every
 * guarded row is a controller with its rule and a GrantKitGuard that Nest builds through its own
 * dependency injection.
 */
const KIT = Symbol('grantkit kit');

@Injectable()
class KitGuard extends GrantKitGuard {
  constructor(@Inject(KIT) kit: GrantKit) {
    super(kit);
  }
}

@Injectable()
class ThrowingKitGuard extends GrantKitGuard {
  constructor(@Inject(KIT) kit: GrantKit) {
    super(kit, { throwErrors: true });
  }
}

/**
 * The app's own handler for the guards that throw, as an app that opted into throwing would write
 * it. Only on the rows whose guard throws: the other rows show what Nest itself answers.
 */
@Catch(GrantKitError)
class GrantKitErrorFilter implements ExceptionFilter<GrantKitError> {
  catch(err: GrantKitError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(err.status).set(err.headers).json(err.body);
  }
}

/** A row's rule and guard; the endpoint table (gate()) and resolve() act before Nest routes. */
function access(guard: FixtureGuard): MethodDecorator {
  if (guard.kind === 'table' || guard.kind === 'resolve') return applyDecorators();
  const rule = guard.mode === 'any' ? RequireScopes(...guard.scopes) : RequireAllScopes(...guard.scopes);
  if (guard.kind === 'guard' && guard.throws === true) return applyDecorators(rule, UseGuards(ThrowingKitGuard), UseFilters(GrantKitErrorFilter));
  return applyDecorators(rule, UseGuards(KitGuard));
}

function controllerFor(route: FixtureRoute): Type {
  @Controller()
  class RouteController {
    @RequestMapping({ path: route.path, method: RequestMethod[route.method] })
    // Nest answers a POST with 201 by default; the other mounts answer every row with 200.
    @HttpCode(200)
    @access(route.guard)
    handle(@Req() req: Request): Record<string, unknown> {
      return fixtureBody(route, req.params as Record<string, string>, req.grant);
    }
  }
  return RouteController;
}

const resolves = (r: FixtureRoute): boolean => r.guard.kind === 'resolve' || r.guard.kind === 'resolve+guard';

export async function contractApp(kit: GrantKit, routes: readonly FixtureRoute[]): Promise<INestApplication> {
  const gk = grantkit(kit);
  @Module({ controllers: routes.map(controllerFor), providers: [{ provide: KIT, useValue: kit }] })
  class ContractModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      const rows = routes.filter(resolves).map((r) => ({ path: r.path, method: RequestMethod[r.method] }));
      if (rows.length > 0) consumer.apply(gk.resolve()).forRoutes(...rows);
    }
  }
  const app = await NestFactory.create<NestExpressApplication>(ContractModule, { logger: false, abortOnError: false, bodyParser: false });
  // grantkit reads its own routes' bodies; gate() comes after the parsers, to see a token sent in a body.
  app.use(gk.routes());
  app.useBodyParser('json');
  app.useBodyParser('urlencoded', { extended: true });
  app.use(gk.gate());
  await app.init();
  return app;
}
