import type { Route } from '../route.js';
import { withIntegrationsAlias } from './aliases.js';
import { connectCustom } from './connect-custom.js';
import { connectRevoke } from './connect-revoke.js';
import { connectTokenInfo } from './connect-tokeninfo.js';
import { connectorsCreate } from './connectors-create.js';
import { connectorsDelete } from './connectors-delete.js';
import { connectorsFind } from './connectors-find.js';
import { connectorsList } from './connectors-list.js';
import { connectorsPatch, connectorsPut } from './connectors-update.js';
import { credentialsCreate } from './credentials-create.js';
import { credentialsDelete } from './credentials-delete.js';
import { credentialsFind } from './credentials-find.js';
import { credentialsList } from './credentials-list.js';
import { credentialsUpdate } from './credentials-update.js';
import { grantsDelete } from './grants-delete.js';
import { grantsFind } from './grants-find.js';
import { grantsList } from './grants-list.js';
import { grantsUpdate } from './grants-update.js';
import { providersDetect } from './providers-detect.js';

/** The v3 family: /v3/grants, /v3/connect/{custom,revoke,tokeninfo}, /v3/connectors (and /v3/integrations), /v3/providers/detect. */
export const v3Routes: readonly Route[] = [
  grantsList,
  grantsFind,
  grantsUpdate,
  grantsDelete,
  connectCustom,
  connectRevoke,
  connectTokenInfo,
  providersDetect,
  ...[
    connectorsCreate,
    connectorsList,
    connectorsFind,
    connectorsPatch,
    connectorsPut,
    connectorsDelete,
    credentialsCreate,
    credentialsList,
    credentialsFind,
    credentialsUpdate,
    credentialsDelete,
  ].flatMap(withIntegrationsAlias),
];
