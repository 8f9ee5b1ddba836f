import * as fs from 'fs';

/** A process named in a lock file or a swap journal: enough to tell whether it still runs and to name it. */
export interface ProcessInfo {
  readonly pid: number;
  /** When the process started (ISO 8601), for the person reading a message about it. */
  readonly started: string;
  /** Its command line. */
  readonly command: string;
  /**
   * Boot id and start tick of the process (Linux only). A pid is reused once its process has ended; this
   * tells the process that wrote a lock from a later one that happens to get the same pid.
   */
  readonly identity?: string;
}

let self: ProcessInfo | undefined;

/** This process, as other synths see it in its lock files and journals. */
export function thisProcess(): ProcessInfo {
  if (self === undefined) {
    // /proc/self/cmdline is the command as typed (`node dist-js/scripts/synth.js`); process.argv holds
    // resolved paths and is the fallback where there is no /proc.
    const cmdline = readProc('/proc/self/cmdline')?.split('\0').filter((a) => a !== '').join(' ');
    self = {
      pid: process.pid,
      started: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      command: cmdline || process.argv.join(' '),
      identity: identityOf(process.pid),
    };
  }
  return self;
}

/**
 * True while the process `info` names runs. A zombie counts as ended, and so does a process with the same
 * pid but another start tick (the pid was reused). EPERM from the signal probe means the process exists
 * but belongs to someone else: it runs.
 */
export function isRunning(info: Pick<ProcessInfo, 'pid' | 'identity'>): boolean {
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(info.pid);
  // Without /proc (macOS) the probe is all there is; with it, an entry that vanished means the process just ended.
  if (stat === undefined) return !hasProc();
  if (stat.state === 'Z' || stat.state === 'X') return false;
  const identity = identityOf(info.pid);
  return info.identity === undefined || identity === undefined || identity === info.identity;
}

/** `pid 123 (node dist-js/scripts/synth.js, started 2024-01-01T10:00:00.000Z)`, for messages. */
export function describeProcess(info: ProcessInfo): string {
  return `pid ${info.pid} (${info.command}, started ${info.started})`;
}

/** Reads a ProcessInfo from parsed JSON; undefined when it does not have the shape of one. */
export function asProcessInfo(value: unknown): ProcessInfo | undefined {
  const v = value as Partial<Record<keyof ProcessInfo, unknown>> | null;
  if (typeof v !== 'object' || v === null || typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
  return {
    pid: v.pid,
    started: typeof v.started === 'string' ? v.started : 'at an unknown time',
    command: typeof v.command === 'string' ? v.command : 'an unknown command',
    identity: typeof v.identity === 'string' ? v.identity : undefined,
  };
}

let procMounted: boolean | undefined;

function hasProc(): boolean {
  procMounted ??= fs.existsSync('/proc/self/stat');
  return procMounted;
}

let bootId: string | undefined | null = null;

function identityOf(pid: number): string | undefined {
  if (bootId === null) bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  const stat = procStat(pid);
  return bootId === undefined || stat === undefined ? undefined : `${bootId}:${stat.startTicks}`;
}

/** State and start tick (fields 3 and 22) of `/proc/<pid>/stat`; the command name (field 2) may hold spaces. */
function procStat(pid: number): { state: string; startTicks: string } | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields.length > 19 ? { state: fields[0], startTicks: fields[19] } : undefined;
}

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
