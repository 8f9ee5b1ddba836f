/** The day-2 flags of the synth and diff scripts: `--acknowledge <id>` and `--rotate <name>`, each repeatable. */
export function parseSynthArgs(argv: readonly string[]): { acknowledge: string[]; rotate: string[] } {
  const out = { acknowledge: [] as string[], rotate: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = flag === '--acknowledge' ? 'acknowledge' : flag === '--rotate' ? 'rotate' : undefined;
    const value = inline ?? argv[i + 1];
    if (!key || value === undefined || value.startsWith('--')) {
      throw new Error(`unknown or incomplete argument "${argv[i]}". Use --acknowledge <inventory id> or --rotate <secret name>, each as often as needed.`);
    }
    out[key].push(value);
    if (inline === undefined) i++;
  }
  return out;
}
