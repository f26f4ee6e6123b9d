import { unprovenIdentity } from '../grants/identity.js';
import { ProviderAuthError, type NativeProvider } from './provider.js';

export interface SandboxProviderOptions {
  /** The wire name; `sandbox` unless a test needs it to stand in for another provider. */
  name?: string;
  organizationUnit?: 'label' | 'folder';
}

/**
 * A development provider: any email, with `settings.password` equal to `sandbox`. It reaches no
 * server. It is off unless the app lists it in `providers`, and it has no place in production.
 */
export function sandboxProvider(options: SandboxProviderOptions = {}): NativeProvider {
  const providerName = options.name ?? 'sandbox';
  return {
    name: providerName,
    organizationUnit: options.organizationUnit ?? 'folder',
    async verify({ email, name, settings }) {
      if (settings['password'] !== 'sandbox') throw new ProviderAuthError('sandbox password is wrong');
      // Anyone can claim any address here: the sandbox never proves one.
      return { email, name, settings: { password: 'sandbox' }, identity: unprovenIdentity(providerName, email, 'sandbox') };
    },
  };
}
