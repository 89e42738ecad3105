import { keyFileOf } from '../config/config-file.ts';
import { secretBox } from '../config/secret-box.ts';
import { loadSecretKey } from '../config/secrets.ts';
import { createPushServices, type PushServices } from '../jobs/push-services.ts';
import type { CliContext } from './context.ts';

export type { PushServices } from '../jobs/push-services.ts';

/** Change notifications for a command: the config's public address and key, the context's store and Graph client. */
export function pushServices(context: CliContext, changed: (tenantIds: readonly string[]) => void): PushServices {
  return createPushServices(
    {
      store: context.store,
      directory: context.apis().subscriptions,
      // The subscriptions' client states are sealed with the key of the config's secrets.
      secrets: secretBox(() => loadSecretKey(keyFileOf(context.configPath), { create: true })),
      publicUrl: context.config.web.publicUrl ?? null,
      log: (level, message, fields = {}) => context.logger[level](fields, message),
    },
    changed,
  );
}
