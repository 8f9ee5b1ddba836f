#!/usr/bin/env node
// The `ballast` command: synth, diff or validate the user's platform program (`--app`).
// First: the age worker thread starts loading while the rest loads.
import '../secrets/age-warm-up';
import { runCli } from './run-cli';

// Deep enough to reach the user's frame under ballast's own when their code is called back, and for
// BALLAST_DEBUG=1.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 50);
void runCli(process.argv.slice(2));
