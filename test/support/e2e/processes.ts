import { spawnSync } from 'child_process';
import * as net from 'net';

/** A free TCP port on loopback (the OS picks it; the tiny race until the server binds it is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct free ports: each listener stays open until all are taken, so the kernel cannot hand the
 * same port out twice (as separate `freePort` calls may).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * `setpriv --pdeathsig` makes the kernel kill a child when the test process dies, even by SIGKILL (a
 * Jest timeout, an OOM), when no `exit` hook runs. Where setpriv is missing, the hooks are all there is.
 */
export const HAS_SETPRIV = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
