import 'reflect-metadata';
import {
  Catch,
  Controller,
  Get,
  Module,
  Req,
  type ArgumentsHost,
  type DynamicModule,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import type { Request, Response } from 'express';
import { grantkit } from '../../../../adapters/express/index.js';
import { GrantKitGuard, Public, RequireAllScopes, RequireScopes, type GrantKitGuardOptions } from '../../../../adapters/nest/index.js';
import { GrantKitError, type GrantKit } from '../../../../src/index.js';

/**
 * A Nest app written as an app would write it: controllers with grantkit/nest's decorators, one
 * GrantKitGuard for the whole app (APP_GUARD), and grantkit's own routes from grantkit/express.
 */
const grantOf = (req: Request): string | null => req.grant?.id ?? null;

@Controller('contacts')
@RequireScopes('contacts.read_only')
export class ContactsController {
  readonly label = 'contacts';

  @Get()
  list(@Req() req: Request): Record<string, unknown> {
    return { label: this.label, grant_id: grantOf(req) };
  }

  // Replaces the controller's rule: a contacts.read_only token alone must not pass here.
  @Get('events')
  @RequireScopes('calendar')
  events(@Req() req: Request): Record<string, unknown> {
    return { grant_id: grantOf(req) };
  }

  @Get('both')
  @RequireAllScopes('contacts', 'calendar')
  both(@Req() req: Request): Record<string, unknown> {
    return { grant_id: grantOf(req) };
  }

  @Get('health')
  @Public()
  health(@Req() req: Request): Record<string, unknown> {
    return { ok: true, grant_id: grantOf(req) };
  }
}

/** Inherits ContactsController's rule, and its routes under its own path. */
@Controller('more-contacts')
export class MoreContactsController extends ContactsController {
  @Get('more')
  more(@Req() req: Request): Record<string, unknown> {
    return { inherited: true, grant_id: grantOf(req) };
  }
}

/** No rule on the controller: each handler says what it needs, or forgets to. */
@Controller()
export class GrantsController {
  @Get('v3/grants/:grant/messages')
  @RequireScopes('email.read_only')
  messages(@Req() req: Request): Record<string, unknown> {
    return { grant_id: grantOf(req) };
  }

  // The app calls its grant parameter `account`; the guard reads it when told to (grantParam).
  @Get('accounts/:account/messages')
  @RequireScopes('email.read_only')
  accountMessages(@Req() req: Request): Record<string, unknown> {
    return { grant_id: grantOf(req) };
  }

  @Get('forgotten')
  forgotten(): Record<string, unknown> {
    return { served: true };
  }
}

/** The app's own handling, for a guard made with throwErrors. */
@Catch(GrantKitError)
export class GrantKitErrorFilter implements ExceptionFilter<GrantKitError> {
  catch(err: GrantKitError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(err.status).set(err.headers).json({ handledByApp: true, code: err.code, body: err.body });
  }
}

@Module({ controllers: [ContactsController, MoreContactsController, GrantsController] })
export class ContactsModule {
  static forRoot(kit: GrantKit, options: GrantKitGuardOptions = {}): DynamicModule {
    return {
      module: ContactsModule,
      providers: [
        { provide: APP_GUARD, useValue: new GrantKitGuard(kit, options) },
        ...(options.throwErrors === true ? [{ provide: APP_FILTER, useClass: GrantKitErrorFilter }] : []),
      ],
    };
  }
}

export async function contactsApp(kit: GrantKit, options?: GrantKitGuardOptions): Promise<INestApplication> {
  const app = await NestFactory.create(ContactsModule.forRoot(kit, options), { logger: false, abortOnError: false });
  app.use(grantkit(kit).routes());
  await app.init();
  return app;
}
