import { createRequire } from 'node:module';

/**
 * grantkit's version, from its own package.json. The package names itself, so this resolves the
 * same from src/cli/ in a checkout and from dist/src/cli/ in an installed package, whose depths
 * differ.
 */
export function version(): string {
  const manifest: unknown = createRequire(import.meta.url)('grantkit/package.json');
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string') {
    return manifest.version;
  }
  throw new Error("grantkit's package.json has no version");
}
