// Preloaded into a measured process (`node -r usage-probe.js ...`): at exit, appends the process's CPU
// time and peak RSS as one JSON line to the file named by BALLAST_BENCH_USAGE.
import * as fs from 'fs';

const file = process.env.BALLAST_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.appendFileSync(file, `${JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, rssMb: usage.maxRSS / 1024 })}\n`);
  });
}
