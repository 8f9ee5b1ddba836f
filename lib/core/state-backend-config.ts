// The Terraform state backend setting of a platform and its validation. Types only from cdktf: the
// platform config loads this file, and the Flux side must not pay for loading cdktf.
import * as path from 'path';
import { isDnsLabel, isDnsSubdomain } from './names';
import type { TerraformStateBackend } from './state-backend-types';

export type { CustomStateBackend, KubernetesStateBackend, LocalStateBackend, TerraformStateBackend } from './state-backend-types';


/** The kinds of `TerraformStateBackend`, in the order messages list them. */
export const STATE_BACKEND_KINDS: readonly TerraformStateBackend['kind'][] = ['local', 'kubernetes', 'custom'];

/** The default backend: a local state file in the project root. */
export const DEFAULT_STATE_BACKEND: TerraformStateBackend = { kind: 'local' };

/**
 * Folders, relative to the project root, that tools write and replace: a state file there would be lost
 * (`dist/` is rewritten by every synth, `cdktf.out/` is cdktf's default output, `dist-js/` the build's).
 */
export const OUTPUT_FOLDERS: readonly string[] = ['dist', 'dist-js', 'cdktf.out'];

/** The output folder of `OUTPUT_FOLDERS` that `file` (relative to `root`, or absolute) lies in, if any. */
export function outputFolderOf(file: string, root: string = process.cwd()): string | undefined {
  const resolved = path.resolve(root, file);
  return OUTPUT_FOLDERS.find((folder) => isInside(resolved, path.resolve(root, folder)));
}

/** True when `file` is `folder` or lies under it (both absolute). */
export function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A problem with the backend setting, as `checkConfig` reports it. */
export interface StateBackendProblem {
  readonly problem: string;
  readonly fix: string;
}

/**
 * The problems of a backend setting (`at` names it in messages, e.g. `terraform.backend`). `root` is the
 * folder relative paths resolve against.
 */
export function stateBackendProblems(backend: TerraformStateBackend, at: string, root: string = process.cwd()): StateBackendProblem[] {
  const problems: StateBackendProblem[] = [];
  const add = (problem: string, fix: string) => problems.push({ problem, fix });
  // Read as untyped: a config written in JavaScript (or cast) reaches here with anything in it.
  const b = backend as unknown as Record<string, unknown>;
  switch (b.kind) {
    case 'local': {
      const file = b.path;
      if (file === undefined) break;
      if (typeof file !== 'string' || file.trim() === '') {
        add(`${at}.path is empty`, 'Leave path out for a state file in the project root, or give a file path');
      } else if (/[\\/]$/.test(file) || file === '.' || file === '..') {
        add(`${at}.path "${file}" is a folder`, 'Give the path of the state file, e.g. "state/ballast.tfstate"');
      } else {
        const folder = outputFolderOf(file, root);
        if (folder !== undefined) {
          add(
            `${at}.path "${file}" is inside ${folder}/, which tools rewrite (a synth replaces dist/ whole)`,
            'Keep the state outside the output folders: leave path out for a file in the project root, or use a remote backend',
          );
        }
      }
      break;
    }
    case 'kubernetes': {
      const namespace = b.namespace;
      if (typeof namespace !== 'string' || !isDnsLabel(namespace)) {
        add(
          `${at}.namespace "${String(namespace ?? '')}" is not a valid DNS label`,
          'Name the namespace that holds the state Secret: at most 63 lowercase letters, digits and "-"',
        );
      }
      const suffix = b.secretSuffix;
      if (suffix !== undefined) {
        if (typeof suffix !== 'string' || !isDnsSubdomain(`tfstate-default-${suffix}`)) {
          add(`${at}.secretSuffix "${String(suffix)}" does not make a valid Secret name`, 'Use lowercase letters, digits and "-", e.g. "ballast"');
        } else if (/-[0-9]+$/.test(suffix)) {
          add(
            `${at}.secretSuffix "${suffix}" ends in "-<number>", which the kubernetes backend refuses`,
            `Drop the number or its "-", e.g. "${suffix.replace(/-([0-9]+)$/, '$1')}"`,
          );
        }
      }
      for (const key of ['configPath', 'configContext'] as const) {
        if (b[key] !== undefined && (typeof b[key] !== 'string' || (b[key] as string).trim() === '')) {
          add(`${at}.${key} is empty`, `Leave ${key} out for Terraform's default, or set it`);
        }
      }
      break;
    }
    case 'custom':
      if (typeof b.create !== 'function') {
        add(`${at}.create is not a function`, 'Pass a function that creates the backend on the stack, e.g. (stack) => new S3Backend(stack, { ... })');
      }
      break;
    default:
      add(
        `${at}.kind "${String(b.kind)}" is not a state backend kind`,
        `Use one of ${STATE_BACKEND_KINDS.map((k) => `"${k}"`).join(', ')} ("custom" takes any cdktf backend, e.g. S3Backend)`,
      );
      return problems;
  }
  // An option the kind does not know (a typo, or another backend's) would be dropped without a word.
  const known = BACKEND_OPTIONS[b.kind as TerraformStateBackend['kind']];
  for (const key of Object.keys(b).filter((k) => !known.includes(k))) {
    add(`${at}.${key} is not an option of the ${String(b.kind)} backend`, `Use ${known.filter((k) => k !== 'kind').join(', ')}, or a custom backend for other settings`);
  }
  return problems;
}

/** The options each backend kind takes. */
const BACKEND_OPTIONS: Record<TerraformStateBackend['kind'], readonly string[]> = {
  local: ['kind', 'path'],
  kubernetes: ['kind', 'namespace', 'secretSuffix', 'configPath', 'configContext'],
  custom: ['kind', 'create'],
};
