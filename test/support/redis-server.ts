import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** A skip reason when redis-server is not installed and CI is not set; in CI it must be there. */
export function redisServerMissing(): string | false {
  if (process.env['CI']) return false;
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return found.error || found.status !== 0 ? 'redis-server is not installed' : false;
}

/** A redis-server of the test's own on `port`, with `args` added (a password, persistence); resolves once it accepts connections. */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    child.once('error', reject);
  });
  return child;
}
