import * as fs from 'fs';
import * as path from 'path';
import { conflictError, fileError, FileRole, isInside, readCheckoutBytes, readCheckoutFile, restoreFromGit, shownPath, statOrNothing } from '../core/checkout-file';
import { yaml } from '../core/yaml-package';
import { readRecord, RECORD_FILE } from './output-record';

// What the previous output's Flux files hold that keeps data: every object written with Flux's
// `kustomize.toolkit.fluxcd.io/prune: disabled` (a database Cluster, its namespace, a stateful release,
// the role credentials a retained Cluster names). The guard's view is checked against it, so that an
// inventory edited by hand (or lost) cannot hide one of them from the guard (see guard-view.ts).
//
// Only what is needed is read: files that do not mention the annotation are not parsed at all, and in the
// others a line scan takes each document's kind, name, namespace and annotation (the YAML ballast writes is
// block style, two spaces). A document the scan is not sure of is parsed with the YAML package.

/** A data-holding object the previous output's files hold, by inventory id. */
export interface HeldObject {
  readonly id: string;
  /** The same object's id as a plain object (`object/<group>/<Kind>/...`): an inventory may list it so. */
  readonly objectId: string;
  readonly apiVersion: string;
  /** Its file, relative to the Flux output folder. */
  readonly file: string;
  /** Ids of the other objects of its file (one file is one component's, so they tell its component). */
  readonly neighbours: readonly string[];
}

const PRUNE_KEY = 'kustomize.toolkit.fluxcd.io/prune';
const PRUNE_KEY_BYTES = Buffer.from(PRUNE_KEY);

/** What a file of the previous Flux output is, in messages. */
const FLUX_FILE_ROLE: FileRole = { what: "a file of the previous synth's Flux output", restore: restoreFromGit };

/** The head of one YAML document: what an inventory id and the guard need. */
interface DocHead {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  pruneDisabled: boolean;
  /** The annotation is named in it, but the scan did not find it where block style puts it. */
  unsure: boolean;
}

/** A plain or quoted scalar of one line, without a trailing comment. */
function scalar(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/\s+#.*$/, '').trim();
  const quoted = /^(["'])(.*)\1$/.exec(t);
  return quoted ? quoted[2] : t === '' ? undefined : t;
}

const TOP = /^([A-Za-z_][\w.-]*):(?:\s+(.*))?$/;
const META = /^ {2}([\w./-]+):(?:\s+(.*))?$/;
const ANNOTATION = /^ {4}(["']?)([\w./-]+)\1:(?:\s+(.*))?$/;

/** The head of `doc` by a line scan of its top-level keys and `metadata`. */
function scanHead(doc: string): DocHead {
  const head: DocHead = { pruneDisabled: false, unsure: false };
  let section = '';
  let sub = '';
  for (const line of doc.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const top = TOP.exec(line);
    if (top) {
      section = top[1];
      sub = '';
      if (section === 'apiVersion') head.apiVersion = scalar(top[2]);
      if (section === 'kind') head.kind = scalar(top[2]);
      continue;
    }
    if (section !== 'metadata') continue;
    const meta = META.exec(line);
    if (meta) {
      sub = meta[1];
      if (sub === 'name') head.name = scalar(meta[2]);
      if (sub === 'namespace') head.namespace = scalar(meta[2]);
      continue;
    }
    const annotation = sub === 'annotations' ? ANNOTATION.exec(line) : null;
    if (annotation && annotation[2] === PRUNE_KEY) head.pruneDisabled = scalar(annotation[3]) === 'disabled';
  }
  head.unsure = !head.pruneDisabled && doc.includes(PRUNE_KEY);
  return head;
}

/** The head of `doc` from the YAML package, for a document the scan is not sure of. */
function parsedHead(file: string, doc: string): DocHead {
  const parsed = yaml.parseDocument(doc);
  if (parsed.errors.length > 0) {
    const line = parsed.errors[0].linePos?.[0].line;
    throw fileError(file, `${FLUX_FILE_ROLE.what} is not valid YAML${line !== undefined ? ` (a document's line ${line})` : ''}`, restoreFromGit(shownPath(file)));
  }
  const o = parsed.toJSON() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> } } | null;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    apiVersion: str(o?.apiVersion),
    kind: str(o?.kind),
    name: str(o?.metadata?.name),
    namespace: str(o?.metadata?.namespace),
    pruneDisabled: o?.metadata?.annotations?.[PRUNE_KEY] === 'disabled',
    unsure: false,
  };
}

/** The inventory ids of an object: the one `inventoryItems` gives it, and its plain-object form. */
function idsOf(h: DocHead): { id: string; objectId: string } | undefined {
  if (!h.apiVersion || !h.kind || !h.name) return undefined;
  const group = h.apiVersion.includes('/') ? h.apiVersion.split('/')[0] : 'core';
  const objectId = `object/${group}/${h.kind}/${h.namespace ?? '-'}/${h.name}`;
  if (h.apiVersion === 'v1' && h.kind === 'Namespace') return { id: `namespace/${h.name}`, objectId };
  if (h.apiVersion === 'v1' && h.kind === 'Secret' && h.namespace) return { id: `secret/${h.namespace}/${h.name}`, objectId };
  if (group === 'helm.toolkit.fluxcd.io' && h.kind === 'HelmRelease' && h.namespace) return { id: `release/${h.namespace}/${h.name}`, objectId };
  return { id: objectId, objectId };
}

/** The data-holding objects of one file (`rel`, relative to `fluxDir`). */
function heldInFile(fluxDir: string, rel: string): HeldObject[] {
  const file = path.join(fluxDir, rel);
  // The walk found a regular file (it follows no link), so it is read at once; most files hold no data,
  // and their bytes are searched without being decoded.
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    // Gone or changed since the walk: read it the careful way, which says what is wrong.
    bytes = readCheckoutBytes(file, FLUX_FILE_ROLE) ?? Buffer.alloc(0);
  }
  if (bytes.indexOf(PRUNE_KEY_BYTES) < 0) return [];
  const text = bytes.toString('utf8');
  if (/^(<{7}|>{7})(?: |$)/m.test(text)) throw conflictError(file, FLUX_FILE_ROLE);
  const heads = text
    .split(/^---[ \t]*$/m)
    .filter((d) => d.trim() !== '')
    .map((d) => {
      const head = scanHead(d);
      return head.unsure || (head.pruneDisabled && (!head.name || !head.kind)) ? parsedHead(file, d) : head;
    });
  const ids = heads.map(idsOf);
  const all = ids.flatMap((i) => (i ? [i.id, i.objectId] : []));
  return heads.flatMap((h, n) => {
    const i = ids[n];
    if (!h.pruneDisabled || !i) return [];
    return [{ ...i, apiVersion: h.apiVersion!, file: rel, neighbours: all.filter((x) => x !== i.id && x !== i.objectId) }];
  });
}

/** The YAML files under `dir` (relative to `fluxDir`), without following links or entering dot-folders. */
function yamlFiles(fluxDir: string, dir: string, skipTop: readonly string[] = []): string[] {
  const out: string[] = [];
  // The walk follows no link, but the folder it starts from may be one.
  if (!isInside(fluxDir, path.join(fluxDir, dir))) {
    throw fileError(path.join(fluxDir, dir), `a folder of the previous synth's Flux output leads out of it (a symbolic link), so ballast does not read it`, `Replace the link with the folder itself (git checkout -- ${shownPath(path.join(fluxDir, dir))} restores it)`);
  }
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(fluxDir, rel), { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw fileError(path.join(fluxDir, rel), `a folder of the previous synth's Flux output cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code)})`, `Let the user who runs ballast read it (chmod -R u+rX ${shownPath(path.join(fluxDir, rel))})`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (rel === dir && skipTop.includes(e.name)) continue;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(child);
    }
  };
  walk(dir);
  return out;
}

/** The `base/` folders a fleet cluster's kustomizations use, relative to `fluxDir`. */
function baseFoldersOf(fluxDir: string, clusterFiles: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const rel of clusterFiles.filter((f) => path.posix.basename(f) === 'kustomization.yaml')) {
    const text = readCheckoutFile(path.join(fluxDir, rel), FLUX_FILE_ROLE) ?? '';
    let inResources = false;
    for (const line of text.split('\n')) {
      if (/^\S/.test(line)) inResources = line.startsWith('resources:');
      const entry = inResources ? /^ {2}- (\S+)\s*$/.exec(line) : null;
      if (!entry) continue;
      // Resolved inside the output only: an entry that leads elsewhere is not followed.
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), entry[1]));
      if (target.startsWith('base/')) folders.add(target);
    }
  }
  return [...folders].sort();
}

/**
 * The data-holding objects of the previous Flux output in `fluxDir`: a single platform's (the step folders
 * at the root), or, with `fleetCluster`, that cluster's tree and the `base/` folders it uses. Only files
 * the previous synth wrote count (its record, `.ballast/files.json`), so a file of the user's own in the
 * folder is not taken for one; without a record, every YAML file does.
 */
export function fluxHoldings(fluxDir: string, fleetCluster?: string): HeldObject[] {
  if (!statOrNothing(fluxDir)?.isDirectory()) return [];
  // The record is read only from inside the output; a damaged one is refused (readRecord says how to restore it).
  const recordFile = path.join(fluxDir, RECORD_FILE);
  if (!isInside(fluxDir, recordFile)) {
    throw fileError(recordFile, "the previous synth's record of its files leads out of the output folder (a symbolic link), so ballast does not read it", `Replace the link with the file itself (git checkout -- ${shownPath(recordFile)} restores it)`);
  }
  const record = readRecord(fluxDir);
  const recorded = (files: string[]) => (record === undefined ? files : files.filter((f) => record.has(f)));
  const files =
    fleetCluster === undefined
      ? recorded(yamlFiles(fluxDir, '', ['base', 'clusters', 'loadtests']))
      : (() => {
          const own = recorded(yamlFiles(fluxDir, `clusters/${fleetCluster}`, ['loadtests']));
          return [...own, ...baseFoldersOf(fluxDir, own).flatMap((b) => recorded(yamlFiles(fluxDir, b)))];
        })();
  return files.flatMap((f) => heldInFile(fluxDir, f));
}
