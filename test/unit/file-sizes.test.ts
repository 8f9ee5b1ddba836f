import * as fs from 'fs';
import * as path from 'path';

// Small files with one purpose: no source file of the library over 350 lines (generated code aside, such
// as the CRD grammar). A file that grows past it is split by purpose, as deployment-plan.ts and
// component.ts were. Mutation: appending 400 blank lines to lib/core/names.ts fails this test.

const LIB = path.resolve(__dirname, '../../lib');
const LIMIT = 350;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [file] : [];
  });
}

test(`no file in lib/ has more than ${LIMIT} lines`, () => {
  const long = sources(LIB)
    .map((file) => ({ file: path.relative(LIB, file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
    .filter((f) => f.lines > LIMIT)
    .map((f) => `${f.file}: ${f.lines}`);
  expect(long).toEqual([]);
});
