import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * The cached binary of a third-party tool (kubectl, helm, etcd, kube-apiserver) that scripts/tools.sh
 * builds. Throws with the reason when it is not there: a check without its tool fails, it never skips.
 */
export function toolPath(name: 'kubectl' | 'helm' | 'etcd' | 'kube-apiserver'): string {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'tools.sh');
  try {
    return execFileSync('bash', [script, 'path', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`${name} is not available (${stderr.trim()}); run \`bash scripts/tools.sh\` first`);
  }
}
