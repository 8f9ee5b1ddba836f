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
 * `setpriv --pdeathsig` makes the kernel kill a child when the test process dies, even by SIGKILL (a
 * Jest timeout, an OOM), when no `exit` hook runs. Where setpriv is missing, the hooks are all there is.
 */
export const HAS_SETPRIV = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
