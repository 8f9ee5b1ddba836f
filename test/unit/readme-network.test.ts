// The README's security section shows the default platform's connections: the table there is the one
// the plan holds (the NetworkPolicies admit exactly these; test/e2e/network-policies.test.ts checks
// that with cyclonus). Mutation check: a connection added to or dropped from a component changes the
// table and fails this test until the README says so.
import * as fs from 'fs';
import * as path from 'path';
import { connectionTable } from '../support/network-table';
import { defaultPlan } from '../support/synth';

const BEGIN = '<!-- connections:begin (test/unit/readme-network.test.ts) -->';
const END = '<!-- connections:end -->';

it("the README's table of connections is the default platform's", () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf(BEGIN);
  const stop = readme.indexOf(END);
  const table = connectionTable(defaultPlan().plan);
  if (process.env.BALLAST_PRINT_TABLE) fs.writeFileSync(process.env.BALLAST_PRINT_TABLE, table);
  expect(start).toBeGreaterThan(0);
  expect(readme.slice(start + BEGIN.length, stop).trim()).toBe(table);
});
