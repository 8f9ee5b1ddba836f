import * as fs from 'fs';
import * as path from 'path';
import { git } from './git';
import { GitServer } from './git-server';

/** The branch the tier's GitRepository follows (the FluxInstance's default). */
export const BRANCH = 'main';

/** A commit pushed to the loopback server: its SHA and the revision string Flux reports for it. */
export interface PushedCommit {
  readonly sha: string;
  /** `<branch>@sha1:<sha>`, as GitRepository `status.artifact.revision` and Kustomization `status.lastAppliedRevision` hold it. */
  readonly revision: string;
}

/**
 * Commits the folder `tree` (e.g. a synthesized dist/flux) as the whole content of the branch, on top of
 * what the branch holds, and pushes it over HTTP, as a user committing the synthesized repository would.
 * Files of the previous commit that `tree` lacks are deleted by this commit. Every call makes a new commit,
 * even for an unchanged tree, so every push is a new revision. `under` puts the tree in a sub-folder of
 * the repository (a platform's `git.path`).
 */
export async function pushTree(server: GitServer, tree: string, message: string, under = ''): Promise<PushedCommit> {
  if (!fs.statSync(tree, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`pushTree: ${tree} is not a folder`);
  const work = server.scratchDir('work-');
  try {
    // Cloning an empty repository works too (with a warning): the first push creates the branch.
    await git(['clone', '--quiet', server.url, work], path.dirname(work));
    await git(['symbolic-ref', 'HEAD', `refs/heads/${BRANCH}`], work);
    for (const entry of fs.readdirSync(work)) {
      if (entry !== '.git') fs.rmSync(path.join(work, entry), { recursive: true, force: true });
    }
    fs.cpSync(tree, path.join(work, under), { recursive: true });
    await git(['add', '--all'], work);
    await git(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message], work);
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`], work);
    const sha = (await git(['rev-parse', 'HEAD'], work)).trim();
    return { sha, revision: `${BRANCH}@sha1:${sha}` };
  } catch (err) {
    const failures = server.failures.length ? `\nGit server failures:\n${server.failures.join('\n')}` : '';
    throw new Error(`pushTree: could not push ${tree} to ${server.url}: ${(err as Error).message}${failures}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
