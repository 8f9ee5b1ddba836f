import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The third-party tools scripts/tools.sh builds or unpacks, cached outside the checkout. */
export type ToolName = 'terraform-rc' | 'kubectl' | 'helm' | 'etcd' | 'kube-apiserver' | 'promtool' | 'prometheus' | 'sops' | 'cyclonus' | 'amtool' | 'plugin-barman-cloud' | 'gofakes3' | 'alertmanager' | 'source-controller' | 'kustomize-controller';

/**
 * The cached binary of a third-party tool. Throws with the reason when it is not there: a check without
 * its tool fails, it never skips.
 */
export function toolPath(name: ToolName): string {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'tools.sh');
  const fromSource = path.resolve(__dirname, 'tools.sh');
  try {
    // From the sources (jest) the script is beside this file; compiled, it is two levels up.
    const file = fs.existsSync(fromSource) ? fromSource : script;
    return execFileSync('bash', [file, 'path', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`${name} is not available (${stderr.trim()}); run \`bash scripts/tools.sh ${name}\` first`);
  }
}
